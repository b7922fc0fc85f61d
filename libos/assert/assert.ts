// libos/assert/assert.ts — the functions of Node 20's `node:assert`: ok, equal/notEqual, strictEqual/notStrictEqual,
// deepEqual/deepStrictEqual and their not* forms, throws/doesNotThrow/rejects/doesNotReject (a class, a RegExp, a
// validation object or Error, or a validation function; Node's messages for each mismatch), match/doesNotMatch,
// ifError and fail, with Node's argument errors (ERR_MISSING_ARGS, ERR_INVALID_ARG_TYPE/VALUE, ERR_AMBIGUOUS_ARGUMENT,
// ERR_INVALID_RETURN_VALUE) and the DEP0094 warning of fail() with several arguments.
// One difference from Node: `assert(x)` / `assert.ok(x)` without a message cannot quote its source expression (Node
// reads the caller's source file; an image carries bytecode and a line map, not the text), so the message is Node's
// own fallback for unreadable sources: "<inspected value> == true".
// Layer: libos. Depends on assertion_error.ts, comparisons.ts and libos/util (inspect, types, errors).

import { ambiguousArgument, invalidArgType, invalidArgValue, invalidReturnValue, missingArgs, validateFunction } from "../util/errors.ts";
import { inspect } from "../util/inspect.ts";
import { isPromise, isRegExp, isNativeError } from "../util/types.ts";
import { AssertionError, type AssertionErrorOptions } from "./assertion_error.ts";
import { isDeepEqual, isDeepStrictEqual } from "./comparisons.ts";

type Fn = (...args: any[]) => any;
const NO_EXCEPTION = {};
const isError = (v: unknown): v is Error => isNativeError(v) || v instanceof Error;

function innerFail(obj: AssertionErrorOptions): never {
  if (obj.message instanceof Error) throw obj.message;
  throw new AssertionError(obj);
}

/** ok()'s check, shared with assert() and assert.strict(): `fn` is the function the user called. */
export function innerOk(fn: Fn, argLen: number, value?: unknown, message?: unknown): void {
  if (value) return;
  let generatedMessage = false;
  if (argLen === 0) {
    generatedMessage = true;
    message = "No value argument passed to `assert.ok()`";
  } else if (message == null) {
    generatedMessage = true;                                // see the file header: no source expression here
  } else if (isError(message)) throw message;
  const err = new AssertionError({ actual: value, expected: true, message, operator: "==", stackStartFn: fn });
  err.generatedMessage = generatedMessage;
  throw err;
}

/** Throws an AssertionError unless `value` is truthy. */
export function ok(...args: unknown[]): void {
  innerOk(ok, args.length, ...args);
}

let failWarned = false;

/** Throws an AssertionError ("Failed", or `message`; the old (actual, expected, message, operator) form is deprecated). */
export function fail(actual?: unknown, expected?: unknown, message?: unknown, operator?: string, stackStartFn?: Fn): never {
  const argsLen = arguments.length;
  let internalMessage = false;
  if (actual == null && argsLen <= 1) {
    internalMessage = true;
    message = "Failed";
  } else if (argsLen === 1) {
    message = actual;
    actual = undefined;
  } else {
    if (!failWarned) {
      failWarned = true;
      globalThis.process?.emitWarning?.("assert.fail() with more than one argument is deprecated. " +
        "Please use assert.strictEqual() instead or only pass a message.", "DeprecationWarning", "DEP0094");
    }
    if (argsLen === 2) operator = "!=";
  }
  if (message instanceof Error) throw message;
  const err = new AssertionError({ actual, expected, operator: operator === undefined ? "fail" : operator,
    stackStartFn: stackStartFn || fail, message });
  if (internalMessage) err.generatedMessage = true;
  throw err;
}

/** Tests `actual == expected` (NaN equals NaN). */
export function equal(actual: unknown, expected: unknown, message?: string | Error): void {
  if (arguments.length < 2) throw missingArgs("actual", "expected");
  // eslint-disable-next-line eqeqeq
  if (actual != expected && (!Number.isNaN(actual) || !Number.isNaN(expected))) {
    innerFail({ actual, expected, message, operator: "==", stackStartFn: equal });
  }
}

/** Tests `actual != expected` (NaN equals NaN). */
export function notEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (arguments.length < 2) throw missingArgs("actual", "expected");
  // eslint-disable-next-line eqeqeq
  if (actual == expected || (Number.isNaN(actual) && Number.isNaN(expected))) {
    innerFail({ actual, expected, message, operator: "!=", stackStartFn: notEqual });
  }
}

/** Tests loose deep equality. */
export function deepEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (arguments.length < 2) throw missingArgs("actual", "expected");
  if (!isDeepEqual(actual, expected)) innerFail({ actual, expected, message, operator: "deepEqual", stackStartFn: deepEqual });
}

/** Tests loose deep inequality. */
export function notDeepEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (arguments.length < 2) throw missingArgs("actual", "expected");
  if (isDeepEqual(actual, expected)) innerFail({ actual, expected, message, operator: "notDeepEqual", stackStartFn: notDeepEqual });
}

/** Tests strict deep equality (failure messages carry a +/- diff). */
export function deepStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (arguments.length < 2) throw missingArgs("actual", "expected");
  if (!isDeepStrictEqual(actual, expected)) {
    innerFail({ actual, expected, message, operator: "deepStrictEqual", stackStartFn: deepStrictEqual });
  }
}

/** Tests strict deep inequality. */
export function notDeepStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (arguments.length < 2) throw missingArgs("actual", "expected");
  if (isDeepStrictEqual(actual, expected)) {
    innerFail({ actual, expected, message, operator: "notDeepStrictEqual", stackStartFn: notDeepStrictEqual });
  }
}

/** Tests Object.is(actual, expected). */
export function strictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (arguments.length < 2) throw missingArgs("actual", "expected");
  if (!Object.is(actual, expected)) innerFail({ actual, expected, message, operator: "strictEqual", stackStartFn: strictEqual });
}

/** Tests !Object.is(actual, expected). */
export function notStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (arguments.length < 2) throw missingArgs("actual", "expected");
  if (Object.is(actual, expected)) innerFail({ actual, expected, message, operator: "notStrictEqual", stackStartFn: notStrictEqual });
}

/** The properties of a thrown error and of its validation object that a failed comparison shows. */
class Comparison {
  [key: string]: unknown;
  constructor(obj: Record<string, unknown>, keys: string[], actual?: Record<string, unknown>) {
    for (const key of keys) {
      if (key in obj) {
        const want = obj[key];
        if (actual !== undefined && typeof actual[key] === "string" && isRegExp(want) && (want as RegExp).exec(actual[key] as string) !== null) {
          this[key] = actual[key];
        } else this[key] = want;
      }
    }
  }
}

function compareExceptionKey(actual: Record<string, unknown>, expected: Record<string, unknown>, key: string,
                             message: unknown, keys: string[], fn: Fn): void {
  if (key in actual && isDeepStrictEqual(actual[key], expected[key])) return;
  if (!message) {
    const err = new AssertionError({ actual: new Comparison(actual, keys), expected: new Comparison(expected, keys, actual),
      operator: "deepStrictEqual", stackStartFn: fn });
    err.actual = actual;
    err.expected = expected;
    err.operator = fn.name;
    throw err;
  }
  innerFail({ actual, expected, message, operator: fn.name, stackStartFn: fn });
}

/** Checks a thrown/rejected value against `expected` (class, RegExp, object, or function). */
function expectedException(actual: unknown, expected: any, message: unknown, fn: Fn): void {
  let generatedMessage = false;
  let throwError = false;
  if (typeof expected !== "function") {
    if (isRegExp(expected)) {
      const str = String(actual);
      if ((expected as RegExp).exec(str) !== null) return;
      if (!message) {
        generatedMessage = true;
        message = `The input did not match the regular expression ${inspect(expected)}. Input:\n\n${inspect(str)}\n`;
      }
      throwError = true;
    } else if (typeof actual !== "object" || actual === null) {
      const err = new AssertionError({ actual, expected, message, operator: "deepStrictEqual", stackStartFn: fn });
      err.operator = fn.name;
      throw err;
    } else {
      const keys = Object.keys(expected);
      if (expected instanceof Error) keys.push("name", "message");
      else if (keys.length === 0) throw invalidArgValue("error", expected, "may not be an empty object", inspect);
      const a = actual as Record<string, unknown>;
      for (const key of keys) {
        if (typeof a[key] === "string" && isRegExp(expected[key]) && (expected[key] as RegExp).exec(a[key] as string) !== null) continue;
        compareExceptionKey(a, expected, key, message, keys, fn);
      }
      return;
    }
  } else if (expected.prototype !== undefined && actual instanceof expected) {
    return;
  } else if (Object.prototype.isPrototypeOf.call(Error, expected)) {
    if (!message) {
      generatedMessage = true;
      message = `The error is expected to be an instance of "${expected.name}". Received `;
      if (isError(actual)) {
        const name = (actual.constructor && actual.constructor.name) || actual.name;
        if (expected.name === name) message += "an error with identical name but a different prototype.";
        else message += `"${name}"`;
        if (actual.message) message += `\n\nError message:\n\n${actual.message}`;
      } else {
        message += `"${inspect(actual, { depth: -1 })}"`;
      }
    }
    throwError = true;
  } else {
    const res = Reflect.apply(expected, {}, [actual]);
    if (res !== true) {
      if (!message) {
        generatedMessage = true;
        const name = expected.name ? `"${expected.name}" ` : "";
        message = `The ${name}validation function is expected to return "true". Received ${inspect(res)}`;
        if (isError(actual)) message += `\n\nCaught error:\n\n${actual}`;
      }
      throwError = true;
    }
  }
  if (throwError) {
    const err = new AssertionError({ actual, expected, message, operator: fn.name, stackStartFn: fn });
    err.generatedMessage = generatedMessage;
    throw err;
  }
}

function getActual(fn: unknown): unknown {
  validateFunction(fn, "fn");
  try {
    fn();
  } catch (e) {
    return e;
  }
  return NO_EXCEPTION;
}

function checkIsPromise(obj: unknown): obj is Promise<unknown> {
  return isPromise(obj) || (obj !== null && typeof obj === "object" &&
    typeof (obj as Promise<unknown>).then === "function" && typeof (obj as Promise<unknown>).catch === "function");
}

async function waitForActual(promiseFn: unknown): Promise<unknown> {
  let result: unknown;
  if (typeof promiseFn === "function") {
    result = promiseFn();
    if (!checkIsPromise(result)) throw invalidReturnValue("instance of Promise", "promiseFn", result);
  } else if (checkIsPromise(promiseFn)) {
    result = promiseFn;
  } else {
    throw invalidArgType("promiseFn", ["Function", "Promise"], promiseFn);
  }
  try {
    await result;
  } catch (e) {
    return e;
  }
  return NO_EXCEPTION;
}

function expectsError(stackStartFn: Fn, actual: unknown, ...rest: unknown[]): void {
  let [error, message] = rest as [any, unknown];
  if (typeof error === "string") {
    if (rest.length === 2) throw invalidArgType("error", ["Object", "Error", "Function", "RegExp"], error);
    if (typeof actual === "object" && actual !== null) {
      if ((actual as Error).message === error) {
        throw ambiguousArgument("error/message", `The error message "${(actual as Error).message}" is identical to the message.`);
      }
    } else if (actual === error) {
      throw ambiguousArgument("error/message", `The error "${actual}" is identical to the message.`);
    }
    message = error;
    error = undefined;
  } else if (error != null && typeof error !== "object" && typeof error !== "function") {
    throw invalidArgType("error", ["Object", "Error", "Function", "RegExp"], error);
  }
  if (actual === NO_EXCEPTION) {
    let details = "";
    if (error && error.name) details += ` (${error.name})`;
    details += message ? `: ${message}` : ".";
    const fnType = stackStartFn === rejects ? "rejection" : "exception";
    innerFail({ actual: undefined, expected: error, operator: stackStartFn.name,
      message: `Missing expected ${fnType}${details}`, stackStartFn });
  }
  if (!error) return;
  expectedException(actual, error, message, stackStartFn);
}

function hasMatchingError(actual: unknown, expected: any): boolean {
  if (typeof expected !== "function") {
    if (isRegExp(expected)) return (expected as RegExp).exec(String(actual)) !== null;
    throw invalidArgType("expected", ["Function", "RegExp"], expected);
  }
  if (expected.prototype !== undefined && actual instanceof expected) return true;
  if (Object.prototype.isPrototypeOf.call(Error, expected)) return false;
  return Reflect.apply(expected, {}, [actual]) === true;
}

function expectsNoError(stackStartFn: Fn, actual: unknown, error?: unknown, message?: unknown): void {
  if (actual === NO_EXCEPTION) return;
  if (typeof error === "string") {
    message = error;
    error = undefined;
  }
  if (!error || hasMatchingError(actual, error)) {
    const details = message ? `: ${message}` : ".";
    const fnType = stackStartFn === doesNotReject ? "rejection" : "exception";
    innerFail({ actual, expected: error, operator: stackStartFn.name,
      message: `Got unwanted ${fnType}${details}\nActual message: "${actual && (actual as Error).message}"`, stackStartFn });
  }
  throw actual;
}

/** Expects `fn` to throw (optionally an error matching `error`). */
export function throws(fn: () => unknown, ...args: unknown[]): void {
  expectsError(throws, getActual(fn), ...args);
}

/** Expects the promise (or the promise `fn` returns) to reject. */
export async function rejects(promiseFn: unknown, ...args: unknown[]): Promise<void> {
  expectsError(rejects, await waitForActual(promiseFn), ...args);
}

/** Expects `fn` not to throw (rethrows what it threw when it does not match `error`). */
export function doesNotThrow(fn: () => unknown, ...args: unknown[]): void {
  expectsNoError(doesNotThrow, getActual(fn), ...args);
}

/** Expects the promise (or the promise `fn` returns) not to reject. */
export async function doesNotReject(fn: unknown, ...args: unknown[]): Promise<void> {
  expectsNoError(doesNotReject, await waitForActual(fn), ...args);
}

/** Throws `err` wrapped in an AssertionError unless it is null or undefined. */
export function ifError(err: unknown): void {
  if (err === null || err === undefined) return;
  let message = "ifError got unwanted exception: ";
  const e = err as Error;
  if (typeof err === "object" && typeof e.message === "string") {
    message += e.message.length === 0 && e.constructor ? e.constructor.name : e.message;
  } else {
    message += inspect(err);
  }
  const newErr = new AssertionError({ actual: err, expected: null, operator: "ifError", message, stackStartFn: ifError });
  const origStack = e.stack;
  if (typeof origStack === "string" && typeof newErr.stack === "string") {
    // The new error's frames down to where the original's begin, then the original's frames.
    const start = origStack.indexOf("\n    at");
    if (start !== -1) {
      const originalFrames = origStack.slice(start + 1).split("\n");
      let newFrames = newErr.stack.split("\n");
      for (const frame of originalFrames) {
        const pos = newFrames.indexOf(frame);
        if (pos !== -1) {
          newFrames = newFrames.slice(0, pos);
          break;
        }
      }
      newErr.stack = `${newFrames.join("\n")}\n${originalFrames.join("\n")}`;
    }
  }
  throw newErr;
}

function internalMatch(string: unknown, regexp: unknown, message: unknown, fn: Fn): void {
  if (!isRegExp(regexp)) throw invalidArgType("regexp", "RegExp", regexp);
  const wantMatch = fn === match;
  if (typeof string !== "string" || ((regexp as RegExp).exec(string) !== null) !== wantMatch) {
    if (message instanceof Error) throw message;
    const generatedMessage = !message;
    message = message || (typeof string !== "string"
      ? `The "string" argument must be of type string. Received type ${typeof string} (${inspect(string)})`
      : (wantMatch ? "The input did not match the regular expression " : "The input was expected to not match the regular expression ") +
        `${inspect(regexp)}. Input:\n\n${inspect(string)}\n`);
    const err = new AssertionError({ actual: string, expected: regexp, message, operator: fn.name, stackStartFn: fn });
    err.generatedMessage = generatedMessage;
    throw err;
  }
}

/** Expects `string` to match `regexp`. */
export function match(string: unknown, regexp: RegExp, message?: string | Error): void {
  internalMatch(string, regexp, message, match);
}

/** Expects `string` not to match `regexp`. */
export function doesNotMatch(string: unknown, regexp: RegExp, message?: string | Error): void {
  internalMatch(string, regexp, message, doesNotMatch);
}

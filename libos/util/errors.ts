// libos/util/errors.ts — Node 20's coded errors for the modules of general use (events, util, assert, os, vm, v8,
// perf_hooks, ...): the class, `code` and message Node's lib/internal/errors.js gives, an own `toString` printing
// "TypeError [CODE]: message" as Node's NodeError does, and the value descriptions of its messages
// ("Received type number (5)", "Received an instance of Foo"). Values are described without util.inspect (which
// is large) wherever Node's message allows; `describe` takes an inspect function for the rest.
// Layer: libos. No dependencies.

type ErrorClass = new (message?: string, options?: { cause?: unknown }) => Error;
export type CodedError = Error & { code: string };

function nodeToString(this: Error & { code: string }): string {
  return `${this.name} [${this.code}]: ${this.message}`;
}

/** An error of class `Base` with Node's own `code` (enumerable) and NodeError's toString. */
export function nodeError(Base: ErrorClass, code: string, message: string, options?: { cause?: unknown }): CodedError {
  const e = (options ? new Base(message, options) : new Base(message)) as CodedError;
  Object.defineProperty(e, "toString", { value: nodeToString, enumerable: false, writable: true, configurable: true });
  e.code = code;
  return e;
}

const KINDS = ["string", "function", "number", "object", "Function", "Object", "boolean", "bigint", "symbol"];
const CLASS_NAME = /^[A-Z][a-zA-Z0-9]*$/;

/** Node's formatList: "a", "a or b", "a, b, or c". */
export function formatList(items: readonly string[], type = "and"): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0]} ${type} ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, ${type} ${items[items.length - 1]}`;
}

/** A short one-level description of an object, as util.inspect(v, { depth: -1 }) gives for plain shapes. */
function shallow(v: object): string {
  if (Array.isArray(v)) return "[Array]";
  const proto = Object.getPrototypeOf(v);
  return proto === null ? "[Object: null prototype]" : "[Object]";
}

/** What Node's messages say a value is ("type string ('x')", "an instance of Map", "null", "function f"). */
export function determineSpecificType(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "bigint": return `type bigint (${value}n)`;
    case "number":
      if (value === 0) return 1 / value === -Infinity ? "type number (-0)" : "type number (0)";
      return `type number (${value})`;
    case "boolean": return `type boolean (${value})`;
    case "symbol": return `type symbol (${String(value)})`;
    case "function": return `function ${value.name}`;
    case "object": {
      const ctor = (value as { constructor?: { name?: unknown } }).constructor;
      if (ctor && "name" in ctor) return `an instance of ${ctor.name}`;
      return shallow(value as object);
    }
    default: {
      let s = value as string;
      if (s.length > 28) s = `${s.slice(0, 25)}...`;
      return s.includes("'") ? `type string (${JSON.stringify(s)})` : `type string ('${s}')`;
    }
  }
}

/** ERR_INVALID_ARG_TYPE. `expected`: type names ("string"), class names ("Buffer") or other words. */
export function invalidArgType(name: string, expected: string | readonly string[], actual: unknown): CodedError {
  const list = typeof expected === "string" ? [expected] : expected;
  let msg = "The ";
  if (name.endsWith(" argument")) msg += `${name} `;
  else msg += `"${name}" ${name.includes(".") ? "property" : "argument"} `;
  msg += "must be ";
  const types: string[] = [], instances: string[] = [], other: string[] = [];
  for (const v of list) {
    if (KINDS.includes(v)) types.push(v.toLowerCase());
    else if (CLASS_NAME.test(v)) instances.push(v);
    else other.push(v);
  }
  if (instances.length > 0) {
    const pos = types.indexOf("object");
    if (pos !== -1) { types.splice(pos, 1); instances.push("Object"); }
  }
  if (types.length > 0) {
    msg += `${types.length > 1 ? "one of type" : "of type"} ${formatList(types, "or")}`;
    if (instances.length > 0 || other.length > 0) msg += " or ";
  }
  if (instances.length > 0) {
    msg += `an instance of ${formatList(instances, "or")}`;
    if (other.length > 0) msg += " or ";
  }
  if (other.length > 0) {
    if (other.length > 1) msg += `one of ${formatList(other, "or")}`;
    else msg += (other[0].toLowerCase() !== other[0] ? "an " : "") + other[0];
  }
  return nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `${msg}. Received ${determineSpecificType(actual)}`);
}

/** Node's addNumericalSeparator: "1_000_000". */
export function addNumericalSeparator(val: string): string {
  let res = "";
  let i = val.length;
  const start = val[0] === "-" ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${val.slice(i - 3, i)}${res}`;
  return `${val.slice(0, i)}${res}`;
}

/** A primitive as util.inspect prints it (numbers, strings in single quotes, ...); objects shallowly. */
export function inspectPrimitive(v: unknown): string {
  switch (typeof v) {
    case "string": {
      const q = !v.includes("'") ? "'" : !v.includes('"') ? '"' : !v.includes("`") ? "`" : "'";
      const esc = v.replace(/[\\\n\r\t\b\f\v]/g, (c) => ({ "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
        "\b": "\\b", "\f": "\\f", "\v": "\\v" })[c] as string);
      return q + (q === "'" ? esc.replace(/'/g, "\\'") : esc) + q;
    }
    case "number": return Object.is(v, -0) ? "-0" : String(v);
    case "bigint": return `${v}n`;
    case "symbol": return String(v);
    case "function": return v.name ? `[Function: ${v.name}]` : "[Function (anonymous)]";
    case "undefined": return "undefined";
    case "boolean": return String(v);
  }
  return v === null ? "null" : shallow(v as object);
}

/** ERR_OUT_OF_RANGE: `The value of "name" is out of range. It must be RANGE. Received X`. */
export function outOfRange(name: string, range: string, input: unknown, replaceDefault = false): CodedError {
  let msg = replaceDefault ? name : `The value of "${name}" is out of range.`;
  let received: string;
  if (Number.isInteger(input) && Math.abs(input as number) > 2 ** 32) received = addNumericalSeparator(String(input));
  else if (typeof input === "bigint") {
    received = String(input);
    if (input > 2n ** 32n || input < -(2n ** 32n)) received = addNumericalSeparator(received);
    received += "n";
  } else received = inspectPrimitive(input);
  msg += ` It must be ${range}. Received ${received}`;
  return nodeError(RangeError, "ERR_OUT_OF_RANGE", msg);
}

/** ERR_INVALID_ARG_VALUE: `The argument 'name' is invalid. Received X` (`inspect` formats X). */
export function invalidArgValue(name: string, value: unknown, reason = "is invalid",
                                inspect: (v: unknown) => string = inspectPrimitive, Base: ErrorClass = TypeError): CodedError {
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return nodeError(Base, "ERR_INVALID_ARG_VALUE", `The ${name.includes(".") ? "property" : "argument"} '${name}' ${reason}. Received ${shown}`);
}

export function validateFunction(value: unknown, name: string): asserts value is (...args: any[]) => unknown {
  if (typeof value !== "function") throw invalidArgType(name, "Function", value);
}

export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string") throw invalidArgType(name, "string", value);
}

export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== "boolean") throw invalidArgType(name, "boolean", value);
}

export function validateObject(value: unknown, name: string, opts: { nullable?: boolean; allowArray?: boolean; allowFunction?: boolean } = {}): void {
  const ok = (opts.nullable && value === null) ||
    (value !== null && (typeof value === "object" || (opts.allowFunction && typeof value === "function")) &&
      (opts.allowArray || !Array.isArray(value)));
  if (!ok) throw invalidArgType(name, "Object", value);
}

export function validateArray(value: unknown, name: string, minLength = 0): asserts value is unknown[] {
  if (!Array.isArray(value)) throw invalidArgType(name, "Array", value);
  if (value.length < minLength) throw invalidArgValue(name, value, `must be longer than ${minLength}`);
}

/** validateNumber: a number, within [min, max] when given (NaN fails any range). */
export function validateNumber(value: unknown, name: string, min?: number, max?: number): asserts value is number {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  if ((min != null && value < min) || (max != null && value > max) || ((min != null || max != null) && Number.isNaN(value))) {
    throw outOfRange(name, `${min != null ? `>= ${min}` : ""}${min != null && max != null ? " && " : ""}${max != null ? `<= ${max}` : ""}`, value);
  }
}

/** validateInteger: a safe integer within [min, max]. */
export function validateInteger(value: unknown, name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  if (!Number.isInteger(value)) throw outOfRange(name, "an integer", value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

/** validateInt32 (Node's message names the bounds only when they are not the int32 defaults too). */
export function validateInt32(value: unknown, name: string, min = -2147483648, max = 2147483647): asserts value is number {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  if (!Number.isInteger(value)) throw outOfRange(name, "an integer", value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

/** An AbortSignal as Node accepts one: undefined, or an object with an `aborted` property. */
export function validateAbortSignal(signal: unknown, name: string): void {
  if (signal !== undefined && (signal === null || typeof signal !== "object" || !("aborted" in signal))) {
    throw invalidArgType(name, "AbortSignal", signal);
  }
}

/** Node's AbortError (name "AbortError", code "ABORT_ERR"). */
export class AbortError extends Error {
  code: string;
  constructor(message = "The operation was aborted", options?: { cause?: unknown }) {
    if (options !== undefined && typeof options !== "object") throw invalidArgType("options", "Object", options);
    super(message, options);
    this.code = "ABORT_ERR";
    this.name = "AbortError";
  }
}

/** ERR_MISSING_ARGS: `The "a" and "b" arguments must be specified` (Node's wording for one, two or more). */
export function missingArgs(...names: string[]): CodedError {
  const quoted = names.map((n) => `"${n}"`);
  const list = quoted.length <= 2 ? quoted.join(" and ") : `${quoted.slice(0, -1).join(", ")}, and ${quoted[quoted.length - 1]}`;
  return nodeError(TypeError, "ERR_MISSING_ARGS", `The ${list} argument${names.length > 1 ? "s" : ""} must be specified`);
}

/** ERR_INVALID_RETURN_VALUE: `Expected <input> to be returned from the "<name>" function but got <type>.` */
export function invalidReturnValue(input: string, name: string, value: unknown): CodedError {
  return nodeError(TypeError, "ERR_INVALID_RETURN_VALUE",
    `Expected ${input} to be returned from the "${name}" function but got ${determineSpecificType(value)}.`);
}

/** ERR_AMBIGUOUS_ARGUMENT: `The "<name>" argument is ambiguous. <reason>` */
export function ambiguousArgument(name: string, reason: string): CodedError {
  return nodeError(TypeError, "ERR_AMBIGUOUS_ARGUMENT", `The "${name}" argument is ambiguous. ${reason}`);
}

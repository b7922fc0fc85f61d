// libos/fs/node/errors.ts — node:fs's errors with Node 20's exact shapes and messages: system errors built like
// libuv's UVException ("ENOENT: no such file or directory, open '/x'" with errno (negative), code, syscall, path,
// dest in that order), Node's coded errors (ERR_INVALID_ARG_TYPE ...: TypeError/RangeError with `code`, and a
// toString of "TypeError [CODE]: message" as Node's NodeError has — except where Node 20 throws the error from C++,
// whose toString is plain), SystemErrors (ERR_FS_EISDIR, ERR_FS_CP_*), AbortError.
// Layer: libos. Depends on ../types.ts (errno numbers and libuv's messages) and libos/util/utf8.ts.

import { utf8Decode } from "../../util/utf8.ts";
import { ERRNO, ERRNO_TEXT, FsError } from "../types.ts";

type ErrorClass = new (message?: string) => Error;

/** How Node 20's NodeError prints itself (String(err), and the first line of its stack in V8). */
function nodeToString(this: Error & { code: string }): string {
  return `${this.name} [${this.code}]: ${this.message}`;
}

/**
 * A Node coded error: an instance of `Base` with an own `code`. `plain` leaves toString alone (errors Node 20
 * raises in C++, such as an invalid fd passed to fs.closeSync, print as "TypeError: ...").
 */
export function codedError(Base: ErrorClass, code: string, message: string, plain = false): Error & { code: string } {
  const e = new Base(message) as Error & { code: string };
  e.code = code;
  if (!plain) Object.defineProperty(e, "toString", { value: nodeToString, enumerable: false, writable: true, configurable: true });
  return e;
}

// ---- value descriptions as Node's messages write them ----

const META: Record<string, string> = { "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\\": "\\\\" };

/** A string as util.inspect quotes it ('...', or "..." / `...` to avoid escaping a quote). */
export function quoteString(s: string): string {
  let q = "'";
  if (s.includes("'")) {
    if (!s.includes('"')) q = '"';
    else if (!s.includes("`") && !s.includes("${")) q = "`";
  }
  return q + s.replace(/[\x00-\x1f\x7f\\'"`]/g, (c) => {
    if (c === q) return "\\" + c;
    if (c === "'" || c === '"' || c === "`") return c;
    return META[c] ?? `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  }) + q;
}

/** util.inspect of the values fs's messages show (primitives, buffers, arrays, plain objects, functions). */
export function inspectValue(v: unknown, depth = 0): string {
  switch (typeof v) {
    case "string": return quoteString(v);
    case "number": return Object.is(v, -0) ? "-0" : String(v);
    case "bigint": return `${v}n`;
    case "symbol": return v.toString();
    case "function": return `[Function: ${v.name || "(anonymous)"}]`;
    case "undefined": return "undefined";
    case "boolean": return String(v);
  }
  if (v === null) return "null";
  if (v instanceof Date) return isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (ArrayBuffer.isView(v)) {
    const ctor = (v as { constructor?: { name?: string; isBuffer?: (x: unknown) => boolean } }).constructor;
    if (v instanceof Uint8Array && ctor?.isBuffer?.(v)) {
      const hex = Array.from(v.subarray(0, 50), (b) => b.toString(16).padStart(2, "0")).join(" ");
      const more = v.length > 50 ? ` ... ${v.length - 50} more byte${v.length - 50 > 1 ? "s" : ""}` : "";
      return `<Buffer${hex ? " " + hex : ""}${more}>`;
    }
    const items = Array.from(v as unknown as ArrayLike<number>, (x) => inspectValue(x));
    return `${ctor?.name ?? "TypedArray"}(${items.length}) [${items.length ? ` ${items.join(", ")} ` : ""}]`;
  }
  if (Array.isArray(v)) {
    if (depth > 2) return "[Array]";
    return v.length ? `[ ${v.map((x) => inspectValue(x, depth + 1)).join(", ")} ]` : "[]";
  }
  if (depth > 2) return "[Object]";
  const entries = Object.keys(v as object).map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : quoteString(k)}: ${inspectValue((v as Record<string, unknown>)[k], depth + 1)}`);
  const name = (v as object).constructor?.name;
  const prefix = name && name !== "Object" ? `${name} ` : "";
  return entries.length ? `${prefix}{ ${entries.join(", ")} }` : `${prefix}{}`;
}

/** Node's determineSpecificType: how ERR_INVALID_ARG_TYPE describes what it received. */
function describeReceived(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "bigint": return `type bigint (${value}n)`;
    case "number":
      if (Object.is(value, -0)) return "type number (-0)";
      return `type number (${value})`;
    case "boolean": return `type boolean (${value})`;
    case "symbol": return `type symbol (${String(value)})`;
    case "function": return `function ${value.name}`;
    case "object": {
      const ctor = (value as object).constructor;
      if (ctor && "name" in ctor) return `an instance of ${ctor.name}`;
      return inspectValue(value);
    }
    case "string": {
      const s = value.length > 28 ? `${value.slice(0, 25)}...` : value;
      return s.includes("'") ? `type string (${JSON.stringify(s)})` : `type string ('${s}')`;
    }
  }
  return `type ${typeof value}`;
}

const TYPES = ["string", "function", "number", "object", "Function", "Object", "boolean", "bigint", "symbol"];

function formatList(items: string[], type: string): string {
  if (items.length <= 2) return items.join(` ${type} `);
  return `${items.slice(0, -1).join(", ")}, ${type} ${items[items.length - 1]}`;
}

/** ERR_INVALID_ARG_TYPE (TypeError), message as Node 20 builds it from the expected types and instances. */
export function invalidArgType(name: string, expected: string | string[], actual: unknown, plain = false): TypeError {
  const list = Array.isArray(expected) ? expected : [expected];
  let msg = "The ";
  if (name.endsWith(" argument")) msg += `${name} `;
  else msg += `"${name}" ${name.includes(".") ? "property" : "argument"} `;
  msg += "must be ";
  const types: string[] = [], instances: string[] = [], other: string[] = [];
  for (const value of list) {
    if (TYPES.includes(value)) types.push(value.toLowerCase());
    else if (/^[A-Z][a-zA-Z0-9]*$/.test(value)) instances.push(value);
    else other.push(value);
  }
  if (instances.length > 0) {
    const pos = types.indexOf("object");
    if (pos !== -1) {
      types.splice(pos, 1);
      instances.push("Object");
    }
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
    else {
      if (other[0].toLowerCase() !== other[0]) msg += "an ";
      msg += other[0];
    }
  }
  msg += `. Received ${describeReceived(actual)}`;
  return codedError(TypeError, "ERR_INVALID_ARG_TYPE", msg, plain) as TypeError;
}

/** ERR_INVALID_ARG_VALUE (TypeError, or RangeError when `Base` says so). */
export function invalidArgValue(name: string, value: unknown, reason = "is invalid", Base: ErrorClass = TypeError): Error {
  let shown = inspectValue(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return codedError(Base, "ERR_INVALID_ARG_VALUE", `The ${name.includes(".") ? "property" : "argument"} '${name}' ${reason}. Received ${shown}`);
}

function addNumericalSeparator(val: string): string {
  let res = "";
  let i = val.length;
  const start = val[0] === "-" ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${val.slice(i - 3, i)}${res}`;
  return `${val.slice(0, i)}${res}`;
}

/** ERR_OUT_OF_RANGE (RangeError): `The value of "name" is out of range. It must be RANGE. Received X`. */
export function outOfRange(name: string, range: string, input: unknown, plain = false): RangeError {
  let received: string;
  if (Number.isInteger(input) && Math.abs(input as number) > 2 ** 32) received = addNumericalSeparator(String(input));
  else if (typeof input === "bigint") {
    received = String(input);
    if (input > 2n ** 32n || input < -(2n ** 32n)) received = addNumericalSeparator(received);
    received += "n";
  } else received = inspectValue(input);
  return codedError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be ${range}. Received ${received}`, plain) as RangeError;
}

export const fsFileTooLarge = (size: number) =>
  codedError(RangeError, "ERR_FS_FILE_TOO_LARGE", `File size (${size}) is greater than 2 GiB`);
export const invalidSymlinkType = (type: string) =>
  codedError(Error, "ERR_FS_INVALID_SYMLINK_TYPE", `Symlink type must be one of "dir", "file", or "junction". Received "${type}"`);
export const incompatibleOptionPair = (a: string, b: string) =>
  codedError(TypeError, "ERR_INCOMPATIBLE_OPTION_PAIR", `Option "${a}" cannot be used in combination with option "${b}"`);
export const dirClosed = () => codedError(Error, "ERR_DIR_CLOSED", "Directory handle was closed");
export const dirConcurrent = () => codedError(Error, "ERR_DIR_CONCURRENT_OPERATION",
  "Cannot do synchronous work on directory handle with concurrent asynchronous operations");
export const methodNotImplemented = (what: string) =>
  codedError(Error, "ERR_METHOD_NOT_IMPLEMENTED", `The ${what} method is not implemented`);
export const invalidState = (what: string) => codedError(Error, "ERR_INVALID_STATE", `Invalid state: ${what}`);
export const streamDestroyed = (what: string) =>
  codedError(Error, "ERR_STREAM_DESTROYED", `Cannot call ${what} after a stream was destroyed`);
export const systemError = (what: string) =>
  codedError(Error, "ERR_SYSTEM_ERROR", `A system error occurred: ${what}`);
export const invalidReturnValue = (input: string, name: string, value: unknown) =>
  codedError(TypeError, "ERR_INVALID_RETURN_VALUE",
    `Expected ${input} to be returned from the "${name}" function but got ${describeReceived(value)}.`);
export const missingArgs = (name: string) =>
  codedError(TypeError, "ERR_MISSING_ARGS", `The "${name}" argument must be specified`);

/** Node's AbortError (name "AbortError", code "ABORT_ERR"; `cause` is the signal's reason). */
export function abortError(reason?: unknown): Error & { code: string } {
  const e = new Error("The operation was aborted") as Error & { code: string; cause?: unknown };
  e.code = "ABORT_ERR";
  e.name = "AbortError";
  Object.defineProperty(e, "cause", { value: reason, enumerable: false, writable: true, configurable: true });
  return e;
}

/** A system error from a file system or the VFS, as libuv and Node report it. */
export interface UvError extends Error {
  errno: number;
  code: string;
  syscall: string;
  path?: string;
  dest?: string;
}

const pathText = (p: unknown): string => (typeof p === "string" ? p : p instanceof Uint8Array ? utf8Decode(p).text : String(p));

/**
 * Node's error for a failed system call: `CODE: description, syscall 'path' -> 'dest'` with errno (negative),
 * code, syscall, path, dest. `e` is an FsError (other exceptions are returned unchanged: programming errors
 * should not be disguised as I/O errors).
 */
export function uvError(e: unknown, syscall: string, path?: unknown, dest?: unknown): unknown {
  if (!(e instanceof FsError)) return e;
  return uvException(e.code, syscall, path, dest);
}

/** The same for a code the node layer decides itself (EBADF for a closed FileHandle, ...). */
export function uvException(code: string, syscall: string, path?: unknown, dest?: unknown): UvError {
  let message = `${code}: ${ERRNO_TEXT[code] ?? "unknown error"}, ${syscall}`;
  const p = path !== undefined && path !== null ? pathText(path) : undefined;
  const d = dest !== undefined && dest !== null ? pathText(dest) : undefined;
  if (p !== undefined) message += ` '${p}'`;
  if (d !== undefined) message += ` -> '${d}'`;
  const err = new Error(message) as UvError;
  err.errno = -(ERRNO[code] ?? 0);
  err.code = code;
  err.syscall = syscall;
  if (p !== undefined) err.path = p;
  if (d !== undefined) err.dest = d;
  return err;
}

/**
 * The same error with its properties in the order Node's older "ctx" bindings give them (errno, syscall, code):
 * fs.writeSync still reports that way in Node 20.
 */
export function ctxOrder(e: unknown): unknown {
  const err = e as UvError;
  if (!(err instanceof Error) || typeof err.errno !== "number" || typeof err.syscall !== "string") return e;
  const { code } = err;
  delete (err as { code?: string }).code;
  err.code = code;
  const { path, dest } = err;
  if (path !== undefined) { delete err.path; err.path = path; }
  if (dest !== undefined) { delete err.dest; err.dest = dest; }
  return err;
}

/** Node's SystemError (ERR_FS_EISDIR, ERR_FS_CP_*): "Prefix: syscall returned CODE (message) path". */
export function nodeSystemError(key: string, prefix: string, context: { code: string; message: string; path?: string; syscall: string; errno: number; dest?: string }): Error & { code: string } {
  let message = `${prefix}: ${context.syscall} returned ${context.code} (${context.message})`;
  if (context.path !== undefined) message += ` ${context.path}`;
  if (context.dest !== undefined) message += ` => ${context.dest}`;
  const err = new Error(message) as Error & { code: string };
  Object.defineProperty(err, "name", { value: "SystemError", enumerable: false, writable: true, configurable: true });
  err.code = key;
  Object.defineProperty(err, "info", { value: context, enumerable: true, configurable: true, writable: false });
  Object.defineProperty(err, "errno", { get: () => context.errno, set: (v) => { context.errno = v; }, enumerable: true, configurable: true });
  Object.defineProperty(err, "syscall", { get: () => context.syscall, set: (v) => { context.syscall = v; }, enumerable: true, configurable: true });
  if (context.path !== undefined) {
    Object.defineProperty(err, "path", { get: () => context.path, set: (v) => { context.path = v; }, enumerable: true, configurable: true });
  }
  if (context.dest !== undefined) {
    Object.defineProperty(err, "dest", { get: () => context.dest, set: (v) => { context.dest = v; }, enumerable: true, configurable: true });
  }
  Object.defineProperty(err, "toString", { value: nodeToString, enumerable: false, writable: true, configurable: true });
  return err;
}

/** Linux errno numbers by name (positive), for SystemError contexts. */
export const errnoOf = (code: string): number => ERRNO[code] ?? 0;

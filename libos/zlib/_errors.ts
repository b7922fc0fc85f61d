// libos/zlib/_errors.ts — Node 20's errors for node:zlib: the coded argument errors (ERR_INVALID_ARG_TYPE,
// ERR_OUT_OF_RANGE, ERR_BUFFER_TOO_LARGE, ERR_BROTLI_INVALID_PARAM, ERR_ZLIB_INITIALIZATION_FAILED) with Node's class,
// `code`, message and "Name [CODE]: message" toString, and the library errors a stream emits (a plain Error with own
// `errno` and `code`, as Node's binding makes them). Private to libos/zlib. Layer: libos. No dependencies.

export type NodeError = Error & { code: string };
export type ZlibError = Error & { errno: number; code: string };

/** An error of class `Ctor` shaped as Node's internal errors: an own enumerable `code`, toString "Name [CODE]: msg". */
function nodeError<E extends Error>(Ctor: new (message: string) => E, code: string, message: string): E & { code: string } {
  const e = new Ctor(message) as E & { code: string };
  Object.defineProperty(e, "toString", {
    value(this: Error) { return `${this.name} [${code}]: ${this.message}`; },
    enumerable: false, writable: true, configurable: true,
  });
  e.code = code;
  return e;
}

const TYPE_NAMES = ["string", "function", "number", "object", "Function", "Object", "boolean", "bigint", "symbol"];
const CLASS_NAME = /^([A-Z][a-z0-9]*)+$/;

function formatList(list: string[], or: string): string {
  return list.length < 3 ? list.join(` ${or} `) : `${list.slice(0, -1).join(", ")}, ${or} ${list[list.length - 1]}`;
}

/** Node's description of a received value: "type string ('x')", "an instance of Foo", "null", ... */
export function describeReceived(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "bigint": return `type bigint (${value}n)`;
    case "number":
      if (value === 0) return 1 / value === -Infinity ? "type number (-0)" : "type number (0)";
      return `type number (${value})`;                      // NaN, Infinity and -Infinity print as themselves
    case "boolean": return `type boolean (${value})`;
    case "symbol": return `type symbol (${String(value)})`;
    case "function": return `function ${(value as { name?: string }).name}`;
    case "object": {
      const ctor = (value as { constructor?: { name?: string } }).constructor;
      if (ctor && "name" in ctor) return `an instance of ${ctor.name}`;
      const keys = Object.keys(value);                      // Node inspects it with depth -1
      return keys.length ? "[Object: null prototype]" : "[Object: null prototype] {}";
    }
    case "string": {
      const s = value.length > 28 ? `${value.slice(0, 25)}...` : value;
      return s.includes("'") ? `type string (${JSON.stringify(s)})` : `type string ('${s}')`;
    }
  }
  return String(value);
}

/** ERR_INVALID_ARG_TYPE: `name` must be one of `expected` (type names, class names, or other descriptions). */
export function invalidArgType(name: string, expected: string | string[], actual: unknown): NodeError {
  const list = Array.isArray(expected) ? expected : [expected];
  let msg = `The "${name}" ${name.includes(".") ? "property" : "argument"} must be `;
  const types: string[] = [], instances: string[] = [], other: string[] = [];
  for (const v of list) {
    if (TYPE_NAMES.includes(v)) types.push(v.toLowerCase());
    else if (CLASS_NAME.test(v)) instances.push(v);
    else other.push(v);
  }
  if (instances.length > 0) {
    const at = types.indexOf("object");
    if (at !== -1) { types.splice(at, 1); instances.push("Object"); }
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
  return nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `${msg}. Received ${describeReceived(actual)}`);
}

function withSeparators(s: string): string {
  let out = "";
  let i = s.length;
  const start = s[0] === "-" ? 1 : 0;
  for (; i >= start + 4; i -= 3) out = `_${s.slice(i - 3, i)}${out}`;
  return `${s.slice(0, i)}${out}`;
}

/** ERR_OUT_OF_RANGE: `The value of "name" is out of range. It must be <range>. Received <value>`. */
export function outOfRange(name: string, range: string, value: unknown): NodeError {
  let shown: string;
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) > 2 ** 32) shown = withSeparators(String(value));
  else if (typeof value === "bigint") {
    shown = String(value);
    if (value > 2n ** 32n || value < -(2n ** 32n)) shown = withSeparators(shown);
    shown += "n";
  } else if (typeof value === "number") shown = Object.is(value, -0) ? "-0" : String(value);
  else shown = typeof value === "string" ? `'${value}'` : String(value);
  return nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`);
}

/** ERR_BUFFER_TOO_LARGE: the output passed maxOutputLength. */
export const bufferTooLarge = (max: number): NodeError =>
  nodeError(RangeError, "ERR_BUFFER_TOO_LARGE", `Cannot create a Buffer larger than ${max} bytes`);

/** ERR_BROTLI_INVALID_PARAM: a params key that is not a Brotli parameter number (or appears twice). */
export const brotliInvalidParam = (key: string): NodeError =>
  nodeError(RangeError, "ERR_BROTLI_INVALID_PARAM", `${key} is not a valid Brotli parameter`);

/** ERR_ZLIB_INITIALIZATION_FAILED: Brotli refused to make a state or to take a parameter. */
export const initializationFailed = (): NodeError =>
  nodeError(Error, "ERR_ZLIB_INITIALIZATION_FAILED", "Initialization failed");

/** The error a stream emits when the library fails: Error(message) with own `errno` and `code`, in that order. */
export function libraryError(message: string, errno: number, code: string): ZlibError {
  const e = new Error(message) as ZlibError;
  e.errno = errno;
  e.code = code;
  return e;
}

/** ERR_INTERNAL_ASSERTION, as Node's internal assert throws it (reset() on a closed stream). */
export const internalAssertion = (message: string): NodeError =>
  nodeError(Error, "ERR_INTERNAL_ASSERTION", `${message}\nThis is caused by either a bug in Node.js or incorrect usage ` +
    "of Node.js internals.\nPlease open an issue with this stack trace at https://github.com/nodejs/node/issues\n");

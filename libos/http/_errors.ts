// libos/http/_errors.ts — Node's coded errors for node:http (same `code`, class and message as Node 20), so apps and
// frameworks that test `err.code` behave as on Node. Private to libos/http (and libos/url). Layer: libos.

/** An error of class `Ctor` with Node's `code` property. */
export function codedError<E extends Error>(Ctor: new (m: string) => E, code: string, message: string): E & { code: string } {
  const e = new Ctor(message) as E & { code: string };
  e.code = code;
  return e;
}

const describe = (v: unknown): string => {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "function") return `function ${(v as { name?: string }).name || "anonymous"}`;
  if (typeof v === "object") {
    const name = (v as object).constructor?.name;
    return name ? `an instance of ${name}` : "[object Object]";
  }
  let shown = String(v);
  if (shown.length > 28) shown = shown.slice(0, 25) + "...";
  if (typeof v === "string") shown = `'${shown}'`;
  return `type ${typeof v} (${shown})`;
};

/** ERR_INVALID_ARG_TYPE: `name` must be one of `expected` (type names such as "string", "Buffer"). */
export function invalidArgType(name: string, expected: string | string[], actual: unknown): TypeError {
  const list = Array.isArray(expected) ? expected : [expected];
  const types = list.length > 1 ? `one of type ${list.slice(0, -1).join(", ")}, or ${list[list.length - 1]}` : `of type ${list[0]}`;
  const what = name.includes(".") ? "property" : "argument";
  return codedError(TypeError, "ERR_INVALID_ARG_TYPE", `The "${name}" ${what} must be ${types}. Received ${describe(actual)}`);
}

/** ERR_INVALID_ARG_VALUE. */
export function invalidArgValue(name: string, value: unknown, reason = "is invalid"): TypeError {
  let shown: string;
  try { shown = typeof value === "string" ? `'${value}'` : JSON.stringify(value) ?? String(value); } catch { shown = String(value); }
  return codedError(TypeError, "ERR_INVALID_ARG_VALUE", `The argument '${name}' ${reason}. Received ${shown}`);
}

export const headersSent = (action: string) =>
  codedError(Error, "ERR_HTTP_HEADERS_SENT", `Cannot ${action} headers after they are sent to the client`);
export const invalidToken = (what: string, name: unknown) =>
  codedError(TypeError, "ERR_INVALID_HTTP_TOKEN", `${what} must be a valid HTTP token ["${String(name)}"]`);
export const invalidHeaderValue = (value: unknown, name: string) =>
  codedError(TypeError, "ERR_HTTP_INVALID_HEADER_VALUE", `Invalid value "${String(value)}" for header "${name}"`);
export const invalidChar = (name: string, field?: string) =>
  codedError(TypeError, "ERR_INVALID_CHAR", `Invalid character in ${name}${field ? ` ["${field}"]` : ""}`);
export const invalidStatusCode = (code: unknown) =>
  codedError(RangeError, "ERR_HTTP_INVALID_STATUS_CODE", `Invalid status code: ${String(code)}`);
export const writeAfterEnd = () => codedError(Error, "ERR_STREAM_WRITE_AFTER_END", "write after end");
export const streamDestroyed = (op: string) =>
  codedError(Error, "ERR_STREAM_DESTROYED", `Cannot call ${op} after a stream was destroyed`);
export const nullValues = () => codedError(TypeError, "ERR_STREAM_NULL_VALUES", "May not write null values to stream");
export const alreadyFinished = (op: string) =>
  codedError(Error, "ERR_STREAM_ALREADY_FINISHED", `Cannot call ${op} after a stream was finished`);
export const trailerInvalid = () =>
  codedError(Error, "ERR_HTTP_TRAILER_INVALID", "Trailers are invalid with this transfer encoding");
export const socketAssigned = () => codedError(Error, "ERR_HTTP_SOCKET_ASSIGNED", "ServerResponse has an already assigned socket");
export const contentLengthMismatch = (actual: number, expected: number) =>
  codedError(Error, "ERR_HTTP_CONTENT_LENGTH_MISMATCH", `Response body's content-length of ${actual} byte(s) does not match the content-length of ${expected} byte(s) set in header`);
export const bodyNotAllowed = () =>
  codedError(Error, "ERR_HTTP_BODY_NOT_ALLOWED", "Adding content for this request method or response status is not allowed.");
export const invalidProtocol = (got: string, expected: string) =>
  codedError(TypeError, "ERR_INVALID_PROTOCOL", `Protocol "${got}" not supported. Expected "${expected}"`);
export const unescapedCharacters = (what: string) =>
  codedError(TypeError, "ERR_UNESCAPED_CHARACTERS", `${what} contains unescaped characters`);
export const requestTimeout = () => codedError(Error, "ERR_HTTP_REQUEST_TIMEOUT", "Request timeout");
export const notImplemented = (what: string) =>
  codedError(Error, "ERR_METHOD_NOT_IMPLEMENTED", `The ${what} method is not implemented`);

/** Node's ECONNRESET for a request whose socket went away ("socket hang up", "aborted"). */
export function connReset(message: string): Error & { code: string } {
  return codedError(Error, "ECONNRESET", message);
}

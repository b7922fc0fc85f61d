// libos/http/_errors.ts — Node's coded errors for node:http (same `code`, class and message as Node 20), so apps and
// frameworks that test `err.code` behave as on Node. Private to libos/http (and libos/url). The names are
// node:http's; the errors are made by the shared module (libos/internal/errors.ts). Layer: libos.

import { inspect } from "../console/inspect.ts";
import { invalidArgValue as sharedInvalidArgValue, nodeError } from "../internal/errors.ts";

/** An error of class `Ctor` with Node's `code` property (and NodeError's "Name [code]: message" toString). */
export function codedError<E extends Error>(Ctor: new (m: string) => E, code: string, message: string): E & { code: string } {
  return nodeError(Ctor as unknown as ErrorConstructor, code, message) as E & { code: string };
}

/** ERR_INVALID_ARG_TYPE: `name` must be one of `expected` (type names such as "string", class names such as
 *  "Buffer", or other words), with Node's exact message. */
export { invalidArgType } from "../internal/errors.ts";

/** ERR_INVALID_ARG_VALUE: "The argument 'name' is invalid. Received <util.inspect of the value>". */
export const invalidArgValue = (name: string, value: unknown, reason = "is invalid"): TypeError =>
  sharedInvalidArgValue(name, value, reason, inspect) as TypeError;

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

/** Node's ConnResetException: ECONNRESET for a request whose socket went away ("socket hang up", "aborted"); a
 *  plain Error with a code (no NodeError toString). */
export function connReset(message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code: "ECONNRESET" });
}

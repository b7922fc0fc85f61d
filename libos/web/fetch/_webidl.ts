// libos/web/fetch/_webidl.ts — the argument checks undici (Node 20's fetch) makes, with its exact messages:
// argument counts, foreign receivers ("Illegal invocation"), HTTP tokens and header values.
// Layer: libos (web). Depends on libos/util/errors.ts.
import { nodeError } from "../../util/errors.ts";

/** "X.y: 2 arguments required, but only 1 found." */
export function argCount(context: string, min: number, length: number): void {
  if (length < min) {
    throw new TypeError(`${context}: ${min} argument${min !== 1 ? "s" : ""} required, but${length ? " only" : ""} ${length} found.`);
  }
}

/** undici's brand-check failure. */
export function illegalInvocation(): Error {
  return nodeError(TypeError, "ERR_INVALID_THIS", "Illegal invocation");
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** An RFC 9110 token (header names, methods). */
export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

/** Strips leading and trailing HTTP whitespace (tab, LF, CR, space). */
export function normaliseValue(v: string): string {
  return v.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
}

/** A header value after normalisation: no NUL, CR or LF. */
export function isValidValue(v: string): boolean {
  return !/[\0\r\n]/.test(v);
}

/** WebIDL ByteString: every code unit ≤ 0xFF, else TypeError. */
export function byteString(v: unknown, _context: string, _what: string): string {
  const s = `${v as string}`;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 255) {
      throw new TypeError(`Cannot convert argument to a ByteString because the character at index ${i} has a value of ${s.charCodeAt(i)} which is greater than 255.`);
    }
  }
  return s;
}

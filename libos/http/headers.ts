// libos/http/headers.ts — header rules shared by requests and responses: token and value validation
// (validateHeaderName / validateHeaderValue, as Node's), and how received header lines are folded into the
// `headers` object (lower-cased names; duplicates dropped, joined with ", " or "; ", or collected for set-cookie,
// exactly as Node's IncomingMessage does). Layer: libos. No dependencies.

import { invalidChar, invalidHeaderValue, invalidToken } from "./_errors.ts";

const TOKEN = /^[-\^_`a-zA-Z0-9!#$%&'*+.|~]+$/;
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** True if `s` is an HTTP token (RFC 9110 tchar+): what method and header names must be. */
export function checkIsHttpToken(s: string): boolean {
  return TOKEN.test(s);
}

/** True if `s` holds a character not allowed in a header value (controls other than tab, or above U+00FF). */
export function checkInvalidHeaderChar(s: string): boolean {
  return INVALID_HEADER_CHAR.test(s);
}

/**
 * Throws ERR_INVALID_HTTP_TOKEN unless `name` is a non-empty HTTP token (Node's http.validateHeaderName).
 * @example validateHeaderName("x-id"); // ok
 */
export function validateHeaderName(name: unknown, label = "Header name"): asserts name is string {
  if (typeof name !== "string" || !name || !checkIsHttpToken(name)) throw invalidToken(label, name);
}

/**
 * Throws ERR_HTTP_INVALID_HEADER_VALUE for `undefined` and ERR_INVALID_CHAR for values with forbidden characters
 * (Node's http.validateHeaderValue). Arrays are checked element by element.
 */
export function validateHeaderValue(name: string, value: unknown): void {
  if (value === undefined) throw invalidHeaderValue(value, name);
  if (Array.isArray(value)) {
    for (const v of value) if (checkInvalidHeaderChar(String(v))) throw invalidChar("header content", name);
    return;
  }
  if (checkInvalidHeaderChar(String(value))) throw invalidChar("header content", name);
}

/** Received header fields whose duplicates Node drops (the first one wins). */
const SINGLE = new Set([
  "content-type", "content-length", "user-agent", "referer", "host", "authorization", "proxy-authorization",
  "if-modified-since", "if-unmodified-since", "from", "location", "max-forwards", "retry-after", "etag",
  "last-modified", "server", "age", "expires",
]);

/** Received headers as Node exposes them: lower-cased names; `set-cookie` is always an array. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/**
 * Adds one received header line to `dest` as Node does: `set-cookie` values collect in an array; `cookie` values
 * join with "; "; the SINGLE fields keep their first value (or join with ", " when `joinDuplicates`); all others
 * join with ", ".
 */
export function addHeaderLine(field: string, value: string, dest: IncomingHeaders, joinDuplicates = false): void {
  const name = field.toLowerCase();
  const prev = dest[name];
  if (name === "set-cookie") {
    if (Array.isArray(prev)) prev.push(value);
    else dest[name] = [value];
  } else if (SINGLE.has(name)) {
    if (prev === undefined) dest[name] = value;
    else if (joinDuplicates) dest[name] = prev + ", " + value;
  } else if (typeof prev === "string") {
    dest[name] = prev + (name === "cookie" ? "; " : ", ") + value;
  } else {
    dest[name] = value;
  }
}

/** Folds a flat [name, value, name, value, ...] list (at most `n` entries) into a headers object. */
export function addHeaderLines(raw: string[], n: number, dest: IncomingHeaders, joinDuplicates = false): void {
  for (let i = 0; i + 1 < n; i += 2) addHeaderLine(raw[i], raw[i + 1], dest, joinDuplicates);
}

/** Node's test for "Connection: close" and friends inside a header value. */
export const RE_CONN_CLOSE = /(?:^|\W)close(?:$|\W)/i;
/** Node's test for a chunked transfer coding inside a header value. */
export const RE_TE_CHUNKED = /(?:^|\W)chunked(?:$|\W)/i;

/**
 * The raw header list Node keeps for a message with `maxPairs` (maxHeadersCount × 2; 0 or less: no limit): Node's
 * parser hands headers over in batches of 31 once there are more than 31, and a batch is kept only while fewer
 * than `maxPairs` entries were kept before it.
 */
export function keptRawHeaders(raw: string[], maxPairs: number): string[] {
  if (raw.length <= 62) return raw;
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 62) {
    if (maxPairs > 0 && kept.length >= maxPairs) break;
    for (let j = i; j < i + 62 && j < raw.length; j++) kept.push(raw[j]);
  }
  return kept;
}

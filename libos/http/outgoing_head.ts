// libos/http/outgoing_head.ts — how an outgoing message's head is written: the header block after the start line,
// then the framing Node adds (Date, Connection: keep-alive / close, Keep-Alive: timeout=N, Content-Length or
// Transfer-Encoding: chunked), decided exactly as Node 20's OutgoingMessage._storeHeader does. Layer: libos.

import { invalidArgValue, invalidChar, trailerInvalid } from "./_errors.ts";
import { checkInvalidHeaderChar, RE_CONN_CLOSE, RE_TE_CHUNKED, validateHeaderName, validateHeaderValue } from "./headers.ts";

/** The framing state of an outgoing message that writing its head reads and sets (fields of OutgoingMessage). */
export interface HeadState {
  sendDate: boolean;
  chunkedEncoding: boolean;
  shouldKeepAlive: boolean;
  useChunkedEncodingByDefault: boolean;
  maxRequestsOnConnectionReached: boolean;
  _last: boolean;
  _removedConnection: boolean;
  _removedContLen: boolean;
  _removedTE: boolean;
  _contentLength: number | null;
  _defaultKeepAlive: boolean;
  _keepAliveTimeout: number;
  _maxRequestsPerSocket?: number;
  _hasBody: boolean;
  _header: string | null;
  _headerSent: boolean;
  statusCode?: number;
  agent?: unknown;
}

/** Headers as setHeader stores them: lower-cased name → [name as given, value]. */
export type OutHeaders = Record<string, [string, unknown]>;

interface Scan { connection: boolean; contLen: boolean; te: boolean; date: boolean; expect: boolean; trailer: boolean; header: string }

let dateCache = "";
let dateSecond = -1;

/** The current time as an HTTP date ("Thu, 01 Jan 1970 00:00:00 GMT"), recomputed at most once a second. */
export function utcDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateCache = new Date(now).toUTCString();
  }
  return dateCache;
}

function matchHeader(msg: HeadState, scan: Scan, field: string, value: string): void {
  if (field.length < 4 || field.length > 17) return;
  switch (field.toLowerCase()) {
    case "connection":
      scan.connection = true;
      msg._removedConnection = false;
      if (RE_CONN_CLOSE.test(value)) msg._last = true;
      else msg.shouldKeepAlive = true;
      break;
    case "transfer-encoding":
      scan.te = true;
      msg._removedTE = false;
      if (RE_TE_CHUNKED.test(value)) msg.chunkedEncoding = true;
      break;
    case "content-length":
      scan.contLen = true;
      msg._contentLength = +value;
      msg._removedContLen = false;
      break;
    case "date": scan.date = true; break;
    case "expect": scan.expect = true; break;
    case "trailer": scan.trailer = true; break;
    case "keep-alive": msg._defaultKeepAlive = false; break;
  }
}

function storeHeader(msg: HeadState, scan: Scan, key: string, value: unknown, validate: boolean): void {
  if (validate) validateHeaderValue(key, value);
  const text = typeof value === "string" ? value : String(value);
  scan.header += key + ": " + text + "\r\n";
  matchHeader(msg, scan, key, text);
}

/** Header names already found valid (a server writes the same few names on every response). */
const validNames = new Set<string>();

function processHeader(msg: HeadState, scan: Scan, key: string, value: unknown, validate: boolean): void {
  if (validate && !validNames.has(key)) {
    validateHeaderName(key);
    if (validNames.size < 512) validNames.add(key);
  }
  if (Array.isArray(value)) {
    if (value.length < 2 || key.length !== 6 || key.toLowerCase() !== "cookie") {
      for (const v of value) storeHeader(msg, scan, key, v, validate);
      return;
    }
    value = value.join("; ");
  }
  storeHeader(msg, scan, key, value, validate);
}

/**
 * Builds `msg._header` from `firstLine` ("HTTP/1.1 200 OK\r\n" or "GET / HTTP/1.1\r\n") and `headers` (the stored
 * OutHeaders, a plain object, a flat [k, v, k, v] array or [[k, v], ...]). Returns true if the head must be sent
 * at once (an Expect header).
 */
export function storeHead(msg: HeadState, firstLine: string, headers: unknown, stored: OutHeaders | null): boolean {
  const scan: Scan = { connection: false, contLen: false, te: false, date: false, expect: false, trailer: false, header: firstLine };
  if (headers) {
    if (headers === stored) {
      for (const key in stored) processHeader(msg, scan, stored[key][0], stored[key][1], false);
    } else if (Array.isArray(headers)) {
      if (headers.length && Array.isArray(headers[0])) {
        for (const entry of headers as [string, unknown][]) processHeader(msg, scan, entry[0], entry[1], true);
      } else {
        if (headers.length % 2 !== 0) throw invalidArgValue("headers", headers);
        for (let n = 0; n < headers.length; n += 2) processHeader(msg, scan, headers[n], headers[n + 1], true);
      }
    } else {
      const obj = headers as Record<string, unknown>;
      for (const key in obj) if (Object.prototype.hasOwnProperty.call(obj, key)) processHeader(msg, scan, key, obj[key], true);
    }
  }
  let header = scan.header;
  if (msg.sendDate && !scan.date) header += "Date: " + utcDate() + "\r\n";
  // 204 and 304 must not have a body: no zero chunk, and the connection closes instead.
  if (msg.chunkedEncoding && (msg.statusCode === 204 || msg.statusCode === 304)) {
    msg.chunkedEncoding = false;
    msg.shouldKeepAlive = false;
  }
  if (msg._removedConnection) {
    msg._last = true;
    msg.shouldKeepAlive = false;
  } else if (!scan.connection) {
    const sendKeepAlive = msg.shouldKeepAlive && (scan.contLen || msg.useChunkedEncodingByDefault || msg.agent);
    if (sendKeepAlive && msg.maxRequestsOnConnectionReached) {
      header += "Connection: close\r\n";
    } else if (sendKeepAlive) {
      header += "Connection: keep-alive\r\n";
      if (msg._keepAliveTimeout && msg._defaultKeepAlive) header += keepAliveLine(msg._keepAliveTimeout, msg._maxRequestsPerSocket);
    } else {
      msg._last = true;
      header += "Connection: close\r\n";
    }
  }
  if (!scan.contLen && !scan.te) {
    if (!msg._hasBody) {
      msg.chunkedEncoding = false;
    } else if (!msg.useChunkedEncodingByDefault) {
      msg._last = true;
    } else if (!scan.trailer && !msg._removedContLen && typeof msg._contentLength === "number") {
      header += "Content-Length: " + msg._contentLength + "\r\n";
    } else if (!msg._removedTE) {
      header += "Transfer-Encoding: chunked\r\n";
      msg.chunkedEncoding = true;
    } else {
      msg._last = true;                    // no framing at all: the body ends when the connection does
    }
  }
  if (msg.chunkedEncoding !== true && scan.trailer) throw trailerInvalid();
  msg._header = header + "\r\n";
  msg._headerSent = false;
  return scan.expect;
}

let keepAliveTimeout = -1;
let keepAliveMax: number | undefined = -1;
let keepAliveText = "";

/** "Keep-Alive: timeout=N[, max=M]\r\n", remembered for the last settings (a server's are the same every time). */
function keepAliveLine(timeoutMs: number, maxRequests: number | undefined): string {
  if (timeoutMs !== keepAliveTimeout || maxRequests !== keepAliveMax) {
    const max = ~~(maxRequests ?? 0) > 0 ? `, max=${maxRequests}` : "";
    keepAliveText = `Keep-Alive: timeout=${Math.floor(timeoutMs / 1000)}${max}\r\n`;
    keepAliveTimeout = timeoutMs;
    keepAliveMax = maxRequests;
  }
  return keepAliveText;
}

/** Renders trailers for addTrailers(): "name: value\r\n" lines; arrays repeat the field. */
export function renderTrailers(headers: Record<string, unknown> | [string, unknown][]): string {
  let out = "";
  const isArray = Array.isArray(headers);
  for (const key of Object.keys(headers)) {
    const field = isArray ? (headers as [string, unknown][])[+key][0] : key;
    let value = isArray ? (headers as [string, unknown][])[+key][1] : (headers as Record<string, unknown>)[key];
    validateHeaderName(field, "Trailer name");
    if (Array.isArray(value) && value.length > 1) {
      for (const v of value) {
        if (checkInvalidHeaderChar(String(v))) throw invalidChar("trailer content", field);
        out += field + ": " + v + "\r\n";
      }
      continue;
    }
    if (Array.isArray(value)) value = value.join("; ");
    if (checkInvalidHeaderChar(String(value))) throw invalidChar("trailer content", field);
    out += field + ": " + value + "\r\n";
  }
  return out;
}

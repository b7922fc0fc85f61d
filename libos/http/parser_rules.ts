// libos/http/parser_rules.ts — what makes http-parser-js as strict as Node 20's llhttp: overrides of its line
// states (bytes read as latin1 not 7-bit ASCII; CRLF required inside a head; token methods from METHODS; request
// targets "/..", "*..", "scheme://..", or an authority for CONNECT; HTTP/0.9 request lines without a version;
// versions 0.9/1.0/1.1/2.0; token header names; no control characters in values; no obs-fold; hex chunk sizes with
// token extensions) and `partialLineError`, which rejects a line as soon as its received prefix cannot become
// valid (llhttp fails on the first bad byte, not at the end of the line). Inside images a whole head in one chunk
// is read by the native scanner instead (native_head.ts, boot/native/http_head.c), which answers as these rules
// do. Layer: libos. Depends on http-parser-js.

import { HTTPParser as PackageParser } from "http-parser-js/http-parser.js";
import { platformOrNull } from "../../kernel/platform.ts";
import { METHODS } from "./constants.ts";
import { HH, headOut, headScanner } from "./native_head.ts";

/** A parse error as Node reports one (`err.code` is HPE_*; bytesParsed and rawPacket are filled by the parser). */
export class HttpParseError extends Error {
  bytesParsed = 0;
  rawPacket?: Uint8Array;

  constructor(readonly code: string, reason: string) {
    super(`Parse Error: ${reason}`);
  }
}

/** The fields of an http-parser-js instance that we use. */
export interface RawParser {
  state: string;
  line: string;
  chunk: Uint8Array & { toString(enc: string, start: number, end: number): string };
  offset: number;
  end: number;
  info: { headers: string[]; method?: string; url?: string; versionMajor: number; versionMinor: number;
    statusCode?: number; statusMessage?: string; upgrade: boolean };
  trailers: string[];
  body_bytes: number | null;
  isChunked: boolean;
  isUserCall: boolean;
  type: string;
  /** Head bytes counted so far for this message (URL or status text, header names and values), as Node counts. */
  headBytes: number;
  /** maxHeaderSize. */
  headLimit: number;
  /** The native scanner took the head: the next line read is its empty line (2 bytes at offset). */
  nativeHeadEnd?: boolean;
  connection: string;
  userCall(): (ret: unknown) => unknown;
  parseHeader(line: string, headers: string[]): void;
  shouldKeepAlive(): boolean;
  nextRequest(): void;
  consumeLine(): string | undefined;
  execute(chunk: Uint8Array, start?: number, length?: number): number | Error;
  finish(): Error | undefined;
  [k: number]: (...args: unknown[]) => unknown;
}

/** http-parser-js's constructor, typed. */
export const Base = PackageParser as unknown as { (this: RawParser, type: string): void; prototype: RawParser;
  REQUEST: string; RESPONSE: string; kOnHeaders: number; kOnHeadersComplete: number; kOnBody: number; kOnMessageComplete: number };

const TCHAR = "-!#$%&'*+.^_`|~0-9A-Za-z";
const TARGET = "[\\x21-\\x7e]+";
const REQUEST_LINE = new RegExp(`^([${TCHAR}]+) +(${TARGET}|(?=$))(?: +HTTP/(\\d)\\.(\\d))?$`);
const HEADER_LINE = new RegExp(`^([${TCHAR}]+):[ \\t]*(.*)$`);
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const CHUNK_SIZE = new RegExp(`^([0-9A-Fa-f]{1,16})((?:;[${TCHAR}]+(?:=(?:[${TCHAR}]+|"(?:[^"\\\\]|\\\\.)*"))?)*)$`);
const ORIGIN_FORM = /^[/*]/;
const AUTHORITY_FORM = /^[^\x00-\x20\x7f-\xff"<>\\^`{|}#]*$/;
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const VERSIONS = new Set(["09", "10", "11", "20"]);

/** Head states: lines there must end in CRLF and count against maxHeaderSize. */
export const HEAD_STATES: Record<string, boolean> = { REQUEST_LINE: true, RESPONSE_LINE: true, HEADER: true };

function trimEnd(s: string): string {
  let e = s.length;
  while (e > 0 && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
  return s.slice(0, e);
}

const indexOfByte = Uint8Array.prototype.indexOf as (this: Uint8Array, byte: number, from: number) => number;

type Decode = (bytes: Uint8Array, start: number, end: number) => string;
let decodeLatin1: Decode | undefined;

/** bytes[start..end) as latin1: the engine's decoder directly where there is one (images), else Buffer's. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (decodeLatin1 === undefined) {
    const p = platformOrNull();
    const d = p?.textDecode;
    decodeLatin1 = d ? (b, s, e) => d.call(p, b, s, e, 1) : (b, s, e) => (b as RawParser["chunk"]).toString("latin1", s, e);
  }
  return decodeLatin1(bytes, start, end);
}

/** http-parser-js's prototype with our line states: the prototype of every parser we make. */
export const Strict = Object.create(Base.prototype) as RawParser & Record<string, unknown>;

Strict.consumeLine = function (this: RawParser): string | undefined {
  if (this.nativeHeadEnd) {                               // (nativeHead: the "\r\n" that ends the head)
    this.nativeHeadEnd = false;
    this.offset += 2;
    return "";
  }
  const chunk = this.chunk;
  // The engine's indexOf finds the LF (a JS loop costs ~1 µs per byte under TCG); one pass at most.
  const i = indexOfByte.call(chunk, 0x0a, this.offset);
  if (i !== -1 && i < this.end) {
    const part = latin1(chunk, this.offset, i);
    const line = this.line === "" ? part : this.line + part;
    this.line = "";
    this.offset = i + 1;
    if (line.charCodeAt(line.length - 1) === 13) return line.slice(0, -1);
    if (line === "" && (this.state === "REQUEST_LINE" || this.state === "RESPONSE_LINE")) return "";
    if (this.state === "REQUEST_LINE" && /^[^ ]+ +[^ ]*$/.test(line)) return line;    // HTTP/0.9 form: LF alone is fine
    const counted = HEAD_STATES[this.state] || this.state === "BODY_CHUNKTRAILERS";
    if (counted && this.headBytes + line.length >= this.headLimit) throw overflow();   // the limit came first
    throw new HttpParseError("HPE_CR_EXPECTED", "Missing expected CR after header value");
  }
  this.line += latin1(chunk, this.offset, this.end);
  this.offset = this.end;
  return undefined;
};

/**
 * At the start of a message (nothing of it buffered), hands the head to the native scanner where there is one
 * (native_head.ts): when the whole head is in this chunk and valid, sets what the start line and header rules would
 * have set and leaves the parser before the head's empty line, which the HEADER rule then reads as for any head.
 * Returns false otherwise (no scanner, an unfinished head, an error): the rules read the same bytes themselves.
 */
function nativeHead(p: RawParser, response: number): boolean {
  const s = headScanner();
  if (s === null) return false;
  const out = headOut;
  const end = s.httpHead(p.chunk, p.offset, p.end, response, p.headLimit, out);
  if (end <= 0) return false;
  const fields = s.httpHeadStrings(p.chunk, out);
  const text = fields.pop() as string;
  const info = p.info;
  info.versionMajor = out[HH.MAJOR];
  info.versionMinor = out[HH.MINOR];
  if (response) {
    const code = out[HH.METHOD];
    info.statusCode = code;
    info.statusMessage = text;
    if ((code / 100 | 0) === 1 || code === 204 || code === 304) p.body_bytes = 0;   // as http-parser-js's rule
  } else {
    info.method = METHODS[out[HH.METHOD]];
    info.url = text;
    p.body_bytes = 0;
  }
  info.headers = fields;
  p.headBytes = out[HH.BYTES];
  p.state = "HEADER";
  p.offset = end - 2;
  p.nativeHeadEnd = true;
  return true;
}

Strict.REQUEST_LINE = function (this: RawParser): void {
  if (this.line === "" && nativeHead(this, 0)) return;
  let line = this.consumeLine();
  if (line !== undefined && line.charCodeAt(0) === 13) line = line.replace(/^\r+/, "");  // llhttp skips CRs before a request
  if (!line) return;                                      // incomplete, or an empty line before the request
  const m = REQUEST_LINE.exec(line);
  if (!m) throw new HttpParseError("HPE_INVALID_CONSTANT", "Expected HTTP/");
  if (METHODS.indexOf(m[1]) === -1) throw new HttpParseError("HPE_INVALID_METHOD", "Invalid method encountered");
  if (m[1] === "CONNECT" ? !AUTHORITY_FORM.test(m[2]) : !ORIGIN_FORM.test(m[2]) && !ABSOLUTE_FORM.test(m[2])) {
    // (only CONNECT may have an empty target, and only without a version: "CONNECT \r\n")
    throw new HttpParseError("HPE_INVALID_URL", "Invalid URL");
  }
  const version = m[3] === undefined ? "09" : m[3] + m[4];
  if (!VERSIONS.has(version)) throw new HttpParseError("HPE_INVALID_VERSION", "Invalid HTTP version");
  this.headBytes = m[2].length;
  if (this.headBytes >= this.headLimit) throw overflow();
  this.info.method = m[1];
  this.info.url = m[2];
  this.info.versionMajor = +version[0];
  this.info.versionMinor = +version[1];
  this.body_bytes = 0;
  this.state = "HEADER";
};

const packageResponseLine = (Base.prototype as unknown as Record<string, (this: RawParser) => void>).RESPONSE_LINE;
Strict.RESPONSE_LINE = function (this: RawParser): void {
  if (this.line === "" && nativeHead(this, 1)) return;
  packageResponseLine.call(this);
  if (this.state === "HEADER") this.headBytes = (this.info.statusMessage ?? "").length;
};

/** The head grew past maxHeaderSize. */
export const overflow = () => new HttpParseError("HPE_HEADER_OVERFLOW", "Header overflow");

Strict.parseHeader = function (this: RawParser, line: string, headers: string[]): void {
  const m = HEADER_LINE.exec(line);
  if (!m) throw new HttpParseError("HPE_INVALID_HEADER_TOKEN", "Invalid header token");
  const value = trimEnd(m[2]);
  const bad = value.search(BAD_VALUE);
  // Node counts bytes as they arrive: whichever comes first, the limit or a bad character, is the error.
  if (this.headBytes + m[1].length + (bad === -1 ? value.length : bad) >= this.headLimit) throw overflow();
  if (bad !== -1) throw new HttpParseError("HPE_INVALID_HEADER_TOKEN", "Invalid header value char");
  const lower = m[1].length === 14 || m[1].length === 17 ? m[1].toLowerCase() : "";
  if (this.state === "HEADER" && this.type === "REQUEST" && (lower === "content-length" || lower === "transfer-encoding")) {
    const other = lower === "content-length" ? "transfer-encoding" : "content-length";
    for (let i = 0; i < headers.length; i += 2) {
      if (headers[i].length === other.length && headers[i].toLowerCase() === other) {
        throw new HttpParseError("HPE_UNEXPECTED_CONTENT_LENGTH", "Content-Length can't be present with Transfer-Encoding");
      }
    }
  }
  this.headBytes += m[1].length + value.length;
  if (m[1].length === 14 && m[1].toLowerCase() === "content-length") {   // llhttp checks it as it arrives
    // (an empty value fails only when the head is complete, as in llhttp)
    if (value !== "" && !validContentLength(value)) throw new HttpParseError("HPE_INVALID_CONTENT_LENGTH", "Invalid character in Content-Length");
    for (let i = 0; i < headers.length; i += 2) {
      if (headers[i].toLowerCase() === "content-length") throw new HttpParseError("HPE_UNEXPECTED_CONTENT_LENGTH", "Duplicate Content-Length");
    }
  }
  headers.push(m[1], value);
};

/** http-parser-js's error for a broken head (HttpParser turns it into HPE_INVALID_CONSTANT "Parse Error"). */
function packageError(code: string): Error {
  return Object.assign(new Error("Parse Error"), { code });
}

/**
 * http-parser-js's HEADER rule, the same steps in the same order, but a header name is lower-cased only when its
 * length is that of one the completion looks at (transfer-encoding, content-length, connection, upgrade).
 * (method_connect is the package's index of CONNECT; info.method is a name here, so it never equals it.)
 */
const PACKAGE_METHOD_CONNECT = 5;
Strict.HEADER = function (this: RawParser): boolean | undefined {
  const line = this.consumeLine();
  if (line === undefined) return undefined;
  const info = this.info;
  if (line) {
    this.parseHeader(line, info.headers);
    return undefined;
  }
  const headers = info.headers;
  let hasContentLength = false, hasUpgradeHeader = false;
  for (let i = 0; i < headers.length; i += 2) {
    const n = headers[i].length;
    if (n !== 17 && n !== 14 && n !== 10 && n !== 7) continue;
    switch (headers[i].toLowerCase()) {
      case "transfer-encoding":
        this.isChunked = headers[i + 1].toLowerCase() === "chunked";
        break;
      case "content-length": {
        const v = +headers[i + 1];
        if (hasContentLength) {
          if (v !== this.body_bytes) throw packageError("HPE_UNEXPECTED_CONTENT_LENGTH");
        } else {
          hasContentLength = true;
          this.body_bytes = v;
        }
        break;
      }
      case "connection":
        this.connection += headers[i + 1].toLowerCase();
        break;
      case "upgrade":
        hasUpgradeHeader = true;
        break;
    }
  }
  if (this.isChunked && hasContentLength) {
    hasContentLength = false;
    this.body_bytes = null;
  }
  if (hasUpgradeHeader && this.connection.indexOf("upgrade") !== -1) {
    info.upgrade = this.type === Base.REQUEST || info.statusCode === 101;
  } else {
    info.upgrade = (info.method as unknown) === PACKAGE_METHOD_CONNECT;
  }
  if (this.isChunked && info.upgrade) this.isChunked = false;
  (info as { shouldKeepAlive?: boolean }).shouldKeepAlive = this.shouldKeepAlive();
  const skipBody = this.userCall()(this[Base.kOnHeadersComplete](info));
  if (skipBody === 2) {
    this.nextRequest();
    return true;
  } else if (this.isChunked && !skipBody) {
    this.state = "BODY_CHUNKHEAD";
  } else if (skipBody || this.body_bytes === 0) {
    this.nextRequest();
    return info.upgrade;
  } else if (this.body_bytes === null) {
    this.state = "BODY_RAW";
  } else {
    this.state = "BODY_SIZED";
  }
  return undefined;
};

/** A valid Content-Length value: digits only, at most 2^64 - 1. */
export function validContentLength(v: string): boolean {
  if (!/^\d+$/.test(v)) return false;
  const d = v.replace(/^0+(?=\d)/, "");
  return d.length < 20 || (d.length === 20 && d <= "18446744073709551615");
}

Strict.BODY_CHUNKHEAD = function (this: RawParser): void {
  const line = this.consumeLine();
  if (line === undefined) return;
  const m = CHUNK_SIZE.exec(line);
  if (!m) throw new HttpParseError("HPE_INVALID_CHUNK_SIZE", "Invalid character in chunk size");
  this.body_bytes = parseInt(m[1], 16);
  this.state = this.body_bytes ? "BODY_CHUNK" : "BODY_CHUNKTRAILERS";
  this.headBytes = 0;                                     // trailers are counted on their own
};

Strict.BODY_CHUNKEMPTYLINE = function (this: RawParser): void {
  const line = this.consumeLine();
  if (line === undefined) return;
  if (line !== "") throw new HttpParseError("HPE_STRICT", "Expected LF after chunk data");
  this.state = "BODY_CHUNKHEAD";
};

const isMethodPrefix = (s: string) => METHODS.some((m) => m.slice(0, s.length) === s);
const isPrefixOf = (s: string, of: string) => of.slice(0, s.length) === s;
const HTTP_VERSION_PREFIX = /^(?:H(?:T(?:T(?:P(?:\/(?:0(?:\.(?:9\r?)?)?|1(?:\.(?:[01]\r?)?)?|2(?:\.(?:0\r?)?)?)?)?)?)?)?)?$/;

/** Why a received but unfinished request line can never become valid, or null while it still can. */
function requestLinePrefixError(s: string): HttpParseError | null {
  const sp = s.indexOf(" ");
  const method = sp === -1 ? s : s.slice(0, sp);
  if (sp === -1 ? !isMethodPrefix(method) : METHODS.indexOf(method) === -1) {
    return new HttpParseError("HPE_INVALID_METHOD", "Invalid method encountered");
  }
  if (sp === -1) return null;
  const rest = s.slice(sp).replace(/^ +/, "");
  const sp2 = rest.indexOf(" ");
  const target = sp2 === -1 ? rest.replace(/\r$/, "") : rest.slice(0, sp2);
  if (/[^\x21-\x7e]/.test(target)) return new HttpParseError("HPE_INVALID_URL", "Invalid characters in url");
  const complete = sp2 !== -1;                             // a space ended the target
  if (method === "CONNECT" ? !AUTHORITY_FORM.test(target) : target !== "" && !ORIGIN_FORM.test(target) &&
      !ABSOLUTE_FORM.test(target) && (complete || !/^[A-Za-z][A-Za-z0-9+.-]*(?::\/?)?$/.test(target))) {
    return new HttpParseError("HPE_INVALID_URL", "Invalid URL");
  }
  if (sp2 === -1) return null;
  if (!HTTP_VERSION_PREFIX.test(rest.slice(sp2).replace(/^ +/, ""))) return new HttpParseError("HPE_INVALID_CONSTANT", "Expected HTTP/");
  return null;
}

/** Why the unfinished line `p.line` can never become valid in the parser's state, or null while it still can. */
export function partialLineError(p: RawParser): HttpParseError | null {
  const s = p.line;
  if (!s) return null;
  switch (p.state) {
    case "REQUEST_LINE":
      return requestLinePrefixError(s.replace(/^\r+/, ""));
    case "RESPONSE_LINE":
      return isPrefixOf(s, "HTTP/") || /^HTTP\/\d/.test(s) ? null : new HttpParseError("HPE_INVALID_CONSTANT", "Expected HTTP/");
    case "HEADER":
    case "BODY_CHUNKTRAILERS": {
      if (s[0] === " " || s[0] === "\t") return new HttpParseError("HPE_INVALID_HEADER_TOKEN", "Unexpected whitespace after header value");
      const colon = s.indexOf(":");
      if (colon === -1 && s !== "\r" && s[s.length - 1] === "\r") return new HttpParseError("HPE_INVALID_HEADER_TOKEN", "Invalid header token");
      const name = colon === -1 ? s.replace(/\r$/, "") : s.slice(0, colon);
      if (!new RegExp(`^[${TCHAR}]*$`).test(name) || colon === 0) return new HttpParseError("HPE_INVALID_HEADER_TOKEN", "Invalid header token");
      if (colon !== -1 && BAD_VALUE.test(s.slice(colon + 1).replace(/\r$/, ""))) {
        return new HttpParseError("HPE_INVALID_HEADER_TOKEN", "Invalid header value char");
      }
      if (colon === 14 && name.toLowerCase() === "content-length") {
        const digits = /^[ \t]*(\d*)[ \t]*\r?$/.exec(s.slice(15));
        if (!digits || (digits[1] !== "" && !validContentLength(digits[1]))) {
          return new HttpParseError("HPE_INVALID_CONTENT_LENGTH", "Invalid character in Content-Length");
        }
      }
      return null;
    }
    case "BODY_CHUNKHEAD":
      return /^[0-9A-Fa-f]*(?:;.*)?\r?$/.test(s) ? null : new HttpParseError("HPE_INVALID_CHUNK_SIZE", "Invalid character in chunk size");
    case "BODY_CHUNKEMPTYLINE":
      return s === "\r" ? null : new HttpParseError("HPE_STRICT", "Expected LF after chunk data");
    default:
      return null;
  }
}

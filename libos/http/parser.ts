// libos/http/parser.ts — the HTTP/1.x message parser for server and client: http-parser-js made as strict as
// Node 20's llhttp (line rules in parser_rules.ts; here: one valid Content-Length, none beside Transfer-Encoding in
// requests, a request's last transfer coding must be chunked), with Node's limit on head size (URL and header
// names and values; also chunk-extension and trailer lines) → HPE_HEADER_OVERFLOW, keep-alive decided as llhttp
// decides it, and errors as Node's: `Parse Error: <reason>` with `code` HPE_*. Inside images a head that arrives
// whole is scanned by native code (native_head.ts; the rules stay the definition, tests compare the two). Layer: libos.

import { Buffer } from "../buffer/index.ts";
import { Base, HEAD_STATES, HttpParseError, overflow, partialLineError, Strict, validContentLength, type RawParser } from "./parser_rules.ts";
import { METHODS } from "./constants.ts";
import { HAS_TRANSFER_ENCODING, HH, headOut, headScanner, NONZERO_CONTENT_LENGTH, type HeadScanner } from "./native_head.ts";

export { HttpParseError };

/** Thrown from the completion callback to stop at the end of a message after which the connection closes. */
const STOP = { stop: true };

/** True if the comma-separated header value `list` has the element `token` (case-insensitive), as llhttp reads Connection. */
function hasToken(list: string, token: string): boolean {
  return list.split(",").some((t) => t.trim().toLowerCase() === token);
}

/** Bytes after a message that closes the connection: only CR and LF may follow (llhttp's HPE_CLOSED_CONNECTION). */
function onlyLineBreaks(data: Uint8Array, from: number): boolean {
  for (let i = from; i < data.length; i++) if (data[i] !== 13 && data[i] !== 10) return false;
  return true;
}

/** A message head as the parser hands it over. */
export interface ParsedHead {
  versionMajor: number;
  versionMinor: number;
  /** Flat [name, value, name, value, ...] as received. */
  rawHeaders: string[];
  method: string | null;
  url: string;
  statusCode: number | null;
  statusMessage: string | null;
  upgrade: boolean;
  shouldKeepAlive: boolean;
}

/** What the parser calls. onHead returns 0 (read the body), 1 (no body: a HEAD response) or 2 (stop: upgrade). */
export interface ParserHandlers {
  onHead(head: ParsedHead): 0 | 1 | 2;
  onBody(chunk: Buffer): void;
  onComplete(rawTrailers: string[]): void;
}

/** One parser per connection: feed it socket data; it calls the handlers per message. */
export class HttpParser {
  private readonly p: RawParser;
  private skipBody = false;
  /** The current request keeps the connection open (else nothing may follow it). */
  private keepAlive = true;
  private upgraded = false;
  /** A request after which the connection closes was completed: the parser accepts no more. */
  private closed = false;

  /** `kind` is what is received: "request" on servers, "response" on clients. */
  constructor(readonly kind: "request" | "response", private readonly handlers: ParserHandlers,
              readonly maxHeaderSize = 16384) {
    const p = Object.create(Strict) as RawParser;
    Base.call(p, kind === "request" ? Base.REQUEST : Base.RESPONSE);
    Object.defineProperty(p, "maxHeaderSize", { get: () => Infinity, set: () => {} });  // we count ourselves
    p.headBytes = 0;
    p.headLimit = maxHeaderSize;
    p[Base.kOnHeadersComplete] = (info: unknown) => this.headersComplete(info as RawParser["info"]);
    p[Base.kOnBody] = (chunk: unknown) => this.handlers.onBody(chunk as Buffer);
    p[Base.kOnHeaders] = () => {};                         // trailers are read from p.trailers at completion
    p[Base.kOnMessageComplete] = () => {
      p.headBytes = 0;
      this.handlers.onComplete(p.trailers.slice());
      if (this.kind === "request" && !this.keepAlive && !this.upgraded) {
        this.closed = true;
        throw STOP;
      }
    };
    this.p = p;
  }

  /** True between messages (nothing of the next one received yet). */
  get idle(): boolean {
    const p = this.p;
    return (p.state === "REQUEST_LINE" || p.state === "RESPONSE_LINE") && (p.line === "" || /^\r*$/.test(p.line));
  }

  /** True while a head is being received. */
  get inHead(): boolean {
    return HEAD_STATES[this.p.state] === true && !this.idle;
  }

  /** Marks the response being parsed as one without a body (the answer to HEAD); call before its head arrives. */
  expectNoBody(skip: boolean): void {
    this.skipBody = skip;
  }

  /**
   * Parses `data`. Returns the bytes consumed (less than data.length only when an upgrade stopped the parser),
   * or an HttpParseError. Exceptions thrown by handlers propagate.
   */
  execute(data: Buffer): number | HttpParseError {
    const p = this.p;
    if (this.closed) return onlyLineBreaks(data, 0) ? data.length : this.fail(closedError(), data);
    let r: number | Error;
    try {
      const s = this.kind === "request" && p.state === "REQUEST_LINE" && p.line === "" ? headScanner() : null;
      const at = s === null ? 0 : this.quickRequests(data, s);
      if (at < 0) r = -at;                                   // an upgrade stopped the parser
      else r = at === data.length && at > 0 ? at : (at === 0 ? p.execute(data) : plus(p.execute(data, at, data.length - at), at));
    } catch (e) {
      p.isUserCall = false;
      if (e === STOP) return onlyLineBreaks(data, p.offset) ? data.length : this.fail(closedError(), data);
      if (!(e instanceof HttpParseError)) throw e;
      r = e;
    }
    if (r instanceof Error) return this.fail(r, data);
    const counted = p.state === "BODY_CHUNKTRAILERS" || HEAD_STATES[p.state] ? p.headBytes : 0;
    if (counted + p.line.length >= this.maxHeaderSize) return this.fail(overflow(), data);
    const partial = partialLineError(p);
    return partial ? this.fail(partial, data) : r;
  }

  /** The peer closed its side: a message cut short is an error; a body read to EOF completes. */
  finish(): HttpParseError | undefined {
    if (this.closed) return undefined;
    if (!this.idle && (this.p.state === "REQUEST_LINE" || this.p.state === "RESPONSE_LINE")) {
      return new HttpParseError("HPE_INVALID_EOF_STATE", "Invalid EOF state");
    }
    const r = this.p.finish();
    return r ? new HttpParseError("HPE_INVALID_EOF_STATE", "Invalid EOF state") : undefined;
  }

  /**
   * Requests without a body (no Transfer-Encoding, no Content-Length but 0) from the start of `data`, each whole
   * head read by the native scanner, taken without http-parser-js's state machine: the steps its rules take for
   * such a message (state HEADER while the head is handed over and the message completes, then REQUEST_LINE; the
   * parser's own info, trailers and flags stay as a fresh message's, as after its reinitialize). Returns the offset
   * of the first byte left to the rules (all of `data` when it took everything), or minus the offset after a head
   * that stopped the parser (upgrade). Handler exceptions and STOP propagate as from the rules.
   */
  private quickRequests(data: Buffer, s: HeadScanner): number {
    const p = this.p, out = headOut;
    let at = 0;
    while (at < data.length) {
      const end = s.httpHead(data, at, data.length, 0, p.headLimit, out);
      if (end <= 0 || (out[HH.FLAGS] & (NONZERO_CONTENT_LENGTH | HAS_TRANSFER_ENCODING)) !== 0) return at;
      const headers = s.httpHeadStrings(data, out);
      const url = headers.pop() as string;
      p.offset = end;
      p.state = "HEADER";
      p.headBytes = out[HH.BYTES];
      const r = this.headersComplete({ headers, method: METHODS[out[HH.METHOD]], url, versionMajor: out[HH.MAJOR],
        versionMinor: out[HH.MINOR], upgrade: false });
      p[Base.kOnMessageComplete]();
      p.state = "REQUEST_LINE";
      at = end;
      if (r === 2) return -at;
    }
    return at;
  }

  private fail(e: Error, data: Buffer): HttpParseError {
    const err = e instanceof HttpParseError ? e : new HttpParseError("HPE_INVALID_CONSTANT", e.message.replace(/^Parse Error: /, ""));
    err.bytesParsed = typeof this.p.offset === "number" ? this.p.offset : 0;
    err.rawPacket = data;
    return err;
  }

  private headersComplete(info: RawParser["info"]): number {
    const p = this.p;
    const raw = info.headers;
    let te: string | undefined, cl: string | undefined, conn = "", upgradeHeader = false;
    for (let i = 0; i < raw.length; i += 2) {
      const n = raw[i].length;                             // lower-case only names that may be one of these
      if (n !== 14 && n !== 17 && n !== 10 && n !== 7) continue;
      const name = raw[i].toLowerCase();
      if (name === "content-length") {
        if (!validContentLength(raw[i + 1])) throw new HttpParseError("HPE_INVALID_CONTENT_LENGTH", "Invalid character in Content-Length");
        if (cl !== undefined) throw new HttpParseError("HPE_UNEXPECTED_CONTENT_LENGTH", "Duplicate Content-Length");
        cl = raw[i + 1];
      } else if (name === "transfer-encoding") te = te === undefined ? raw[i + 1] : te + ", " + raw[i + 1];
      else if (name === "connection") conn += "," + raw[i + 1];
      else if (name === "upgrade") upgradeHeader = true;
    }
    const isRequest = this.kind === "request";
    const chunked = te !== undefined && (te.split(",").pop() as string).trim().toLowerCase() === "chunked";
    // As llhttp: Content-Length beside Transfer-Encoding fails before the head is handed over; a request whose
    // last transfer coding is not chunked fails after it (a handler may already have answered).
    let late: HttpParseError | null = null;
    if (te !== undefined && isRequest) {
      if (cl !== undefined) throw new HttpParseError("HPE_UNEXPECTED_CONTENT_LENGTH", "Content-Length can't be present with Transfer-Encoding");
      if (!chunked) late = new HttpParseError("HPE_INVALID_TRANSFER_ENCODING", "Request has invalid `Transfer-Encoding`");
    }
    const status = info.statusCode ?? 0;
    let upgrade = isRequest ? info.method === "CONNECT" || (upgradeHeader && hasToken(conn, "upgrade")) : status === 101;
    const skipBody = !isRequest && (this.skipBody || (status >= 100 && status < 200) || status === 204 || status === 304);
    p.isChunked = chunked && !upgrade && !skipBody;
    if (te !== undefined && !chunked) p.body_bytes = null;  // a response read until the connection closes
    const v11 = info.versionMajor === 1 && info.versionMinor === 1;
    const needsEof = !isRequest && !skipBody && !p.isChunked && (cl === undefined || te !== undefined);
    const keepAlive = !needsEof && (v11 ? conn === "" || !hasToken(conn, "close") : conn !== "" && hasToken(conn, "keep-alive"));
    this.keepAlive = keepAlive;
    const head: ParsedHead = {
      versionMajor: info.versionMajor, versionMinor: info.versionMinor, rawHeaders: raw,
      method: isRequest ? (info.method as string) : null, url: isRequest ? (info.url as string) : "",
      statusCode: isRequest ? null : status, statusMessage: isRequest ? null : (info.statusMessage ?? ""),
      upgrade, shouldKeepAlive: keepAlive,
    };
    const r = this.handlers.onHead(head);
    if (late) throw late;
    upgrade = r === 2;
    this.upgraded = upgrade;
    info.upgrade = upgrade;
    if (r === 2) return 2;
    return r === 1 || skipBody ? 1 : 0;
  }
}

/** The rules' result for data[at..] as an offset into data. */
function plus(r: number | Error, at: number): number | Error {
  return typeof r === "number" ? r + at : r;
}

function closedError(): HttpParseError {
  return new HttpParseError("HPE_CLOSED_CONNECTION", "Data after `Connection: close`");
}

/** Buffer view of any Uint8Array chunk (no copy), so socket data of any origin can be parsed. */
export function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "latin1");
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

// libos/http/outgoing.ts — http.OutgoingMessage, the writable side shared by ServerResponse and ClientRequest, as
// Node's: a legacy Stream (not a stream.Writable) with write/end, the header API (setHeader, getHeader, ...),
// chunked framing, and an output queue that holds data until the message owns its socket (pipelined responses).
// The head is built by outgoing_head.ts. Callable as an ES5 constructor. Layer: libos. Depends on libos/stream.

import { Buffer } from "../buffer/index.ts";
import { Stream } from "../stream/index.ts";
import { alreadyFinished, codedError, contentLengthMismatch, headersSent, invalidArgType, notImplemented,
  writeAfterEnd } from "./_errors.ts";
import { callBase, es5Class } from "./_es5.ts";
import type { HttpSocket } from "./_socket.ts";
import { validateHeaderName, validateHeaderValue } from "./headers.ts";
import { renderTrailers, storeHead, type HeadState, type OutHeaders } from "./outgoing_head.ts";
import { byteLength, onError, onFinish, writeChunk } from "./outgoing_write.ts";

/** A write callback. */
export type Callback = (err?: Error | null) => void;
/** What write() and end() take. */
export type Chunk = string | Uint8Array;
const nop = () => {};

/** Prototype of OutgoingMessage (never constructed itself: use OutgoingMessage). */
export class OutgoingMessageProto extends Stream implements HeadState {
  declare outputData: { data: Chunk; encoding: BufferEncoding | null | undefined; callback: Callback | null }[];
  declare outputSize: number;
  declare writable: boolean;
  declare destroyed: boolean;
  declare _last: boolean;
  declare chunkedEncoding: boolean;
  declare shouldKeepAlive: boolean;
  declare maxRequestsOnConnectionReached: boolean;
  declare _defaultKeepAlive: boolean;
  declare useChunkedEncodingByDefault: boolean;
  declare sendDate: boolean;
  declare _removedConnection: boolean;
  declare _removedContLen: boolean;
  declare _removedTE: boolean;
  /** With true, the body must match Content-Length exactly (ERR_HTTP_CONTENT_LENGTH_MISMATCH). */
  declare strictContentLength: boolean;
  declare _bytesWritten: number;
  declare _contentLength: number | null;
  declare _hasBody: boolean;
  declare _trailer: string;
  declare _needDrain: boolean;
  /** True once end() was called (Node's deprecated name for writableEnded). */
  declare finished: boolean;
  declare _headerSent: boolean;
  declare _corked: number;
  declare _closed: boolean;
  declare _socket: HttpSocket | null;
  declare _header: string | null;
  declare _outHeaders: OutHeaders | null;
  declare _keepAliveTimeout: number;
  declare _maxRequestsPerSocket?: number;
  declare _onPendingData: (delta: number) => void;
  /** Runs just before 'finish' is emitted (the http server's bookkeeping; null for none). */
  declare _finishHook: ((this: OutgoingMessageProto) => void) | null;
  declare _errored: Error | null;
  declare _highWaterMark: number;
  declare _rejectNonStandardBodyWrites: boolean;
  declare statusCode?: number;
  declare agent?: unknown;

  get socket(): HttpSocket | null { return this._socket; }
  set socket(s: HttpSocket | null) {
    for (let n = 0; n < this._corked; n++) { s?.cork(); this._socket?.uncork(); }
    this._socket = s;
  }
  get connection(): HttpSocket | null { return this._socket; }
  set connection(s: HttpSocket | null) { this.socket = s; }
  get writableFinished(): boolean {
    return this.finished && this.outputSize === 0 && (!this._socket || this._socket.writableLength === 0);
  }
  get writableObjectMode(): boolean { return false; }
  get writableLength(): number { return this.outputSize + (this._socket ? this._socket.writableLength : 0); }
  get writableHighWaterMark(): number { return this._socket ? this._socket.writableHighWaterMark : this._highWaterMark; }
  get writableCorked(): number { return this._socket ? this._socket.writableCorked : this._corked; }
  get writableEnded(): boolean { return this.finished; }
  get writableNeedDrain(): boolean { return !this.destroyed && !this.finished && this._needDrain; }
  get errored(): Error | null { return this._errored; }
  get closed(): boolean { return this._closed; }
  /** True once the head was built (it may still sit in the output queue). */
  get headersSent(): boolean { return !!this._header; }

  cork(): void {
    if (this._socket) this._socket.cork();
    else this._corked++;
  }

  uncork(): void {
    if (this._socket) this._socket.uncork();
    else if (this._corked) this._corked--;
  }

  /** Sets the socket's idle timeout (now, or when the message gets its socket); `callback` listens for 'timeout'. */
  setTimeout(msecs: number, callback?: () => void): this {
    if (callback) this.on("timeout", callback);
    if (this._socket) this._socket.setTimeout(msecs);
    else this.once("socket", (s: HttpSocket) => s.setTimeout(msecs));
    return this;
  }

  /** Destroys the socket (now, or when the message gets one). */
  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this._errored = error ?? null;
    if (this._socket) this._socket.destroy(error);
    else this.once("socket", (s: HttpSocket) => s.destroy(error));
    return this;
  }

  /** Sets a header (replacing one of the same name, any case); throws ERR_HTTP_HEADERS_SENT once the head is built. */
  setHeader(name: string, value: number | string | readonly string[]): this {
    if (this._header) throw headersSent("set");
    validateHeaderName(name);
    validateHeaderValue(name, value);
    (this._outHeaders ??= Object.create(null) as OutHeaders)[name.toLowerCase()] = [name, value];
    return this;
  }

  /** Sets every header of a Map or Headers-like iterable of [name, value]. */
  setHeaders(headers: Iterable<[string, string]> | { forEach?: unknown }): this {
    if (this._header) throw headersSent("set");
    if (!headers || typeof (headers as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw invalidArgType("headers", ["Headers", "Map"], headers);
    }
    const cookies: string[] = [];
    for (const [k, v] of headers as Iterable<[string, string]>) {
      if (k.toLowerCase() === "set-cookie") cookies.push(v);
      else this.setHeader(k, v);
    }
    if (cookies.length) this.setHeader("set-cookie", cookies);
    return this;
  }

  /** Adds a value to a header (making it an array), or sets it if absent. */
  appendHeader(name: string, value: string | readonly string[]): this {
    if (this._header) throw headersSent("append");
    validateHeaderName(name);
    validateHeaderValue(name, value);
    const entry = this._outHeaders?.[name.toLowerCase()];
    if (!entry) return this.setHeader(name, value);
    if (!Array.isArray(entry[1])) entry[1] = [entry[1]];
    const list = entry[1] as unknown[];
    if (Array.isArray(value)) list.push(...value);
    else list.push(value);
    return this;
  }

  getHeader(name: string): number | string | string[] | undefined {
    if (typeof name !== "string") throw invalidArgType("name", "string", name);
    return this._outHeaders?.[name.toLowerCase()]?.[1] as number | string | string[] | undefined;
  }

  getHeaderNames(): string[] { return this._outHeaders ? Object.keys(this._outHeaders) : []; }

  getRawHeaderNames(): string[] {
    const h = this._outHeaders;
    return h ? Object.keys(h).map((k) => h[k][0]) : [];
  }

  /** A null-prototype copy of the headers, lower-cased names. */
  getHeaders(): Record<string, number | string | string[] | undefined> {
    const out = Object.create(null) as Record<string, number | string | string[] | undefined>;
    const h = this._outHeaders;
    if (h) for (const k of Object.keys(h)) out[k] = h[k][1] as string;
    return out;
  }

  hasHeader(name: string): boolean {
    if (typeof name !== "string") throw invalidArgType("name", "string", name);
    return !!this._outHeaders?.[name.toLowerCase()];
  }

  /** Removes a header; removing Connection, Content-Length, Transfer-Encoding or Date also stops the default one. */
  removeHeader(name: string): void {
    if (typeof name !== "string") throw invalidArgType("name", "string", name);
    if (this._header) throw headersSent("remove");
    const key = name.toLowerCase();
    if (key === "connection") this._removedConnection = true;
    else if (key === "content-length") this._removedContLen = true;
    else if (key === "transfer-encoding") this._removedTE = true;
    else if (key === "date") this.sendDate = false;
    if (this._outHeaders) delete this._outHeaders[key];
  }

  /** Builds the head (ServerResponse and ClientRequest override it). */
  _implicitHeader(): void {
    throw notImplemented("_implicitHeader()");
  }

  /** Builds `_header` from a start line and headers; sends it at once if there is an Expect header. */
  _storeHeader(firstLine: string, headers: unknown): void {
    if (storeHead(this, firstLine, headers, this._outHeaders)) this._send("");
  }

  /** Sets the trailers sent after a chunked body. */
  addTrailers(headers: Record<string, unknown> | [string, unknown][]): void {
    this._trailer = renderTrailers(headers);
  }

  /** Sends the head now (with no body yet). */
  flushHeaders(): void {
    if (!this._header) this._implicitHeader();
    this._send("");
  }

  /** Writes a body chunk (chunk-framed when chunked); false when the caller should wait for 'drain'. */
  write(chunk: Chunk, encoding?: BufferEncoding | Callback, callback?: Callback): boolean {
    if (typeof encoding === "function") { callback = encoding; encoding = undefined; }
    const ret = writeChunk(this, chunk, encoding, callback, false);
    if (!ret) this._needDrain = true;
    return ret;
  }

  /** Ends the message, with an optional last chunk; a whole body given to a head not yet built sets Content-Length. */
  end(chunk?: Chunk | Callback | null, encoding?: BufferEncoding | Callback, callback?: Callback): this {
    if (typeof chunk === "function") { callback = chunk; chunk = null; encoding = undefined; }
    else if (typeof encoding === "function") { callback = encoding; encoding = undefined; }
    const sock = this._socket;
    if (chunk) {
      if (this.finished) {
        onError(this, writeAfterEnd(), callback ?? nop);
        return this;
      }
      if (sock !== null && sock._httpMessage === this && endInOneWrite(this, sock, chunk, encoding)) {
        if (callback) this.once("finish", callback);
        this._corked = 0;
        this.finished = true;
        this._finish();
        return this;
      }
      sock?.cork();
      writeChunk(this, chunk, encoding, null, true);
    } else if (this.finished) {
      if (callback) {
        if (!this.writableFinished) this.on("finish", callback);
        else callback(alreadyFinished("end"));
      }
      return this;
    } else if (!this._header) {
      sock?.cork();
      this._contentLength = 0;
      this._implicitHeader();
    }
    if (callback) this.once("finish", callback);
    if (this.strictContentLength && this._contentLength !== null && this._hasBody && this._bytesWritten !== this._contentLength) {
      throw contentLengthMismatch(this._bytesWritten, this._contentLength);
    }
    const finish = () => onFinish(this);
    if (this._hasBody && this.chunkedEncoding) this._send("0\r\n" + this._trailer + "\r\n", "latin1", finish);
    else if (!this._headerSent || this.writableLength || chunk) this._send("", "latin1", finish);
    else process.nextTick(finish);
    if (sock) while (sock.writableCorked) sock.uncork();
    this._corked = 0;
    this.finished = true;
    if (this.outputData.length === 0 && sock && sock._httpMessage === this) this._finish();
    return this;
  }

  /** Called when everything is handed to the socket: 'prefinish' (the server and client react to it). */
  _finish(): void {
    this.emit("prefinish");
  }

  /** Queues `data`, prefixed by the head the first time. */
  _send(data: Chunk, encoding?: BufferEncoding | null, callback?: Callback | null): boolean {
    if (!this._headerSent && this._header !== null) {
      if (typeof data === "string" && (encoding === "utf8" || encoding === "latin1" || !encoding)) {
        data = this._header + data;
      } else {
        this.outputData.unshift({ data: this._header, encoding: "latin1", callback: null });
        this.outputSize += this._header.length;
        this._onPendingData(this._header.length);
      }
      this._headerSent = true;
    }
    return this._writeRaw(data, encoding, callback);
  }

  /** Writes to the socket if this message owns it, else queues. */
  _writeRaw(data: Chunk, encoding?: BufferEncoding | null | Callback, callback?: Callback | null): boolean {
    const conn = this._socket;
    if (conn?.destroyed) return false;
    if (typeof encoding === "function") { callback = encoding; encoding = null; }
    if (conn && conn._httpMessage === this && conn.writable) {
      if (this.outputData.length) this._flushOutput(conn);
      return conn.write(data, (encoding ?? undefined) as BufferEncoding, callback ?? undefined);
    }
    this.outputData.push({ data, encoding, callback: callback ?? null });
    this.outputSize += data.length;
    this._onPendingData(data.length);
    return this.outputSize < this._highWaterMark;
  }

  /** Writes the queue to `socket` (the message now owns it). */
  _flushOutput(socket: HttpSocket): boolean | undefined {
    while (this._corked) { this._corked--; socket.cork(); }
    const out = this.outputData;
    if (out.length <= 0) return undefined;
    socket.cork();
    let ret = true;
    for (const o of out) ret = socket.write(o.data, (o.encoding ?? undefined) as BufferEncoding, o.callback ?? undefined);
    socket.uncork();
    this.outputData = [];
    this._onPendingData(-this.outputSize);
    this.outputSize = 0;
    return ret;
  }

  /** Flushes the queue once the message got its socket; then 'prefinish' if ended, or 'drain'. */
  _flush(): void {
    const socket = this._socket;
    if (socket && socket.writable) {
      const ret = this._flushOutput(socket);
      if (this.finished) this._finish();
      else if (ret && this._needDrain) { this._needDrain = false; this.emit("drain"); }
    }
  }

  /** Outgoing messages cannot be piped from. */
  override pipe<T>(): T {
    this.emit("error", codedError(Error, "ERR_STREAM_CANNOT_PIPE", "Cannot pipe, not readable"));
    return undefined as T;
  }
}

/**
 * end(chunk) of a message that owns its socket and has sent nothing yet: head, body (chunk-framed when chunked)
 * and the terminating chunk go to the socket as one write, whose callback emits 'finish' — what the corked
 * sequence of writes below would send, in one piece and without the cork. False (nothing done) when the case is
 * not that simple; the general path then runs.
 */
function endInOneWrite(msg: OutgoingMessageProto, sock: HttpSocket, chunk: Chunk, encoding: BufferEncoding | undefined): boolean {
  if (msg._headerSent || msg.outputData.length !== 0 || msg.destroyed || msg.strictContentLength || sock.destroyed ||
      !sock.writable || sock.writableCorked !== 0) return false;
  const isString = typeof chunk === "string";
  if (isString ? !(encoding === undefined || encoding === null || encoding === "utf8" || encoding === "utf-8" || encoding === "latin1")
    : !(chunk instanceof Uint8Array)) return false;
  if (chunk.length === 0) return false;
  const len = byteLength(chunk, encoding);
  if (!msg._header) {
    msg._contentLength = len;
    msg._implicitHeader();
  }
  if (!msg._hasBody || msg._headerSent || !msg._header) return false;   // the general path drops the body
  const finish = () => onFinish(msg);
  let head = msg._header;
  let tail = "";
  if (msg.chunkedEncoding) {
    head += len.toString(16) + "\r\n";
    tail = "\r\n0\r\n" + msg._trailer + "\r\n";
  }
  msg._headerSent = true;
  if (isString) sock.write(head + (chunk as string) + tail, (encoding ?? "utf8") as BufferEncoding, finish);
  else sock.write(Buffer.concat([Buffer.from(head, "latin1"), chunk as Uint8Array, Buffer.from(tail, "latin1")]), finish);
  return true;
}

function init(self: OutgoingMessageProto, options?: { highWaterMark?: number; rejectNonStandardBodyWrites?: boolean }): void {
  callBase(Stream, self);
  // Plain assignments (no literal copied in): this runs for every request and response.
  self.outputData = [];
  self.outputSize = 0;
  self.writable = true;
  self.destroyed = false;
  self._last = false;
  self.chunkedEncoding = false;
  self.shouldKeepAlive = true;
  self.maxRequestsOnConnectionReached = false;
  self._defaultKeepAlive = true;
  self.useChunkedEncodingByDefault = true;
  self.sendDate = false;
  self._removedConnection = false;
  self._removedContLen = false;
  self._removedTE = false;
  self.strictContentLength = false;
  self._bytesWritten = 0;
  self._contentLength = null;
  self._hasBody = true;
  self._trailer = "";
  self._needDrain = false;
  self.finished = false;
  self._headerSent = false;
  self._corked = 0;
  self._closed = false;
  self._socket = null;
  self._header = null;
  self._outHeaders = null;
  self._keepAliveTimeout = 0;
  self._onPendingData = nop;
  self._finishHook = null;
  self._errored = null;
  self._highWaterMark = options?.highWaterMark ?? 16384;
  self._rejectNonStandardBodyWrites = options?.rejectNonStandardBodyWrites ?? false;
}

/** The writable half of HTTP shared by ServerResponse and ClientRequest (Node's OutgoingMessage). */
export const OutgoingMessage = es5Class("OutgoingMessage", OutgoingMessageProto.prototype, init);
export type OutgoingMessage = OutgoingMessageProto;

// libos/http/incoming.ts — http.IncomingMessage: a received request (server) or response (client) as a Readable of
// its body, with method/url or statusCode/statusMessage, httpVersion, headers (lower-cased, duplicates folded as
// Node does, built lazily from rawHeaders), trailers, complete and aborted. Callable as an ES5 constructor
// (`IncomingMessage.call(this, socket)`). The Readable's state is made on first use: a request without a body
// that nobody reads (most GETs) never builds it, and its end and dump are replayed when something looks.
// Layer: libos. Depends on libos/stream.

import { finished, Readable, Stream } from "../stream/index.ts";
import { callBase, es5Class } from "./_es5.ts";
import type { HttpSocket } from "./_socket.ts";
import { addHeaderLine, addHeaderLines, type IncomingHeaders } from "./headers.ts";

/** Prototype of IncomingMessage (never constructed itself: use IncomingMessage). */
class IncomingMessageProto extends Readable {
  declare socket: HttpSocket | null;
  declare httpVersionMajor: number | null;
  declare httpVersionMinor: number | null;
  declare httpVersion: string | null;
  /** True once the whole message (and its trailers) was received. */
  declare complete: boolean;
  declare rawHeaders: string[];
  declare rawTrailers: string[];
  declare joinDuplicateHeaders: boolean;
  /** True if the message was cut short (the connection closed or the stream was destroyed first). */
  declare aborted: boolean;
  declare upgrade: boolean | null;
  /** Request target as received (server side). */
  declare url: string;
  declare method: string | null;
  /** Status (client side). */
  declare statusCode: number | null;
  declare statusMessage: string | null;
  declare client: HttpSocket | null;
  declare _consuming: boolean;
  declare _dumped: boolean;
  declare _headers: IncomingHeaders | null;
  declare _headersCount: number;
  declare _trailers: IncomingHeaders | null;
  declare _trailersCount: number;
  /** push(null) arrived before the Readable's state was made (replayed when it is). */
  declare _eofPending: boolean;

  /**
   * The Readable's state, made on first use (readable-stream reads it in every method): a message whose body
   * nobody reads never pays for it. What happened before — the end of the body, a dump — is replayed.
   */
  get _readableState(): ReadableStateLike {
    const state = new ReadableState(this._stateOptions, this, false);
    state.readingMore = true;
    Object.defineProperty(this, "_readableState", { value: state, writable: true, configurable: true, enumerable: true });
    if (this._eofPending) { this._eofPending = false; Readable.prototype.push.call(this, null); }
    if (this._dumped) Readable.prototype.resume.call(this);
    return state;
  }

  set _readableState(v: ReadableStateLike) {
    Object.defineProperty(this, "_readableState", { value: v, writable: true, configurable: true, enumerable: true });
  }

  declare _stateOptions: { highWaterMark?: number } | undefined;

  /** push(null) on a message nobody has read yet only records the end. */
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null && !Object.prototype.hasOwnProperty.call(this, "_readableState")) {
      this._eofPending = true;
      return false;
    }
    return super.push(chunk, encoding);
  }

  /** Received headers: lower-cased names, duplicates folded as Node does, set-cookie an array. */
  get headers(): IncomingHeaders {
    if (!this._headers) {
      this._headers = {};
      addHeaderLines(this.rawHeaders, this._headersCount, this._headers, this.joinDuplicateHeaders);
    }
    return this._headers;
  }

  set headers(v: IncomingHeaders) {
    this._headers = v;
  }

  /** Every received value of each header, as arrays (Node's headersDistinct). */
  get headersDistinct(): Record<string, string[]> {
    return distinct(this.rawHeaders, this._headersCount);
  }

  /** Trailers received after a chunked body (empty until 'end'). */
  get trailers(): IncomingHeaders {
    if (!this._trailers) {
      this._trailers = {};
      addHeaderLines(this.rawTrailers, this._trailersCount, this._trailers, this.joinDuplicateHeaders);
    }
    return this._trailers;
  }

  set trailers(v: IncomingHeaders) {
    this._trailers = v;
  }

  get trailersDistinct(): Record<string, string[]> {
    return distinct(this.rawTrailers, this._trailersCount);
  }

  /** The socket (Node's deprecated alias). */
  get connection(): HttpSocket | null {
    return this.socket;
  }

  set connection(s: HttpSocket | null) {
    this.socket = s;
  }

  /** Calls socket.setTimeout(msecs); `callback` listens for this message's 'timeout'. */
  setTimeout(msecs: number, callback?: () => void): this {
    if (callback) this.on("timeout", callback);
    this.socket?.setTimeout(msecs);
    return this;
  }

  override _read(): void {
    if (!this._consuming) {
      (this as unknown as { _readableState: { readingMore: boolean } })._readableState.readingMore = false;
      this._consuming = true;
    }
    const s = this.socket;
    if (s && s.readable && !s._paused) s.resume();   // the parser pushes body chunks as the socket reads
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (!this.readableEnded || !this.complete) {
      this.aborted = true;
      this.emit("aborted");
    }
    const report = (e: Error | null) => process.nextTick(() => cb(this.listenerCount("error") === 0 ? null : e));
    const s = this.socket;
    if (s && !s.destroyed && this.aborted) {
      s.destroy(err ?? undefined);
      const cleanup = finished(s, (e) => {
        cleanup();
        report((e as { code?: string } | undefined)?.code === "ERR_STREAM_PREMATURE_CLOSE" ? err : (e ?? err));
      });
    } else {
      report(err);
    }
  }

  /** Adds received header lines (or, once complete, trailer lines): Node's internal, used by some libraries. */
  _addHeaderLines(headers: string[], n: number): void {
    if (!headers || !headers.length) return;
    if (this.complete) {
      this.rawTrailers = headers;
      this._trailersCount = n;
      if (this._trailers) addHeaderLines(headers, n, this._trailers, this.joinDuplicateHeaders);
    } else {
      this.rawHeaders = headers;
      this._headersCount = n;
      if (this._headers) addHeaderLines(headers, n, this._headers, this.joinDuplicateHeaders);
    }
  }

  /** Adds one header line to `dest` as Node folds duplicates. */
  _addHeaderLine(field: string, value: string, dest: IncomingHeaders): void {
    addHeaderLine(field, value, dest, this.joinDuplicateHeaders);
  }

  /** Discards the body (the server calls it when a response finished before its request was read). */
  _dump(): void {
    if (!this._dumped) {
      this._dumped = true;
      this.removeAllListeners("data");
      if (hasState(this)) this.resume();           // else resumed when the state is made
    }
  }
}

/** readable-stream's ReadableState (exported on Readable as in Node). */
interface ReadableStateLike { readingMore: boolean; resumeScheduled: boolean }
const ReadableState = (Readable as unknown as { ReadableState: new (o: unknown, s: unknown, d: boolean) => ReadableStateLike }).ReadableState;

/** True once the message's Readable state exists (something read, listened or looked). */
export function hasState(msg: object): boolean {
  return Object.prototype.hasOwnProperty.call(msg, "_readableState");
}

/** The Readable's state if it was made, without making it. */
export function stateIfMade(msg: object): ReadableStateLike | null {
  return hasState(msg) ? (msg as { _readableState: ReadableStateLike })._readableState : null;
}

function distinct(raw: string[], n: number): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i + 1 < n; i += 2) {
    const k = raw[i].toLowerCase();
    (out[k] ??= []).push(raw[i + 1]);
  }
  return out;
}

function init(self: IncomingMessageProto, socket?: HttpSocket | null): void {
  // Readable's constructor minus the state (made on first use, see _readableState): the emitter's fields.
  callBase(Stream, self);
  self._stateOptions = socket ? { highWaterMark: socket.readableHighWaterMark } : undefined;
  self._eofPending = false;
  self.socket = socket ?? null;
  self.httpVersionMajor = null;
  self.httpVersionMinor = null;
  self.httpVersion = null;
  self.complete = false;
  self._headers = null;
  self._headersCount = 0;
  self.rawHeaders = [];
  self._trailers = null;
  self._trailersCount = 0;
  self.rawTrailers = [];
  self.joinDuplicateHeaders = false;
  self.aborted = false;
  self.upgrade = null;
  self.url = "";
  self.method = null;
  self.statusCode = null;
  self.statusMessage = null;
  self.client = socket ?? null;
  self._consuming = false;
  self._dumped = false;
}

/** A received HTTP message; `new IncomingMessage(socket)` or `IncomingMessage.call(obj, socket)`. */
export const IncomingMessage = es5Class("IncomingMessage", IncomingMessageProto.prototype, init);
export type IncomingMessage = IncomingMessageProto;

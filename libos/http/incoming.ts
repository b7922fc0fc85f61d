// libos/http/incoming.ts — http.IncomingMessage: a received request (server) or response (client) as a Readable of
// its body, with method/url or statusCode/statusMessage, httpVersion, headers (lower-cased, duplicates folded as
// Node does, built lazily from rawHeaders), trailers, complete and aborted. Callable as an ES5 constructor
// (`IncomingMessage.call(this, socket)`). Layer: libos. Depends on libos/stream.

import { finished, Readable } from "../stream/index.ts";
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
      this.resume();
    }
  }
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
  callBase(Readable, self, socket ? { highWaterMark: socket.readableHighWaterMark } : undefined);
  (self as unknown as { _readableState: { readingMore: boolean } })._readableState.readingMore = true;
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

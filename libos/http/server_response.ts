// libos/http/server_response.ts — http.ServerResponse: statusCode/statusMessage, writeHead (headers as an object
// or a flat array, merged with setHeader's), writeContinue/writeProcessing/writeEarlyHints, and the bookkeeping
// the server core uses to give a response its socket in pipeline order (assignSocket/detachSocket). 204, 304, 1xx
// and HEAD responses carry no body. Callable as an ES5 constructor (`ServerResponse.call(this, req)`).
// Layer: libos. Depends on outgoing.ts.

import { headersSent, invalidArgValue, invalidChar, invalidStatusCode, socketAssigned } from "./_errors.ts";
import { callBase, es5Class } from "./_es5.ts";
import type { HttpSocket } from "./_socket.ts";
import { STATUS_CODES } from "./constants.ts";
import { checkInvalidHeaderChar, RE_TE_CHUNKED } from "./headers.ts";
import type { IncomingMessage } from "./incoming.ts";
import { OutgoingMessage, OutgoingMessageProto } from "./outgoing.ts";

type Headers = Record<string, unknown> | unknown[];

/** Prototype of ServerResponse (never constructed itself: use ServerResponse). */
class ServerResponseProto extends OutgoingMessageProto {
  declare req: IncomingMessage;
  /** The status sent with the head (default 200). */
  declare statusCode: number;
  /** The reason phrase; defaults to STATUS_CODES[statusCode]. */
  declare statusMessage: string | undefined;
  declare _sent100: boolean;
  declare _expect_continue: boolean;

  /** Writes "HTTP/1.1 100 Continue" (for a request that sent Expect: 100-continue). */
  writeContinue(cb?: () => void): void {
    this._writeRaw("HTTP/1.1 100 Continue\r\n\r\n", "ascii", cb);
    this._sent100 = true;
  }

  /** Writes "HTTP/1.1 102 Processing". */
  writeProcessing(cb?: () => void): void {
    this._writeRaw("HTTP/1.1 102 Processing\r\n\r\n", "ascii", cb);
  }

  /** Writes a 103 Early Hints response with `hints` (link: string or string[], and other headers). */
  writeEarlyHints(hints: Record<string, string | string[]>, cb?: () => void): void {
    let head = "HTTP/1.1 103 Early Hints\r\n";
    for (const key of Object.keys(hints)) {
      const values = Array.isArray(hints[key]) ? (hints[key] as string[]) : [hints[key] as string];
      for (const v of values) {
        if (checkInvalidHeaderChar(v)) throw invalidChar("header content", key);
        head += `${key === "link" ? "Link" : key}: ${v}\r\n`;
      }
    }
    this._writeRaw(head + "\r\n", "ascii", cb);
  }

  override _implicitHeader(): void {
    this.writeHead(this.statusCode);
  }

  /**
   * Builds the head: writeHead(status[, reason][, headers]). `headers` (an object or a flat [k, v, ...] array) is
   * merged over setHeader's. Throws ERR_HTTP_HEADERS_SENT if already built.
   */
  writeHead(statusCode: number, reason?: string | Headers, obj?: Headers): this {
    if (this._header) throw headersSent("write");
    const original = statusCode;
    statusCode |= 0;
    if (statusCode < 100 || statusCode > 999) throw invalidStatusCode(original);
    if (typeof reason === "string") {
      this.statusMessage = reason;
    } else {
      this.statusMessage ||= STATUS_CODES[statusCode] || "unknown";
      obj ??= reason;
    }
    this.statusCode = statusCode;
    let headers: unknown;
    if (this._outHeaders) {
      if (Array.isArray(obj)) {
        if (obj.length % 2 !== 0) throw invalidArgValue("headers", obj);
        for (let n = 0; n < obj.length; n += 2) this.removeHeader(obj[n] as string);
        for (let n = 0; n < obj.length; n += 2) if (obj[n]) this.appendHeader(obj[n] as string, obj[n + 1] as string);
      } else if (obj) {
        for (const k of Object.keys(obj)) if (k) this.setHeader(k, (obj as Record<string, string>)[k]);
      }
      headers = this._outHeaders;
    } else {
      headers = obj;
    }
    const message = this.statusMessage as string;
    if (message !== STATUS_CODES[statusCode] && checkInvalidHeaderChar(message)) throw invalidChar("statusMessage");
    if (statusCode === 204 || statusCode === 304 || (statusCode >= 100 && statusCode <= 199)) this._hasBody = false;
    if (this._expect_continue && !this._sent100) this.shouldKeepAlive = false;
    this._storeHeader(`HTTP/1.1 ${statusCode} ${this.statusMessage}\r\n`, headers);
    return this;
  }

  /** Node's old name for writeHead. */
  writeHeader(statusCode: number, reason?: string | Headers, obj?: Headers): this {
    return this.writeHead(statusCode, reason, obj);
  }

  /** Makes `socket` this response's: queued output is written, 'close' of the socket closes the response. */
  assignSocket(socket: HttpSocket): void {
    if (socket._httpMessage) throw socketAssigned();
    socket.on("close", onServerResponseClose);
    this._takeSocket(socket);
  }

  /**
   * assignSocket without the socket 'close' listener, for the http server's own connections: its connection's
   * 'close' handler closes the response the socket holds (one listener per connection, not one added and removed
   * per request).
   */
  _takeSocket(socket: HttpSocket): void {
    if (socket._httpMessage) throw socketAssigned();
    socket._httpMessage = this;
    this.socket = socket;
    if ((this as { _events?: Record<string, unknown> })._events?.socket !== undefined) this.emit("socket", socket);
    this._flush();
  }

  /** Releases the socket after the response finished (the next pipelined one may take it). */
  detachSocket(socket: HttpSocket): void {
    socket.removeListener("close", onServerResponseClose);
    this._releaseSocket(socket);
  }

  /** detachSocket for a socket taken with _takeSocket. */
  _releaseSocket(socket: HttpSocket): void {
    socket._httpMessage = null;
    this.socket = null;
  }
}

/** Emits 'close' once on a response (its socket closed, or it finished). */
export function emitResponseClose(res: { _closed: boolean; destroyed: boolean; emit(e: string): boolean }): void {
  if (!res._closed) {
    res.destroyed = true;
    res._closed = true;
    res.emit("close");
  }
}

function onServerResponseClose(this: HttpSocket): void {
  const res = this._httpMessage as ServerResponseProto | null | undefined;
  if (res) emitResponseClose(res);
}

function init(self: ServerResponseProto, req: IncomingMessage, options?: { highWaterMark?: number; rejectNonStandardBodyWrites?: boolean }): void {
  callBase(OutgoingMessage, self, options);
  if (req?.method === "HEAD") self._hasBody = false;
  self.req = req;
  self.statusCode = 200;
  self.statusMessage = undefined;
  self.sendDate = true;
  self._sent100 = false;
  self._expect_continue = false;
  if (req && ((req.httpVersionMajor ?? 1) < 1 || (req.httpVersionMinor ?? 1) < 1)) {
    self.useChunkedEncodingByDefault = RE_TE_CHUNKED.test(String(req.headers.te ?? ""));
    self.shouldKeepAlive = false;
  }
}

/** A response being written by a server; `new ServerResponse(req)` or `ServerResponse.call(obj, req)`. */
export const ServerResponse = es5Class("ServerResponse", ServerResponseProto.prototype, init);
export type ServerResponse = ServerResponseProto;

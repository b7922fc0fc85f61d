// libos/http/client_response.ts — the client side of a connection while a request owns it: parses the response
// into an IncomingMessage ('response'), 1xx as 'continue'/'information', 101 and CONNECT as 'upgrade'/'connect',
// and when both request and response are done, hands a keep-alive socket back to the agent ('free') or closes it.
// Errors before a response are 'error' on the request ("socket hang up"). Follows Node 20's _http_client.
// Layer: libos. Depends on parser.ts, incoming.ts.

import { connReset } from "./_errors.ts";
import type { HttpSocket } from "./_socket.ts";
import type { ClientRequestProto } from "./client_request.ts";
import { IncomingMessage } from "./incoming.ts";
import { keptRawHeaders } from "./headers.ts";
import { asBuffer, HttpParser, type ParsedHead } from "./parser.ts";

interface ClientConn {
  req: ClientRequestProto;
  socket: HttpSocket;
  parser: HttpParser | null;
  incoming: IncomingMessage | null;
  handlers: Record<string, (...a: unknown[]) => void>;
}

const informational = (s: number) => s < 200 && s >= 100 && s !== 101;

function freeParser(conn: ClientConn): void {
  conn.parser = null;
  conn.req.parser = null;
}

function removeListeners(conn: ClientConn, ...events: string[]): void {
  for (const ev of events) conn.socket.removeListener(ev, conn.handlers[ev]);
}

/** Starts reading the response of `req` on `socket` (Node's tickOnSocket). */
export function attachResponseParser(req: ClientRequestProto, socket: HttpSocket): void {
  const conn: ClientConn = { req, socket, parser: null, incoming: null, handlers: {} };
  const parser = new HttpParser("response", {
    onHead: (head) => onHead(conn, head),
    onBody: (chunk) => {
      const res = conn.incoming;
      if (res && !res._dumped && !res.push(chunk)) socket.pause();
    },
    onComplete: (trailers) => {
      const res = conn.incoming;
      if (res) {
        res.complete = true;
        if (trailers.length) res._addHeaderLines(trailers, trailers.length);
        if (!res.upgrade) res.push(null);
      }
      if (socket.readable && !socket._paused) socket.resume();
    },
  }, req.maxHeaderSize || 16384);
  parser.expectNoBody(req.method === "HEAD");
  conn.parser = parser;
  req.socket = socket;
  req.parser = parser;
  socket._httpMessage = req;
  socket._httpMeta = conn;
  conn.handlers = {
    error: (err) => socketErrorListener(conn, err as Error),
    data: (d) => socketOnData(conn, asBuffer(d as Uint8Array)),
    end: () => socketOnEnd(conn),
    close: () => socketCloseListener(conn),
    drain: () => {
      const msg = socket._httpMessage as ClientRequestProto | null | undefined;
      if (msg && !msg.finished && msg._needDrain) { msg._needDrain = false; msg.emit("drain"); }
    },
  };
  for (const ev of Object.keys(conn.handlers)) socket.on(ev, conn.handlers[ev]);
  if (req.timeout !== undefined || (req.agent?.options?.timeout)) listenSocketTimeout(req);
  req.emit("socket", socket);
}

/** Makes the socket's 'timeout' a 'timeout' of the request (now, or once it has a socket). */
export function listenSocketTimeout(req: ClientRequestProto): void {
  if (req.timeoutCb) return;
  const emitTimeout = function (this: HttpSocket) {
    const r = this._httpMessage as ClientRequestProto | null | undefined;
    if (r) r.emit("timeout");
  };
  req.timeoutCb = emitTimeout;
  if (req.socket) req.socket.once("timeout", emitTimeout);
  else req.on("socket", (s: HttpSocket) => s.once("timeout", emitTimeout));
}

function onHead(conn: ClientConn, head: ParsedHead): 0 | 1 | 2 {
  const { req, socket } = conn;
  const res = new IncomingMessage(socket);
  res.httpVersionMajor = head.versionMajor;
  res.httpVersionMinor = head.versionMinor;
  res.httpVersion = `${head.versionMajor}.${head.versionMinor}`;
  res.joinDuplicateHeaders = !!req.joinDuplicateHeaders;
  res.upgrade = head.upgrade;
  const pairs = typeof req.maxHeadersCount === "number" ? req.maxHeadersCount << 1 : 2000;
  const raw = keptRawHeaders(head.rawHeaders, pairs);
  res._addHeaderLines(raw, pairs > 0 ? Math.min(raw.length, pairs) : raw.length);
  res.statusCode = head.statusCode;
  res.statusMessage = head.statusMessage;
  conn.incoming = res;
  if (req.res) { socket.destroy(); return 0; }         // a second response to one request
  req.res = res;
  if (res.upgrade) return 2;
  if (req.method === "CONNECT") { res.upgrade = true; return 2; }
  if (informational(res.statusCode as number)) {
    req.res = null;
    if (res.statusCode === 100) req.emit("continue");
    req.emit("information", { statusCode: res.statusCode, statusMessage: res.statusMessage, httpVersion: res.httpVersion,
      httpVersionMajor: res.httpVersionMajor, httpVersionMinor: res.httpVersionMinor, headers: res.headers, rawHeaders: res.rawHeaders });
    return 1;
  }
  if (req.shouldKeepAlive && !head.shouldKeepAlive && !req.upgradeOrConnect) req.shouldKeepAlive = false;
  (res as IncomingMessage & { req?: ClientRequestProto }).req = req;
  res.on("end", () => responseOnEnd(conn, res));
  req.on("finish", () => { if (req.shouldKeepAlive && req._ended) responseKeepAlive(conn); });
  socket.on("timeout", responseOnTimeout);
  if (req.aborted || !req.emit("response", res)) res._dump();
  if (req.method === "HEAD") return 1;
  if (res.statusCode === 304) { res.complete = true; return 1; }
  return 0;
}

function responseOnTimeout(this: HttpSocket): void {
  const req = this._httpMessage as ClientRequestProto | null | undefined;
  req?.res?.emit("timeout");
}

function socketOnData(conn: ClientConn, d: ReturnType<typeof asBuffer>): void {
  const { req, socket, parser } = conn;
  if (!parser) return;
  const ret = parser.execute(d);
  if (typeof ret !== "number") {
    freeParser(conn);
    removeListeners(conn, "data", "end");
    socket.destroy();
    (socket as { _hadError?: boolean })._hadError = true;
    req.emit("error", ret);
    return;
  }
  const res = conn.incoming;
  if (res && res.upgrade) {
    req.res = res;
    removeListeners(conn, "data", "end", "drain");
    if (req.timeoutCb) socket.removeListener("timeout", req.timeoutCb);
    socket.removeListener("timeout", responseOnTimeout);
    freeParser(conn);
    const bodyHead = d.slice(ret);
    const event = req.method === "CONNECT" ? "connect" : "upgrade";
    if (req.listenerCount(event) > 0) {
      req.upgradeOrConnect = true;
      socket.emit("agentRemove");
      removeListeners(conn, "close", "error");
      socket._httpMessage = null;
      (socket as unknown as { readableFlowing: boolean | null }).readableFlowing = null;
      req.emit(event, res, socket, bodyHead);
      req.destroyed = true;
      req._closed = true;
      req.emit("close");
    } else {
      socket.destroy();
    }
  } else if (res && res.complete && !informational(res.statusCode as number)) {
    removeListeners(conn, "data", "end", "drain");
    freeParser(conn);
  }
}

function socketOnEnd(conn: ClientConn): void {
  const { req, socket } = conn;
  const hadError = socket as { _hadError?: boolean };
  if (!req.res && !hadError._hadError) {
    hadError._hadError = true;
    req.emit("error", connReset("socket hang up"));
  }
  if (conn.parser) { conn.parser.finish(); freeParser(conn); }
  socket.destroy();
}

function socketCloseListener(conn: ClientConn): void {
  const { req, socket } = conn;
  const parser = conn.parser;
  const res = req.res;
  req.destroyed = true;
  if (res) {
    if (!res.complete) res.destroy(connReset("aborted"));
    req._closed = true;
    req.emit("close");
    if (!res.aborted && res.readable) res.push(null);
  } else {
    const s = socket as { _hadError?: boolean };
    if (!s._hadError) {
      s._hadError = true;
      req.emit("error", connReset("socket hang up"));
    }
    req._closed = true;
    req.emit("close");
  }
  if (req.outputData) req.outputData.length = 0;
  if (parser) { parser.finish(); freeParser(conn); }
}

function socketErrorListener(conn: ClientConn, err: Error): void {
  const { socket } = conn;
  const req = socket._httpMessage as ClientRequestProto | null | undefined;
  if (req) {
    (socket as { _hadError?: boolean })._hadError = true;
    req.emit("error", err);
  }
  if (conn.parser) { conn.parser.finish(); freeParser(conn); }
  removeListeners(conn, "data", "end");
  socket.destroy();
}

function responseOnEnd(conn: ClientConn, res: IncomingMessage): void {
  const { req, socket } = conn;
  if (req.timeoutCb) socket.removeListener("timeout", req.timeoutCb);
  socket.removeListener("timeout", responseOnTimeout);
  req._ended = true;
  if (!req.shouldKeepAlive) {
    if (socket.writable) {
      if (typeof socket.destroySoon === "function") socket.destroySoon();
      else socket.end();
    }
  } else if (req.writableFinished && !res.aborted) {
    responseKeepAlive(conn);
  }
}

function responseKeepAlive(conn: ClientConn): void {
  const { req, socket } = conn;
  if (req.timeoutCb) { socket.setTimeout(0, req.timeoutCb); req.timeoutCb = null; }
  removeListeners(conn, "close", "error", "data", "end");
  process.nextTick(() => {
    req._closed = true;
    req.emit("close");
    if (req.socket) req.socket.emit("free");
  });
  req.destroyed = true;
  if (req.res) req.res.socket = null;
}

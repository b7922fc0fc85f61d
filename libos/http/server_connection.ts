// libos/http/server_connection.ts — one server connection: parses requests from the socket, makes
// IncomingMessage/ServerResponse pairs, gives responses the socket in request order (pipelining), keeps the
// connection alive or closes it per HTTP/1.1, pauses reading while responses back up, enforces headersTimeout,
// requestTimeout, keepAliveTimeout and server.timeout, answers parse errors (400, 431, 408) unless a 'clientError'
// listener takes them, and hands upgrades and CONNECT to 'upgrade'/'connect'. Follows Node 20's _http_server.
// Layer: libos. Depends on parser.ts, incoming.ts, server_response.ts.

import type { EventEmitter } from "node:events";  // types only (erased)
import { Buffer } from "../buffer/index.ts";
import { connReset, requestTimeout } from "./_errors.ts";
import { adaptSocket, type HttpSocket } from "./_socket.ts";
import { stateIfMade, type IncomingMessage } from "./incoming.ts";
import { keptRawHeaders } from "./headers.ts";
import { asBuffer, HttpParser, type ParsedHead } from "./parser.ts";
import { emitResponseClose, type ServerResponse } from "./server_response.ts";

/** The server settings a connection reads (fields of the http Server, read at each use as Node does). */
export interface HttpServerState extends EventEmitter {
  timeout: number;
  keepAliveTimeout: number;
  headersTimeout: number;
  requestTimeout: number;
  maxHeadersCount: number | null;
  maxRequestsPerSocket: number | null;
  maxHeaderSize: number;
  requireHostHeader: boolean;
  joinDuplicateHeaders: boolean;
  rejectNonStandardBodyWrites: boolean;
  httpAllowHalfOpen: boolean;
  _IncomingMessage: new (socket: HttpSocket) => IncomingMessage;
  _ServerResponse: new (req: IncomingMessage, options: object) => ServerResponse;
  _connectionStates: Set<ConnectionState>;
}

type Timer = ReturnType<typeof setTimeout>;

/** Per-connection bookkeeping (what Node keeps in the connection's closure and socket fields). */
export interface ConnectionState {
  socket: HttpSocket;
  parser: HttpParser | null;
  /** Requests whose responses have not finished, oldest first. */
  incoming: IncomingMessage[];
  /** Responses waiting for the socket behind the one writing now. */
  outgoing: ServerResponse[];
  outgoingData: number;
  keepAliveTimeoutSet: boolean;
  requestsCount: number;
  /** The request being received (until its last byte). */
  current: IncomingMessage | null;
  /**
   * headersTimeout and requestTimeout: one timer each per connection, made once and restarted (refresh) when a
   * message begins; a timer that fires while its phase is over does nothing. O(1) allocations per request.
   */
  headersTimer: Timer | null;
  requestTimer: Timer | null;
  /** The head (headersArmed) or the whole message (requestArmed) of the current message is being timed. */
  headersArmed: boolean;
  requestArmed: boolean;
  perConn?: PerConnection;
}

const BAD_REQUEST = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
const TOO_LARGE = "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n";
const TIMED_OUT = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";
const noop = () => {};

function unrefTimer(t: Timer): Timer {
  (t as { unref?: () => void }).unref?.();
  return t;
}

function clearTimers(state: ConnectionState, which: "both" | "headers" = "both"): void {
  state.headersArmed = false;
  if (which === "both") state.requestArmed = false;
}

/** Drops the timers for good (the connection closed or left HTTP). */
function dropTimers(state: ConnectionState): void {
  clearTimers(state);
  if (state.headersTimer) { clearTimeout(state.headersTimer); state.headersTimer = null; }
  if (state.requestTimer) { clearTimeout(state.requestTimer); state.requestTimer = null; }
}

/** Restarts `t` for `ms`, or makes a new one when there is none or its duration changed (the server's setting did). */
function restart(t: Timer | null, ms: number, expire: () => void): Timer {
  if (t !== null && (t as { _idleTimeout?: number })._idleTimeout === ms && typeof t.refresh === "function") return t.refresh();
  if (t !== null) clearTimeout(t);
  return unrefTimer(setTimeout(expire, ms));
}

/**
 * A message is being received: time its head (headersTimeout, while `inHead`) and the whole request
 * (requestTimeout). Timers already running keep running (they measure from the message's first bytes).
 */
function armTimers(server: HttpServerState, state: ConnectionState, inHead = true): void {
  if (inHead && !state.headersArmed && server.headersTimeout > 0) {
    state.headersArmed = true;
    state.headersTimer = restart(state.headersTimer, server.headersTimeout, () => { if (state.headersArmed) expire(server, state); });
  }
  if (!state.requestArmed && server.requestTimeout > 0) {
    state.requestArmed = true;
    state.requestTimer = restart(state.requestTimer, server.requestTimeout, () => { if (state.requestArmed) expire(server, state); });
  }
}

function expire(server: HttpServerState, state: ConnectionState): void {
  clearTimers(state);
  socketOnError(server, state, requestTimeout());
}

/** Starts serving HTTP on `raw` for `server` (the http server's 'connection' listener). */
export function connectionListener(server: HttpServerState, raw: HttpSocket): void {
  const socket = adaptSocket(raw);
  socket.server = server;
  if (server.timeout) socket.setTimeout(server.timeout);
  const state: ConnectionState = {
    socket, parser: null, incoming: [], outgoing: [], outgoingData: 0, keepAliveTimeoutSet: false,
    requestsCount: 0, current: null, headersTimer: null, requestTimer: null, headersArmed: false, requestArmed: false,
  };
  const parser = new HttpParser("request", {
    onHead: (head) => onHead(server, state, head),
    onBody: (chunk) => {
      const req = state.current;
      if (req && !req._dumped && !req.push(chunk)) socket.pause();
    },
    onComplete: (trailers) => {
      const req = state.current;
      if (!req || req.upgrade) return;
      clearTimers(state);
      req.complete = true;
      if (trailers.length) req._addHeaderLines(trailers, trailers.length);
      req.push(null);
      if (!socket._paused && socket.readable) socket.resume();
    },
  }, server.maxHeaderSize || 16384);
  state.parser = parser;
  const handlers = {
    data: (d: Uint8Array | string) => onData(server, state, asBuffer(d)),
    end: () => onEnd(server, state),
    close: () => onClose(server, state),
    drain: () => onDrain(state),
    error: (e: Error) => socketOnError(server, state, e),
    timeout: () => onTimeout(server, state),
  };
  (state as ConnectionState & { handlers?: typeof handlers }).handlers = handlers;
  for (const [ev, fn] of Object.entries(handlers)) socket.on(ev, fn as (...a: unknown[]) => void);
  // node:net sockets hand received bytes to the parser directly (Node's parser.consume); a 'data' listener added
  // by anyone else puts the stream back in charge (the socket's own on() does that), as in Node.
  const consumable = socket as HttpSocket & { _consume?: (fn: (b: Buffer) => void) => void };
  if (typeof consumable._consume === "function") consumable._consume((b) => onData(server, state, b));
  server._connectionStates.add(state);
  armTimers(server, state);
}

function onData(server: HttpServerState, state: ConnectionState, d: Buffer): void {
  const { socket, parser } = state;
  if (!parser) return;
  if (state.keepAliveTimeoutSet) {
    socket.setTimeout(server.timeout || 0);
    state.keepAliveTimeoutSet = false;
  }
  const ret = parser.execute(d);
  if (typeof ret !== "number") {
    socketOnError(server, state, ret);
    return;
  }
  // A message that began in this chunk and is not complete yet is timed from now, its first bytes' arrival (one
  // that arrived whole, the common case, never touches a timer); one that began earlier keeps its timers.
  if (state.parser && !parser.idle) armTimers(server, state, parser.inHead);
  const req = state.current;
  if (req && req.upgrade) {
    detach(server, state);
    const event = req.method === "CONNECT" ? "connect" : "upgrade";
    if (event === "upgrade" || server.listenerCount(event) > 0) {
      (socket as unknown as { readableFlowing: boolean | null }).readableFlowing = null;
      server.emit(event, req, socket, d.slice(ret));
    } else {
      socket.destroy();
    }
  }
}

/** The socket leaves HTTP (upgrade): remove every listener of ours. */
function detach(server: HttpServerState, state: ConnectionState): void {
  const handlers = (state as ConnectionState & { handlers?: Record<string, (...a: unknown[]) => void> }).handlers ?? {};
  (state.socket as HttpSocket & { _unconsume?: () => void })._unconsume?.();
  for (const [ev, fn] of Object.entries(handlers)) state.socket.removeListener(ev, fn);
  dropTimers(state);
  state.parser = null;
  server._connectionStates.delete(state);
}

function onHead(server: HttpServerState, state: ConnectionState, head: ParsedHead): 0 | 2 {
  clearTimers(state, "headers");
  const { socket } = state;
  const req = new server._IncomingMessage(socket);
  req.httpVersionMajor = head.versionMajor;
  req.httpVersionMinor = head.versionMinor;
  req.httpVersion = `${head.versionMajor}.${head.versionMinor}`;
  req.joinDuplicateHeaders = server.joinDuplicateHeaders;
  req.url = head.url;
  req.upgrade = head.upgrade;
  const pairs = typeof server.maxHeadersCount === "number" ? server.maxHeadersCount << 1 : 2000;
  const raw = keptRawHeaders(head.rawHeaders, pairs);
  req._addHeaderLines(raw, pairs > 0 ? Math.min(raw.length, pairs) : raw.length);
  req.method = head.method;
  state.current = req;
  return onIncoming(server, state, req, head.shouldKeepAlive);
}

function onIncoming(server: HttpServerState, state: ConnectionState, req: IncomingMessage, keepAlive: boolean): 0 | 2 {
  const { socket } = state;
  if (state.keepAliveTimeoutSet) {
    socket.setTimeout(server.timeout || 0);
    state.keepAliveTimeoutSet = false;
  }
  if (req.upgrade) {
    req.upgrade = req.method === "CONNECT" || server.listenerCount("upgrade") > 0;
    if (req.upgrade) return 2;
  }
  state.incoming.push(req);
  if (!socket._paused && (socket.writableNeedDrain || state.outgoingData >= socket.writableHighWaterMark)) {
    socket._paused = true;
    socket.pause();
  }
  const perConn = state.perConn ??= connectionHelpers(server, state);
  if (perConn.resOptions.rejectNonStandardBodyWrites !== server.rejectNonStandardBodyWrites) {
    perConn.resOptions = { highWaterMark: socket.writableHighWaterMark, rejectNonStandardBodyWrites: server.rejectNonStandardBodyWrites };
  }
  const res = new server._ServerResponse(req, perConn.resOptions);
  res._keepAliveTimeout = server.keepAliveTimeout;
  res._maxRequestsPerSocket = server.maxRequestsPerSocket ?? 0;
  res._onPendingData = perConn.onPendingData;
  res.shouldKeepAlive = keepAlive;
  if (socket._httpMessage) state.outgoing.push(res);
  else res._takeSocket(socket);
  res._finishHook = perConn.onResFinish as (this: unknown) => void;
  let handled = false;
  if (req.httpVersionMajor === 1 && req.httpVersionMinor === 1) {
    // Host and Expect looked up in the raw lines: the headers object is built only if the app asks for it.
    if (server.requireHostHeader && !hasRawHeader(req, "host")) {
      res.writeHead(400, ["Connection", "close"]);
      res.end();
      return 0;
    }
    const limit = typeof server.maxRequestsPerSocket === "number" && server.maxRequestsPerSocket > 0;
    if (limit) {
      state.requestsCount++;
      res.maxRequestsOnConnectionReached = (server.maxRequestsPerSocket as number) <= state.requestsCount;
    }
    if (limit && (server.maxRequestsPerSocket as number) < state.requestsCount) {
      handled = true;
      server.emit("dropRequest", req, socket);
      res.writeHead(503);
      res.end();
    } else if (hasRawHeader(req, "expect")) {
      handled = true;
      if (/(?:^|\W)100-continue(?:$|\W)/i.test(String(req.headers.expect))) {
        res._expect_continue = true;
        if (server.listenerCount("checkContinue") > 0) {
          server.emit("checkContinue", req, res);
        } else {
          res.writeContinue();
          server.emit("request", req, res);
        }
      } else if (server.listenerCount("checkExpectation") > 0) {
        server.emit("checkExpectation", req, res);
      } else {
        res.writeHead(417);
        res.end();
      }
    }
  }
  if (!handled) server.emit("request", req, res);
  return 0;
}

/** What every response of one connection shares (made at its first request, not per request). */
interface PerConnection {
  resOptions: { highWaterMark: number; rejectNonStandardBodyWrites: boolean };
  onPendingData: (delta: number) => void;
  /** What each response runs when it finishes, before its 'finish' listeners (`this` is the response). */
  onResFinish: (this: ServerResponse) => void;
}

function connectionHelpers(server: HttpServerState, state: ConnectionState): PerConnection {
  return {
    resOptions: { highWaterMark: state.socket.writableHighWaterMark, rejectNonStandardBodyWrites: server.rejectNonStandardBodyWrites },
    onPendingData: (delta: number) => { state.outgoingData += delta; onDrain(state); },
    onResFinish(this: ServerResponse) { resOnFinish(server, state, this.req, this); },
  };
}

/** True if the request's kept header lines include `name` (lower case) — what `req.headers[name] !== undefined` says. */
function hasRawHeader(req: IncomingMessage, name: string): boolean {
  const raw = req.rawHeaders, n = req._headersCount, len = name.length;
  outer: for (let i = 0; i + 1 < n; i += 2) {
    const k = raw[i];
    if (k.length !== len) continue;
    for (let j = 0; j < len; j++) if ((k.charCodeAt(j) | 0x20) !== name.charCodeAt(j)) continue outer;   // letters only
    return true;
  }
  return false;
}

function resOnFinish(server: HttpServerState, state: ConnectionState, req: IncomingMessage, res: ServerResponse): void {
  const { socket } = state;
  if (state.incoming[0] === req) state.incoming.shift();
  if (!req._consuming && !(stateIfMade(req)?.resumeScheduled ?? false)) {
    req._dump();
  }
  res._releaseSocket(socket);
  process.nextTick(emitResponseClose, res);
  if (res._last) {
    if (typeof socket.destroySoon === "function") socket.destroySoon();
    else socket.end();
  } else if (state.outgoing.length === 0) {
    if (server.keepAliveTimeout) {
      socket.setTimeout(server.keepAliveTimeout);
      state.keepAliveTimeoutSet = true;
    }
  } else {
    state.outgoing.shift()?._takeSocket(socket);
  }
}

function onDrain(state: ConnectionState): void {
  const { socket } = state;
  const needPause = state.outgoingData > socket.writableHighWaterMark;
  if (socket._paused && !needPause) {
    socket._paused = false;
    socket.resume();
  }
  const msg = socket._httpMessage as ServerResponse | null | undefined;
  if (msg && !msg.finished && msg._needDrain) {
    msg._needDrain = false;
    msg.emit("drain");
  }
}

function onEnd(server: HttpServerState, state: ConnectionState): void {
  const { socket, parser } = state;
  const err = parser?.finish();
  if (err) {
    socketOnError(server, state, err);
  } else if (!server.httpAllowHalfOpen) {
    socket.end();
  } else if (state.outgoing.length) {
    state.outgoing[state.outgoing.length - 1]._last = true;
  } else if (socket._httpMessage) {
    (socket._httpMessage as ServerResponse)._last = true;
  } else if (socket.writable) {
    socket.end();
  }
}

function onClose(server: HttpServerState, state: ConnectionState): void {
  dropTimers(state);
  server._connectionStates.delete(state);
  state.parser = null;
  while (state.incoming.length) state.incoming.shift()?.destroy(connReset("aborted"));
  // The response holding the socket closes with it (responses take our sockets without a listener of their own).
  const res = state.socket._httpMessage as ServerResponse | null | undefined;
  if (res) emitResponseClose(res);
}

function onTimeout(server: HttpServerState, state: ConnectionState): void {
  const { socket } = state;
  const req = state.current;
  const reqTimeout = !!req && !req.complete && req.emit("timeout", socket);
  const res = socket._httpMessage as ServerResponse | null | undefined;
  const resTimeout = !!res && res.emit("timeout", socket);
  const serverTimeout = server.emit("timeout", socket);
  if (!reqTimeout && !resTimeout && !serverTimeout) socket.destroy();
}

/** A socket or parse error: 'clientError' if anyone listens, else a 400/431/408 answer and destroy. */
export function socketOnError(server: HttpServerState, state: ConnectionState, e: Error & { code?: string }): void {
  const { socket } = state;
  const handlers = (state as ConnectionState & { handlers?: Record<string, (...a: unknown[]) => void> }).handlers;
  if (handlers) socket.removeListener("error", handlers.error);
  if (socket.listeners("error").indexOf(noop) === -1) socket.on("error", noop);
  clearTimers(state);
  if (!server.emit("clientError", e, socket)) {
    const res = socket._httpMessage as ServerResponse | null | undefined;
    if (socket.writable && (!res || !res._headerSent)) {
      const answer = e.code === "HPE_HEADER_OVERFLOW" ? TOO_LARGE : e.code === "ERR_HTTP_REQUEST_TIMEOUT" ? TIMED_OUT : BAD_REQUEST;
      socket.write(Buffer.from(answer, "latin1"));
    }
    socket.destroy(e);
  }
}

/** True if the connection has no request in progress (closeIdleConnections may end it). */
export function isIdle(state: ConnectionState): boolean {
  return !!state.parser && state.parser.idle && state.incoming.length === 0 && !state.socket._httpMessage;
}

// libos/http/client_request.ts — http.ClientRequest: an outgoing request (method, path, headers from options or a
// URL; Host and Basic auth added as Node does; chunked upload unless GET/HEAD/DELETE/OPTIONS/TRACE/CONNECT or a
// length is known) that gets its socket from an Agent (or options.createConnection), then parses the response
// (client_response.ts). abort/destroy, setTimeout, setNoDelay, setSocketKeepAlive. Callable as an ES5 constructor.
// Layer: libos. Depends on outgoing.ts, agent.ts, client_response.ts, libos/url.

import type { Duplex } from "node:stream";       // types only (erased)
import { Buffer } from "../buffer/index.ts";
import { finished } from "../stream/index.ts";
import { URL } from "../url/whatwg_url.ts";
import { urlToHttpOptions } from "../url/file_path.ts";
import { connReset, headersSent, invalidArgType, invalidProtocol, invalidToken, unescapedCharacters } from "./_errors.ts";
import { callBase, es5Class } from "./_es5.ts";
import { adaptSocket, type HttpSocket } from "./_socket.ts";
import { getGlobalAgent, type Agent, type AgentConnectOptions } from "./agent.ts";
import { attachResponseParser, listenSocketTimeout } from "./client_response.ts";
import { checkIsHttpToken } from "./headers.ts";
import type { IncomingMessage } from "./incoming.ts";
import { OutgoingMessage, OutgoingMessageProto } from "./outgoing.ts";

/** http.request's options (Node's names). */
export interface RequestOptions extends AgentConnectOptions {
  agent?: Agent | false | null;
  _defaultAgent?: Agent;
  auth?: string;
  /** Opens the connection (instead of an agent): returns a Duplex, or calls back with one. */
  createConnection?: (options: AgentConnectOptions, cb: (err: Error | null, socket?: Duplex) => void) => Duplex | undefined | void;
  defaultPort?: number;
  headers?: Record<string, string | number | string[]> | string[];
  hostname?: string;
  insecureHTTPParser?: boolean;
  joinDuplicateHeaders?: boolean;
  maxHeaderSize?: number;
  method?: string;
  path?: string;
  protocol?: string;
  setHost?: boolean;
  signal?: { aborted: boolean; addEventListener(t: string, f: () => void, o?: object): void; reason?: unknown };
  timeout?: number;
}

type ResponseCallback = (res: IncomingMessage) => void;
const INVALID_PATH = /[\u0000-\u0020]/;
const NO_BODY_METHODS = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

/** Prototype of ClientRequest (never constructed itself: use ClientRequest). */
export class ClientRequestProto extends OutgoingMessageProto {
  declare method: string;
  declare path: string;
  declare host: string;
  declare protocol: string;
  declare agent: Agent | undefined;
  declare socketPath: string | undefined;
  declare timeout: number | undefined;
  declare maxHeaderSize: number | undefined;
  declare insecureHTTPParser: boolean | undefined;
  declare joinDuplicateHeaders: boolean | undefined;
  declare _ended: boolean;
  /** The response, once its head arrived. */
  declare res: IncomingMessage | null;
  declare aborted: boolean;
  declare timeoutCb: (() => void) | null;
  declare upgradeOrConnect: boolean;
  declare parser: unknown;
  declare maxHeadersCount: number | null;
  /** True if the socket came from the agent's free pool. */
  declare reusedSocket: boolean;
  declare _agentOptions?: AgentConnectOptions;
  declare _error?: Error;

  override _implicitHeader(): void {
    if (this._header) throw headersSent("render");
    this._storeHeader(this.method + " " + this.path + " HTTP/1.1\r\n", this._outHeaders);
  }

  /** Aborts (deprecated): 'abort', then destroy. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    process.nextTick(() => this.emit("abort"));
    this.destroy();
  }

  override destroy(err?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    if (this.res) this.res._dump();
    this._error = err;
    this.socket?.destroy(err);
    return this;
  }

  /** The agent (or createConnection) hands over a socket (or an error). */
  onSocket(socket: HttpSocket | undefined, err?: Error): void {
    process.nextTick(() => onSocketNT(this, socket, err));
  }

  /** Calls `method` on the socket once there is one and it is connected. */
  _deferToConnect(method: string, args: unknown[]): void {
    const call = () => { (this.socket as unknown as Record<string, (...a: unknown[]) => void>)[method](...args); };
    const onSocket = () => {
      if ((this.socket as HttpSocket).writable) call();
      else (this.socket as HttpSocket).once("connect", call);
    };
    if (!this.socket) this.once("socket", onSocket);
    else onSocket();
  }

  /** Socket idle timeout while this request uses it; `callback` listens for 'timeout'. */
  override setTimeout(msecs: number, callback?: () => void): this {
    if (this._ended) return this;
    listenSocketTimeout(this);
    if (callback) this.once("timeout", callback);
    const set = (s: HttpSocket) => {
      if ((s as { connecting?: boolean }).connecting) s.once("connect", () => s.setTimeout(msecs));
      else s.setTimeout(msecs);
    };
    if (this.socket) set(this.socket);
    else this.once("socket", set);
    return this;
  }

  setNoDelay(noDelay?: boolean): void { this._deferToConnect("setNoDelay", [noDelay]); }
  setSocketKeepAlive(enable?: boolean, initialDelay?: number): void { this._deferToConnect("setKeepAlive", [enable, initialDelay]); }
  clearTimeout(cb?: () => void): void { this.setTimeout(0, cb); }
}

function onSocketNT(req: ClientRequestProto, socket: HttpSocket | undefined, err?: Error): void {
  if (req.destroyed || err) {
    req.destroyed = true;
    const fail = (e?: Error | null) => {
      if (!req.aborted && !e) e = connReset("socket hang up");
      if (e) req.emit("error", e);
      req._closed = true;
      req.emit("close");
    };
    if (socket) {
      if (!err && req.agent && !socket.destroyed) {
        socket.emit("free");
      } else {
        finished(socket.destroy(err || req._error) as HttpSocket, (er) => {
          fail((er as { code?: string } | undefined)?.code === "ERR_STREAM_PREMATURE_CLOSE" ? err : ((er as Error) || err));
        });
        return;
      }
    }
    fail(err || req._error);
  } else {
    attachResponseParser(req, adaptSocket(socket as HttpSocket));
    req._flush();
  }
}

function init(self: ClientRequestProto, input: unknown, options?: unknown, cb?: unknown): void {
  callBase(OutgoingMessage, self);
  let opts: RequestOptions;
  if (typeof input === "string" || input instanceof URL) {
    const fromUrl = urlToHttpOptions(typeof input === "string" ? new URL(input) : input) as RequestOptions;
    if (typeof options === "function") { cb = options; opts = fromUrl; }
    else opts = Object.assign(fromUrl, options);
  } else {
    cb = options;
    opts = Object.assign({}, input) as RequestOptions;
  }
  let agent = opts.agent;
  const defaultAgent = opts._defaultAgent || getGlobalAgent();
  if (agent === false) {
    agent = new (defaultAgent.constructor as new () => Agent)();
  } else if (agent === null || agent === undefined) {
    if (typeof opts.createConnection !== "function") agent = defaultAgent;
    opts.agent = agent;
  } else if (typeof (agent as Agent).addRequest !== "function") {
    throw invalidArgType("options.agent", ["Agent-like Object", "undefined", "false"], agent);
  }
  self.agent = agent ?? undefined;
  const protocol = opts.protocol || defaultAgent.protocol;
  const expected = self.agent?.protocol || defaultAgent.protocol;
  if (opts.path && INVALID_PATH.test(String(opts.path))) throw unescapedCharacters("Request path");
  if (protocol !== expected) throw invalidProtocol(protocol, expected);
  const defaultPort = opts.defaultPort || self.agent?.defaultPort;
  const connectOpts: RequestOptions = { ...opts };
  const port = connectOpts.port = opts.port || defaultPort || 80;
  const host = connectOpts.host = opts.hostname || opts.host || "localhost";
  const setHost = opts.setHost === undefined || Boolean(opts.setHost);
  self.socketPath = opts.socketPath;
  if (opts.timeout !== undefined) self.timeout = opts.timeout;
  const signal = opts.signal;
  if (signal) {
    delete connectOpts.signal;
    if (signal.aborted) process.nextTick(() => self.destroy(abortError(signal)));
    else signal.addEventListener("abort", () => self.destroy(abortError(signal)), { once: true });
  }
  let method = opts.method;
  if (method !== null && method !== undefined && typeof method !== "string") throw invalidArgType("options.method", "string", method);
  if (method) {
    if (!checkIsHttpToken(method)) throw invalidToken("Method", method);
    method = method.toUpperCase();
  } else method = "GET";
  self.method = method;
  self.maxHeaderSize = opts.maxHeaderSize;
  self.insecureHTTPParser = opts.insecureHTTPParser;
  self.joinDuplicateHeaders = opts.joinDuplicateHeaders;
  self.path = opts.path || "/";
  if (cb) self.once("response", cb as ResponseCallback);
  self.useChunkedEncodingByDefault = !NO_BODY_METHODS.has(method);
  Object.assign(self, { _ended: false, res: null, aborted: false, timeoutCb: null, upgradeOrConnect: false, parser: null,
    maxHeadersCount: null, reusedSocket: false, host, protocol });
  if (self.agent) {
    const keep = self.agent.keepAlive || Number.isFinite(self.agent.maxSockets);
    self._last = !keep;
    self.shouldKeepAlive = keep;
  }
  const headers = opts.headers;
  if (!Array.isArray(headers)) {
    if (headers) for (const key of Object.keys(headers)) self.setHeader(key, headers[key] as string);
    if (host && !self.getHeader("host") && setHost) {
      let hostHeader = String(host);
      const colon = hostHeader.indexOf(":");
      if (colon !== -1 && hostHeader.indexOf(":", colon + 1) !== -1 && hostHeader[0] !== "[") hostHeader = `[${hostHeader}]`;
      if (port && +port !== defaultPort) hostHeader += ":" + port;
      self.setHeader("Host", hostHeader);
    }
    if (opts.auth && !self.getHeader("Authorization")) self.setHeader("Authorization", "Basic " + Buffer.from(opts.auth).toString("base64"));
    if (self.getHeader("expect")) self._storeHeader(method + " " + self.path + " HTTP/1.1\r\n", self._outHeaders);
  } else {
    self._storeHeader(method + " " + self.path + " HTTP/1.1\r\n", headers);
  }
  if (self.agent) {
    self.agent.addRequest(self, connectOpts);
    return;
  }
  self._last = true;
  self.shouldKeepAlive = false;
  const connOpts = { ...connectOpts, path: connectOpts.socketPath };
  let done = false;
  const oncreate = (err: Error | null, socket?: Duplex) => {
    if (done) return;
    done = true;
    if (err) process.nextTick(() => self.emit("error", err));
    else self.onSocket(socket as HttpSocket);
  };
  try {
    const s = (opts.createConnection as NonNullable<RequestOptions["createConnection"]>)(connOpts, oncreate);
    if (s) oncreate(null, s);
  } catch (e) {
    oncreate(e as Error);
  }
}

function abortError(signal: { reason?: unknown }): Error {
  return Object.assign(new Error("The operation was aborted"), { name: "AbortError", code: "ABORT_ERR", cause: signal.reason });
}

/** How ClientRequest is constructed (or called, ES5 style). */
export interface ClientRequestConstructor {
  new (input: string | URL | RequestOptions, options?: RequestOptions | ResponseCallback, callback?: ResponseCallback): ClientRequestProto;
  (this: unknown, input: string | URL | RequestOptions, options?: RequestOptions | ResponseCallback, callback?: ResponseCallback): void;
  prototype: ClientRequestProto;
}

/** An outgoing request; `new ClientRequest(urlOrOptions[, options][, callback])`. */
export const ClientRequest = es5Class("ClientRequest", ClientRequestProto.prototype,
  init as (self: ClientRequestProto, ...a: unknown[]) => void) as unknown as ClientRequestConstructor;
export type ClientRequest = ClientRequestProto;

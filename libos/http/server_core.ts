// libos/http/server_core.ts — the http server without a transport: `httpServerMixin(Base)` adds Node's http.Server
// behaviour (options, timeouts, request/checkContinue/clientError/upgrade events, closeAllConnections,
// closeIdleConnections) to any EventEmitter class whose 'connection' event hands over a stream.Duplex.
// `HttpServerCore` is it over a bare EventEmitter: emit 'connection' yourself, or attach() a source of them.
// server.ts applies the mixin to node:net's Server. Layer: libos. Depends on server_connection.ts.

import type { EventEmitter as EmitterType } from "node:events";  // types only (erased)
import { EventEmitter } from "../events/index.ts";
import { invalidArgType } from "./_errors.ts";
import type { HttpSocket } from "./_socket.ts";
import { maxHeaderSize as defaultMaxHeaderSize } from "./constants.ts";
import { IncomingMessage } from "./incoming.ts";
import { connectionListener, isIdle, type ConnectionState, type HttpServerState } from "./server_connection.ts";
import { ServerResponse } from "./server_response.ts";

/** createServer's options (Node 20's). */
export interface HttpServerOptions {
  IncomingMessage?: typeof IncomingMessage;
  ServerResponse?: typeof ServerResponse;
  requestTimeout?: number;
  headersTimeout?: number;
  keepAliveTimeout?: number;
  maxHeaderSize?: number;
  insecureHTTPParser?: boolean;
  joinDuplicateHeaders?: boolean;
  requireHostHeader?: boolean;
  rejectNonStandardBodyWrites?: boolean;
  highWaterMark?: number;
  noDelay?: boolean;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  uniqueHeaders?: string[];
  connectionsCheckingInterval?: number;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
type EmitterClass = new (...args: any[]) => EmitterType;

/** The options the transport (net.Server) gets from an http server's options, as Node passes them. */
export function transportOptions(o: HttpServerOptions): object {
  return { allowHalfOpen: true, noDelay: o.noDelay ?? true, keepAlive: o.keepAlive,
    keepAliveInitialDelay: o.keepAliveInitialDelay, highWaterMark: o.highWaterMark };
}

/** Splits createServer's ([options][, listener]) arguments. */
export function serverArgs(args: unknown[]): [HttpServerOptions, RequestListener | undefined] {
  let [options, listener] = args as [unknown, unknown];
  if (typeof options === "function") { listener = options; options = {}; }
  else if (options == null) options = {};
  else if (typeof options !== "object") throw invalidArgType("options", "object", options);
  return [options as HttpServerOptions, listener as RequestListener | undefined];
}

/** Adds http.Server's behaviour to `Base` (an EventEmitter class emitting 'connection' with Duplex sockets). */
export function httpServerMixin<B extends EmitterClass>(Base: B) {
  return class HttpServer extends Base implements HttpServerState {
    /** Socket idle timeout for new connections (ms; 0: none). */
    timeout = 0;
    keepAliveTimeout = 5000;
    headersTimeout = 60000;
    requestTimeout = 300000;
    maxHeadersCount: number | null = null;
    maxRequestsPerSocket: number | null = 0;
    maxHeaderSize = defaultMaxHeaderSize;
    requireHostHeader = true;
    joinDuplicateHeaders = false;
    rejectNonStandardBodyWrites = false;
    insecureHTTPParser = false;
    httpAllowHalfOpen = false;
    _IncomingMessage = IncomingMessage as unknown as HttpServerState["_IncomingMessage"];
    _ServerResponse = ServerResponse as unknown as HttpServerState["_ServerResponse"];
    _connectionStates = new Set<ConnectionState>();

    /** new Server([options][, requestListener]). Base classes get (transport options) only. */
    constructor(...args: any[]) {
      const [options, listener] = serverArgs(args);
      super({ ...options, ...transportOptions(options) });     // a TLS base (https) reads its key, cert, ... too
      if (options.IncomingMessage) this._IncomingMessage = options.IncomingMessage as unknown as HttpServerState["_IncomingMessage"];
      if (options.ServerResponse) this._ServerResponse = options.ServerResponse as unknown as HttpServerState["_ServerResponse"];
      if (options.requestTimeout !== undefined) this.requestTimeout = options.requestTimeout;
      if (options.headersTimeout !== undefined) this.headersTimeout = options.headersTimeout;
      if (options.keepAliveTimeout !== undefined) this.keepAliveTimeout = options.keepAliveTimeout;
      if (options.maxHeaderSize !== undefined) this.maxHeaderSize = options.maxHeaderSize;
      if (options.requireHostHeader !== undefined) this.requireHostHeader = options.requireHostHeader;
      this.joinDuplicateHeaders = !!options.joinDuplicateHeaders;
      this.rejectNonStandardBodyWrites = !!options.rejectNonStandardBodyWrites;
      this.insecureHTTPParser = !!options.insecureHTTPParser;
      if (listener) this.on("request", listener);
      // A TLS base (https.Server over tls.Server) hands over its decrypted connections as 'secureConnection'.
      const event = (this as { httpConnectionEvent?: string }).httpConnectionEvent ?? "connection";
      this.on(event, (socket: HttpSocket) => connectionListener(this, socket));
    }

    /** Sets `timeout` for new connections; `callback` listens for 'timeout'. */
    setTimeout(msecs = 0, callback?: (socket: HttpSocket) => void): this {
      this.timeout = msecs;
      if (callback) this.on("timeout", callback);
      return this;
    }

    /** Destroys every connection this server serves. */
    closeAllConnections(): void {
      for (const state of [...this._connectionStates]) state.socket.destroy();
    }

    /** Destroys the connections with no request in progress (idle keep-alive ones). */
    closeIdleConnections(): void {
      for (const state of [...this._connectionStates]) if (isIdle(state)) state.socket.destroy();
    }

    /** Stops accepting connections (the base class's close) and ends the idle ones, as Node 19+ does. */
    close(callback?: (err?: Error) => void): this {
      this.closeIdleConnections();
      const baseClose = (Base.prototype as { close?: (cb?: (err?: Error) => void) => unknown }).close;
      if (typeof baseClose === "function") {
        baseClose.call(this, callback);
      } else {
        for (const detach of this._sources.splice(0)) detach();
        process.nextTick(() => { this.emit("close"); callback?.(); });
      }
      return this;
    }

    _sources: (() => void)[] = [];

    /** Serves the connections that `source` emits ('connection' with a Duplex); returns a function to stop. */
    attach(source: EmitterType): () => void {
      const forward = (socket: HttpSocket) => this.emit("connection", socket);
      source.on("connection", forward);
      const detach = () => { source.removeListener("connection", forward); };
      this._sources.push(detach);
      return detach;
    }
  };
}

/** How the http server classes are constructed: ([options][, requestListener]). */
export interface HttpServerConstructor<T> {
  new (options?: HttpServerOptions | RequestListener, requestListener?: RequestListener): T;
  prototype: T;
}

const CoreClass = class HttpServerCore extends httpServerMixin(EventEmitter) {};

/**
 * An http server fed by whatever emits 'connection': `core.emit("connection", duplex)`, or `core.attach(src)`.
 * @example
 *   const core = new HttpServerCore((req, res) => res.end("hi"));
 *   core.emit("connection", serverSideOfAnInMemoryPipe);
 */
export const HttpServerCore = CoreClass as unknown as HttpServerConstructor<InstanceType<typeof CoreClass>>;
export type HttpServerCore = InstanceType<typeof CoreClass>;

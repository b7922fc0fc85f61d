// libos/https/index.ts — `node:https` over node:http and node:tls: Agent (an http.Agent whose connections are
// tls.connect()s, keep-alive pooling keyed by the TLS options too, and a session cache of up to maxCachedSessions
// so reconnections resume), globalAgent, request/get, Server/createServer (the http server core over tls.Server,
// serving 'secureConnection's). Layer: libos. Depends on libos/http and libos/tls.
import { Agent as HttpAgent, type AgentConnectOptions, type AgentOptions } from "../http/agent.ts";
import { ClientRequest } from "../http/client_request.ts";
import { httpServerMixin, type HttpServerConstructor, type HttpServerOptions, type RequestListener } from "../http/server_core.ts";
import { connect as tlsConnect } from "../tls/index.ts";
import { Server as TlsServer } from "../tls/server.ts";
import type { TLSSocket } from "../tls/tls_socket.ts";
import { isIP } from "../net/ip.ts";

type NodeBuffer = import("node:buffer").Buffer;

const TLS_KEY_FIELDS = ["ca", "cert", "clientCertEngine", "ciphers", "key", "pfx", "rejectUnauthorized", "servername",
  "minVersion", "maxVersion", "secureProtocol", "crl", "honorCipherOrder", "ecdhCurve", "dhparam", "secureOptions",
  "sessionIdContext", "sigalgs", "privateKeyIdentifier", "privateKeyEngine"] as const;

export class Agent extends HttpAgent {
  override readonly defaultPort = 443;
  override readonly protocol = "https:";
  maxCachedSessions: number;
  _sessionCache: { map: Record<string, NodeBuffer>; list: string[] } = { map: {}, list: [] };

  constructor(options: AgentOptions & { maxCachedSessions?: number } = {}) {
    super(options);
    this.maxCachedSessions = options.maxCachedSessions ?? 100;
  }

  override createConnection(options: AgentConnectOptions, cb?: (err: Error | null, s?: TLSSocket) => void): TLSSocket {
    const opts: Record<string, unknown> = { ...options };
    const host = String(opts.host ?? "localhost");
    if (opts.servername === undefined && opts.host && !isIP(host)) opts.servername = host;
    const key = String(opts._agentKey ?? "");
    const cached = this._sessionCache.map[key];
    if (cached && opts.session === undefined) opts.session = cached;
    const socket = tlsConnect(opts);
    if (this.maxCachedSessions > 0 && key) {
      socket.on("session", (s: NodeBuffer) => this._cacheSession(key, s));
      socket.once("close", (hadError: boolean) => { if (hadError) this._evictSession(key); });
    }
    if (cb) {
      const onError = (err: Error) => cb(err);
      socket.once("error", onError);
      socket.once("secureConnect", () => socket.removeListener("error", onError));
      cb(null, socket);
    }
    return socket;
  }

  override getName(options: AgentConnectOptions = {}): string {
    let name = super.getName(options);
    for (const f of TLS_KEY_FIELDS) {
      name += ":";
      const v = options[f];
      if (v !== undefined && v !== null) name += typeof v === "object" ? "[object]" : String(v);
    }
    return name;
  }

  _cacheSession(key: string, session: NodeBuffer): void {
    const c = this._sessionCache;
    if (!(key in c.map)) {
      if (c.list.length >= this.maxCachedSessions) delete c.map[c.list.shift()!];
      c.list.push(key);
    }
    c.map[key] = session;
  }

  _evictSession(key: string): void {
    const c = this._sessionCache;
    if (!(key in c.map)) return;
    c.list.splice(c.list.indexOf(key), 1);
    delete c.map[key];
  }
}

export const globalAgent = new Agent({ keepAlive: true, scheduling: "lifo", timeout: 5000 });

function requestArgs(args: unknown[]): unknown[] {
  const [input, options, cb] = args;
  if (typeof options === "function" || options === undefined) {
    const o = typeof input === "object" && input !== null && !(input instanceof URL) ? { ...(input as object), _defaultAgent: globalAgent } : input;
    return typeof input === "string" || input instanceof URL ? [input, { _defaultAgent: globalAgent }, options] : [o, options];
  }
  return [input, { ...(options as object), _defaultAgent: globalAgent }, cb];
}

/** request(url[, options][, cb]) / request(options[, cb]) */
export function request(...args: unknown[]): ClientRequest {
  return new (ClientRequest as unknown as new (...a: unknown[]) => ClientRequest)(...requestArgs(args));
}

export function get(...args: unknown[]): ClientRequest {
  const req = request(...args);
  (req as unknown as { end(): void }).end();
  return req;
}

const ServerClass = class Server extends httpServerMixin(TlsServer) {};
export const Server = ServerClass as unknown as HttpServerConstructor<InstanceType<typeof ServerClass>>;
export type Server = InstanceType<typeof ServerClass>;

export function createServer(options?: HttpServerOptions | RequestListener, requestListener?: RequestListener): Server {
  return new Server(options, requestListener);
}

export default { Agent, globalAgent, Server, createServer, get, request };

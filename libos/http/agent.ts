// libos/http/agent.ts — http.Agent: pools client connections per origin ("host:port:localAddress"), with
// maxSockets / maxTotalSockets (requests queue beyond them), keepAlive with maxFreeSockets and the server's
// "Keep-Alive: timeout=N" hint, lifo/fifo reuse, and the global agent. Follows Node 20's _http_agent. The transport
// is the `createConnection(options, callback)` method: client.ts sets node:net's on the prototype (as Node does);
// tests and other transports assign their own. Callable as an ES5 constructor. Layer: libos. Depends on libos/events.

import { EventEmitter } from "../events/index.ts";
import { codedError, invalidArgValue } from "./_errors.ts";
import { callBase, es5Class } from "./_es5.ts";
import type { HttpSocket } from "./_socket.ts";

/** The request side an agent talks to (ClientRequest). */
export interface AgentRequest {
  onSocket(socket: HttpSocket | undefined, err?: Error): void;
  shouldKeepAlive: boolean;
  reusedSocket: boolean;
  timeout?: number;
  res?: { headers: Record<string, string | string[] | undefined> } | null;
  _agentOptions?: AgentConnectOptions;
}

/** Connection options as the agent passes them to createConnection. */
export interface AgentConnectOptions {
  host?: string;
  port?: number | string;
  localAddress?: string;
  family?: number;
  socketPath?: string;
  timeout?: number;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  _agentKey?: string;
  [k: string]: unknown;
}

export interface AgentOptions {
  keepAlive?: boolean;
  keepAliveMsecs?: number;
  maxSockets?: number;
  maxTotalSockets?: number;
  maxFreeSockets?: number;
  scheduling?: "fifo" | "lifo";
  timeout?: number;
  noDelay?: boolean;
  [k: string]: unknown;
}

type CreateCallback = (err: Error | null, socket?: HttpSocket) => void;
type SocketMap = Record<string, HttpSocket[]>;

/** Prototype of Agent (never constructed itself: use Agent). */
class AgentProto extends EventEmitter {
  declare defaultPort: number;
  declare protocol: string;
  declare options: AgentOptions & { path: null };
  declare requests: Record<string, AgentRequest[]>;
  declare sockets: SocketMap;
  declare freeSockets: SocketMap;
  declare keepAliveMsecs: number;
  declare keepAlive: boolean;
  declare maxSockets: number;
  declare maxFreeSockets: number;
  declare scheduling: "fifo" | "lifo";
  declare maxTotalSockets: number;
  declare totalSocketCount: number;

  /** Opens a connection (node:net's createConnection once client.ts is loaded). */
  createConnection(_options: AgentConnectOptions, _cb: CreateCallback): HttpSocket | undefined {
    throw codedError(Error, "ERR_NO_TRANSPORT",
      "http.Agent has no connection function: load node:http (libos/http/index.ts) or set agent.createConnection");
  }

  /** The pool key of a set of request options. */
  getName(options: AgentConnectOptions = {}): string {
    let name = (options.host || "localhost") + ":";
    if (options.port) name += options.port;
    name += ":";
    if (options.localAddress) name += options.localAddress;
    if (options.family === 4 || options.family === 6) name += `:${options.family}`;
    if (options.socketPath) name += `:${options.socketPath}`;
    return name;
  }

  /** Gives `req` a pooled socket, a new one, or queues it. */
  addRequest(req: AgentRequest, opts: AgentConnectOptions | string, port?: number, localAddress?: string): void {
    if (typeof opts === "string") opts = { host: opts, port, localAddress };
    const options: AgentConnectOptions = { ...opts, ...this.options };
    const name = this.getName(options);
    this.sockets[name] ||= [];
    const free = this.freeSockets[name];
    let socket: HttpSocket | undefined;
    if (free) {
      while (free.length && free[0].destroyed) free.shift();
      socket = this.scheduling === "fifo" ? free.shift() : free.pop();
      if (!free.length) delete this.freeSockets[name];
    }
    const sockLen = (free ? free.length : 0) + this.sockets[name].length;
    if (socket) {
      this.reuseSocket(socket, req);
      setRequestSocket(this, req, socket);
      this.sockets[name].push(socket);
    } else if (sockLen < this.maxSockets && this.totalSocketCount < this.maxTotalSockets) {
      this.createSocket(req, options, (err, s) => {
        if (err) req.onSocket(s, err);
        else setRequestSocket(this, req, s as HttpSocket);
      });
    } else {
      (this.requests[name] ||= []).push(req);
      req._agentOptions = options;
    }
  }

  /** Opens a socket for `req` through createConnection and starts tracking it. */
  createSocket(_req: AgentRequest, opts: AgentConnectOptions, cb: CreateCallback): void {
    const options: AgentConnectOptions = { ...opts, ...this.options };
    const name = this.getName(options);
    options._agentKey = name;
    options.encoding = null;
    let done = false;
    const oncreate: CreateCallback = (err, s) => {
      if (done) return;
      done = true;
      if (err) return cb(err);
      (this.sockets[name] ||= []).push(s as HttpSocket);
      this.totalSocketCount++;
      installListeners(this, s as HttpSocket, options);
      cb(null, s);
    };
    if (this.keepAlive) {
      options.keepAlive = this.keepAlive;
      options.keepAliveInitialDelay = this.keepAliveMsecs;
    }
    let created: HttpSocket | undefined;
    try {
      created = this.createConnection(options, oncreate);
    } catch (e) {
      oncreate(e as Error);
      return;
    }
    if (created) oncreate(null, created);
  }

  /** Forgets `s` (closed, or given to an upgrade); starts a socket for a queued request if one waits. */
  removeSocket(s: HttpSocket, options: AgentConnectOptions): void {
    const name = this.getName(options);
    const sets = s.writable ? [this.sockets] : [this.sockets, this.freeSockets];
    for (const sockets of sets) {
      const list = sockets[name];
      const i = list ? list.indexOf(s) : -1;
      if (i !== -1) {
        list.splice(i, 1);
        if (list.length === 0) delete sockets[name];
      }
    }
    let req: AgentRequest | undefined;
    let reqOptions: AgentConnectOptions | undefined = options;
    if (this.requests[name]?.length) {
      req = this.requests[name][0];
    } else {
      for (const prop of Object.keys(this.requests)) {
        if (this.sockets[prop]?.length) break;
        req = this.requests[prop][0];
        reqOptions = req._agentOptions;
        break;
      }
    }
    if (req && reqOptions) {
      req._agentOptions = undefined;
      this.createSocket(req, reqOptions, (err, socket) => {
        if (err) req?.onSocket(socket, err);
        else socket?.emit("free");
      });
    }
  }

  /** Prepares a socket to wait in the free pool; false if it must be closed instead (server hint too short). */
  keepSocketAlive(socket: HttpSocket): boolean {
    socket.setKeepAlive(true, this.keepAliveMsecs);
    socket.unref();
    let agentTimeout = this.options.timeout || 0;
    let canKeep = true;
    const res = (socket._httpMessage as AgentRequest | null | undefined)?.res;
    const hint = res && /^timeout=(\d+)/.exec(String(res.headers["keep-alive"] ?? ""))?.[1];
    if (hint) {
      const serverHint = Math.max(parseInt(hint, 10) * 1000 - 1000, 0);
      if (serverHint === 0) canKeep = false;
      else if (serverHint < agentTimeout) agentTimeout = serverHint;
    }
    if ((socket as { timeout?: number }).timeout !== agentTimeout) socket.setTimeout(agentTimeout);
    return canKeep;
  }

  /** Takes a socket out of the free pool for `req`. */
  reuseSocket(socket: HttpSocket, req: AgentRequest): void {
    socket.removeListener("error", freeSocketErrorListener);
    req.reusedSocket = true;
    socket.ref();
  }

  /** Destroys every socket, free or in use. */
  destroy(): void {
    for (const set of [this.freeSockets, this.sockets]) {
      for (const key of Object.keys(set)) for (const s of set[key].slice()) s.destroy();
    }
  }
}

function setRequestSocket(agent: AgentProto, req: AgentRequest, socket: HttpSocket): void {
  req.onSocket(socket);
  const agentTimeout = agent.options.timeout || 0;
  if (req.timeout === undefined || req.timeout === agentTimeout) return;
  socket.setTimeout(req.timeout);
}

function freeSocketErrorListener(this: HttpSocket): void {
  this.destroy();
  this.emit("agentRemove");
}

function installListeners(agent: AgentProto, s: HttpSocket, options: AgentConnectOptions): void {
  const onFree = () => agent.emit("free", s, options);
  const onClose = () => { agent.totalSocketCount--; agent.removeSocket(s, options); };
  const onTimeout = () => {
    for (const name of Object.keys(agent.freeSockets)) if (agent.freeSockets[name].indexOf(s) !== -1) { s.destroy(); return; }
  };
  const onRemove = () => {
    agent.totalSocketCount--;
    agent.removeSocket(s, options);
    s.removeListener("close", onClose);
    s.removeListener("free", onFree);
    s.removeListener("timeout", onTimeout);
    s.removeListener("agentRemove", onRemove);
  };
  s.on("free", onFree);
  s.on("close", onClose);
  s.on("timeout", onTimeout);
  s.on("agentRemove", onRemove);
}

function onFreeSocket(agent: AgentProto, socket: HttpSocket, options: AgentConnectOptions): void {
  const name = agent.getName(options);
  if (!socket.writable) { socket.destroy(); return; }
  const queued = agent.requests[name];
  if (queued && queued.length) {
    const req = queued.shift() as AgentRequest;
    setRequestSocket(agent, req, socket);
    if (queued.length === 0) delete agent.requests[name];
    return;
  }
  const req = socket._httpMessage as AgentRequest | null | undefined;
  if (!req || !req.shouldKeepAlive || !agent.keepAlive) { socket.destroy(); return; }
  const free = agent.freeSockets[name] || [];
  const count = free.length + (agent.sockets[name] ? agent.sockets[name].length : 0);
  if (agent.totalSocketCount > agent.maxTotalSockets || count > agent.maxSockets || free.length >= agent.maxFreeSockets ||
      !agent.keepSocketAlive(socket)) {
    socket.destroy();
    return;
  }
  agent.freeSockets[name] = free;
  socket._httpMessage = null;
  agent.removeSocket(socket, options);
  socket.once("error", freeSocketErrorListener);
  free.push(socket);
}

function init(self: AgentProto, options?: AgentOptions): void {
  callBase(EventEmitter, self);
  self.defaultPort = 80;
  self.protocol = "http:";
  self.options = { ...options, path: null };
  if (self.options.noDelay === undefined) self.options.noDelay = true;
  self.requests = Object.create(null);
  self.sockets = Object.create(null);
  self.freeSockets = Object.create(null);
  self.keepAliveMsecs = self.options.keepAliveMsecs || 1000;
  self.keepAlive = self.options.keepAlive || false;
  self.maxSockets = self.options.maxSockets || Agent.defaultMaxSockets;
  self.maxFreeSockets = self.options.maxFreeSockets || 256;
  self.scheduling = self.options.scheduling || "lifo";
  if (self.scheduling !== "fifo" && self.scheduling !== "lifo") {
    throw invalidArgValue("scheduling", self.scheduling, "must be one of: 'fifo', 'lifo'");
  }
  self.maxTotalSockets = self.options.maxTotalSockets ?? Infinity;
  self.totalSocketCount = 0;
  self.on("free", (socket: HttpSocket, opts: AgentConnectOptions) => onFreeSocket(self, socket, opts));
}

/** Node's http.Agent; `new Agent({ keepAlive: true, maxSockets: 10 })`. */
export const Agent = Object.assign(es5Class("Agent", AgentProto.prototype, init), { defaultMaxSockets: Infinity });
export type Agent = AgentProto;

let globalAgent: Agent | undefined;

/** The agent requests use when they name none (Node 20: keepAlive, lifo, 5 s free-socket timeout). */
export function getGlobalAgent(): Agent {
  return (globalAgent ??= new Agent({ keepAlive: true, scheduling: "lifo", timeout: 5000 }));
}

/** Replaces the global agent (what `http.globalAgent = agent` does in Node). */
export function setGlobalAgent(agent: Agent): void {
  globalAgent = agent;
}

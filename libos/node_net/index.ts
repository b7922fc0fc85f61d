// libos/node_net/index.ts — `node:net` over the TCP stack: Socket (a stream.Duplex with Node's API and events) and
// Server (listen/close/address/'connection'), connect/createConnection/createServer, isIP. Errors carry Node's
// codes and messages (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EADDRINUSE, EPIPE, ENETUNREACH). IPv4 only (an IPv6
// address fails with EAFNOSUPPORT); 127.0.0.0/8 and the host's own address go through the loopback interface.
// Layer: libos. Depends on libos/net (runtime, tcp), libos/stream, libos/buffer, libos/dns, kernel.

import { asyncBinder } from "../../kernel/async_wrap.ts";
import { IoHandle, loop } from "../../kernel/event_loop.ts";
import { Buffer, encodeTextNative } from "../buffer/index.ts";
import { sysError } from "../internal/errors.ts";
import { lookupIn } from "../dns/lookup.ts";
import { EventEmitter } from "../events/index.ts";
import { Duplex } from "../stream/index.ts";
import { clearTimeout, setImmediate, setTimeout, type Timeout } from "../timers/index.ts";
import { isIP, isIPv4, isIPv6 } from "../net/ip.ts";
import type { NetRuntime } from "../net/runtime.ts";
import { netRuntime } from "../net/system.ts";
import type { TcpListener, TcpSocket } from "../net/tcp/index.ts";
import { formatIpv4, parseIpv4 } from "../net/wire/index.ts";

export interface SocketConnectOpts { port: number; host?: string; localAddress?: string; localPort?: number; noDelay?: boolean; keepAlive?: boolean; keepAliveInitialDelay?: number; timeout?: number }

/** A TCP connection as a Node Duplex stream. */
export class Socket extends Duplex {
  connecting = false;
  pending = true;
  bytesRead = 0;
  private written = 0;
  private tcp: TcpSocket | null = null;
  private queue: { data: Uint8Array; cb: (e?: Error | null) => void }[] = [];
  private finalCb: ((e?: Error | null) => void) | null = null;
  private paused = false;
  /** The peer sent FIN (onEnd); EOF is pushed once the receive buffer is drained. */
  private peerEnded = false;
  private eofQueued = false;
  private handle: IoHandle | null = null;
  private refed = true;
  private idleMs = 0;
  private idleTimer: Timeout | null = null;
  private wantNoDelay = false;
  private wantKeepAlive: [boolean, number] | null = null;
  private remote: { address: string; port: number } | null = null;
  /** The network this socket runs on: the current one (netRuntime()) when it first needed one, or its server's. */
  private rt: NetRuntime | null = null;
  /**
   * A consumer that takes received bytes straight from TCP (the http server's parser, as Node's parser.consume on
   * the handle): no stream push, no 'data' event. null: the bytes travel through the Readable as usual. Reading
   * still stops while the stream is paused, and EOF still ends the Readable ('end').
   */
  private consumer: ((chunk: Buffer) => void) | null = null;

  constructor(options: { allowHalfOpen?: boolean } = {}) {
    super({ allowHalfOpen: options.allowHalfOpen ?? false, emitClose: true, autoDestroy: true, decodeStrings: true });
  }

  get remoteAddress(): string | undefined { return this.remote?.address; }
  get remotePort(): number | undefined { return this.remote?.port; }
  get remoteFamily(): string | undefined { return this.remote ? "IPv4" : undefined; }
  get localAddress(): string | undefined { return this.tcp ? formatIpv4(this.tcp.localAddress) : undefined; }
  get localPort(): number | undefined { return this.tcp?.localPort; }
  get localFamily(): string | undefined { return this.tcp ? "IPv4" : undefined; }
  get bytesWritten(): number { return this.written; }
  get readyState(): string {
    if (this.connecting) return "opening";
    if (this.readable && this.writable) return "open";
    if (this.readable) return "readOnly";
    if (this.writable) return "writeOnly";
    return "closed";
  }

  address(): { address: string; family: string; port: number } | Record<string, never> {
    return this.tcp ? { address: formatIpv4(this.tcp.localAddress), family: "IPv4", port: this.tcp.localPort } : {};
  }

  /** connect(port[, host][, cb]) or connect({ port, host }[, cb]). */
  connect(...args: unknown[]): this {
    const cb = typeof args[args.length - 1] === "function" ? (args.pop() as () => void) : undefined;
    const opts: SocketConnectOpts = typeof args[0] === "object" && args[0] !== null ? (args[0] as SocketConnectOpts)
      : { port: Number(args[0]), host: typeof args[1] === "string" ? args[1] : undefined };
    const port = Number(opts.port);
    if (!(Number.isInteger(port) && port >= 0 && port < 65536)) {
      throw Object.assign(new RangeError(`Port should be >= 0 and < 65536. Received ${opts.port}.`), { code: "ERR_SOCKET_BAD_PORT" });
    }
    if (cb) this.once("connect", cb);
    if (opts.noDelay) this.wantNoDelay = true;
    if (opts.keepAlive) this.wantKeepAlive = [true, opts.keepAliveInitialDelay ?? 0];
    if (opts.timeout) this.setTimeout(opts.timeout);
    this.connecting = true;
    this.hold();
    const host = opts.host ?? "localhost";
    // The lookup and DHCP may answer from the network stack's poll phase: their callbacks keep connect()'s async
    // context, which the socket's own callbacks then inherit (node:async_hooks).
    const bind = asyncBinder("TCPCONNECTWRAP", this);
    const net = this.runtime();                    // the socket's network: the one current at connect()
    lookupIn(() => net, host, { family: 4 }, bind((err: Error | null, address: unknown, family?: number) => {
      if (this.destroyed) return;
      if (err) { this.destroy(err); return; }
      const ip = address as string;
      this.remote = { address: ip, port };
      if (family === 6) { this.destroy(sysError("EAFNOSUPPORT", "connect", ip, port)); return; }  // no IPv6 stack
      const rt = this.runtime();
      const dst = parseIpv4(ip);
      const open = () => {
        if (this.destroyed) return;
        let tcp: TcpSocket;
        try {
          tcp = rt.tcp.connect(dst, port, Number(opts.localPort ?? 0) || 0);
        } catch (e) {
          this.destroy(sysError((e as { code?: string }).code ?? "ENETUNREACH", "connect", ip, port));
          return;
        }
        this.attach(tcp);
        rt.kick();
      };
      if (rt.ifc.isLocal(dst)) open();             // loopback is up from the start: no need to wait for DHCP
      else rt.whenConfigured(bind(open));
    }));
    return this;
  }

  private runtime(): NetRuntime {
    return (this.rt ??= netRuntime());
  }

  private hold(): void {
    if (!this.handle) {
      this.handle = new IoHandle(loop());
      if (!this.refed) this.handle.unref();
    }
  }

  /** Takes over a connected or connecting TcpSocket (the server side uses this for accepted connections). */
  attach(tcp: TcpSocket, accepted = false, rt?: NetRuntime): void {
    if (rt) this.rt = rt;
    this.tcp = tcp;
    this.hold();
    if (this.wantNoDelay) tcp.setNoDelay(true);
    if (this.wantKeepAlive) tcp.setKeepAlive(...this.wantKeepAlive);
    if (accepted) {
      this.remote = { address: formatIpv4(tcp.remoteAddress), port: tcp.remotePort };
      this.connecting = false;
      this.pending = false;
    }
    // Callbacks from the stack run in the async context the socket was attached in (node:async_hooks' TCPWRAP).
    const bind = asyncBinder("TCPWRAP", this);
    tcp.onConnect = bind(() => {
      this.connecting = false;
      this.pending = false;
      this.touch();
      this.emit("connect");
      this.emit("ready");
      this.flush();
    });
    tcp.onReadable = bind(() => this.pull());
    tcp.onWritable = bind(() => this.flush());
    // The peer's FIN is delivered as its own callback, after the ticks and promise jobs of the data before it, as
    // libuv delivers EOF in a read callback of its own: an HTTP response piped from that data (corked until the
    // next tick) must reach TCP before 'end' lets the server close the connection.
    tcp.onEnd = bind(() => { this.peerEnded = true; this.pull(); });
    tcp.onError = bind((code: Parameters<NonNullable<TcpSocket["onError"]>>[0]) => {
      const r = this.remote;
      const syscall = this.connecting ? "connect" : code === "EPIPE" ? "write" : "read";
      this.destroy(sysError(code, syscall, syscall === "connect" ? r?.address : undefined, syscall === "connect" ? r?.port : undefined));
    });
    tcp.onClose = bind(() => {
      this.release();
      if (!this.destroyed) this.destroy();
    });
    if (accepted && tcp.recvAvailable > 0) this.pull();
  }

  private pull(): void {
    if (!this.tcp || this.paused) return;
    let chunk: Uint8Array | null;
    while ((chunk = this.tcp.recv()) !== null) {
      this.bytesRead += chunk.length;
      this.touch();
      // recv() hands over a fresh copy: it becomes the Buffer itself (what Buffer.from(arrayBuffer) would wrap).
      const buf = Object.setPrototypeOf(chunk, Buffer.prototype) as Buffer;
      const consumer = this.consumer;
      if (consumer !== null) {
        consumer(buf);
        // The consumer may have paused the stream (backpressure), given the socket up (upgrade) or destroyed it.
        if (this.destroyed || this.tcp === null) return;
        if (this.consumer === null ? this.readableFlowing !== true : this.readableFlowing === false) { this.paused = true; break; }
        continue;
      }
      if (!this.push(buf)) { this.paused = true; break; }
    }
    if (this.peerEnded && !this.eofQueued && this.tcp.recvAvailable === 0) {
      // EOF only once everything before it was pushed (a paused stream drains first), and as a callback of its
      // own, after the ticks and promise jobs of that data, as libuv delivers EOF in a read callback of its own:
      // an HTTP response piped from the data (corked until the next tick) reaches TCP before 'end' lets the
      // server close the connection.
      this.eofQueued = true;
      setImmediate(() => this.push(null));
    }
    // A window update the read made worth sending, or the FIN reached, reaches the stack through TcpSocket.onWork.
  }

  override _read(): void {
    if (this.paused) { this.paused = false; this.pull(); }
  }

  /**
   * Hands received bytes to `fn` directly instead of pushing them through the stream (libos/http's server: the
   * parser reads the connection as Node's parser.consume reads the handle). A 'data' or 'readable' listener added
   * later, or _unconsume(), puts the stream back in charge. Internal to libos.
   */
  _consume(fn: (chunk: Buffer) => void): void {
    this.consumer = fn;
  }

  /** Ends _consume: bytes travel through the stream again (the consumer's own 'data' listener, if any, gets them). */
  _unconsume(): void {
    this.consumer = null;
  }

  /** Someone else reads the socket from now on: the consumer gives the bytes back to the stream. */
  private readerAdded(event: string | symbol): void {
    if (this.consumer !== null && (event === "data" || event === "readable")) this.consumer = null;
  }

  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    this.readerAdded(event);
    return super.on(event, listener);
  }

  override addListener(event: string | symbol, listener: (...args: any[]) => void): this {
    return this.on(event, listener);
  }

  override prependListener(event: string | symbol, listener: (...args: any[]) => void): this {
    this.readerAdded(event);
    return super.prependListener(event, listener);
  }

  override resume(): this {
    super.resume();
    // A consumer reads outside the stream: resuming must restart the reads the pause stopped (Node's readStart).
    if (this.consumer !== null && this.paused && !this.resumeQueued) {
      this.resumeQueued = true;
      process.nextTick(resumeConsumer, this);
    }
    return this;
  }

  private resumeQueued = false;

  /** @internal resumeConsumer's half. */
  _resumeConsumer(): void {
    this.resumeQueued = false;
    if (this.paused && this.readableFlowing !== false) { this.paused = false; this.pull(); }
  }

  /**
   * write() without the Writable machinery when nothing is queued, corked or ending and TCP takes all of `chunk`
   * now: the bytes go into the send buffer at once and `cb` runs on the next tick, as Writable would run it. Any
   * other case takes the ordinary path.
   */
  override write(chunk: any, encoding?: any, cb?: any): boolean {
    const tcp = this.tcp;
    const ws = (this as unknown as { _writableState: WritableBits })._writableState;
    if (tcp !== null && !this.connecting && this.queue.length === 0 && ws.length === 0 && ws.corked === 0 &&
        !ws.writing && !ws.ending && !ws.destroyed && !ws.errored && ws.constructed) {
      if (typeof encoding === "function") { cb = encoding; encoding = undefined; }
      let bytes: Uint8Array | null = null;
      if (typeof chunk === "string") {
        bytes = encodeTextNative(chunk, encoding ?? ws.defaultEncoding);   // null: the Writable path encodes
      } else if (chunk instanceof Uint8Array) {
        bytes = chunk;
      }
      if (bytes !== null && bytes.length > 0 && bytes.length <= tcp.sendAvailable) {
        tcp.send(bytes);                              // the TCP layer hears of the work (onWork) and runs it
        this.written += bytes.length;
        this.touch();
        if (typeof cb === "function") process.nextTick(cb);
        return true;
      }
    }
    return super.write(chunk, encoding, cb);
  }

  override _write(chunk: Buffer, _enc: string, cb: (e?: Error | null) => void): void {
    this.queue.push({ data: chunk, cb });
    this.flush();
  }

  /** Corked writes (http's head + chunk + CRLF) reach TCP as one piece. */
  override _writev(chunks: { chunk: Buffer; encoding: string }[], cb: (e?: Error | null) => void): void {
    this.queue.push({ data: chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb });
    this.flush();
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.finalCb = cb;
    this.flush();
  }

  private flush(): void {
    const tcp = this.tcp;
    if (!tcp || this.connecting) return;
    while (this.queue.length) {
      const head = this.queue[0];
      let n: number;
      try {
        n = tcp.send(head.data);
      } catch {
        const err = sysError("EPIPE", "write");
        for (const q of this.queue.splice(0)) q.cb(err);
        return;
      }
      this.written += n;
      if (n < head.data.length) { head.data = head.data.subarray(n); break; }
      this.queue.shift();
      this.touch();
      head.cb();
    }
    if (this.queue.length === 0 && this.finalCb) {
      const cb = this.finalCb;
      this.finalCb = null;
      tcp.shutdownWrite();
      cb();
    }
    // send and shutdownWrite told the TCP layer themselves (TcpSocket.onWork): nothing to kick by hand.
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const tcp = this.tcp;
    if (tcp && tcp.state !== "CLOSED") {
      // As when Node closes the fd: what TCP already accepted still goes out, then FIN (RST if input was unread).
      tcp.close();                                    // onWork runs the stack
    }
    for (const q of this.queue.splice(0)) q.cb(err ?? sysError("EPIPE", "write"));
    this.release();
    cb(err);
  }

  /** The stream's 'close' carries Node's hadError argument (whether the socket was destroyed with an error). */
  override emit(event: string | symbol, ...args: any[]): boolean {
    if (event === "close" && args.length === 0) {
      const st = (this as unknown as { _readableState?: { errored: unknown }; _writableState?: { errored: unknown } });
      return super.emit("close", !!(st._readableState?.errored || st._writableState?.errored));
    }
    return super.emit(event, ...args);
  }

  private release(): void {
    this.handle?.close();
  }

  private touch(): void {
    if (this.idleMs > 0) {
      if (this.idleTimer) this.idleTimer.refresh();
      else {
        this.idleTimer = setTimeout(() => this.emit("timeout"), this.idleMs);
        this.idleTimer.unref();
      }
    }
  }

  /** Emits 'timeout' after `ms` of inactivity (0 disables), as Node; the socket is not closed by itself. */
  setTimeout(ms: number, callback?: () => void): this {
    this.idleMs = ms;
    // One timer per socket, restarted with the new duration (an http server changes it twice per request).
    const t = this.idleTimer;
    if (t !== null) {
      if (ms > 0) { t._idleTimeout = ms; t.refresh(); } else loop().cancelTimer(t);
    }
    if (callback) (ms === 0 ? this.removeListener("timeout", callback) : this.once("timeout", callback));
    if (t === null) this.touch();
    return this;
  }

  get timeout(): number | undefined { return this.idleMs || undefined; }

  setNoDelay(noDelay = true): this {
    this.wantNoDelay = noDelay;
    this.tcp?.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable = false, initialDelay = 0): this {
    this.wantKeepAlive = [enable, initialDelay];
    this.tcp?.setKeepAlive(enable, initialDelay);
    return this;
  }

  ref(): this { this.refed = true; this.handle?.ref(); return this; }
  unref(): this { this.refed = false; this.handle?.unref(); return this; }
  resetAndDestroy(): this { this.tcp?.abort(); return this.destroy() as this; }
}

/** The fields of readable-stream's WritableState that Socket.write's fast path reads. */
interface WritableBits { defaultEncoding: string; length: number; corked: number; writing: boolean; ending: boolean; destroyed: boolean; errored: unknown; constructed: boolean }

function resumeConsumer(s: Socket): void {
  s._resumeConsumer();
}

export interface ListenOptions { port?: number; host?: string; backlog?: number }

/** A TCP server. */
export class Server extends EventEmitter {
  listening = false;
  maxConnections = 0;
  private listener: TcpListener | null = null;
  private connections = 0;
  private handle: IoHandle | null = null;
  private closeCallbacks: ((e?: Error) => void)[] = [];
  private refed = true;
  /** The network the server listens on (the current one at listen()). */
  private rt: NetRuntime | null = null;

  constructor(options?: ((s: Socket) => void) | { allowHalfOpen?: boolean; noDelay?: boolean; keepAlive?: boolean }, listener?: (s: Socket) => void) {
    super();
    const cb = typeof options === "function" ? options : listener;
    this.opts = typeof options === "object" && options !== null ? options : {};
    if (cb) this.on("connection", cb);
  }

  private readonly opts: { allowHalfOpen?: boolean; noDelay?: boolean; keepAlive?: boolean };

  /** listen([port][, host][, backlog][, cb]) or listen({ port, host, backlog }[, cb]). */
  listen(...args: unknown[]): this {
    const cb = typeof args[args.length - 1] === "function" ? (args.pop() as () => void) : undefined;
    const o: ListenOptions = typeof args[0] === "object" && args[0] !== null ? (args[0] as ListenOptions)
      : { port: args[0] === undefined ? 0 : Number(args[0]), host: typeof args[1] === "string" ? args[1] : undefined,
          backlog: typeof args[1] === "number" ? args[1] : typeof args[2] === "number" ? args[2] : undefined };
    if (cb) this.once("listening", cb);
    if (this.listening) throw Object.assign(new Error("Listen method has been called more than once without closing."), { code: "ERR_SERVER_ALREADY_LISTEN" });
    const rt = (this.rt = netRuntime());
    const host = o.host === "localhost" ? "127.0.0.1" : o.host;
    if (host !== undefined && host !== "::" && isIPv6(host)) {       // no IPv6 stack ("::" listens on every IPv4 address)
      const err = Object.assign(new Error(`listen EAFNOSUPPORT: address family not supported ${host}:${o.port ?? 0}`),
        { code: "EAFNOSUPPORT", errno: -97, syscall: "listen", address: host, port: o.port ?? 0 });
      process.nextTick(() => this.emit("error", err));
      return this;
    }
    try {
      this.listener = rt.tcp.listen(o.port ?? 0, o.backlog ?? 511,
        asyncBinder("TCPSERVERWRAP", this)((tcp: TcpSocket) => this.accept(tcp)), host && isIPv4(host) ? parseIpv4(host) : 0);
    } catch (e) {
      process.nextTick(() => this.emit("error", e));
      return this;
    }
    this.listening = true;
    this.handle = new IoHandle(loop());
    if (!this.refed) this.handle.unref();
    process.nextTick(() => this.emit("listening"));
    rt.kick();
    return this;
  }

  private accept(tcp: TcpSocket): void {
    if (this.maxConnections && this.connections >= this.maxConnections) { tcp.abort(); return; }
    const s = new Socket({ allowHalfOpen: this.opts.allowHalfOpen });
    if (this.opts.noDelay) s.setNoDelay(true);
    if (this.opts.keepAlive) s.setKeepAlive(true);
    s.attach(tcp, true, this.rt ?? undefined);
    this.connections++;
    s.once("close", () => {
      this.connections--;
      this.maybeClosed();
    });
    this.emit("connection", s);
  }

  address(): { address: string; family: string; port: number } | null {
    return this.listener ? { address: formatIpv4(this.listener.localAddress), family: "IPv4", port: this.listener.localPort } : null;
  }

  /** Stops accepting; 'close' follows once every connection has ended. */
  close(cb?: (e?: Error) => void): this {
    if (!this.listener) {
      if (cb) process.nextTick(() => cb(Object.assign(new Error("Server is not running."), { code: "ERR_SERVER_NOT_RUNNING" })));
      return this;
    }
    if (cb) this.closeCallbacks.push(cb);
    const rt = this.rt ?? netRuntime();
    rt.tcp.unlisten(this.listener);
    rt.kick();
    this.listener = null;
    this.listening = false;
    this.handle?.close();
    this.maybeClosed();
    return this;
  }

  private maybeClosed(): void {
    if (this.listening || this.connections > 0 || this.handle === null) return;
    this.handle = null;
    const cbs = this.closeCallbacks.splice(0);
    process.nextTick(() => { this.emit("close"); for (const c of cbs) c(); });
  }

  getConnections(cb: (err: Error | null, count: number) => void): this {
    process.nextTick(() => cb(null, this.connections));
    return this;
  }

  ref(): this { this.refed = true; this.handle?.ref(); return this; }
  unref(): this { this.refed = false; this.handle?.unref(); return this; }
}

export function createServer(options?: ConstructorParameters<typeof Server>[0], listener?: (s: Socket) => void): Server {
  return new Server(options, listener);
}

/** connect(port[, host][, cb]) / connect({ port, host, ... }[, cb]). */
export function connect(...args: unknown[]): Socket {
  const opts = typeof args[0] === "object" && args[0] !== null ? (args[0] as { allowHalfOpen?: boolean }) : {};
  const s = new Socket(opts);
  return s.connect(...args);
}

export const createConnection = connect;
export { isIP, isIPv4, isIPv6 };

export function getDefaultAutoSelectFamily(): boolean { return false; }
export function setDefaultAutoSelectFamily(_v: boolean): void {}

export default { Socket, Server, createServer, connect, createConnection, isIP, isIPv4, isIPv6,
  getDefaultAutoSelectFamily, setDefaultAutoSelectFamily };

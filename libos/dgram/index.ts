// libos/dgram/index.ts — `node:dgram`: udp4 sockets over the stack (bind, send with implicit bind, 'message' with
// rinfo, address(), close, ref/unref, setBroadcast/setTTL). Datagrams to 127.0.0.0/8 or to the host's own address
// go through the stack's loopback interface (no network card needed). udp6 is refused with a clear error. Layer: libos. Depends on libos/net, libos/events, libos/buffer.

import { asyncBinder } from "../../kernel/async_wrap.ts";
import { IoHandle, loop } from "../../kernel/event_loop.ts";
import { Buffer } from "../buffer/index.ts";
import { lookupIn } from "../dns/lookup.ts";
import { EventEmitter } from "../events/index.ts";
import { determineSpecificType, errnoException, exceptionWithHostPort, nodeError, type SystemError } from "../internal/errors.ts";
import { isIP } from "../net/ip.ts";
import type { NetRuntime } from "../net/runtime.ts";
import { netRuntime } from "../net/system.ts";
import { formatIpv4, isIpv4, isLoopback, parseIpv4 } from "../net/wire/index.ts";

export interface RemoteInfo { address: string; family: "IPv4"; port: number; size: number }
type SendCallback = (err: Error | null, bytes?: number) => void;

const notRunning = () => nodeError(Error, "ERR_SOCKET_DGRAM_NOT_RUNNING", "Not running");

export class Socket extends EventEmitter {
  private port = 0;
  /** The address bound to (0: every address of the host). */
  private local = 0;
  private bound = false;
  private binding = false;
  private closed = false;
  private handle: IoHandle | null = null;
  private broadcast = false;
  private refed = true;
  /** The network this socket runs on: the current one (netRuntime()) when it was created. */
  private readonly rt: NetRuntime = netRuntime();
  private readonly runtime = (): NetRuntime => this.rt;

  constructor(readonly type: "udp4", listener?: (msg: Buffer, rinfo: RemoteInfo) => void) {
    super();
    if (listener) this.on("message", listener);
  }

  /** bind([port][, address][, callback]) or bind({ port, address }, callback). */
  bind(port?: number | { port?: number; address?: string }, address?: string | (() => void), callback?: () => void): this {
    let p = 0;
    let cb = callback;
    let host: string | undefined;
    if (typeof port === "object" && port !== null) { p = port.port ?? 0; host = port.address; cb = typeof address === "function" ? address : callback; }
    else { p = port ?? 0; if (typeof address === "function") cb = address; else host = address; }
    if (host === "localhost") host = "127.0.0.1";
    this.local = host !== undefined && isIpv4(host) ? parseIpv4(host) : 0;
    if (this.bound || this.binding) throw nodeError(Error, "ERR_SOCKET_ALREADY_BOUND", "Socket is already bound");
    if (cb) this.once("listening", cb);
    this.binding = true;
    const rt = this.rt;
    try {
      // Datagrams arrive in the poll phase: 'message' runs in the async context of bind() (node:async_hooks).
      this.port = rt.ifc.bindUdp(p, asyncBinder("UDPWRAP", this)((src: number, srcPort: number, dst: number, payload: Uint8Array) => {
        if (this.local === 0 || dst >>> 0 === this.local >>> 0) this.deliver(payload, formatIpv4(src), srcPort);
      }));
    } catch (e) {
      this.binding = false;
      const err = exceptionWithHostPort("EADDRINUSE", "bind", formatIpv4(this.local), p);
      process.nextTick(() => this.emit("error", err));
      return this;
    }
    this.handle = new IoHandle(loop());
    if (!this.refed) this.handle.unref();
    process.nextTick(() => {
      this.bound = true;
      this.binding = false;
      if (!this.closed) this.emit("listening");
    });
    return this;
  }

  private deliver(payload: Uint8Array, address: string, port: number): void {
    if (this.closed) return;
    const msg = Buffer.from(payload);
    this.emit("message", msg, { address, family: "IPv4", port, size: msg.length });
  }

  /** send(msg[, offset, length][, port][, address][, callback]). */
  send(msg: string | Uint8Array | (string | Uint8Array)[], ...rest: unknown[]): void {
    let offset: number | undefined, length: number | undefined;
    if (typeof rest[0] === "number" && typeof rest[1] === "number" && typeof rest[2] === "number") {
      offset = rest.shift() as number;
      length = rest.shift() as number;
    }
    const port = rest.shift() as number;
    let address = typeof rest[0] === "string" ? (rest.shift() as string) : undefined;
    const cb = typeof rest[0] === "function" ? (rest.shift() as SendCallback) : undefined;
    if (this.closed) throw notRunning();
    if (!(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw nodeError(RangeError, "ERR_SOCKET_BAD_PORT", `Port should be > 0 and < 65536. Received ${determineSpecificType(port)}.`);
    }
    const parts = Array.isArray(msg) ? msg : [msg];
    let data = Buffer.concat(parts.map((m) => (typeof m === "string" ? Buffer.from(m) : Buffer.from(m.buffer, m.byteOffset, m.byteLength))));
    if (offset !== undefined) data = data.subarray(offset, offset + (length as number));
    address ??= "127.0.0.1";
    const go = () => {
      lookupIn(this.runtime, address as string, { family: 4 }, (err, ip) => {
        if (err) { if (cb) cb(err); else this.emit("error", err); return; }
        this.transmit(data, ip as string, port, cb);
      });
    };
    if (!this.bound && !this.binding) { this.bind(0); this.once("listening", go); }
    else if (this.binding) this.once("listening", go);
    else go();
  }

  private transmit(data: Buffer, ip: string, port: number, cb?: SendCallback): void {
    const dst = parseIpv4(ip);
    const rt = this.rt;
    const local = rt.ifc.isLocal(dst);
    const go = (): void => {
      if (dst === 0xffffffff && !this.broadcast) {
        const err = exceptionWithHostPort("EACCES", "send", ip, port);
        if (cb) cb(err);
        else this.emit("error", err);
        return;
      }
      const ok = rt.ifc.sendUdp(this.port, dst, port, data, this.local !== 0 ? this.local : undefined);
      rt.kick();
      const code = ok ? "" : local ? "ENOBUFS" : isLoopback(this.local) ? "EINVAL"      // bound to 127.x (as Linux)
        : rt.ifc.dev === null ? "ENETUNREACH" : "EHOSTUNREACH";
      const err: SystemError | null = ok ? null : exceptionWithHostPort(code, "send", ip, port);
      process.nextTick(() => (cb ? cb(err, ok ? data.length : undefined) : err && this.emit("error", err)));
    };
    if (local) go();                                // loopback is up from the start: no need to wait for DHCP
    else rt.whenConfigured(go);
  }

  address(): { address: string; family: "IPv4"; port: number } {
    if (!this.bound) throw errnoException("EBADF", "getsockname");
    return { address: formatIpv4(this.local), family: "IPv4", port: this.port };
  }

  close(callback?: () => void): this {
    if (this.closed) throw notRunning();
    this.closed = true;
    if (callback) this.once("close", callback);
    if (this.port) {
      this.rt.ifc.unbindUdp(this.port);
    }
    this.handle?.close();
    process.nextTick(() => this.emit("close"));
    return this;
  }

  ref(): this { this.refed = true; this.handle?.ref(); return this; }
  unref(): this { this.refed = false; this.handle?.unref(); return this; }
  setBroadcast(flag: boolean): void { this.broadcast = flag; }
  setTTL(ttl: number): number { return ttl; }
  setRecvBufferSize(_size: number): void {}
  setSendBufferSize(_size: number): void {}
  getRecvBufferSize(): number { return 212992; }
  getSendBufferSize(): number { return 212992; }
}

/** createSocket('udp4' | { type: 'udp4' }[, listener]). */
export function createSocket(type: "udp4" | "udp6" | { type: "udp4" | "udp6" }, listener?: (msg: Buffer, rinfo: RemoteInfo) => void): Socket {
  const t = typeof type === "string" ? type : type?.type;
  if (t === "udp6") throw nodeError(TypeError, "ERR_SOCKET_BAD_TYPE", 'Bad socket type "udp6": unijs has IPv4 only (use "udp4")');
  if (t !== "udp4") throw nodeError(TypeError, "ERR_SOCKET_BAD_TYPE", "Bad socket type specified. Valid types are: udp4, udp6");
  return new Socket("udp4", listener);
}

export default { createSocket, Socket };
export { isIP };

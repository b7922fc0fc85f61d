// libos/net/tcp/listener.ts — TcpListener: a passive open on {addr, port}. Each SYN within the backlog becomes a
// TcpSocket in SYN-RECEIVED; the listener routes segments to those half-open sockets (and to completed ones not
// yet accepted), dispatches them, and hands completed connections out through `onConnection` or `accept()`.
// Layer: libos/net/tcp. Depends on ./tcp_socket.ts, ./rst.ts, ./tcp_output.ts (types), ../wire.

import { TcpFlags, type TcpRepr } from "../wire/tcp.ts";
import { rstFor } from "./rst.ts";
import type { TcpSocketOptions } from "./tcp_config.ts";
import type { TcpEmit } from "./tcp_output.ts";
import { type TcpEndpoint, TcpSocket } from "./tcp_socket.ts";

/** Chooses the initial sequence number of a passive connection (RFC 6528: a clock plus a keyed hash). */
export type TcpIssFunction = (now: number, src: number, srcPort: number, dst: number, dstPort: number) => number;

/** Options of a TcpListener. */
export interface TcpListenerOptions {
  /** ISS for each accepted SYN. */
  iss: TcpIssFunction;
  /** Half-open plus completed-but-unaccepted connections at most; further SYNs are refused. Default 511 (Node). */
  backlog?: number;
  /** Answer SYNs beyond the backlog with RST instead of dropping them (Linux's tcp_abort_on_overflow). */
  rstOnOverflow?: boolean;
  /** Options for each accepted socket, or a function of the peer's address (the stack picks the interface's MTU). */
  socket?: TcpSocketOptions | ((remoteAddress: number) => TcpSocketOptions);
}

/** Listener counters. */
export interface TcpListenerStats {
  /** SYNs that created a socket. */
  synsAccepted: number;
  /** SYNs refused because the backlog was full. */
  overflows: number;
  /** RSTs sent (ACKs to the listener, overflows, closing). */
  resets: number;
}

const MAX_REPLIES = 16;

/**
 * A passive open. The stack routes every segment to the listener's port here when no established socket
 * `accepts` it, and runs `dispatch` by `pollAt` as for sockets.
 *
 * @example
 * const l = new TcpListener({ addr: 0, port: 80 }, { iss, backlog: 128 });
 * l.onConnection = (s) => { s.onReadable = () => handle(s.recv()); };
 */
export class TcpListener {
  /** Local address (0 = every address of the host). */
  readonly localAddress: number;
  /** Local port. */
  readonly localPort: number;
  /** Half-open plus unaccepted connections at most. */
  readonly backlog: number;
  /** Called with each completed connection (which then belongs to the caller); when null they queue for accept. */
  onConnection: ((socket: TcpSocket) => void) | null = null;
  /** Counters. */
  readonly stats: TcpListenerStats = { synsAccepted: 0, overflows: 0, resets: 0 };
  private readonly opts: TcpListenerOptions;
  private readonly halfOpen: TcpSocket[] = [];
  private readonly completed: TcpSocket[] = [];
  private closing: TcpSocket[] = [];
  private readonly replies: { src: number; dst: number; seg: TcpRepr }[] = [];
  private closed = false;

  /** Listens on `local`. Throws RangeError for a port outside 1..65535 or a backlog under 1. */
  constructor(local: TcpEndpoint, opts: TcpListenerOptions) {
    if (!(local.port >= 1 && local.port <= 65535) || local.port !== Math.floor(local.port)) {
      throw new RangeError(`expected a TCP port from 1 to 65535 to listen on, found ${local.port}`);
    }
    const backlog = opts.backlog === undefined ? 511 : opts.backlog;
    if (!(backlog >= 1)) throw new RangeError(`expected a listen backlog of at least 1, found ${backlog}`);
    this.localAddress = local.addr >>> 0;
    this.localPort = local.port;
    this.backlog = Math.floor(backlog);
    this.opts = opts;
  }

  /** Half-open connections. */
  get pending(): number {
    return this.halfOpen.length;
  }
  /** Completed connections waiting for `accept`. */
  get queued(): number {
    return this.completed.length;
  }

  /** Takes the oldest completed connection (which then belongs to the caller), or null. */
  accept(): TcpSocket | null {
    const s = this.completed.shift();
    if (s === undefined) return null;
    s.onClose = null;
    return s;
  }

  /** True when `seg` from `src` to `dst` is for this listener's address and port. */
  accepts(_src: number, dst: number, seg: TcpRepr): boolean {
    return !this.closed && seg.dstPort === this.localPort && (this.localAddress === 0 || dst >>> 0 === this.localAddress);
  }

  /**
   * Handles one segment for the listener or one of its unaccepted sockets at `now`. `iss`, when given, is the
   * initial sequence number for a connection this SYN opens (the stack passes one above the previous incarnation's
   * sequence space when the SYN just ended a TIME-WAIT, RFC 6191).
   */
  process(now: number, src: number, dst: number, seg: TcpRepr, iss?: number): void {
    if (!this.accepts(src, dst, seg)) return;
    const child = this.find(src, dst, seg);
    if (child !== null) {
      child.process(now, src, dst, seg);
      return;
    }
    const f = seg.flags;
    if (f & TcpFlags.RST) return;
    if (f & TcpFlags.ACK) {
      this.reply(src, dst, seg); // RFC 9293: an ACK in LISTEN gets <SEQ=SEG.ACK><CTL=RST>
      return;
    }
    if (!(f & TcpFlags.SYN)) return;
    if (this.halfOpen.length + this.completed.length >= this.backlog) {
      this.stats.overflows++;
      if (this.opts.rstOnOverflow) this.reply(src, dst, seg);
      return;
    }
    this.stats.synsAccepted++;
    const o = this.opts.socket;
    const s = new TcpSocket(typeof o === "function" ? o(src >>> 0) : o);
    const isn = iss ?? this.opts.iss(now, src, seg.srcPort, dst, seg.dstPort);
    s.openPassive({ addr: dst, port: this.localPort }, { addr: src, port: seg.srcPort }, isn, seg, now);
    s.onConnect = () => this.established(s);
    s.onClose = () => remove(this.halfOpen, s);
    this.halfOpen.push(s);
  }

  /** Emits queued RSTs and the segments of every unaccepted socket due at `now`. */
  dispatch(now: number, emit: TcpEmit): void {
    while (this.replies.length > 0) {
      const r = this.replies[0];
      if (!emit(r.src, r.dst, r.seg)) return;
      this.replies.shift();
      this.stats.resets++;
    }
    if (this.halfOpen.length + this.completed.length + this.closing.length === 0) return; // the usual case: no copy
    const all = this.halfOpen.concat(this.completed, this.closing); // a copy: hooks move sockets between the lists
    for (let i = 0; i < all.length; i++) all[i].dispatch(now, emit);
    if (this.closing.length > 0) this.closing = this.closing.filter((s) => s.pollAt(now) !== Infinity);
  }

  /** Absolute ms at which `dispatch` must next run (Infinity when nothing is pending). */
  pollAt(now: number): number {
    if (this.replies.length > 0 || this.closing.length > 0) return now;
    let at = Infinity;
    for (let i = 0; i < this.halfOpen.length; i++) at = Math.min(at, this.halfOpen[i].pollAt(now));
    for (let i = 0; i < this.completed.length; i++) at = Math.min(at, this.completed[i].pollAt(now));
    return at;
  }

  /** Stops listening: unaccepted connections are aborted (RST on the next dispatch); later SYNs are not taken. */
  close(): void {
    this.closed = true;
    const all = this.halfOpen.concat(this.completed);
    this.halfOpen.length = 0;
    this.completed.length = 0;
    for (const s of all) {
      s.onConnect = s.onClose = null;
      s.abort();
      this.closing.push(s);
    }
  }

  private find(src: number, dst: number, seg: TcpRepr): TcpSocket | null {
    for (let i = 0; i < this.halfOpen.length; i++) if (this.halfOpen[i].accepts(src, dst, seg)) return this.halfOpen[i];
    for (let i = 0; i < this.completed.length; i++) {
      if (this.completed[i].accepts(src, dst, seg)) return this.completed[i];
    }
    return null;
  }

  private established(s: TcpSocket): void {
    remove(this.halfOpen, s);
    s.onConnect = null;
    if (this.onConnection !== null) {
      s.onClose = null;
      this.onConnection(s);
      return;
    }
    s.onClose = () => remove(this.completed, s);
    this.completed.push(s);
  }

  private reply(src: number, dst: number, seg: TcpRepr): void {
    const r = rstFor(src, dst, seg);
    if (r !== null && this.replies.length < MAX_REPLIES) this.replies.push({ src: dst, dst: src, seg: r });
  }
}

function remove(list: TcpSocket[], s: TcpSocket): void {
  const i = list.indexOf(s);
  if (i >= 0) list.splice(i, 1);
}

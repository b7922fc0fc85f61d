// libos/net/tcp/tcp_socket.ts — TcpSocket, the public face of one TCP connection: the user calls (connect, send,
// recv, close, shutdownWrite, abort, options), the stack calls (accepts, process, dispatch, pollAt) and the event
// hooks, fired once each call has finished its work. All protocol logic lives in ./tcp_input.ts,
// ./tcp_output.ts and ./tcp_timers.ts over the Tcb (./tcb.ts). Layer: libos/net/tcp.
// Depends on the files named above, ./tcp_config.ts, ./tcp_state.ts, ../wire.

import { formatIpv4 } from "../wire/ipv4_address.ts";
import { TcpFlags, type TcpRepr } from "../wire/tcp.ts";
import { TcpSeqNumber as Seq } from "../wire/tcp_seq.ts";
import { EV_CLOSE, EV_CONNECT, EV_END, EV_ERROR, EV_READABLE, EV_WRITABLE, Tcb, type TcpStats } from "./tcb.ts";
import { resolveTcpConfig, TcpError, type TcpErrorCode, type TcpSocketOptions } from "./tcp_config.ts";
import { acceptSyn, tcpInput } from "./tcp_input.ts";
import { type TcpEmit, tcpOutput, tcpPollAt, tcpPollAtAfterOutput } from "./tcp_output.ts";
import { armTimers } from "./tcp_timers.ts";
import { canReceive, canSend, TcpState, type TcpTrace } from "./tcp_state.ts";

/** An IPv4 address (32-bit unsigned number) and a port. */
export interface TcpEndpoint {
  /** IPv4 address as a number (0 = unspecified). */
  addr: number;
  /** Port 1..65535. */
  port: number;
}

/** A snapshot of a connection's protocol variables (as Linux's TCP_INFO), for tests, tools and logs. */
export interface TcpInfo {
  state: TcpState;
  /** Current retransmission timeout, ms (backoff included). */
  rto: number;
  /** Smoothed RTT and its variation, ms (0 before a sample). */
  srtt: number;
  rttvar: number;
  /** Congestion window and slow-start threshold, bytes. */
  cwnd: number;
  ssthresh: number;
  /** In NewReno fast recovery. */
  inRecovery: boolean;
  /** Payload bytes per segment we send / expect (timestamp option excluded). */
  sndMss: number;
  rcvMss: number;
  /** The peer's window (scaled, bytes) and the window we last advertised (bytes from RCV.NXT). */
  sndWnd: number;
  rcvWnd: number;
  /** Window-scale shifts in effect (0 without window scaling). */
  sndWndScale: number;
  rcvWndScale: number;
  /** Options negotiated in the SYNs. */
  windowScaling: boolean;
  timestamps: boolean;
  /** Sequence space sent and not acknowledged. */
  unacked: number;
  /** Bytes queued to send that were never sent. */
  unsent: number;
  /** Consecutive retransmission timeouts. */
  retries: number;
  /** Initial sequence numbers (ours, the peer's) and the next expected and next to send. */
  iss: number;
  irs: number;
  rcvNxt: number;
  sndNxt: number;
  sndUna: number;
}

/**
 * One TCP connection as pure logic over TcpReprs: no I/O, no clock, no timers of its own. The stack hands it
 * incoming segments (`accepts`, `process`), lets it emit (`dispatch`) and sleeps until `pollAt`. Errors reach
 * `onError` (then `onClose`); misuse throws TcpError.
 *
 * @example
 * const s = new TcpSocket({ rxBufferSize: 65536 });
 * s.onConnect = () => s.send(bytes);
 * s.connect({ addr: local, port: 49152 }, { addr: server, port: 80 }, iss, now);
 * s.dispatch(now, (src, dst, seg) => ip.sendTcp(src, dst, seg)); // emits the SYN; then run again at s.pollAt(now)
 */
export class TcpSocket {
  /** New in-order data can be read with `recv`. */
  onReadable: (() => void) | null = null;
  /** Send-buffer space was freed after a `send` that did not take everything. */
  onWritable: (() => void) | null = null;
  /** The connection reached ESTABLISHED. */
  onConnect: (() => void) | null = null;
  /** The peer's FIN was reached: everything it sent has been read (see `recv` for when it fires). */
  onEnd: (() => void) | null = null;
  /** The connection is fully closed (CLOSED, after TIME-WAIT, the last ACK, an abort or an error). Fired once. */
  onClose: (() => void) | null = null;
  /** The connection failed: ECONNREFUSED (RST to our SYN), ECONNRESET, ETIMEDOUT. `onClose` follows. */
  onError: ((code: TcpErrorCode) => void) | null = null;
  /**
   * For the stack that owns the socket (the TCP layer's connection table): called when it is fully closed, just
   * before `onClose`. Separate from the user hooks above, which their owner (node:net) replaces freely.
   */
  onRelease: (() => void) | null = null;
  /**
   * For the stack that owns the socket: called when a user call (send, a recv that frees buffer space, close,
   * shutdownWrite, abort, setNoDelay, setKeepAlive) may have left work for `dispatch`, so that the owner schedules
   * one without every caller having to say so. Never called from inside process or dispatch themselves.
   */
  onWork: (() => void) | null = null;
  private readonly t: Tcb;
  /**
   * Bumped by every user call that can change the timers or what output sends (see dispatch); reads are not
   * counted: they can only raise `ackNow` (a window update), which dispatch checks itself.
   */
  private userCalls = 0;

  /** A closed socket; see TcpSocketOptions for the options and their defaults. Throws RangeError for bad ones. */
  constructor(opts?: TcpSocketOptions) {
    this.t = new Tcb(resolveTcpConfig(opts));
  }

  /** Bytes of buffer memory the socket holds now (its rings are allocated on first use and handed back when done). */
  get bufferMemory(): number {
    return this.t.rx.allocated + this.t.tx.allocated;
  }

  /** The RFC 9293 state. */
  get state(): TcpState {
    return this.t.state;
  }
  /** A hook receiving every state transition `(from, to, why)`; null for none. */
  get trace(): TcpTrace | null {
    return this.t.trace;
  }
  set trace(fn: TcpTrace | null) {
    this.t.trace = fn;
  }
  /** Local IPv4 address (a number). */
  get localAddress(): number {
    return this.t.localAddr;
  }
  /** Local port. */
  get localPort(): number {
    return this.t.localPort;
  }
  /** Remote IPv4 address (a number). */
  get remoteAddress(): number {
    return this.t.remoteAddr;
  }
  /** Remote port. */
  get remotePort(): number {
    return this.t.remotePort;
  }
  /** Counters (live; do not modify). */
  get stats(): Readonly<TcpStats> {
    return this.t.stats;
  }
  /** The error the connection failed with, or null. */
  get error(): TcpErrorCode | null {
    return this.t.error;
  }
  /** Bytes `recv` can return now. */
  get recvAvailable(): number {
    return this.t.rx.length;
  }
  /** Free send-buffer bytes `send` would take now (0 once the send side is closed). */
  get sendAvailable(): number {
    return canSend(this.t.state) && !this.t.finQueued && !this.t.closePending ? this.t.tx.free : 0;
  }
  /** Bytes in the send buffer: unsent plus sent-but-unacknowledged. */
  get sendQueued(): number {
    return this.t.tx.length;
  }
  /** Nagle's algorithm is off. */
  get noDelay(): boolean {
    return this.t.noDelay;
  }

  /** A snapshot of the protocol variables. */
  get info(): TcpInfo {
    const t = this.t;
    return {
      state: t.state, rto: t.rtt.rto, srtt: t.rtt.srtt, rttvar: t.rtt.rttvar, cwnd: t.cc.cwnd,
      ssthresh: t.cc.ssthresh, inRecovery: t.cc.inRecovery, sndMss: t.sndMss, rcvMss: t.rcvMss, sndWnd: t.sndWnd,
      rcvWnd: Math.max(0, Seq.sub(t.rcvAdv, t.rcvNxt)), sndWndScale: t.sndShift, rcvWndScale: t.rcvShift,
      windowScaling: t.wsOk, timestamps: t.tsOk, unacked: t.flight, unsent: Math.max(0, Seq.sub(t.dataEnd, t.sndNxt)),
      retries: t.retries, iss: t.iss, irs: t.irs, rcvNxt: t.rcvNxt, sndNxt: t.sndNxt, sndUna: t.sndUna,
    };
  }

  /**
   * Active open from `local` to `remote` with initial sequence number `iss` (choose it per RFC 6528); the SYN
   * goes out with the next `dispatch`. Throws TcpError "EISCONN" unless the socket is new, RangeError for a port
   * outside 1..65535.
   */
  connect(local: TcpEndpoint, remote: TcpEndpoint, iss: number, now: number): void {
    this.open(local, remote, iss, now);
    this.t.transition("open", `connect to ${formatIpv4(remote.addr)}:${remote.port}`);
  }

  /**
   * Passive open for TcpListener: takes the peer's `syn` and moves through LISTEN to SYN-RECEIVED; the SYN-ACK
   * goes out with the next `dispatch`. Same throws as `connect`.
   */
  openPassive(local: TcpEndpoint, remote: TcpEndpoint, iss: number, syn: TcpRepr, now: number): void {
    this.open(local, remote, iss, now);
    const t = this.t;
    t.passive = true;
    t.transition("listen", `listening on port ${local.port}`);
    acceptSyn(t, now, syn);
    t.transition("rcvSyn", `SYN seq ${syn.seqNumber} from ${formatIpv4(remote.addr)}:${remote.port}`);
  }

  private open(local: TcpEndpoint, remote: TcpEndpoint, iss: number, now: number): void {
    const t = this.t;
    if (t.state !== TcpState.Closed || t.localPort !== 0) {
      throw new TcpError("EISCONN", `expected a new socket to open, found one in state ${t.state}`);
    }
    for (const p of [local.port, remote.port]) {
      if (!(p >= 1 && p <= 65535) || p !== Math.floor(p)) {
        throw new RangeError(`expected TCP ports from 1 to 65535, found ${local.port} → ${remote.port}`);
      }
    }
    t.localAddr = local.addr >>> 0;
    t.localPort = local.port;
    t.remoteAddr = remote.addr >>> 0;
    t.remotePort = remote.port;
    t.iss = t.sndUna = t.sndNxt = t.sndMax = iss >>> 0;
    t.txSeq = (iss + 1) >>> 0;
    t.lastProgressAt = t.lastRecvAt = now;
  }

  /**
   * Copies as much of `data` as fits into the send buffer and returns the bytes taken (0 when full: `onWritable`
   * fires once space frees up). Data queued before the connection opens goes out once it does. Throws TcpError
   * "EPIPE" once the send side is closed (shutdownWrite, close, reset, failure).
   */
  send(data: Uint8Array): number {
    const t = this.t;
    if (!canSend(t.state) || t.finQueued || t.closePending) {
      throw new TcpError("EPIPE", `expected a socket that can still send, found one in state ${t.state}` +
        (t.finQueued || t.closePending ? " with its send side shut down" : ""));
    }
    const n = t.tx.enqueue(data);
    if (n < data.length) t.writeBlocked = true;
    if (n > 0) this.work();
    return n;
  }

  private work(): void {
    this.userCalls++;
    if (this.onWork !== null) this.onWork();
  }

  /**
   * Removes and returns up to `max` received bytes (a copy), or null when none are buffered. Reading opens the
   * window; a window update is queued when that is worth telling (RFC 1122 SWS rule). Never calls a hook: when
   * this read reaches the peer's FIN, `onEnd` fires once the hook calling `recv` returns, or else with the next
   * `dispatch` (`pollAt` asks for one).
   */
  recv(max = Infinity): Uint8Array | null {
    const t = this.t;
    if (t.rx.length === 0 || !(max > 0)) return null;
    const out = t.rx.read(max);
    this.afterRead();
    return out;
  }

  /**
   * Lends up to `max` received bytes without copying them: a view into the receive ring over the readable bytes
   * that lie contiguously there (so possibly fewer than `recvAvailable` when they wrap around the end of the ring;
   * ask again after `consume`), or null when none are buffered. Nothing is removed until `consume`.
   *
   * Ownership: the view is the socket's memory, lent. It stays valid and unchanged until the next `consume`,
   * `recv`, `close` or `abort` on this socket (incoming segments only write past the readable bytes); do not
   * write to it or keep it beyond that: copy what must outlive it. For a consumer that parses bytes in place (an
   * HTTP head parser reading straight from the socket) this saves the copy `recv` makes.
   *
   * @example
   * for (let v = s.peekRecv(); v !== null; v = s.peekRecv()) s.consume(parser.execute(v));
   */
  peekRecv(max = Infinity): Uint8Array | null {
    const t = this.t;
    if (t.rx.length === 0 || !(max > 0)) return null;
    return t.rx.peekHead(max);
  }

  /**
   * Removes up to `n` received bytes without copying them (after `peekRecv`), with everything `recv` does after a
   * read (window update, end of stream). Returns the bytes removed.
   */
  consume(n: number): number {
    const t = this.t;
    if (!(n > 0) || t.rx.length === 0) return 0;
    const k = t.rx.discard(n);
    this.afterRead();
    return k;
  }

  private afterRead(): void {
    const t = this.t;
    if (canReceive(t.state)) {
      const cur = Math.max(0, Seq.sub(t.rcvAdv, t.rcvNxt));
      const free = t.rx.free;
      if (2 * cur <= t.rx.capacity && free >= 2 * cur && free - cur >= t.swsThreshold) {
        t.ackNow = true;
        if (this.onWork !== null) this.onWork();
      }
    }
    if (t.finReceived && t.rx.length === 0 && !t.endSignalled) {
      t.endSignalled = true;
      t.events |= EV_END; // fired after the hook that called recv returns, else by the next dispatch
      if (this.onWork !== null) this.onWork();
    }
    t.releaseIdleBuffers();
  }

  /**
   * Closes both directions: our FIN follows the queued data, and data that still arrives is acknowledged and
   * discarded. With unread received data it aborts instead (RST, as BSD and Linux do; RFC 2525 §2.17). Before
   * the SYN is answered it just closes. No-op once closing.
   */
  close(): void {
    const t = this.t;
    if (t.state === TcpState.Closed) return;
    if (t.rx.length > 0 && t.state !== TcpState.SynSent) {
      this.abort();
      return;
    }
    t.rxClosed = true;
    if (t.state === TcpState.SynSent) t.enterClosed("close", "closed before the SYN was answered", null);
    else this.finish("close");
    this.work();
    this.flush();
  }

  /** Half-close: our FIN follows the queued data; receiving goes on (`onEnd` when the peer closes). */
  shutdownWrite(): void {
    this.finish("shutdown of the send side");
    this.work();
    this.flush();
  }

  private finish(why: string): void {
    const t = this.t;
    const st = t.state;
    if (st === TcpState.SynSent || st === TcpState.SynReceived) t.closePending = true;
    else if ((st === TcpState.Established || st === TcpState.CloseWait) && !t.finQueued) t.queueFin(why);
  }

  /**
   * Drops the connection at once: a RST goes out with the next dispatch (when the peer is synchronised), buffers
   * are emptied and `onClose` fires (no `onError`). No-op when closed.
   */
  abort(): void {
    const t = this.t;
    const st = t.state;
    if (st === TcpState.Closed) return;
    if (st === TcpState.SynReceived || st === TcpState.Established || st === TcpState.FinWait1 ||
      st === TcpState.FinWait2 || st === TcpState.CloseWait) {
      t.queueRst(t.sndNxt, t.rcvNxt, TcpFlags.RST | TcpFlags.ACK);
    }
    t.enterClosed("abort", "aborted by the user", null);
    t.tx.clear();
    t.rx.clear();
    this.work();
    this.flush();
  }

  /** Turns Nagle's algorithm off (`true`) or on. */
  setNoDelay(noDelay = true): void {
    this.t.noDelay = noDelay;
    this.work();
  }

  /** Turns keep-alive on or off; a positive `initialDelayMs` sets the idle time before the first probe. */
  setKeepAlive(enable: boolean, initialDelayMs = 0): void {
    const t = this.t;
    t.keepAlive = enable;
    if (initialDelayMs > 0) t.keepIdle = initialDelayMs;
    t.keepProbes = 0;
    this.work();
  }

  /** True when `seg` from `src` to `dst` belongs to this connection (same four-tuple, socket not closed). */
  accepts(src: number, dst: number, seg: TcpRepr): boolean {
    const t = this.t;
    return t.state !== TcpState.Closed && seg.dstPort === t.localPort && seg.srcPort === t.remotePort &&
      src >>> 0 === t.remoteAddr && (t.localAddr === 0 || dst >>> 0 === t.localAddr);
  }

  /**
   * Handles one incoming segment at `now` (ignored unless `accepts`). Replies are queued for `dispatch`;
   * `seg.payload` is copied, so the caller may reuse its buffer afterwards. Hooks fire before it returns, unless
   * `deferHooks`: then they fire in the next `dispatch` (pollAt says `now` while any are pending), so a batch of
   * segments makes one 'readable' with all their data instead of one per segment; the persist and keep-alive
   * deadlines, too, are then set by that dispatch (or pollAt), once for the batch.
   */
  process(now: number, src: number, dst: number, seg: TcpRepr, deferHooks = false): void {
    if (!this.accepts(src, dst, seg)) return;
    const t = this.t;
    tcpInput(t, now, seg);
    if (deferHooks) {
      t.timersStale = true;                             // the dispatch that runs the hooks arms them first
    } else {
      armTimers(t, now);
      this.flush();
    }
  }

  /**
   * Fires due timers and emits every segment due at `now` through `emit`, stopping when it returns false. The
   * TcpRepr (and its payload, a view into the send buffer) is reused: `emit` must copy it out before returning
   * and must not call back into this socket. Returns when dispatch must run next, as `pollAt(now)` would say
   * afterwards (computed from what the dispatch already knows, so an owner need not ask again); `now` when a hook
   * left work that `onWork` announced.
   */
  dispatch(now: number, emit: TcpEmit): number {
    const t = this.t;
    const drained = tcpOutput(t, now, emit);
    const calls = this.userCalls;
    this.flush();
    // Unless emit refused a segment, a hook called back into the socket (reads aside) or a read queued a window
    // update, output has just found nothing due and armed the timers: only the deadlines are left to look at.
    if (drained && calls === this.userCalls && !t.ackNow) return tcpPollAtAfterOutput(t, now);
    // A hook left work and told the owner through onWork, which dispatches again soon: `now` is a true answer
    // (something may be due) that costs nothing.
    if (calls !== this.userCalls && this.onWork !== null) return now;
    return tcpPollAt(t, now);
  }

  /** Absolute ms at which `dispatch` must next run: `now` when something is due, Infinity when nothing is. */
  pollAt(now: number): number {
    return tcpPollAt(this.t, now);
  }

  private flush(): void {
    const t = this.t;
    for (let ev = t.events; ev !== 0; ev = t.events) {
      t.events = 0;
      if (ev & EV_CONNECT && this.onConnect) this.onConnect();
      if (ev & EV_READABLE && this.onReadable) this.onReadable();
      if (ev & EV_WRITABLE && this.onWritable) this.onWritable();
      if (ev & EV_END && this.onEnd) this.onEnd();
      if (ev & EV_ERROR && this.onError && t.error !== null) this.onError(t.error);
      if (ev & EV_CLOSE && this.onRelease) this.onRelease();
      if (ev & EV_CLOSE && this.onClose) this.onClose();
    }
    t.releaseIdleBuffers();
  }
}

// libos/net/tcp/tcb.ts — the transmission control block: every variable of one TCP connection (RFC 9293 §3.3.1
// plus RFC 6298, 5681, 7323 state), the state-transition step that logs to `trace`, and the small helpers that
// input (./tcp_input.ts), output (./tcp_output.ts) and timers (./tcp_timers.ts) share. Internal to the folder:
// the public face is TcpSocket (./tcp_socket.ts). Layer: libos/net/tcp.
// Depends on ./tcp_state.ts, ./tcp_config.ts, ./buffers.ts, ./assembler.ts, ./rtt.ts, ./congestion.ts, ../wire.

import type { TcpRepr } from "../wire/tcp.ts";
import { TcpSeqNumber as Seq } from "../wire/tcp_seq.ts";
import { Assembler } from "./assembler.ts";
import { RingBuffer } from "./buffers.ts";
import { NewReno } from "./congestion.ts";
import { RttEstimator } from "./rtt.ts";
import { TCP_DEFAULT_MSS, type TcpConfig, type TcpErrorCode } from "./tcp_config.ts";
import { type TcpEvent, TcpState, type TcpTrace, tcpTransition } from "./tcp_state.ts";

const EMPTY = new Uint8Array(0);

/** Event bit: the connection reached ESTABLISHED. Tcb raises bits; TcpSocket calls the hooks once a call is done. */
export const EV_CONNECT = 1;
/** New in-order data can be read. */
export const EV_READABLE = 2;
/** Send-buffer space was freed after a short `send`. */
export const EV_WRITABLE = 4;
/** The peer's FIN was reached by the reader. */
export const EV_END = 8;
/** `error` holds a code to report. */
export const EV_ERROR = 16;
/** The connection reached CLOSED. */
export const EV_CLOSE = 32;

/** Counters of one connection (all start at 0 and only grow). */
export interface TcpStats {
  /** Segments handed to `process`. */
  segmentsIn: number;
  /** Segments `dispatch` emitted. */
  segmentsOut: number;
  /** Segments sent again (timeouts, fast retransmit, partial ACKs, SYN/SYN-ACK repeats). */
  retransmissions: number;
  /** Fast retransmits (three duplicate ACKs). */
  fastRetransmits: number;
  /** Retransmission-timer expiries. */
  timeouts: number;
  /** Duplicate ACKs received. */
  dupAcksIn: number;
  /** Challenge ACKs sent (RFC 5961). */
  challengeAcks: number;
  /** Segments received out of order (kept for reassembly or dropped). */
  outOfOrder: number;
  /** Zero-window probes sent. */
  windowProbes: number;
  /** Keep-alive probes sent. */
  keepAliveProbes: number;
  /** Payload bytes accepted in sequence. */
  bytesIn: number;
  /** Payload bytes emitted, retransmissions included. */
  bytesOut: number;
  /** Segments taken by header prediction's short path (a subset of segmentsIn). */
  predicted: number;
}

/** The next segment output chose: its kind (0 none, 1 RST, 2 SYN, 3 data/FIN, 4 ACK, 5 probe) and extent. */
export class SegmentPlan {
  kind = 0;
  seq = 0;
  len = 0;
  fin = false;
  retransmit = false;
}

/** The state of one connection. Fields are internal to libos/net/tcp; read them through TcpSocket. */
export class Tcb {
  readonly cfg: TcpConfig;
  state: TcpState = TcpState.Closed;
  trace: TcpTrace | null = null;
  localAddr = 0;
  localPort = 0;
  remoteAddr = 0;
  remotePort = 0;
  passive = false;

  // Send sequence space: SND.UNA ≤ SND.NXT ≤ sndMax (the highest sent; SND.NXT falls back after a timeout).
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  sndMax = 0;
  sndWnd = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  maxSndWnd = 0;
  sndShift = 0;
  sndMss = TCP_DEFAULT_MSS;
  /** Most payload bytes per data segment: the MSS, or a multiple of it when the device segments (maxSegmentBytes). */
  sndSegMax = TCP_DEFAULT_MSS;
  readonly tx: RingBuffer;
  /** Sequence number of the first byte in `tx`. */
  txSeq = 0;
  finQueued = false;
  closePending = false;
  writeBlocked = false;

  // Receive sequence space.
  irs = 0;
  rcvNxt = 0;
  rcvAdv = 0;
  rcvShift = 0;
  readonly rcvShiftOffer: number;
  rcvMss: number;
  readonly rx: RingBuffer;
  readonly ooo: Assembler;
  oooFin = false;
  oooFinSeq = 0;
  finReceived = false;
  endSignalled = false;
  rxClosed = false;

  // Options.
  wsOk = false;
  tsOk = false;
  tsRecent = 0;
  lastAckSent = 0;
  readonly tsOption = { tsVal: 0, tsEcr: 0 };

  // Acknowledgement.
  ackNow = false;
  /** Duplicate ACKs owed: one per out-of-order segment, even when several arrive between two dispatches. */
  dupAcksOwed = 0;
  unackedBytes = 0;
  delayedAckAt = Infinity;

  // Timers (absolute ms; Infinity when off) and what they drive.
  rtxAt = Infinity;
  persistAt = Infinity;
  keepAliveAt = Infinity;
  closeAt = Infinity;
  retries = 0;
  synRetransmitted = false;
  lastProgressAt = 0;
  lastSendAt = -Infinity;
  lastRecvAt = 0;
  rtxNow = false;
  /** Input changed what the persist and keep-alive deadlines depend on; the next output arms them first. */
  timersStale = false;
  persistFire = false;
  persistShift = 0;
  probes = 0;
  keepProbeNow = false;
  keepProbes = 0;
  keepProbeAt = 0;
  keepAlive: boolean;
  keepIdle: number;
  noDelay: boolean;
  rstPending = false;
  rstSeq = 0;
  rstAck = 0;
  rstFlags = 0;
  challengeSince = -Infinity;
  challengeCount = 0;

  readonly rtt: RttEstimator;
  readonly cc = new NewReno();
  /** The segment `dispatch` fills and hands to `emit` (reused for every segment). */
  readonly out: TcpRepr = {
    srcPort: 0, dstPort: 0, seqNumber: 0, ackNumber: 0, flags: 0, windowLen: 0, urgentPointer: 0, maxSegSize: null,
    windowScale: null, sackPermitted: false, sackRanges: null, timestamp: null, payload: EMPTY,
  };
  /** The segment output is about to emit. */
  readonly plan = new SegmentPlan();
  events = 0;
  error: TcpErrorCode | null = null;
  readonly stats: TcpStats = {
    segmentsIn: 0, segmentsOut: 0, retransmissions: 0, fastRetransmits: 0, timeouts: 0, dupAcksIn: 0,
    challengeAcks: 0, outOfOrder: 0, windowProbes: 0, keepAliveProbes: 0, bytesIn: 0, bytesOut: 0, predicted: 0,
  };

  /** A closed connection with buffers sized by `cfg`. */
  constructor(cfg: TcpConfig) {
    this.cfg = cfg;
    this.tx = new RingBuffer(cfg.txBufferSize);
    this.rx = new RingBuffer(cfg.rxBufferSize);
    this.ooo = new Assembler(cfg.maxOutOfOrderRanges);
    let shift = 0;
    while (shift < 14 && cfg.rxBufferSize >>> shift > 65535) shift++;
    this.rcvShiftOffer = cfg.windowScaling ? shift : 0;
    this.rcvMss = Math.min(cfg.mss, TCP_DEFAULT_MSS);
    this.rtt = new RttEstimator(cfg.rtoMin, cfg.rtoMax, cfg.rtoInitial);
    this.keepAlive = cfg.keepAlive;
    this.keepIdle = cfg.keepIdle;
    this.noDelay = cfg.noDelay;
  }

  /** Moves to the state `event` leads to, telling `trace`. Throws Error when the RFC has no such transition. */
  transition(event: TcpEvent, why: string): void {
    const from = this.state;
    const to = tcpTransition(from, event);
    if (to === null) throw new Error(`expected a TCP transition for ${event} from ${from}, found none (${why})`);
    this.state = to;
    if (this.trace !== null) this.trace(from, to, event + ": " + why);
  }

  /** Sets the send MSS and the data segment size derived from it (see TcpSocketOptions.maxSegmentBytes). */
  setSndMss(mss: number): void {
    this.sndMss = mss;
    const big = this.cfg.maxSegmentBytes;
    this.sndSegMax = big > mss ? big - (big % mss) : mss;
  }

  /** Goes to CLOSED through `event`, stops every timer, and raises close (and `error` first when given). */
  enterClosed(event: TcpEvent, why: string, error: TcpErrorCode | null): void {
    this.transition(event, why);
    this.rtxAt = this.persistAt = this.keepAliveAt = this.closeAt = this.delayedAckAt = Infinity;
    this.ackNow = this.rtxNow = this.persistFire = this.keepProbeNow = false;
    this.dupAcksOwed = 0;
    this.ooo.clear();
    if (error !== null) {
      this.error = error;
      this.events |= EV_ERROR;
    }
    this.events |= EV_CLOSE;
  }

  /**
   * Hands back buffer memory that can no longer be used: the receive ring once the peer's FIN arrived and the user
   * read everything, the send ring once our FIN is queued and everything was acknowledged. A connection lingering
   * in TIME-WAIT (60 s) then costs a few hundred bytes instead of its two 64 KiB rings.
   */
  releaseIdleBuffers(): void {
    if ((this.finReceived || this.rxClosed) && this.rx.length === 0) this.rx.release();
    if (this.finQueued && this.tx.length === 0) this.tx.release();
  }

  /** Enters TIME-WAIT-style lingering: only the 2·MSL timer runs. */
  startTimeWait(now: number): void {
    this.rtxAt = this.persistAt = this.keepAliveAt = this.delayedAckAt = Infinity;
    this.closeAt = now + 2 * this.cfg.msl;
  }

  /** Queues our FIN after the data in `tx` and takes the `close` transition (ESTABLISHED → FIN-WAIT-1, ...). */
  queueFin(why: string): void {
    this.finQueued = true;
    this.closePending = false;
    this.transition("close", why);
  }

  /** Queues a reset `<SEQ=seq><ACK=ack><CTL=flags>` to go out with the next dispatch. */
  queueRst(seq: number, ack: number, flags: number): void {
    this.rstPending = true;
    this.rstSeq = seq >>> 0;
    this.rstAck = ack >>> 0;
    this.rstFlags = flags;
  }

  /** Queues a challenge ACK (RFC 5961), at most `challengeAckLimit` per second. */
  challengeAck(now: number): void {
    if (now - this.challengeSince >= 1000) {
      this.challengeSince = now;
      this.challengeCount = 0;
    }
    if (this.challengeCount >= this.cfg.challengeAckLimit) return;
    this.challengeCount++;
    this.stats.challengeAcks++;
    this.ackNow = true;
  }

  /** Sequence number just past the queued data (where our FIN goes). */
  get dataEnd(): number {
    return (this.txSeq + this.tx.length) >>> 0;
  }

  /** True once our FIN has been sent at least once. */
  get finSent(): boolean {
    return this.finQueued && Seq.gt(this.sndMax, this.dataEnd);
  }

  /** Bytes of sequence space sent and not yet acknowledged (up to the highest sent). */
  get flight(): number {
    return Seq.sub(this.sndMax, this.sndUna);
  }

  /** Receive window for the acceptability test: what we advertised, or our free space if that is more. */
  get rcvWnd(): number {
    const adv = Seq.sub(this.rcvAdv, this.rcvNxt);
    const free = this.rxClosed ? this.rx.capacity : this.rx.free;
    return Math.max(adv, free, 0);
  }

  /** Smallest window increase worth advertising (receiver SWS avoidance, RFC 1122 §4.2.3.3). */
  get swsThreshold(): number {
    return Math.min(this.rx.capacity >>> 1, this.rcvMss);
  }

  /**
   * The window field for a non-SYN segment: never moves the right edge left; grows it only by the SWS step. In
   * integer arithmetic (every quantity is a non-negative int below 2^31; shift ≤ 14, RFC 7323): it runs for every
   * segment sent.
   */
  windowField(): number {
    const shift = this.rcvShift;
    let cur = (this.rcvAdv - this.rcvNxt) | 0;
    if (cur < 0) cur = 0;
    const rx = this.rx;
    const cap = rx.capacity;
    const free = this.rxClosed ? cap : cap - rx.length;
    const sws = this.rcvMss < cap >>> 1 ? this.rcvMss : cap >>> 1; // swsThreshold
    const w = free - cur >= sws ? free : cur;
    let field = w >>> shift;                              // floor(w / 2^shift)
    if (field << shift < cur) field = (cur + (1 << shift) - 1) >>> shift; // ceil(cur / 2^shift)
    return field < 65535 ? field : 65535;
  }

  /** Our timestamp clock at `now`. */
  tsNow(now: number): number {
    return (Math.floor(now) + this.cfg.tsOffset) >>> 0;
  }
}

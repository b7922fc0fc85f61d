// libos/net/tcp/tcp_output.ts — what a connection sends and when: a side-effect-free `choose` picks the next due
// segment (reset, SYN/SYN-ACK, fast or partial-ACK retransmission, new data within min(send window, cwnd) with
// Nagle and sender SWS avoidance, FIN, window/keep-alive probe, ACK); `fill` writes it into the connection's one
// reused TcpRepr; `commit` applies it once the device took it. `pollAt` reuses `choose` to say whether anything
// is due now. Layer: libos/net/tcp. Depends on ./tcb.ts, ./tcp_timers.ts, ./tcp_state.ts, ../wire.

import { TcpFlags, type TcpRepr } from "../wire/tcp.ts";
import { TcpSeqNumber as Seq } from "../wire/tcp_seq.ts";
import { SegmentPlan, type Tcb } from "./tcb.ts";
import { armTimers, nextDeadline, runTimers } from "./tcp_timers.ts";
import { TcpState } from "./tcp_state.ts";

const { SYN, ACK, FIN, PSH } = TcpFlags;
const S = TcpState;
const EMPTY = new Uint8Array(0);

/**
 * Sends `(src, dst, segment)`; returns false when the device has no room (the socket retries later). `mss` is the
 * connection's send MSS (payload bytes per segment on the wire): a data segment larger than that (only with
 * TcpSocketOptions.maxSegmentBytes) is for a device that cuts it into `mss`-sized ones (TSO's gso_size).
 */
export type TcpEmit = (src: number, dst: number, seg: TcpRepr, mss?: number) => boolean;

const NONE = 0;
const RESET = 1;
const SYNC = 2;
const DATA = 3;
const PURE_ACK = 4;
const PROBE = 5;

/** Scratch plan for `tcpPollAt`, which only asks whether something is due (output uses the Tcb's own plan). */
const probePlan = new SegmentPlan();
/**
 * Where a payload that wraps around a send ring is copied for `emit`, shared by every connection: `emit` copies
 * the segment out before it returns and never calls back into TCP output, so one buffer serves all.
 */
let scratch = new Uint8Array(0);

function scratchFor(n: number): Uint8Array {
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, 2048));
  return scratch;
}

// Sequence arithmetic is written out inline in the functions below ((a - b) | 0 is Seq.sub(a, b)): they run for
// every segment, and an interpreter pays a call for each helper.

function choose(t: Tcb, p: SegmentPlan): boolean {
  p.kind = NONE;
  p.retransmit = false;
  p.fin = false;
  p.len = 0;
  if (t.rstPending) return pick(p, RESET);
  const st = t.state;
  if (st === S.Established) {                         // the common case first (no FIN is queued in it)
    if (t.rtxNow && chooseRetransmit(t, p)) return true;
    if (((t.txSeq + t.tx.length - t.sndNxt) | 0) > 0 && chooseData(t, p)) return true; // unsent data, as chooseData

    if (t.persistFire || t.keepProbeNow) return pick(p, PROBE);
    return (t.ackNow || t.dupAcksOwed > 0) && pick(p, PURE_ACK);
  }
  if (st === S.Closed || st === S.Listen) return false;
  if (st === S.SynSent || st === S.SynReceived) {
    if (t.sndNxt === t.iss) return pick(p, SYNC);
    return st === S.SynReceived && t.ackNow && pick(p, PURE_ACK);
  }
  if (st !== S.TimeWait && st !== S.FinWait2) {
    if (t.rtxNow && chooseRetransmit(t, p)) return true;
    if (chooseData(t, p)) return true;
    if (t.persistFire || t.keepProbeNow) return pick(p, PROBE);
  } else if (st === S.FinWait2 && t.keepProbeNow) {
    return pick(p, PROBE);
  }
  return (t.ackNow || t.dupAcksOwed > 0) && pick(p, PURE_ACK);
}

function pick(p: SegmentPlan, kind: number): true {
  p.kind = kind;
  return true;
}

function chooseRetransmit(t: Tcb, p: SegmentPlan): boolean {
  if (!Seq.gt(t.sndMax, t.sndUna)) return false;
  const finSent = t.finSent;
  const len = Math.max(0, Math.min(t.sndMss, Seq.sub(finSent ? t.dataEnd : t.sndMax, t.sndUna)));
  const fin = finSent && Seq.sub(t.dataEnd, t.sndUna) === len;
  if (len === 0 && !fin) return false;
  p.kind = DATA;
  p.seq = t.sndUna;
  p.len = len;
  p.fin = fin;
  p.retransmit = true;
  return true;
}

function chooseData(t: Tcb, p: SegmentPlan): boolean {
  const sndNxt = t.sndNxt;
  const unsent = (t.txSeq + t.tx.length - sndNxt) | 0;   // Seq.sub(t.dataEnd, sndNxt)
  if (unsent <= 0) {
    if (!t.finQueued || unsent < 0) return false;
    p.kind = DATA; // a bare FIN (sent even into a closed window)
    p.seq = sndNxt;
    p.fin = true;
    return true;
  }
  const cc = t.cc; // limited transmit (RFC 3042): a new segment for each of the first two duplicate ACKs
  const mss = t.sndMss;
  const dup = cc.dupAcks;
  const cwnd = cc.inRecovery || dup === 0 ? cc.cwnd : cc.cwnd + (dup < 2 ? dup : 2) * mss;
  const wnd = t.sndWnd < cwnd ? t.sndWnd : cwnd;
  const usable = (((t.sndUna + wnd) >>> 0) - sndNxt) | 0;
  let len = unsent < usable ? unsent : usable;
  if (len > t.sndSegMax) len = t.sndSegMax;
  if (len <= 0) return false;
  // A segment the device cuts up (TSO): whole MSS-sized pieces, unless it ends the queued data.
  if (len > mss && len < unsent) len -= len % mss;
  const last = len === unsent;
  if (len < mss && !t.persistFire) {
    if (!last && len < t.maxSndWnd >>> 1) return false; // sender SWS avoidance (RFC 1122 §4.2.3.4)
    const nagle = !t.noDelay && !t.finQueued && sndNxt !== t.sndUna && ((sndNxt - t.sndMax) | 0) >= 0;
    if (nagle) return false; // Nagle (RFC 896): one small segment in flight at a time
  }
  p.kind = DATA;
  p.seq = sndNxt;
  p.len = len;
  p.fin = t.finQueued && last;
  return true;
}

function fill(t: Tcb, now: number, p: SegmentPlan): TcpRepr {
  const o = t.out;
  o.srcPort = t.localPort;
  o.dstPort = t.remotePort;
  o.urgentPointer = 0;
  o.maxSegSize = null;
  o.windowScale = null;
  o.payload = EMPTY;
  o.ackNumber = t.rcvNxt;
  o.flags = ACK;
  o.timestamp = null;
  const ts = t.tsOption;
  ts.tsVal = t.tsNow(now);
  ts.tsEcr = t.tsRecent;
  if (t.tsOk) o.timestamp = ts;
  switch (p.kind) {
    case RESET:
      o.seqNumber = t.rstSeq;
      o.ackNumber = t.rstFlags & ACK ? t.rstAck : 0;
      o.flags = t.rstFlags;
      o.windowLen = 0;
      o.timestamp = null;
      return o;
    case SYNC: {
      const active = t.state === S.SynSent;
      o.seqNumber = t.iss;
      o.flags = active ? SYN : SYN | ACK;
      if (active) o.ackNumber = 0;
      o.windowLen = Math.min(t.rx.free, 65535);
      o.maxSegSize = t.cfg.mss;
      if (active ? t.cfg.windowScaling : t.wsOk) o.windowScale = t.rcvShiftOffer;
      if (active ? t.cfg.timestamps : t.tsOk) {
        if (active) ts.tsEcr = 0;
        o.timestamp = ts;
      }
      return o;
    }
    case DATA:
      o.seqNumber = p.seq;
      if (p.fin) o.flags |= FIN;
      if (p.len > 0) {
        o.payload = t.tx.peek((p.seq - t.txSeq) | 0, p.len, scratchFor(p.len));
        if (((p.seq + p.len - t.txSeq - t.tx.length) | 0) === 0) o.flags |= PSH; // the end of the queued data
      }
      break;
    case PROBE:
      o.seqNumber = (t.sndUna - 1) >>> 0; // out of the peer's window: it answers with an ACK and its window
      break;
    default:
      o.seqNumber = t.sndNxt;
  }
  o.windowLen = t.windowField();
  return o;
}

function commit(t: Tcb, now: number, p: SegmentPlan): void {
  t.stats.segmentsOut++;
  switch (p.kind) {
    case RESET:
      t.rstPending = false;
      return;
    case SYNC: {
      const again = Seq.gt(t.sndMax, t.iss);
      if (again) {
        t.stats.retransmissions++;
        t.rtt.cancelTiming();
      } else {
        t.rtt.startTiming((t.iss + 1) >>> 0, now);
      }
      t.sndNxt = t.sndMax = (t.iss + 1) >>> 0;
      if (t.rtxAt === Infinity) t.rtxAt = now + t.rtt.rto;
      t.lastSendAt = now;
      if (t.state === S.SynReceived) acked(t, t.out.windowLen);
      return;
    }
    case DATA: {
      const end = (p.seq + p.len + (p.fin ? 1 : 0)) >>> 0;
      const again = ((p.seq - t.sndMax) | 0) < 0;
      if (t.sndUna === t.sndMax) t.lastProgressAt = now; // the user timeout runs from here
      if (p.retransmit) {
        t.rtxNow = false;
      } else {
        t.sndNxt = end;
        if (((end - t.sndMax) | 0) > 0) t.sndMax = end;
      }
      if (again) {
        t.stats.retransmissions++;
        t.rtt.cancelTiming();
      } else if (!t.tsOk) {
        t.rtt.startTiming(end, now);
      }
      t.stats.bytesOut += p.len;
      if (t.rtxAt === Infinity) t.rtxAt = now + t.rtt.rto;
      t.persistFire = false;
      t.lastSendAt = now;
      break;
    }
    case PROBE:
      if (t.persistFire) t.stats.windowProbes++;
      else t.stats.keepAliveProbes++;
      t.persistFire = t.keepProbeNow = false;
      break;
    default:
      break;
  }
  acked(t, t.out.windowLen << t.rcvShift);
}

/** Bookkeeping for a segment that carried our ACK and a window of `window` bytes. */
function acked(t: Tcb, window: number): void {
  t.ackNow = false;
  if (t.dupAcksOwed > 0) t.dupAcksOwed--;
  t.delayedAckAt = Infinity;
  t.unackedBytes = 0;
  t.lastAckSent = t.rcvNxt;
  const edge = (t.rcvNxt + window) >>> 0;
  if (((edge - t.rcvAdv) | 0) > 0) t.rcvAdv = edge;
}

/**
 * Fires due timers, then emits every segment due at `now` until `emit` refuses one. Returns true when nothing is
 * left to send now (the loop ended because nothing was due), false when `emit` refused a segment.
 */
export function tcpOutput(t: Tcb, now: number, emit: TcpEmit): boolean {
  if (t.timersStale) armTimers(t, now);               // input deferred it to here (TcpSocket.process)
  runTimers(t, now);
  if (t.sndUna === t.sndMax && now - t.lastSendAt > t.rtt.rto) t.cc.onIdle(); // RFC 5681 §4.1
  const p = t.plan;
  let drained = true;
  for (let guard = 0; guard < 1 << 20; guard++) {
    if (!choose(t, p)) break;
    const seg = fill(t, now, p);
    if (!emit(t.localAddr, t.remoteAddr, seg, t.sndMss)) {
      drained = false;
      break;
    }
    commit(t, now, p);
  }
  armTimers(t, now);
  return drained;
}

/**
 * `tcpPollAt` right after a `tcpOutput` that returned true, with nothing changed since: `choose` has just said
 * nothing is due and the timers are armed, so only the deadlines are left to look at.
 */
export function tcpPollAtAfterOutput(t: Tcb, now: number): number {
  if (t.rstPending || t.events !== 0) return now;
  if (t.state === S.Closed) return Infinity;
  const next = nextDeadline(t);
  return next <= now ? now : next;
}

/** When output must next run: `now` when a segment, timer or hook is due, Infinity when nothing is. */
export function tcpPollAt(t: Tcb, now: number): number {
  if (t.rstPending || t.events !== 0) return now; // a segment, or hooks raised outside process/dispatch
  if (t.state === S.Closed) return Infinity;
  armTimers(t, now);
  const next = nextDeadline(t);
  if (next <= now || choose(t, probePlan)) return now;
  return next;
}

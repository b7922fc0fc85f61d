// libos/net/tcp/tcp_input.ts — "SEGMENT ARRIVES" (RFC 9293 §3.10.7) for one connection: SYN-SENT handling,
// the sequence check with PAWS (RFC 7323), RST and SYN checks with challenge ACKs (RFC 5961), ACK processing
// (RTT samples, NewReno, window updates, our FIN acknowledged), then text and FIN with out-of-order reassembly and
// delayed ACKs; before all that, header prediction's short path for the common in-order segment. Replies are only
// flagged here; ./tcp_output.ts emits them. Layer: libos/net/tcp.
// Depends on ./tcb.ts, ./tcp_state.ts, ./tcp_config.ts, ../wire.

import { TcpFlags, type TcpRepr } from "../wire/tcp.ts";
import { TcpSeqNumber as Seq } from "../wire/tcp_seq.ts";
import { EV_CONNECT, EV_END, EV_READABLE, EV_WRITABLE, type Tcb } from "./tcb.ts";
import { TCP_DEFAULT_MSS } from "./tcp_config.ts";
import { canReceive, TcpState } from "./tcp_state.ts";

const { SYN, ACK, RST, FIN, URG } = TcpFlags;
const S = TcpState;

/** Handles one segment addressed to the connection `t` at time `now`. */
export function tcpInput(t: Tcb, now: number, seg: TcpRepr): void {
  t.stats.segmentsIn++;
  if (t.state === S.Established && t.cfg.headerPrediction && predicted(t, now, seg)) return;
  switch (t.state) {
    case S.Closed:
    case S.Listen:
      return;
    case S.SynSent:
      synSent(t, now, seg);
      return;
    case S.TimeWait:
      timeWait(t, now, seg);
      return;
    default:
      synchronized(t, now, seg);
  }
}

/**
 * Header prediction (Van Jacobson's fast path; BSD's tcp_input and Linux's tcp_rcv_established): in ESTABLISHED,
 * a segment that carries only ACK (PSH and the ECN bits are ignored, as on the general path), starts exactly at
 * RCV.NXT, passes PAWS and acknowledges nothing unsent, and that is either an ACK advancing SND.UNA or in-order
 * data that fits the receive buffer whole (no reassembly pending) or both (as Linux: the next request
 * acknowledging the last response), is handled here in a few steps. Everything else — SYN, FIN, RST, URG, a
 * duplicate ACK or window-only update, out-of-order or trimmed data, a closed read side — returns false for the
 * general path. The effect on the Tcb is exactly the general path's for the same segment (the same sequence checks
 * pass trivially; `newAck` and the window update rule are the same); test/unit/net_tcp/fast_path.test.ts compares
 * both.
 *
 * Unlike BSD's prediction, a changed window is taken here too: a receiver that follows RFC 9293's SWS avoidance
 * (ours does) keeps its right edge fixed while small segments arrive, so the window it advertises changes with
 * nearly every request/response segment, and "same window" would send all of those the general way. The general
 * path's only other use of the window, the duplicate-ACK test, concerns segments this path never takes.
 */
function predicted(t: Tcb, now: number, seg: TcpRepr): boolean {
  if ((seg.flags & (SYN | FIN | RST | URG | ACK)) !== ACK) return false;
  const seq = seg.seqNumber;
  if (seq !== t.rcvNxt || t.oooFin) return false;
  const ts = seg.timestamp;
  if (t.tsOk && ts !== null && ((ts.tsVal - t.tsRecent) | 0) < 0) return false; // PAWS drops it: general path
  const ack = seg.ackNumber;
  const advance = (ack - t.sndUna) | 0;
  if (advance < 0 || ((ack - t.sndMax) | 0) > 0) return false;
  const payload = seg.payload;
  const n = payload.length;
  if (n === 0) {
    if (advance === 0) return false; // a duplicate ACK or a window probe's answer
  } else if (t.rxClosed || n > t.rx.free || !t.ooo.isEmpty) {
    return false;
  }
  t.stats.predicted++;
  t.lastRecvAt = now;
  t.keepProbes = 0;
  t.probes = 0;
  if (ts !== null && t.tsOk && ((seq - t.lastAckSent) | 0) <= 0) t.tsRecent = ts.tsVal;
  if (advance > 0) newAck(t, now, seg, ack);
  if (((t.sndWl1 - seq) | 0) < 0 || (t.sndWl1 === seq && ((t.sndWl2 - ack) | 0) <= 0)) { // RFC 9293 window update
    const wnd = seg.windowLen << t.sndShift;
    t.sndWnd = wnd;
    t.sndWl1 = seq;
    t.sndWl2 = ack;
    if (wnd > t.maxSndWnd) t.maxSndWnd = wnd;
  }
  if (n === 0) return true;
  if (n > t.rcvMss && n <= t.cfg.mss) t.rcvMss = n;
  t.rx.enqueue(payload);
  t.rcvNxt = (seq + n) >>> 0;
  t.stats.bytesIn += n;
  t.events |= EV_READABLE;
  t.unackedBytes += n;
  if (t.unackedBytes >= 2 * t.rcvMss || t.cfg.ackDelay === 0) t.ackNow = true;
  else if (t.delayedAckAt === Infinity) t.delayedAckAt = now + t.cfg.ackDelay;
  return true;
}

/** Takes the peer's SYN: IRS, RCV.NXT, and the options it offers (MSS, window scale, timestamps). */
export function acceptSyn(t: Tcb, now: number, seg: TcpRepr): void {
  const cfg = t.cfg;
  t.irs = seg.seqNumber;
  t.rcvNxt = (seg.seqNumber + 1) >>> 0;
  t.rcvAdv = (t.rcvNxt + Math.min(t.rx.free, 65535)) >>> 0;
  t.lastAckSent = t.rcvNxt;
  t.wsOk = cfg.windowScaling && seg.windowScale !== null;
  t.sndShift = t.wsOk && seg.windowScale !== null ? seg.windowScale : 0;
  t.rcvShift = t.wsOk ? t.rcvShiftOffer : 0;
  t.tsOk = cfg.timestamps && seg.timestamp !== null;
  if (t.tsOk && seg.timestamp !== null) t.tsRecent = seg.timestamp.tsVal;
  const overhead = t.tsOk ? 12 : 0;
  const peerMss = seg.maxSegSize !== null ? Math.max(64, seg.maxSegSize) : TCP_DEFAULT_MSS;
  t.setSndMss(Math.max(1, Math.min(peerMss, cfg.mss) - overhead));
  t.rcvMss = Math.max(1, Math.min(cfg.mss, TCP_DEFAULT_MSS) - overhead);
  t.sndWnd = seg.windowLen; // never scaled in a SYN (RFC 7323 §2.2)
  t.maxSndWnd = Math.max(t.maxSndWnd, t.sndWnd);
  t.sndWl1 = seg.seqNumber;
  t.sndWl2 = seg.ackNumber;
  t.lastRecvAt = now;
}

function synSent(t: Tcb, now: number, seg: TcpRepr): void {
  const f = seg.flags;
  const ack = seg.ackNumber;
  if (f & ACK && (Seq.le(ack, t.iss) || Seq.gt(ack, t.sndMax))) {
    if (!(f & RST)) t.queueRst(ack, 0, RST);
    return;
  }
  if (f & RST) {
    if (f & ACK) t.enterClosed("rcvRst", `RST acknowledging our SYN (ack ${ack})`, "ECONNREFUSED");
    return;
  }
  if (!(f & SYN)) return;
  acceptSyn(t, now, seg);
  if (!(f & ACK)) {
    t.transition("rcvSyn", `SYN seq ${seg.seqNumber} crossed ours: simultaneous open`);
    t.sndNxt = t.iss; // our SYN goes again, now with an ACK
    t.rtxAt = Infinity;
    return;
  }
  t.cc.reset(t.sndMss, t.iss, t.cfg.initialCwnd);
  if (t.synRetransmitted) t.rtt.setInitial(3000);
  t.transition("rcvSynAck", `SYN-ACK seq ${seg.seqNumber} ack ${ack}`);
  t.events |= EV_CONNECT;
  newAck(t, now, seg, ack);
  t.ackNow = true;
  if (t.closePending) t.queueFin("send side shut down before the connection opened");
  const seq = (seg.seqNumber + 1) >>> 0;
  receiveText(t, now, seq, seg.payload, 0, seg.payload.length, (f & FIN) !== 0);
}

function timeWait(t: Tcb, now: number, seg: TcpRepr): void {
  const f = seg.flags;
  if (f & RST) {
    if (seg.seqNumber === t.rcvNxt) t.enterClosed("rcvRst", "RST in TIME-WAIT", null);
    else if (acceptable(seg.seqNumber, 0, t.rcvNxt, t.rcvWnd)) t.challengeAck(now);
    return;
  }
  if (f & SYN && !(f & ACK)) {
    const why = newIncarnation(t, seg);
    if (why !== null) {
      t.enterClosed("timeout", `SYN seq ${seg.seqNumber} of a new connection ends TIME-WAIT (${why})`, null);
      return;
    }
  }
  if (f & SYN) t.challengeAck(now);
  else if (f & FIN || seg.payload.length > 0) t.ackNow = true;
  if (f & FIN) t.closeAt = now + 2 * t.cfg.msl; // the peer repeated its FIN: our ACK was lost
}

/**
 * RFC 6191 §2 (and RFC 9293 §3.10.7.4): may a SYN that reaches a connection in TIME-WAIT open a new incarnation of
 * it? With timestamps on both the old connection and the SYN, a newer timestamp says yes (an equal one needs a higher
 * sequence number as well); a SYN with timestamps after a connection without them is new by construction; without
 * timestamps a sequence number above the old RCV.NXT says yes. Returns the reason, or null: an old duplicate.
 */
export function newIncarnation(t: Tcb, seg: TcpRepr): string | null {
  const ts = t.cfg.timestamps ? seg.timestamp : null;     // timestamps would be on for the new incarnation
  const higherSeq = Seq.gt(seg.seqNumber, t.rcvNxt);
  if (t.tsOk) {
    if (ts !== null && Seq.gt(ts.tsVal, t.tsRecent)) return `timestamp ${ts.tsVal} newer than ${t.tsRecent}`;
    if (ts !== null && ts.tsVal === t.tsRecent && higherSeq) return `same timestamp, sequence above ${t.rcvNxt}`;
    if (ts === null && higherSeq) return `sequence above ${t.rcvNxt}`;
    return null;
  }
  if (ts !== null) return "timestamps, which the old connection did not use";
  return higherSeq ? `sequence above ${t.rcvNxt}` : null;
}

function acceptable(seq: number, len: number, rcvNxt: number, wnd: number): boolean {
  const end = (rcvNxt + wnd) >>> 0;
  if (len === 0) return wnd === 0 ? seq === rcvNxt : Seq.inRange(seq, rcvNxt, end);
  if (wnd === 0) return false;
  return Seq.inRange(seq, rcvNxt, end) || Seq.inRange((seq + len - 1) >>> 0, rcvNxt, end);
}

function synchronized(t: Tcb, now: number, seg: TcpRepr): void {
  let f = seg.flags;
  let seq = seg.seqNumber;
  if (t.state === S.SynReceived && f & SYN && !(f & RST) && seq === t.irs) {
    if (!(f & ACK)) {
      t.sndNxt = t.iss; // the peer repeated its SYN: our SYN-ACK was lost, send it again
      return;
    }
    f &= ~SYN; // the SYN-ACK of a simultaneous open: its SYN is known, go on with the ACK
    seq = (seq + 1) >>> 0;
  }
  const ts = seg.timestamp;
  if (t.tsOk && ts !== null && !(f & RST) && Seq.lt(ts.tsVal, t.tsRecent)) {
    t.ackNow = true; // PAWS (RFC 7323 §5.3): an old duplicate
    return;
  }
  const payLen = seg.payload.length;
  let fin = (f & FIN) !== 0;
  const segLen = payLen + (f & SYN ? 1 : 0) + (fin ? 1 : 0);
  const wnd = t.rcvWnd;
  let start = 0;
  let end = payLen;
  if (!acceptable(seq, segLen, t.rcvNxt, wnd)) {
    if (wnd === 0 && seq === t.rcvNxt && !(f & SYN)) {
      end = 0; // a closed window: take the ACK and RST, drop the text (RFC 9293 §3.10.7.4)
      fin = false;
      t.ackNow = true;
    } else {
      if (!(f & RST)) t.ackNow = true;
      return;
    }
  }
  if (f & RST) {
    reset(t, now, seq);
    return;
  }
  if (f & SYN) {
    t.challengeAck(now); // RFC 5961 §4: a SYN in a synchronised state
    return;
  }
  if (!(f & ACK)) return;
  t.lastRecvAt = now;
  t.keepProbes = 0;
  t.probes = 0;
  if (t.tsOk && ts !== null && Seq.le(seq, t.lastAckSent)) t.tsRecent = ts.tsVal;
  if (!processAck(t, now, seg, seq, f, payLen === 0 && !fin)) return;
  if (Seq.lt(seq, t.rcvNxt)) {
    const skip = Seq.sub(t.rcvNxt, seq);
    if (skip > payLen) fin = false; // the FIN, too, was seen before
    start = Math.min(payLen, start + skip);
    seq = t.rcvNxt;
  }
  const room = wnd - Seq.sub(seq, t.rcvNxt);
  if (end - start > room) {
    end = start + Math.max(0, room);
    fin = false;
  }
  receiveText(t, now, seq, seg.payload, start, end, fin);
}

function reset(t: Tcb, now: number, seq: number): void {
  if (seq !== t.rcvNxt) {
    t.challengeAck(now); // RFC 5961 §3: in the window but not exact
    return;
  }
  const st = t.state;
  if (st === S.SynReceived) t.enterClosed("rcvRst", "RST in SYN-RECEIVED", t.passive ? null : "ECONNREFUSED");
  else if (st === S.Closing || st === S.LastAck) t.enterClosed("rcvRst", `RST in ${st}`, null);
  else t.enterClosed("rcvRst", `RST seq ${seq} in ${st}`, "ECONNRESET");
}

/** RFC 9293 §3.10.7.4 fifth check. Returns false when the segment must be dropped (or the connection ended). */
function processAck(t: Tcb, now: number, seg: TcpRepr, seq: number, f: number, pure: boolean): boolean {
  const ack = seg.ackNumber;
  if (Seq.gt(ack, t.sndMax)) {
    t.ackNow = true; // acknowledges something never sent
    return false;
  }
  if (Seq.lt(ack, (t.sndUna - t.maxSndWnd) >>> 0)) {
    t.challengeAck(now); // RFC 5961 §5.2: blind data injection
    return false;
  }
  if (t.state === S.SynReceived) {
    if (!Seq.gt(ack, t.sndUna)) {
      t.queueRst(ack, 0, RST);
      return false;
    }
    t.cc.reset(t.sndMss, t.iss, t.cfg.initialCwnd);
    if (t.synRetransmitted) t.rtt.setInitial(3000);
    t.sndWl1 = (seq - 1) >>> 0; // take this segment's window below
    t.transition("rcvAck", `ACK ${ack} of our SYN`);
    t.events |= EV_CONNECT;
    if (t.closePending) t.queueFin("closed before the connection opened");
  }
  const segWnd = seg.windowLen * Math.pow(2, t.sndShift);
  if (Seq.gt(ack, t.sndUna)) newAck(t, now, seg, ack);
  else if (ack === t.sndUna && pure && !(f & (SYN | FIN)) && segWnd === t.sndWnd && Seq.gt(t.sndMax, t.sndUna)) {
    t.stats.dupAcksIn++;
    if (t.cc.onDupAck(ack, t.flight, t.sndMax) === "retransmit") {
      t.rtxNow = true;
      t.stats.fastRetransmits++;
      t.rtt.cancelTiming();
    }
  }
  if (Seq.lt(t.sndWl1, seq) || (t.sndWl1 === seq && Seq.le(t.sndWl2, ack))) {
    t.sndWnd = segWnd;
    t.sndWl1 = seq;
    t.sndWl2 = ack;
    if (segWnd > t.maxSndWnd) t.maxSndWnd = segWnd;
  }
  if (t.finSent && Seq.gt(t.sndUna, t.dataEnd)) {
    const st = t.state;
    if (st === S.FinWait1) {
      t.transition("rcvAckOfFin", `ACK ${ack} of our FIN`);
      t.rtxAt = Infinity;
    } else if (st === S.Closing) {
      t.transition("rcvAckOfFin", `ACK ${ack} of our FIN`);
      t.startTimeWait(now);
    } else if (st === S.LastAck) {
      t.enterClosed("rcvAckOfFin", `ACK ${ack} of our FIN`, null);
      return false;
    }
  }
  return true;
}

/** An ACK that advances SND.UNA: RTT sample, free acknowledged data, congestion control, retransmission timer. */
function newAck(t: Tcb, now: number, seg: TcpRepr, ack: number): void {
  // Runs for nearly every segment a sender receives: sequence arithmetic inline ((a - b) | 0 is Seq.sub(a, b)).
  const acked = (ack - t.sndUna) | 0;
  const ts = seg.timestamp;
  if (t.tsOk && ts !== null && ts.tsEcr !== 0) {
    const r = (((Math.floor(now) + t.cfg.tsOffset) >>> 0) - ts.tsEcr) | 0;   // Seq.sub(t.tsNow(now), tsEcr)
    if (r >= 0) t.rtt.sample(r);
  } else {
    t.rtt.ackTiming(ack, now);
  }
  const tx = t.tx;
  let dataAcked = (ack - t.txSeq) | 0;
  if (dataAcked > tx.length) dataAcked = tx.length;
  if (dataAcked > 0) {
    tx.discard(dataAcked);
    t.txSeq = (t.txSeq + dataAcked) >>> 0;
    if (t.writeBlocked) {
      t.writeBlocked = false;
      t.events |= EV_WRITABLE;
    }
  }
  const handshake = t.sndUna === t.iss;
  t.sndUna = ack;
  if (((t.sndNxt - ack) | 0) < 0) t.sndNxt = ack;
  t.retries = 0;
  t.lastProgressAt = now;
  const ccAcked = handshake ? acked - 1 : acked;
  const cc = t.cc;
  const action = ccAcked > 0 ? cc.onAck(ccAcked, ack, (t.sndMax - ack) | 0) : "none";
  const cap = 2 * t.maxSndWnd;
  cc.clamp(cap > cc.initialWindow ? cap : cc.initialWindow);
  if (ack === t.sndMax) {
    t.rtxAt = Infinity;
    t.rtxNow = false;
    return;
  }
  if (action === "retransmit") {
    t.rtxNow = true; // a partial ACK in fast recovery
    if (cc.takeFirstPartial()) t.rtxAt = now + t.rtt.rto;
  } else {
    t.rtxAt = now + t.rtt.rto;
  }
}

/** Text and FIN of an acceptable segment trimmed to the window: `payload[start..end)` starts at `seq`. */
function receiveText(t: Tcb, now: number, seq: number, payload: Uint8Array, start: number, end: number,
  fin: boolean): void {
  if (!canReceive(t.state)) return;
  const n = end - start;
  if (n > 0) {
    if (n > t.rcvMss && n <= t.cfg.mss) t.rcvMss = n;
    const offset = Seq.sub(seq, t.rcvNxt);
    if (t.rxClosed) {
      t.ackNow = true; // closed for reading: acknowledge and discard
      if (offset !== 0) return;
      t.rcvNxt = (t.rcvNxt + n) >>> 0;
    } else {
      const holes = !t.ooo.isEmpty;
      const wrote = t.rx.writeUnallocated(offset, payload, start, end);
      if (wrote < n) {
        fin = false;
        t.ackNow = true;
      }
      if (offset > 0) {
        t.stats.outOfOrder++;
        if (t.dupAcksOwed < 64) t.dupAcksOwed++;
      }
      if (wrote > 0 && !t.ooo.add(offset, wrote)) {
        t.ackNow = true; // too many holes: drop, the peer will send it again
        return;
      }
      const got = t.ooo.removeFront();
      if (got > 0) {
        t.rx.enqueueUnallocated(got);
        t.rcvNxt = (t.rcvNxt + got) >>> 0;
        t.stats.bytesIn += got;
        t.events |= EV_READABLE;
      }
      if (offset > 0 || holes) {
        t.ackNow = true; // a duplicate ACK for a gap, or an ACK as soon as a gap fills (RFC 5681 §4.2)
      } else {
        t.unackedBytes += got;
        if (t.unackedBytes >= 2 * t.rcvMss || t.cfg.ackDelay === 0) t.ackNow = true;
        else if (t.delayedAckAt === Infinity) t.delayedAckAt = now + t.cfg.ackDelay;
      }
    }
  }
  if (fin) {
    const finSeq = (seq + n) >>> 0;
    if (finSeq === t.rcvNxt) {
      acceptFin(t, now);
    } else {
      t.oooFin = true;
      t.oooFinSeq = finSeq;
      t.ackNow = true;
    }
  } else if (t.oooFin && t.oooFinSeq === t.rcvNxt) {
    acceptFin(t, now);
  }
}

function acceptFin(t: Tcb, now: number): void {
  t.oooFin = false;
  const seq = t.rcvNxt;
  t.rcvNxt = (t.rcvNxt + 1) >>> 0;
  t.finReceived = true;
  t.ackNow = true;
  t.transition("rcvFin", `FIN seq ${seq}`);
  if (t.state === S.TimeWait) t.startTimeWait(now);
  if (t.rx.length === 0 && !t.endSignalled) {
    t.endSignalled = true;
    t.events |= EV_END;
  }
}

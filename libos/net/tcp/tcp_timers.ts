// libos/net/tcp/tcp_timers.ts — the timers of one connection as absolute deadlines (no timer objects, no clock
// reads): retransmission with backoff and the SYN/data retry limits (RFC 6298, RFC 1122 §4.2.3.5), the persist
// timer for zero-window probes, keep-alive (RFC 1122 §4.2.3.6), delayed ACK, TIME-WAIT and the orphaned
// FIN-WAIT-2 timeout. `runTimers` fires what is due; `armTimers` derives persist and keep-alive deadlines from the
// connection's state. Layer: libos/net/tcp. Depends on ./tcb.ts, ./tcp_state.ts, ../wire.

import { TcpFlags } from "../wire/tcp.ts";
import { TcpSeqNumber as Seq } from "../wire/tcp_seq.ts";
import type { Tcb } from "./tcb.ts";
import { TcpState } from "./tcp_state.ts";

const S = TcpState;

/** The earliest deadline of `t` (Infinity when none). */
export function nextDeadline(t: Tcb): number {
  return Math.min(t.rtxAt, t.persistAt, t.keepAliveAt, t.closeAt, t.delayedAckAt);
}

/** Fires every timer of `t` due at `now`; what they want sent is flagged for the output step. */
export function runTimers(t: Tcb, now: number): void {
  if (t.state === S.Closed) return;
  if (t.closeAt <= now) {
    const why = t.state === S.TimeWait ? `2·MSL (${2 * t.cfg.msl} ms) elapsed` : "no FIN from the peer in time";
    t.enterClosed("timeout", why, null);
    return;
  }
  if (t.rtxAt <= now) {
    retransmitTimeout(t, now);
    if ((t.state as TcpState) === S.Closed) return;
  }
  if (t.persistAt <= now) {
    t.persistAt = Infinity;
    t.probes++;
    if (t.probes > t.cfg.maxRetries) {
      t.enterClosed("fail", `${t.probes - 1} window probes unanswered`, "ETIMEDOUT");
      return;
    }
    t.persistFire = true;
    t.persistShift++;
  }
  if (t.keepAliveAt <= now) {
    t.keepAliveAt = Infinity;
    if (t.keepProbes >= t.cfg.keepCount) {
      t.queueRst(t.sndNxt, t.rcvNxt, TcpFlags.RST | TcpFlags.ACK);
      t.enterClosed("fail", `${t.keepProbes} keep-alive probes unanswered`, "ETIMEDOUT");
      return;
    }
    t.keepProbes++;
    t.keepProbeAt = now;
    t.keepProbeNow = true;
  }
  if (t.delayedAckAt <= now) {
    t.delayedAckAt = Infinity;
    t.ackNow = true;
  }
}

function retransmitTimeout(t: Tcb, now: number): void {
  t.rtxAt = Infinity;
  if (t.sndUna === t.sndMax) return;
  t.stats.timeouts++;
  const opening = t.state === S.SynSent || t.state === S.SynReceived;
  const limit = opening ? t.cfg.synRetries : t.cfg.maxRetries;
  const overdue = t.cfg.userTimeout > 0 && now - t.lastProgressAt >= t.cfg.userTimeout;
  if (t.retries >= limit || overdue) {
    const what = opening ? (t.state === S.SynSent ? "SYN" : "SYN-ACK") : "data";
    const why = overdue ? `${what} unacknowledged for ${now - t.lastProgressAt} ms (user timeout)`
      : `${what} unacknowledged after ${t.retries} retransmissions`;
    t.enterClosed("fail", why, "ETIMEDOUT");
    return;
  }
  if (!opening && t.sndWnd === 0 && Seq.sub(t.dataEnd, t.sndUna) > 0) {
    t.sndNxt = t.sndUna; // the window is closed: the persist timer probes it instead
    return;
  }
  t.retries++;
  if (opening) t.synRetransmitted = true;
  t.cc.onTimeout(t.flight, t.sndMax);
  t.rtt.backoff();
  t.rtt.cancelTiming();
  t.sndNxt = t.sndUna; // go back: resend from the first unacknowledged byte as the window allows
  t.rtxNow = false;
}

/**
 * Sets the persist and keep-alive deadlines that `t`'s state calls for at `now` (after input or output). Runs
 * several times per segment, so it reads each field once and writes only what changes.
 */
export function armTimers(t: Tcb, now: number): void {
  t.timersStale = false;
  const st = t.state;
  if (st !== S.Established &&
    (st === S.Closed || st === S.Listen || st === S.SynSent || st === S.SynReceived || st === S.TimeWait)) {
    t.persistAt = t.keepAliveAt = Infinity;
    return;
  }
  const sndNxt = t.sndNxt;
  const sndUna = t.sndUna;
  const unsent = ((t.txSeq + t.tx.length - sndNxt) | 0) > 0;   // Seq.sub(t.dataEnd, sndNxt) > 0
  if (unsent && sndNxt === sndUna && t.rtxAt === Infinity) { // stuck: nothing in flight, nothing fits
    if (t.persistAt === Infinity && !t.persistFire) {
      t.persistAt = now + Math.min(t.cfg.rtoMax, t.rtt.rto * Math.pow(2, t.persistShift));
    }
  } else {
    if (t.persistAt !== Infinity) t.persistAt = Infinity;
    if (t.persistShift !== 0 && t.sndWnd > 0) t.persistShift = 0;
  }
  if (t.keepAlive && (st === S.Established || st === S.CloseWait || st === S.FinWait2) && sndUna === t.sndMax &&
    !unsent) {
    t.keepAliveAt = t.keepProbes === 0 ? t.lastRecvAt + t.keepIdle : t.keepProbeAt + t.cfg.keepInterval;
  } else if (t.keepAliveAt !== Infinity) {
    t.keepAliveAt = Infinity;
  }
  if (st === S.FinWait2 && t.rxClosed && t.closeAt === Infinity) t.closeAt = now + t.cfg.finWait2Timeout;
}

// libos/net/tcp/congestion.ts — NewReno congestion control (RFC 5681, RFC 6582): slow start and congestion
// avoidance with appropriate byte counting (RFC 3465), fast retransmit after three duplicate ACKs, fast recovery
// with partial ACKs, and the reaction to a retransmission timeout. Pure arithmetic on byte counts; the socket acts on what it returns.
// Layer: libos/net/tcp. Depends on ../wire/tcp_seq.ts.

import { TcpSeqNumber as Seq } from "../wire/tcp_seq.ts";

/** What the socket must do after an ACK: nothing special, retransmit the first unacknowledged segment now. */
export type CongestionAction = "none" | "retransmit";

/**
 * The congestion state of one connection. `cwnd` and `ssthresh` are bytes; `smss` is the sender MSS.
 *
 * @example
 * const cc = new NewReno(); cc.reset(1460, 0, 1); cc.onAck(2920, 2921, 0); // slow start: cwnd += 2920
 */
export class NewReno {
  /** Congestion window, bytes. */
  cwnd = 0;
  /** Slow-start threshold, bytes. */
  ssthresh = 0x7fffffff;
  /** Duplicate ACKs in a row. */
  dupAcks = 0;
  /** In fast recovery. */
  inRecovery = false;
  /**
   * One past the highest sequence number sent when the last recovery or timeout began (RFC 6582 `recover`, + 1):
   * an ACK at or past it covers everything sent before.
   */
  recover = 0;
  /** Sender MSS. */
  smss = 536;
  /** Initial window, bytes. */
  initialWindow = 0;
  private firstPartial = true;
  private acked = 0;

  /** Starts afresh: `cwnd` = initial window (`segments` × MSS, or RFC 5681's rule for 0), `recover` = `iss`. */
  reset(smss: number, iss: number, segments: number): void {
    this.smss = smss;
    this.initialWindow = segments > 0 ? segments * smss : smss > 2190 ? 2 * smss : smss > 1095 ? 3 * smss : 4 * smss;
    this.cwnd = this.initialWindow;
    this.acked = 0;
    this.ssthresh = 0x7fffffff;
    this.dupAcks = 0;
    this.inRecovery = false;
    this.recover = iss;
  }

  /**
   * An ACK that advanced SND.UNA to `ack`, acknowledging `acked` new bytes, with `flight` bytes still outstanding
   * afterwards. Returns "retransmit" for a partial ACK in recovery (RFC 6582 §3.2 step 3).
   */
  onAck(acked: number, ack: number, flight: number): CongestionAction {
    this.dupAcks = 0;
    if (this.inRecovery) {
      if (Seq.ge(ack, this.recover)) {
        this.inRecovery = false;
        this.cwnd = Math.min(this.ssthresh, Math.max(flight, this.smss) + this.smss);
        return "none";
      }
      this.cwnd = Math.max(this.smss, this.cwnd - acked + (acked >= this.smss ? this.smss : 0));
      return "retransmit";
    }
    if (this.cwnd < this.ssthresh) {
      this.cwnd += acked; // byte counting (RFC 3465, as Linux): stretch ACKs of batched receives do not slow it
      return "none";
    }
    this.acked += acked; // congestion avoidance: one MSS per window's worth of acknowledged bytes
    if (this.acked >= this.cwnd) {
      this.acked -= this.cwnd;
      this.cwnd += this.smss;
    }
    return "none";
  }

  /** True for the first partial ACK of a recovery (the only one that restarts the RTO timer, RFC 6582 §3.2). */
  takeFirstPartial(): boolean {
    const first = this.firstPartial;
    this.firstPartial = false;
    return first;
  }

  /**
   * A duplicate ACK of `ack` (RFC 5681 §2) with `flight` bytes outstanding and `sndMax` the next new sequence
   * number. Returns "retransmit" on the third one when a recovery may begin.
   */
  onDupAck(ack: number, flight: number, sndMax: number): CongestionAction {
    this.dupAcks++;
    if (this.inRecovery) {
      this.cwnd += this.smss;
      return "none";
    }
    if (this.dupAcks !== 3 || !Seq.ge(ack, this.recover)) return "none";
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.smss);
    this.cwnd = this.ssthresh + 3 * this.smss;
    this.recover = sndMax;
    this.inRecovery = true;
    this.firstPartial = true;
    return "retransmit";
  }

  /** A retransmission timeout with `flight` bytes outstanding (RFC 5681 §3.1, RFC 6582 §3.2 step 4). */
  onTimeout(flight: number, sndMax: number): void {
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.smss);
    this.cwnd = this.smss;
    this.dupAcks = 0;
    this.inRecovery = false;
    this.recover = sndMax;
  }

  /** Restart after idle (RFC 5681 §4.1): the window shrinks back to the initial window. */
  onIdle(): void {
    this.cwnd = Math.min(this.cwnd, this.initialWindow);
  }

  /** Bounds `cwnd` to `max` bytes (so an application-limited sender does not grow it without limit). */
  clamp(max: number): void {
    if (this.cwnd > max) this.cwnd = max;
  }
}

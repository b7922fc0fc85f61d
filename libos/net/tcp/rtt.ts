// libos/net/tcp/rtt.ts — round-trip time estimation and the retransmission timeout of RFC 6298: SRTT/RTTVAR from
// samples, RTO = SRTT + 4·RTTVAR clamped to [min, max], exponential backoff, and Karn's rule for timing one
// segment at a time when timestamps are off. Layer: libos/net/tcp. Depends on ../wire/tcp_seq.ts.

import { TcpSeqNumber as Seq } from "../wire/tcp_seq.ts";

/**
 * The RTT estimator and RTO of one connection. Times are ms.
 *
 * @example
 * const r = new RttEstimator(200, 60000, 1000); r.sample(100); r.rto === 300; r.backoff(); r.rto === 600;
 */
export class RttEstimator {
  /** Smoothed RTT (0 before the first sample). */
  srtt = 0;
  /** RTT variation (0 before the first sample). */
  rttvar = 0;
  /** True once a sample was taken. */
  hasSample = false;
  private readonly rtoMin: number;
  private readonly rtoMax: number;
  private base: number;
  private shift = 0;
  private timing = false;
  private timedSeq = 0;
  private timedAt = 0;

  /** An estimator whose RTO starts at `rtoInitial` and stays within [rtoMin, rtoMax]. */
  constructor(rtoMin: number, rtoMax: number, rtoInitial: number) {
    this.rtoMin = rtoMin;
    this.rtoMax = rtoMax;
    this.base = Math.max(rtoMin, Math.min(rtoMax, rtoInitial));
    this.rto = Math.min(this.rtoMax, this.base);
  }

  /**
   * The current timeout, backoff included: min(rtoMax, base · 2^backoffs). A plain field kept up to date by the
   * methods below (TCP reads it for every segment it sends or acknowledgement it takes): read it, never assign it.
   */
  rto: number;

  private update(): void {
    this.rto = Math.min(this.rtoMax, this.base * Math.pow(2, this.shift));
  }

  /** Times the backoff has doubled the RTO since the last sample or reset. */
  get backoffs(): number {
    return this.shift;
  }

  /** Folds in one RTT measurement (RFC 6298 §2) and clears the backoff. */
  sample(rtt: number): void {
    const r = Math.max(0, rtt);
    if (!this.hasSample) {
      this.srtt = r;
      this.rttvar = r / 2;
      this.hasSample = true;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.base = Math.max(this.rtoMin, Math.min(this.rtoMax, this.srtt + Math.max(1, 4 * this.rttvar)));
    this.shift = 0;
    this.update();
  }

  /** Doubles the RTO (RFC 6298 §5.5), up to the maximum. */
  backoff(): void {
    if (this.rto < this.rtoMax) this.shift++;
    this.update();
  }

  /** Clears the backoff without a sample. */
  resetBackoff(): void {
    this.shift = 0;
    this.update();
  }

  /** Re-initialises the RTO (3 s after a lost SYN, RFC 6298 §5.7), clearing the backoff, unless sampled. */
  setInitial(rto: number): void {
    if (this.hasSample) return;
    this.base = Math.max(this.rtoMin, Math.min(this.rtoMax, rto));
    this.shift = 0;
    this.update();
  }

  /** Starts timing the segment ending at `endSeq` sent at `now`, unless one is being timed already. */
  startTiming(endSeq: number, now: number): void {
    if (this.timing) return;
    this.timing = true;
    this.timedSeq = endSeq;
    this.timedAt = now;
  }

  /** Takes a sample when `ack` covers the timed segment. */
  ackTiming(ack: number, now: number): void {
    if (this.timing && Seq.ge(ack, this.timedSeq)) {
      this.timing = false;
      this.sample(now - this.timedAt);
    }
  }

  /** Drops the timed segment (Karn: it was retransmitted, so its ACK is ambiguous). */
  cancelTiming(): void {
    this.timing = false;
  }
}

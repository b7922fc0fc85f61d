// libos/net/wire/tcp_seq.ts — TCP sequence-number arithmetic (RFC 793 §3.3, RFC 1982): 32-bit numbers that wrap,
// compared by their signed 32-bit distance. Layer: libos/net/wire. No dependencies.

/** A TCP sequence number: an integer 0..2^32-1 that wraps around. */
export type TcpSeqNumber = number;

/**
 * Modular operations on sequence numbers. Comparisons hold while the two numbers are less than 2^31 apart, as
 * they always are within one connection's window.
 *
 * @example TcpSeqNumber.lt(0xfffffff0, 0x10) === true; TcpSeqNumber.add(0xffffffff, 2) === 1
 */
export const TcpSeqNumber = {
  /** `a + n` modulo 2^32 (`n` may be negative). */
  add(a: TcpSeqNumber, n: number): TcpSeqNumber {
    return (a + n) >>> 0;
  },
  /** The signed distance `a - b` in -2^31..2^31-1 (how far `a` is ahead of `b`). */
  sub(a: TcpSeqNumber, b: TcpSeqNumber): number {
    return (a - b) | 0;
  },
  /** `a` comes before `b`. */
  lt(a: TcpSeqNumber, b: TcpSeqNumber): boolean {
    return ((a - b) | 0) < 0;
  },
  /** `a` comes before or equals `b`. */
  le(a: TcpSeqNumber, b: TcpSeqNumber): boolean {
    return ((a - b) | 0) <= 0;
  },
  /** `a` comes after `b`. */
  gt(a: TcpSeqNumber, b: TcpSeqNumber): boolean {
    return ((a - b) | 0) > 0;
  },
  /** `a` comes after or equals `b`. */
  ge(a: TcpSeqNumber, b: TcpSeqNumber): boolean {
    return ((a - b) | 0) >= 0;
  },
  /** The later of `a` and `b`. */
  max(a: TcpSeqNumber, b: TcpSeqNumber): TcpSeqNumber {
    return ((a - b) | 0) >= 0 ? a : b;
  },
  /** The earlier of `a` and `b`. */
  min(a: TcpSeqNumber, b: TcpSeqNumber): TcpSeqNumber {
    return ((a - b) | 0) <= 0 ? a : b;
  },
  /** `start <= x < end` on the circle (a window of up to 2^32-1 numbers; empty when `start === end`). */
  inRange(x: TcpSeqNumber, start: TcpSeqNumber, end: TcpSeqNumber): boolean {
    return ((x - start) >>> 0) < ((end - start) >>> 0);
  },
};

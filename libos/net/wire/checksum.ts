// libos/net/wire/checksum.ts — the Internet checksum (RFC 1071): ones'-complement sums over one or several byte
// ranges, combining partial sums, the IPv4 pseudo-header sum, and incremental update (RFC 1624).
// Layer: libos/net/wire. No dependencies.
//
// A "sum" here is a folded 16-bit ones'-complement sum (0..0xffff), not yet complemented; a "checksum" is the
// complemented value written on the wire. Data that includes a correct checksum field sums to 0xffff.

/** Folds a non-negative integer sum of 16-bit words into 16 bits with end-around carry. */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = sum <= 0x7fffffff ? (sum & 0xffff) + (sum >>> 16) : (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

type SumFn = (bytes: Uint8Array, start: number, end: number) => number;
let nativeSum: SumFn | null = null;

/**
 * Installs a native implementation of the folded sum (the platform's `hal.onesSum`: checksum offload in software,
 * as MirageOS's tcpip does with a C stub); null restores the TypeScript one. libos/net/runtime.ts installs it.
 */
export function useNativeOnesSum(fn: SumFn | null): void {
  nativeSum = fn;
}

/** Ones'-complement sum of bytes[start..end) as big-endian 16-bit words, byte by byte (short ranges, edges). */
function sumBytes(bytes: Uint8Array, start: number, end: number): number {
  let sum = 0;
  let i = start;
  for (; i < end - 1; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8;
  return sum;                           // < 2^31 for the short ranges this is used on
}

/**
 * Ones'-complement sum of `bytes[start..end)` taken as big-endian 16-bit words (an odd last byte is padded with
 * zero), added to `initial`. `start` is taken to be at an even position of the checksummed data.
 *
 * The bulk is summed 32 bits at a time through a Uint32Array over the same memory (four times fewer interpreter
 * steps than byte pairs): the ones'-complement sum does not depend on byte order beyond one final swap (RFC 1071
 * §2(B)), and a double holds the sum of 2^21 32-bit words exactly, so no carry handling is needed in the loop.
 *
 * @example onesSum(new Uint8Array([0x45, 0x00, 0x00, 0x54])) === 0x4554
 */
export function onesSum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  if (nativeSum !== null && start >= 0 && start <= end && end <= bytes.length) return combine(initial, nativeSum(bytes, start, end));
  if (end - start < 64) return fold(initial + fold(sumBytes(bytes, start, end)));
  if (end - start > 0x800000) {          // beyond 8 MiB: in pieces (of even length), so the double below stays exact
    return onesSum(bytes, start + 0x800000, end, onesSum(bytes, start, start + 0x800000, initial));
  }
  // Head: bytes up to the first 4-aligned address. Its length decides whether the words below sit at an odd position.
  const abs = bytes.byteOffset + start;
  const head = (4 - (abs & 3)) & 3;
  let sum = fold(sumBytes(bytes, start, start + head));
  const words = (end - start - head) >>> 2;
  const w = new Uint32Array(bytes.buffer, abs + head, words);
  let acc = 0;
  let k = 0;
  const n4 = words - (words & 3);
  for (; k < n4; k += 4) acc += w[k] + w[k + 1] + w[k + 2] + w[k + 3];
  for (; k < words; k++) acc += w[k];
  // acc sums little-endian 32-bit words: fold to 16 bits, then swap to the big-endian view of the memory...
  let mid = swap16(fold(acc));
  // ...and once more when the words begin at an odd position of the data.
  if (head & 1) mid = swap16(mid);
  sum = combine(sum, mid);
  const tailStart = start + head + words * 4;
  if (tailStart < end) {
    let tail = fold(sumBytes(bytes, tailStart, end));
    if ((tailStart - start) & 1) tail = swap16(tail);
    sum = combine(sum, tail);
  }
  return combine(initial, sum);
}

/** Adds two ones'-complement sums. */
export function combine(a: number, b: number): number {
  return fold(a + b);
}

/** Swaps the two bytes of a 16-bit value (the sum of data starting at an odd position, RFC 1071 §2(B)). */
export function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/**
 * Ones'-complement sum of several ranges taken as one contiguous sequence, in order: ranges of odd length are
 * handled (the next range's sum is byte-swapped), so the result equals the sum of their concatenation.
 */
export function onesSumRanges(ranges: ReadonlyArray<Uint8Array>, initial = 0): number {
  let sum = initial;
  let odd = false;
  for (let k = 0; k < ranges.length; k++) {
    const r = ranges[k];
    const s = onesSum(r);
    sum = combine(sum, odd ? swap16(s) : s);
    if (r.length & 1) odd = !odd;
  }
  return sum;
}

/** Complements a sum into the checksum written on the wire. */
export function finish(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/**
 * The Internet checksum of `bytes[start..end)`, ready to write into a header whose checksum field is zero.
 *
 * @example internetChecksum(headerWithZeroedChecksumField) // e.g. 0xb1e6
 */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finish(onesSum(bytes, start, end));
}

/**
 * Sum of the IPv4 pseudo-header (RFC 793 / RFC 768): source and destination addresses (32-bit numbers), the zero
 * byte and protocol number, and the upper-layer `length` in bytes.
 */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return fold((src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length);
}

/**
 * The checksum that a field holding `found` should have held, given `sum`, the ones'-complement sum of the data
 * including that field (used for error messages: data whose checksum verifies has `sum` 0xffff).
 */
export function expectedChecksum(sum: number, found: number): number {
  return finish(combine(sum, ~found & 0xffff));
}

/**
 * Updates a checksum after one 16-bit word of the covered data changed from `oldWord` to `newWord`
 * (RFC 1624, eqn. 3), without summing the data again.
 *
 * @example adjustChecksum(ipChecksum, oldTtlProtoWord, newTtlProtoWord)
 */
export function adjustChecksum(checksum: number, oldWord: number, newWord: number): number {
  return finish((~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff));
}

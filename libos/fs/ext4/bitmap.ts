// libos/fs/ext4/bitmap.ts — block and inode bitmaps (one block per group, bit i = block/inode i of the group in
// use): searching for clear bits and runs of them a 32-bit word at a time, setting and clearing ranges, the bitmap
// checksum, and the bitmap a BLOCK_UNINIT group implies. Every search is bounded by its range.
// Layer: libos/fs/ext4. Depends on ../crc32c.ts.

import { crc32c } from "../crc32c.ts";

/** Whether bit `i` is set. */
export function testBit(b: Uint8Array, i: number): boolean {
  return (b[i >>> 3] & (1 << (i & 7))) !== 0;
}

export function setBit(b: Uint8Array, i: number): void {
  b[i >>> 3] |= 1 << (i & 7);
}

export function clearBit(b: Uint8Array, i: number): void {
  b[i >>> 3] &= ~(1 << (i & 7));
}

/** Sets bits [start, end). */
export function setRange(b: Uint8Array, start: number, end: number): void {
  let i = start;
  for (; i < end && (i & 7) !== 0; i++) setBit(b, i);
  const fullEnd = end & ~7;
  if (i < fullEnd) {
    b.fill(0xff, i >>> 3, fullEnd >>> 3);
    i = fullEnd;
  }
  for (; i < end; i++) setBit(b, i);
}

/** Clears bits [start, end). */
export function clearRange(b: Uint8Array, start: number, end: number): void {
  let i = start;
  for (; i < end && (i & 7) !== 0; i++) clearBit(b, i);
  const fullEnd = end & ~7;
  if (i < fullEnd) {
    b.fill(0, i >>> 3, fullEnd >>> 3);
    i = fullEnd;
  }
  for (; i < end; i++) clearBit(b, i);
}

/** Whether all bits [start, end) are set. */
export function allSet(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end;) {
    if ((i & 7) === 0 && i + 8 <= end) {
      if (b[i >>> 3] !== 0xff) return false;
      i += 8;
    } else {
      if (!testBit(b, i)) return false;
      i++;
    }
  }
  return true;
}

/** Whether any bit in [start, end) is set. */
export function anySet(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end;) {
    if ((i & 7) === 0 && i + 8 <= end) {
      if (b[i >>> 3] !== 0) return true;
      i += 8;
    } else {
      if (testBit(b, i)) return true;
      i++;
    }
  }
  return false;
}

function byteOf(a: Uint8Array, also: Uint8Array | undefined, k: number): number {
  return also ? a[k] | also[k] : a[k];
}

/**
 * The first bit in [start, end) that is clear in `a` (and in `also`, when given: a snapshot of the bitmap as last
 * committed, so blocks freed by the running transaction are not reused before it commits); -1 when none.
 */
export function findClear(a: Uint8Array, start: number, end: number, also?: Uint8Array): number {
  let i = start;
  while (i < end && (i & 31) !== 0) {
    if ((byteOf(a, also, i >>> 3) & (1 << (i & 7))) === 0) return i;
    i++;
  }
  if (i >= end) return -1;
  const aligned = (a.byteOffset & 3) === 0 && (!also || (also.byteOffset & 3) === 0);
  if (aligned) {
    const wa = new Int32Array(a.buffer, a.byteOffset, a.length >>> 2);
    const wb = also ? new Int32Array(also.buffer, also.byteOffset, also.length >>> 2) : undefined;
    let w = i >>> 5;
    const wend = end >>> 5;
    if (wb) while (w < wend && (wa[w] | wb[w]) === -1) w++;
    else while (w < wend && wa[w] === -1) w++;
    i = w << 5;
  } else {
    while (i + 8 <= end && byteOf(a, also, i >>> 3) === 0xff) i += 8;
  }
  for (; i < end; i++) if ((byteOf(a, also, i >>> 3) & (1 << (i & 7))) === 0) return i;
  return -1;
}

/** How many consecutive clear bits (in `a` and `also`) start at `start`, at most `max`, not past `end`. */
export function clearRun(a: Uint8Array, start: number, end: number, max: number, also?: Uint8Array): number {
  const stop = Math.min(end, start + max);
  let i = start;
  while (i < stop) {
    if ((i & 7) === 0 && i + 8 <= stop && byteOf(a, also, i >>> 3) === 0) {
      i += 8;
      continue;
    }
    if ((byteOf(a, also, i >>> 3) & (1 << (i & 7))) !== 0) break;
    i++;
  }
  return i - start;
}

/** Number of set bits in [0, n). */
export function countSet(b: Uint8Array, n: number): number {
  let c = 0;
  const full = n >>> 3;
  for (let k = 0; k < full; k++) {
    let v = b[k];
    if (v === 0) continue;
    if (v === 0xff) { c += 8; continue; }
    while (v) { c += v & 1; v >>>= 1; }
  }
  for (let i = full << 3; i < n; i++) if (testBit(b, i)) c++;
  return c;
}

/** A bitmap's crc32c over its first `bits / 8` bytes (the descriptor stores it). */
export function bitmapChecksum(seed: number, b: Uint8Array, bits: number): number {
  return crc32c(seed, b, 0, bits >>> 3);
}

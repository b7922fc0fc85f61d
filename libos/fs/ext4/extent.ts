// libos/fs/ext4/extent.ts — the extent tree's on-disk nodes: a 12-byte header (magic 0xf30a, entries, max, depth)
// then 12-byte entries — index entries (first logical block, child block) above leaves (logical block, length with
// the uninitialized bit, physical start) — and, in tree blocks, a crc32c tail after `max` entries. The root is the
// inode's 60-byte i_block. A node is checked once when read (header, order, ranges, checksum) so the tree code
// can trust it after.
// Layer: libos/fs/ext4. Depends on ../crc32c.ts, le.ts, errors.ts.

import { crc32c } from "../crc32c.ts";
import { corrupt } from "./errors.ts";
import { set16, set32, u16, u32 } from "./le.ts";

export const EXT_MAGIC = 0xf30a;
export const EXT_MAX_DEPTH = 5;
/** Longest initialized extent; an uninitialized one is at most one shorter. */
export const EXT_INIT_MAX_LEN = 32768;
export const EXT_UNINIT_MAX_LEN = 32767;
export const ROOT_MAX = 4;

/** Entries a tree block holds (the checksum tail takes the remainder). */
export function blockMax(blockSize: number): number {
  return Math.floor((blockSize - 12) / 12);
}

export function hdrMagic(b: Uint8Array, o: number): number { return u16(b, o); }
export function hdrEntries(b: Uint8Array, o: number): number { return u16(b, o + 2); }
export function hdrMax(b: Uint8Array, o: number): number { return u16(b, o + 4); }
export function hdrDepth(b: Uint8Array, o: number): number { return u16(b, o + 6); }
export function setHdrEntries(b: Uint8Array, o: number, v: number): void { set16(b, o + 2, v); }
export function setHdrDepth(b: Uint8Array, o: number, v: number): void { set16(b, o + 6, v); }

/** Writes a header for an empty node. */
export function initHeader(b: Uint8Array, o: number, max: number, depth: number): void {
  set16(b, o, EXT_MAGIC);
  set16(b, o + 2, 0);
  set16(b, o + 4, max);
  set16(b, o + 6, depth);
  set32(b, o + 8, 0);
}

/** Byte offset of entry `i` of the node whose header is at `o`. */
export function entryOff(o: number, i: number): number {
  return o + 12 + 12 * i;
}

/** An entry's first logical block (index and leaf alike). */
export function eBlock(b: Uint8Array, e: number): number { return u32(b, e); }
export function setEBlock(b: Uint8Array, e: number, v: number): void { set32(b, e, v); }

/** A leaf entry's length (uninitialized bit removed) and whether it is uninitialized. */
export function leafLen(b: Uint8Array, e: number): number {
  const l = u16(b, e + 4);
  return l > EXT_INIT_MAX_LEN ? l - EXT_INIT_MAX_LEN : l;
}
export function leafUninit(b: Uint8Array, e: number): boolean { return u16(b, e + 4) > EXT_INIT_MAX_LEN; }
export function leafStart(b: Uint8Array, e: number): number { return u32(b, e + 8) + u16(b, e + 6) * 0x100000000; }

export function setLeaf(b: Uint8Array, e: number, lblk: number, len: number, pblk: number, uninit: boolean): void {
  set32(b, e, lblk);
  set16(b, e + 4, uninit ? len + EXT_INIT_MAX_LEN : len);
  set16(b, e + 6, Math.floor(pblk / 0x100000000));
  set32(b, e + 8, pblk % 0x100000000);
}

export function indexChild(b: Uint8Array, e: number): number { return u32(b, e + 4) + u16(b, e + 8) * 0x100000000; }

export function setIndex(b: Uint8Array, e: number, lblk: number, child: number): void {
  set32(b, e, lblk);
  set32(b, e + 4, child % 0x100000000);
  set16(b, e + 8, Math.floor(child / 0x100000000));
  set16(b, e + 10, 0);
}

/** Offset of a tree block's checksum tail. */
export function tailOff(b: Uint8Array): number {
  return 12 + 12 * hdrMax(b, 0);
}

export function extentBlockChecksum(seed: number, b: Uint8Array): number {
  return crc32c(seed, b, 0, tailOff(b));
}

export function setExtentBlockChecksum(seed: number, b: Uint8Array): void {
  set32(b, tailOff(b), extentBlockChecksum(seed, b));
}

/**
 * Checks a node: header, the expected depth, entries sorted and (leaves) not overlapping, lengths non-zero, and
 * every physical range accepted by `rangeOk` (inside the volume, clear of metadata). For tree blocks (`where` a
 * block number) also the size and the checksum when `seed` is given. Throws FsError EUCLEAN saying what and where.
 */
export function checkNode(
  b: Uint8Array, o: number, space: number, depth: number | null, where: string, seed: number | null,
  rangeOk: (start: number, len: number) => string | null,
): void {
  if (hdrMagic(b, o) !== EXT_MAGIC) throw corrupt(`${where}: extent header magic 0x${hdrMagic(b, o).toString(16)}, expected 0xf30a`);
  const n = hdrEntries(b, o), max = hdrMax(b, o), d = hdrDepth(b, o);
  if (max === 0 || max > space) throw corrupt(`${where}: extent node holds at most ${max} entries (room for ${space})`);
  if (n > max) throw corrupt(`${where}: extent node has ${n} entries, more than its maximum ${max}`);
  if (d > EXT_MAX_DEPTH) throw corrupt(`${where}: extent tree depth ${d} exceeds ${EXT_MAX_DEPTH}`);
  if (depth !== null && d !== depth) throw corrupt(`${where}: extent node at depth ${d}, expected ${depth}`);
  if (seed !== null) {
    const want = u32(b, 12 + 12 * max), got = extentBlockChecksum(seed, b);
    if (want !== got) throw corrupt(`${where}: extent block checksum 0x${want.toString(16)} does not match its contents (0x${got.toString(16)})`);
  }
  let prevEnd = -1;
  for (let i = 0; i < n; i++) {
    const e = entryOff(o, i);
    const lblk = eBlock(b, e);
    if (lblk < prevEnd || (d > 0 && lblk === prevEnd && i > 0)) throw corrupt(`${where}: extent entry ${i} (logical block ${lblk}) is out of order`);
    if (d === 0) {
      const len = leafLen(b, e);
      if (len === 0) throw corrupt(`${where}: extent entry ${i} has length 0`);
      if (lblk + len > 2 ** 32) throw corrupt(`${where}: extent entry ${i} runs past logical block 2^32`);
      const why = rangeOk(leafStart(b, e), len);
      if (why) throw corrupt(`${where}: extent entry ${i} (blocks ${leafStart(b, e)}+${len}) ${why}`);
      prevEnd = lblk + len;
    } else {
      const why = rangeOk(indexChild(b, e), 1);
      if (why) throw corrupt(`${where}: extent index ${i} (block ${indexChild(b, e)}) ${why}`);
      prevEnd = lblk;
    }
  }
}

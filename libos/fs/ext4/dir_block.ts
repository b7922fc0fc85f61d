// libos/fs/ext4/dir_block.ts — linear directory blocks: variable-length entries (inode, rec_len, name_len,
// file_type, name) that tile the block, and with metadata_csum a 12-byte tail entry holding the block's crc32c.
// Checking a block (every rec_len and name_len in bounds, the walk ending exactly at the tail), finding a name or
// room, inserting by splitting an entry's slack, removing by merging into the previous entry.
// Layer: libos/fs/ext4. Depends on ../crc32c.ts, ../types.ts, le.ts, errors.ts, utf8.ts.

import { crc32c } from "../crc32c.ts";
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK } from "../types.ts";
import { corrupt } from "./errors.ts";
import { set16, set32, u16, u32 } from "./le.ts";
import { bytesEqual } from "./utf8.ts";

export const TAIL_SIZE = 12;
export const TAIL_FT = 0xde;

/** ext4 file type codes by S_IF* type, and back. */
const FT_BY_MODE: Record<number, number> = {
  [S_IFREG]: 1, [S_IFDIR]: 2, [S_IFCHR]: 3, [S_IFBLK]: 4, [S_IFIFO]: 5, [S_IFSOCK]: 6, [S_IFLNK]: 7,
};
const MODE_BY_FT = [0, S_IFREG, S_IFDIR, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK, S_IFLNK];

export function fileTypeOf(mode: number): number {
  return FT_BY_MODE[mode & S_IFMT] ?? 0;
}

export function modeOfFileType(ft: number): number {
  return MODE_BY_FT[ft] ?? 0;
}

/** The space an entry with a name of `n` bytes needs. */
export function recLenFor(n: number): number {
  return (8 + n + 3) & ~3;
}

export function deIno(b: Uint8Array, o: number): number { return u32(b, o); }
export function deRecLen(b: Uint8Array, o: number): number { return u16(b, o + 4); }
export function deNameLen(b: Uint8Array, o: number): number { return b[o + 6]; }
export function deType(b: Uint8Array, o: number): number { return b[o + 7]; }

export function setDe(b: Uint8Array, o: number, ino: number, recLen: number, name: Uint8Array, ft: number): void {
  set32(b, o, ino);
  set16(b, o + 4, recLen);
  b[o + 6] = name.length;
  b[o + 7] = ft;
  b.set(name, o + 8);
}

/** Where entries end: before the tail with metadata_csum. */
export function entriesEnd(bs: number, csum: boolean): number {
  return csum ? bs - TAIL_SIZE : bs;
}

/** Writes an empty block: one unused entry spanning it, and the tail. */
export function initDirBlock(b: Uint8Array, bs: number, csum: boolean): void {
  b.fill(0);
  set16(b, 4, entriesEnd(bs, csum));
  if (csum) initTail(b, bs);
}

export function initTail(b: Uint8Array, bs: number): void {
  const t = bs - TAIL_SIZE;
  b.fill(0, t, bs);
  set16(b, t + 4, TAIL_SIZE);
  b[t + 7] = TAIL_FT;
}

export function hasTail(b: Uint8Array, bs: number): boolean {
  const t = bs - TAIL_SIZE;
  return u32(b, t) === 0 && u16(b, t + 4) === TAIL_SIZE && b[t + 6] === 0 && b[t + 7] === TAIL_FT;
}

export function dirBlockChecksum(seed: number, b: Uint8Array, bs: number): number {
  return crc32c(seed, b, 0, bs - TAIL_SIZE);
}

export function setDirBlockChecksum(seed: number, b: Uint8Array, bs: number): void {
  set32(b, bs - 4, dirBlockChecksum(seed, b, bs));
}

/**
 * Checks a directory block: the tail and checksum (when `seed` is given), and that entries tile the space with sane
 * rec_len/name_len and inode numbers ≤ `maxIno`. Throws FsError EUCLEAN naming `where` and the offset.
 */
export function checkDirBlock(b: Uint8Array, bs: number, seed: number | null, maxIno: number, where: string): void {
  const end = entriesEnd(bs, seed !== null);
  if (seed !== null) {
    if (!hasTail(b, bs)) throw corrupt(`${where}: directory block has no checksum tail`);
    const want = u32(b, bs - 4), got = dirBlockChecksum(seed, b, bs);
    if (want !== got) throw corrupt(`${where}: directory block checksum 0x${want.toString(16)} does not match its contents (0x${got.toString(16)})`);
  }
  let o = 0;
  while (o < end) {
    const rl = deRecLen(b, o), nl = deNameLen(b, o), ino = deIno(b, o);
    if (rl < 12 || rl % 4 !== 0 || o + rl > end) throw corrupt(`${where}: directory entry at offset ${o} has rec_len ${rl}`);
    if (8 + nl > rl) throw corrupt(`${where}: directory entry at offset ${o} has a ${nl}-byte name in ${rl} bytes`);
    if (ino > maxIno) throw corrupt(`${where}: directory entry at offset ${o} names inode ${ino}, beyond the ${maxIno} inodes`);
    if (ino !== 0 && nl === 0) throw corrupt(`${where}: directory entry at offset ${o} has an empty name`);
    o += rl;
  }
}

/** Offset of the live entry named `name` in a checked block (and of the entry before it), or -1. */
export function findEntry(b: Uint8Array, end: number, name: Uint8Array): { off: number; prev: number } {
  let prev = -1;
  for (let o = 0; o < end;) {
    const rl = deRecLen(b, o);
    if (deIno(b, o) !== 0 && deNameLen(b, o) === name.length && bytesEqual(b, o + 8, name, 0, name.length)) return { off: o, prev };
    prev = o;
    o += rl;
  }
  return { off: -1, prev: -1 };
}

/** An offset where an entry of `need` bytes fits (an unused entry, or a live one's slack), or -1. */
export function findRoom(b: Uint8Array, end: number, need: number): number {
  for (let o = 0; o < end;) {
    const rl = deRecLen(b, o);
    const used = deIno(b, o) === 0 ? 0 : recLenFor(deNameLen(b, o));
    if (rl - used >= need) return o;
    o += rl;
  }
  return -1;
}

/** Puts an entry at `o` (from findRoom): fills an unused entry, or splits a live entry's slack. */
export function insertEntry(b: Uint8Array, o: number, ino: number, name: Uint8Array, ft: number): void {
  const rl = deRecLen(b, o);
  if (deIno(b, o) === 0) {
    setDe(b, o, ino, rl, name, ft);
    return;
  }
  const used = recLenFor(deNameLen(b, o));
  set16(b, o + 4, used);
  setDe(b, o + used, ino, rl - used, name, ft);
}

/** Removes the entry at `o` (`prev`: the entry before it in the block, -1 for the first). */
export function removeEntry(b: Uint8Array, o: number, prev: number): void {
  if (prev >= 0) set16(b, prev + 4, deRecLen(b, prev) + deRecLen(b, o));
  else set32(b, o, 0);
}

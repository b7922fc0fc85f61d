// libos/fs/ext4/inode.ts — the on-disk inode (128 bytes plus extra fields up to the volume's inode size): a view
// over a private copy of its bytes (fields this code does not model, inline xattrs included, are kept as they are),
// timestamps with nanoseconds and epoch bits, 32-bit owners, 48-bit block counts, the checksum, and where an inode
// lives in its group's table.
// Layer: libos/fs/ext4. Depends on ../crc32c.ts, ../types.ts, le.ts.

import { crc32c } from "../crc32c.ts";
import type { Timespec } from "../types.ts";
import { le32Bytes, s32, set16, set32, u16, u32 } from "./le.ts";

export const ROOT_INO = 2;
export const JOURNAL_INO = 8;

/** i_flags bits used here. */
export const FL = {
  INDEX: 0x1000, IMAGIC: 0x2000, HUGE_FILE: 0x40000, EXTENTS: 0x80000, EA_INODE: 0x200000, INLINE_DATA: 0x10000000,
  ENCRYPT: 0x800, CASEFOLD: 0x40000000, VERITY: 0x100000,
} as const;

const I = {
  mode: 0, uidLo: 2, sizeLo: 4, atime: 8, ctime: 12, mtime: 16, dtime: 20, gidLo: 24, links: 26, blocksLo: 28,
  flags: 32, version: 36, block: 40, generation: 100, fileAclLo: 104, sizeHi: 108, blocksHi: 116, fileAclHi: 118,
  uidHi: 120, gidHi: 122, checksumLo: 124, extraIsize: 128, checksumHi: 130, ctimeExtra: 132, mtimeExtra: 136,
  atimeExtra: 140, crtime: 144, crtimeExtra: 148,
} as const;

export type TimeField = "atime" | "mtime" | "ctime" | "crtime";
const BASE: Record<TimeField, number> = { atime: I.atime, mtime: I.mtime, ctime: I.ctime, crtime: I.crtime };
const EXTRA: Record<TimeField, number> = { atime: I.atimeExtra, mtime: I.mtimeExtra, ctime: I.ctimeExtra, crtime: I.crtimeExtra };

/** The seed of an inode's own checksums (inode, extent blocks, directory blocks). */
export function inodeSeed(fsSeed: number, ino: number, generation: number): number {
  return crc32c(crc32c(fsSeed, le32Bytes(ino)), le32Bytes(generation));
}

const ZERO2 = new Uint8Array(2);

/** One inode's bytes and what they mean. `raw` is owned by this object; `store` copies it into the table. */
export class Inode {
  /** Set when a field changed since the inode was last stored. */
  dirty = false;
  /** The checksum seed of the inode's own structures and the generation it was computed for (volume.seedOf). */
  seed = 0;
  seedGeneration = -1;
  constructor(readonly ino: number, readonly raw: Uint8Array) {}

  get mode(): number { return u16(this.raw, I.mode); }
  set mode(v: number) { set16(this.raw, I.mode, v); }
  get uid(): number { return u16(this.raw, I.uidLo) + u16(this.raw, I.uidHi) * 0x10000; }
  set uid(v: number) { set16(this.raw, I.uidLo, v & 0xffff); set16(this.raw, I.uidHi, v >>> 16); }
  get gid(): number { return u16(this.raw, I.gidLo) + u16(this.raw, I.gidHi) * 0x10000; }
  set gid(v: number) { set16(this.raw, I.gidLo, v & 0xffff); set16(this.raw, I.gidHi, v >>> 16); }
  get size(): number { return u32(this.raw, I.sizeLo) + u32(this.raw, I.sizeHi) * 0x100000000; }
  set size(v: number) { set32(this.raw, I.sizeLo, v % 0x100000000); set32(this.raw, I.sizeHi, Math.floor(v / 0x100000000)); }
  get links(): number { return u16(this.raw, I.links); }
  set links(v: number) { set16(this.raw, I.links, v); }
  get flags(): number { return u32(this.raw, I.flags); }
  set flags(v: number) { set32(this.raw, I.flags, v >>> 0); }
  get dtime(): number { return u32(this.raw, I.dtime); }
  set dtime(v: number) { set32(this.raw, I.dtime, v >>> 0); }
  get generation(): number { return u32(this.raw, I.generation); }
  set generation(v: number) { set32(this.raw, I.generation, v >>> 0); }
  get fileAcl(): number { return u32(this.raw, I.fileAclLo) + u16(this.raw, I.fileAclHi) * 0x100000000; }
  set fileAcl(v: number) { set32(this.raw, I.fileAclLo, v % 0x100000000); set16(this.raw, I.fileAclHi, Math.floor(v / 0x100000000)); }
  /** The 60 bytes of i_block (extent root, fast symlink target, device number). */
  get block(): Uint8Array { return this.raw.subarray(I.block, I.block + 60); }
  get extraIsize(): number { return this.raw.length > 128 ? u16(this.raw, I.extraIsize) : 0; }
  set extraIsize(v: number) { if (this.raw.length > 128) set16(this.raw, I.extraIsize, v); }

  /** The raw i_blocks value (48 bits with huge_file) and whether it counts file-system blocks (HUGE_FILE flag). */
  get blocksRaw(): number { return u32(this.raw, I.blocksLo) + u16(this.raw, I.blocksHi) * 0x100000000; }
  /** Storage in 512-byte units (`blockSize` converts HUGE_FILE counts). */
  sectors(blockSize: number): number {
    return this.flags & FL.HUGE_FILE ? this.blocksRaw * (blockSize / 512) : this.blocksRaw;
  }
  /** Stores a storage count in 512-byte units (clears HUGE_FILE: 48 bits of sectors always suffice here). */
  setSectors(v: number): void {
    if (this.flags & FL.HUGE_FILE) this.flags = this.flags & ~FL.HUGE_FILE;
    set32(this.raw, I.blocksLo, v % 0x100000000);
    set16(this.raw, I.blocksHi, Math.floor(v / 0x100000000));
  }

  private hasExtra(off: number, len: number): boolean {
    return this.raw.length > 128 && 128 + this.extraIsize >= off + len;
  }

  /** A timestamp (seconds from the signed 32-bit field plus the epoch bits, nanoseconds from the extra field). */
  time(which: TimeField): Timespec {
    if (which === "crtime" && !this.hasExtra(I.crtime, 4)) return this.time("ctime");
    let sec = s32(this.raw, BASE[which]);
    let nsec = 0;
    if (this.hasExtra(EXTRA[which], 4)) {
      const extra = u32(this.raw, EXTRA[which]);
      sec += (extra & 3) * 0x100000000;
      nsec = Math.min(999999999, Math.floor(extra / 4));
    }
    return { sec, nsec };
  }

  /** Stores a timestamp; without room for the extra field, only the seconds (clamped to 32 bits signed). */
  setTime(which: TimeField, t: Timespec): void {
    if (which === "crtime" && !this.hasExtra(I.crtime, 4)) return;
    const extraOk = this.hasExtra(EXTRA[which], 4);
    let sec = Math.floor(t.sec);
    const lo = extraOk ? -(2 ** 31) : -(2 ** 31), hi = extraOk ? 2 ** 31 + 3 * 2 ** 32 - 1 : 2 ** 31 - 1;
    sec = Math.max(lo, Math.min(hi, sec));
    const base = sec | 0;
    set32(this.raw, BASE[which], base >>> 0);
    if (extraOk) {
      const epoch = ((sec - base) / 0x100000000) & 3;
      const nsec = Math.max(0, Math.min(999999999, Math.floor(t.nsec)));
      set32(this.raw, EXTRA[which], (nsec * 4 + epoch) >>> 0);
    }
  }

  /** The inode checksum over `raw` (both checksum fields taken as zero). */
  checksum(seed: number): number {
    const r = this.raw;
    let c = crc32c(seed, r, 0, I.checksumLo);
    c = crc32c(c, ZERO2);
    c = crc32c(c, r, I.checksumLo + 2, 128);
    if (r.length > 128) {
      c = crc32c(c, r, 128, I.checksumHi);
      if (this.hasExtra(I.checksumHi, 2)) {
        c = crc32c(c, ZERO2);
        c = crc32c(c, r, I.checksumHi + 2, r.length);
      } else {
        c = crc32c(c, r, I.checksumHi, r.length);
      }
    }
    return c >>> 0;
  }

  /** Whether the stored checksum matches (16 bits without room for the high half). */
  checksumMatches(seed: number): boolean {
    const c = this.checksum(seed);
    if ((c & 0xffff) !== u16(this.raw, I.checksumLo)) return false;
    return !this.hasExtra(I.checksumHi, 2) || (c >>> 16) === u16(this.raw, I.checksumHi);
  }

  setChecksum(seed: number): void {
    const c = this.checksum(seed);
    set16(this.raw, I.checksumLo, c & 0xffff);
    if (this.hasExtra(I.checksumHi, 2)) set16(this.raw, I.checksumHi, c >>> 16);
  }

  /** Device number of a character/block device node (Linux's old and new encodings). */
  get rdev(): number {
    const b = this.block;
    const old = u32(b, 0);
    if (old !== 0) return ((old >>> 8) & 0xff) * 256 + (old & 0xff);
    const dev = u32(b, 4);
    const major = (dev & 0xfff00) >>> 8, minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
    return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
  }
}

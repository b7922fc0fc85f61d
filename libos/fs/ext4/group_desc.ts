// libos/fs/ext4/group_desc.ts — block group descriptors (32 bytes, or 64+ with the 64bit feature): where a group's
// bitmaps and inode table are, its free counts, flags and checksums. A GroupDesc is a view over the cached
// descriptor-table block (offset into it); the checksum (crc32c with metadata_csum, crc16 with uninit_bg only)
// covers the descriptor with its checksum field taken as zero.
// Layer: libos/fs/ext4. Depends on ../crc32c.ts, le.ts, errors.ts, superblock.ts.

import { crc32c } from "../crc32c.ts";
import { corrupt } from "./errors.ts";
import { le32Bytes, set16, u16, u32 } from "./le.ts";
import type { Geometry } from "./superblock.ts";

export const BG_INODE_UNINIT = 0x1;
export const BG_BLOCK_UNINIT = 0x2;
export const BG_INODE_ZEROED = 0x4;

const OFF = {
  blockBitmapLo: 0x0, inodeBitmapLo: 0x4, inodeTableLo: 0x8, freeBlocksLo: 0xc, freeInodesLo: 0xe, usedDirsLo: 0x10,
  flags: 0x12, blockBitmapCsumLo: 0x18, inodeBitmapCsumLo: 0x1a, itableUnusedLo: 0x1c, checksum: 0x1e,
  blockBitmapHi: 0x20, inodeBitmapHi: 0x24, inodeTableHi: 0x28, freeBlocksHi: 0x2c, freeInodesHi: 0x2e,
  usedDirsHi: 0x30, itableUnusedHi: 0x32, blockBitmapCsumHi: 0x38, inodeBitmapCsumHi: 0x3a,
} as const;

/** The block holding group `g`'s descriptor and the byte offset in it. */
export function descLocation(geo: Geometry, g: number): { block: number; offset: number } {
  return { block: geo.firstDataBlock + 1 + Math.floor(g / geo.descPerBlock), offset: (g % geo.descPerBlock) * geo.descSize };
}

/** A view of one group descriptor inside a descriptor-table block. */
export class GroupDesc {
  private readonly wide: boolean;
  constructor(readonly buf: Uint8Array, readonly off: number, readonly size: number) {
    this.wide = size >= 64;
  }
  private lohi32(lo: number, hi: number): number {
    return u32(this.buf, this.off + lo) + (this.wide ? u32(this.buf, this.off + hi) * 0x100000000 : 0);
  }
  private lohi16(lo: number, hi: number): number {
    return u16(this.buf, this.off + lo) + (this.wide ? u16(this.buf, this.off + hi) * 0x10000 : 0);
  }
  private set16pair(lo: number, hi: number, v: number): void {
    set16(this.buf, this.off + lo, v & 0xffff);
    if (this.wide) set16(this.buf, this.off + hi, Math.floor(v / 0x10000) & 0xffff);
  }
  get blockBitmap(): number { return this.lohi32(OFF.blockBitmapLo, OFF.blockBitmapHi); }
  get inodeBitmap(): number { return this.lohi32(OFF.inodeBitmapLo, OFF.inodeBitmapHi); }
  get inodeTable(): number { return this.lohi32(OFF.inodeTableLo, OFF.inodeTableHi); }
  get freeBlocks(): number { return this.lohi16(OFF.freeBlocksLo, OFF.freeBlocksHi); }
  get freeInodes(): number { return this.lohi16(OFF.freeInodesLo, OFF.freeInodesHi); }
  get usedDirs(): number { return this.lohi16(OFF.usedDirsLo, OFF.usedDirsHi); }
  get itableUnused(): number { return this.lohi16(OFF.itableUnusedLo, OFF.itableUnusedHi); }
  get flags(): number { return u16(this.buf, this.off + OFF.flags); }
  get checksum(): number { return u16(this.buf, this.off + OFF.checksum); }
  set freeBlocks(v: number) { this.set16pair(OFF.freeBlocksLo, OFF.freeBlocksHi, v); }
  set freeInodes(v: number) { this.set16pair(OFF.freeInodesLo, OFF.freeInodesHi, v); }
  set usedDirs(v: number) { this.set16pair(OFF.usedDirsLo, OFF.usedDirsHi, v); }
  set itableUnused(v: number) { this.set16pair(OFF.itableUnusedLo, OFF.itableUnusedHi, v); }
  set flags(v: number) { set16(this.buf, this.off + OFF.flags, v); }

  /** Stores the bitmaps' crc32c values (low 16 bits, and high 16 bits in 64-byte descriptors). */
  setBitmapChecksums(blockCsum: number, inodeCsum: number): void {
    set16(this.buf, this.off + OFF.blockBitmapCsumLo, blockCsum & 0xffff);
    set16(this.buf, this.off + OFF.inodeBitmapCsumLo, inodeCsum & 0xffff);
    if (this.wide) {
      set16(this.buf, this.off + OFF.blockBitmapCsumHi, blockCsum >>> 16);
      set16(this.buf, this.off + OFF.inodeBitmapCsumHi, inodeCsum >>> 16);
    }
  }
  /** Whether `csum` (a bitmap's crc32c) matches what is stored (16 or 32 bits, as the descriptor holds). */
  blockBitmapCsumMatches(csum: number): boolean {
    const lo = u16(this.buf, this.off + OFF.blockBitmapCsumLo);
    return this.wide ? (lo | (u16(this.buf, this.off + OFF.blockBitmapCsumHi) << 16)) >>> 0 === csum >>> 0 : lo === (csum & 0xffff);
  }
  inodeBitmapCsumMatches(csum: number): boolean {
    const lo = u16(this.buf, this.off + OFF.inodeBitmapCsumLo);
    return this.wide ? (lo | (u16(this.buf, this.off + OFF.inodeBitmapCsumHi) << 16)) >>> 0 === csum >>> 0 : lo === (csum & 0xffff);
  }
  setChecksum(v: number): void {
    set16(this.buf, this.off + OFF.checksum, v);
  }
}

let crc16Table: Uint16Array | undefined;

/** CRC-16 (ANSI, reflected 0xa001) register update, as uninit_bg descriptor checksums use. */
export function crc16(crc: number, b: Uint8Array, start = 0, end = b.length): number {
  if (!crc16Table) {
    crc16Table = new Uint16Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
      crc16Table[i] = c;
    }
  }
  let c = crc & 0xffff;
  for (let i = start; i < end; i++) c = (c >>> 8) ^ crc16Table[(c ^ b[i]) & 0xff];
  return c;
}

const ZERO2 = new Uint8Array(2);

/** The checksum group `g`'s descriptor should have (0 on volumes without descriptor checksums). */
export function descChecksum(geo: Geometry, g: number, buf: Uint8Array, off: number): number {
  if (geo.metadataCsum) {
    let c = crc32c(geo.csumSeed, le32Bytes(g));
    c = crc32c(c, buf, off, off + OFF.checksum);
    c = crc32c(c, ZERO2);
    c = crc32c(c, buf, off + OFF.checksum + 2, off + geo.descSize);
    return c & 0xffff;
  }
  if (geo.gdtCsum) {
    let c = crc16(0xffff, geo.uuid);
    c = crc16(c, le32Bytes(g));
    c = crc16(c, buf, off, off + OFF.checksum);
    if (geo.descSize > 32) c = crc16(c, buf, off + OFF.checksum + 2, off + geo.descSize);
    return c;
  }
  return 0;
}

/**
 * Validates group `g`'s descriptor at mount: checksum, and bitmaps and inode table inside the volume and clear of
 * the primary superblock and descriptor table; counts within the group's sizes. Throws FsError EUCLEAN naming the
 * group and the field.
 */
export function checkDesc(geo: Geometry, g: number, d: GroupDesc): void {
  if (geo.metadataCsum || geo.gdtCsum) {
    const want = descChecksum(geo, g, d.buf, d.off);
    if (d.checksum !== want) throw corrupt(`group ${g} descriptor: checksum 0x${d.checksum.toString(16)}, expected 0x${want.toString(16)}`);
  }
  const lowest = geo.firstDataBlock + 1 + geo.gdtBlocks + geo.reservedGdtBlocks;
  const check = (what: string, start: number, count: number) => {
    if (start < lowest || start + count > geo.blocksCount) {
      throw corrupt(`group ${g} descriptor: ${what} at block ${start} is outside the volume's usable blocks ${lowest}..${geo.blocksCount - 1}`);
    }
  };
  check("block bitmap", d.blockBitmap, 1);
  check("inode bitmap", d.inodeBitmap, 1);
  check("inode table", d.inodeTable, geo.inodeTableBlocks);
  if (d.freeBlocks > geo.blocksPerGroup) throw corrupt(`group ${g} descriptor: ${d.freeBlocks} free blocks in a group of ${geo.blocksPerGroup}`);
  if (d.freeInodes > geo.inodesPerGroup) throw corrupt(`group ${g} descriptor: ${d.freeInodes} free inodes in a group of ${geo.inodesPerGroup}`);
  if (d.itableUnused > geo.inodesPerGroup) throw corrupt(`group ${g} descriptor: ${d.itableUnused} unused inodes in a group of ${geo.inodesPerGroup}`);
  if (d.usedDirs > geo.inodesPerGroup) throw corrupt(`group ${g} descriptor: ${d.usedDirs} directories in a group of ${geo.inodesPerGroup}`);
}

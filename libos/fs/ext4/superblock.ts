// libos/fs/ext4/superblock.ts — the ext4 superblock (1024 bytes at byte 1024 of the volume): field offsets, the
// validation done at mount (magic, sizes, counts, geometry, checksum) that yields a plain Geometry value, the
// checksum, and accessors for the fields that change while mounted (free counts, orphan list head, feature flags,
// times), which work in place on the cached superblock bytes so fields this code does not model are kept.
// Layer: libos/fs/ext4. Depends on ../crc32c.ts, le.ts, errors.ts, features.ts.

import { crc32c } from "../crc32c.ts";
import { corrupt, fsErr } from "./errors.ts";
import { COMPAT, INCOMPAT, RO_COMPAT, checkFeatures } from "./features.ts";
import { set32, u16, u32 } from "./le.ts";

export const SB_MAGIC = 0xef53;
/** Byte offset of the superblock on the volume, and its size. */
export const SB_OFFSET = 1024;
export const SB_SIZE = 1024;

/** Field offsets inside the superblock. */
export const SB = {
  inodesCount: 0x0, blocksCountLo: 0x4, rBlocksCountLo: 0x8, freeBlocksLo: 0xc, freeInodes: 0x10,
  firstDataBlock: 0x14, logBlockSize: 0x18, logClusterSize: 0x1c, blocksPerGroup: 0x20, clustersPerGroup: 0x24,
  inodesPerGroup: 0x28, mtime: 0x2c, wtime: 0x30, mntCount: 0x34, maxMntCount: 0x36, magic: 0x38, state: 0x3a,
  errors: 0x3c, minorRev: 0x3e, lastCheck: 0x40, checkInterval: 0x44, creatorOs: 0x48, revLevel: 0x4c,
  defResuid: 0x50, defResgid: 0x52, firstIno: 0x54, inodeSize: 0x58, blockGroupNr: 0x5a, featureCompat: 0x5c,
  featureIncompat: 0x60, featureRoCompat: 0x64, uuid: 0x68, volumeName: 0x78, lastMounted: 0x88,
  reservedGdtBlocks: 0xce, journalUuid: 0xd0, journalInum: 0xe0, journalDev: 0xe4, lastOrphan: 0xe8,
  hashSeed: 0xec, defHashVersion: 0xfc, descSize: 0xfe, defaultMountOpts: 0x100, firstMetaBg: 0x104,
  mkfsTime: 0x108, blocksCountHi: 0x150, rBlocksCountHi: 0x154, freeBlocksHi: 0x158, minExtraIsize: 0x15c,
  wantExtraIsize: 0x15e, flags: 0x160, logGroupsPerFlex: 0x174, checksumType: 0x175, kbytesWritten: 0x178,
  overheadClusters: 0x248, backupBgs: 0x24c, lpfIno: 0x268, checksumSeed: 0x270, wtimeHi: 0x274, mtimeHi: 0x275,
  orphanFileInum: 0x280, checksum: 0x3fc,
} as const;

/** s_flags bits. */
export const SB_FLAG_SIGNED_HASH = 0x1;
export const SB_FLAG_UNSIGNED_HASH = 0x2;
/** s_state bits. */
export const STATE_VALID = 0x1;
export const STATE_ERROR = 0x2;

/** The volume's fixed geometry and features, as validated at mount. */
export interface Geometry {
  blockSize: number;
  /** log2(blockSize) - 10 */
  logBlockSize: number;
  blocksCount: number;
  firstDataBlock: number;
  blocksPerGroup: number;
  inodesPerGroup: number;
  inodesCount: number;
  groupCount: number;
  inodeSize: number;
  /** Group descriptor size: 32, or 64+ with the 64bit feature. */
  descSize: number;
  descPerBlock: number;
  /** Blocks of the group descriptor table (not counting reserved GDT blocks). */
  gdtBlocks: number;
  reservedGdtBlocks: number;
  inodeTableBlocks: number;
  firstIno: number;
  compat: number;
  incompat: number;
  roCompat: number;
  is64: boolean;
  /** metadata_csum: crc32c checksums everywhere. */
  metadataCsum: boolean;
  /** uninit_bg without metadata_csum: crc16 group descriptor checksums. */
  gdtCsum: boolean;
  /** The seed of every metadata checksum (crc32c of the UUID, or s_checksum_seed with metadata_csum_seed). */
  csumSeed: number;
  uuid: Uint8Array;
  hashSeed: Uint32Array;
  defHashVersion: number;
  unsignedHash: boolean;
  journalInum: number;
  /** Groups per flex group (1 without flex_bg). */
  flexSize: number;
  sparseSuper: boolean;
  /** sparse_super2's two backup groups (0 = none). */
  backupBgs: [number, number];
  minExtraIsize: number;
  wantExtraIsize: number;
  reservedBlocks: number;
  hugeFile: boolean;
  dirNlink: boolean;
  largeDir: boolean;
  hasJournal: boolean;
  dirIndex: boolean;
  /** Ro_compat features that are not implemented (non-empty: read-only). */
  roReasons: string[];
}

/** The superblock's CRC-32C as stored (over its first 1020 bytes, seeded with ~0). */
export function superblockChecksum(sb: Uint8Array): number {
  return crc32c(0xffffffff, sb, 0, SB.checksum);
}

/** Recomputes the stored checksum (metadata_csum volumes). */
export function setSuperblockChecksum(sb: Uint8Array): void {
  set32(sb, SB.checksum, superblockChecksum(sb));
}

/**
 * Validates a superblock (1024 bytes) for a device of `deviceBytes` and returns its geometry. Throws FsError EUCLEAN
 * when a field is impossible or the checksum is wrong (naming the field), EOPNOTSUPP for features or sizes this
 * implementation does not support (naming them), EINVAL when the volume is larger than the device.
 */
export function parseSuperblock(sb: Uint8Array, deviceBytes: number): Geometry {
  if (sb.length < SB_SIZE) throw corrupt(`superblock: ${sb.length} bytes, expected ${SB_SIZE}`);
  const magic = u16(sb, SB.magic);
  if (magic !== SB_MAGIC) throw fsErr("EINVAL", `no ext2/3/4 superblock: magic is 0x${magic.toString(16)}, expected 0xef53`);
  const compat = u32(sb, SB.featureCompat), incompat = u32(sb, SB.featureIncompat), roCompat = u32(sb, SB.featureRoCompat);
  const metadataCsum = (roCompat & RO_COMPAT.metadata_csum) !== 0;
  if (metadataCsum) {
    if (sb[SB.checksumType] !== 1) throw corrupt(`superblock: checksum type ${sb[SB.checksumType]}, expected 1 (crc32c)`);
    const want = u32(sb, SB.checksum), got = superblockChecksum(sb);
    if (want !== got) throw corrupt(`superblock: checksum 0x${want.toString(16)} does not match its contents (0x${got.toString(16)})`);
  }
  if (u32(sb, SB.revLevel) < 1) throw fsErr("EOPNOTSUPP", "superblock: revision 0 volumes are not supported");
  const roReasons = checkFeatures(incompat, roCompat);
  const logBlockSize = u32(sb, SB.logBlockSize);
  if (logBlockSize > 2) {
    throw fsErr("EOPNOTSUPP", logBlockSize > 6 ? `superblock: log block size ${logBlockSize} is impossible`
      : `superblock: block size ${1024 << logBlockSize} is not supported (1024 to 4096 bytes)`);
  }
  const blockSize = 1024 << logBlockSize;
  const bigalloc = (roCompat & RO_COMPAT.bigalloc) !== 0;
  const logCluster = u32(sb, SB.logClusterSize);
  if (!bigalloc && logCluster !== logBlockSize) throw corrupt(`superblock: cluster size log ${logCluster} differs from block size log ${logBlockSize} without bigalloc`);
  const is64 = (incompat & INCOMPAT["64bit"]) !== 0;
  const blocksCount = u32(sb, SB.blocksCountLo) + (is64 ? u32(sb, SB.blocksCountHi) * 0x100000000 : 0);
  const firstDataBlock = u32(sb, SB.firstDataBlock);
  if (firstDataBlock !== (blockSize === 1024 ? 1 : 0)) throw corrupt(`superblock: first data block ${firstDataBlock} is wrong for ${blockSize}-byte blocks`);
  const blocksPerGroup = u32(sb, SB.blocksPerGroup);
  const clustersPerGroup = u32(sb, SB.clustersPerGroup);
  if (blocksPerGroup === 0 || blocksPerGroup % 8 !== 0 || (!bigalloc && blocksPerGroup > 8 * blockSize)) {
    throw corrupt(`superblock: ${blocksPerGroup} blocks per group (must be a non-zero multiple of 8, at most ${8 * blockSize})`);
  }
  if (!bigalloc && clustersPerGroup !== blocksPerGroup) throw corrupt(`superblock: ${clustersPerGroup} clusters per group differ from ${blocksPerGroup} blocks per group`);
  if (bigalloc && (clustersPerGroup === 0 || clustersPerGroup > 8 * blockSize)) throw corrupt(`superblock: ${clustersPerGroup} clusters per group`);
  const inodeSize = u16(sb, SB.inodeSize);
  if (inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) !== 0) throw corrupt(`superblock: inode size ${inodeSize} (must be a power of 2 from 128 to the block size)`);
  const inodesPerGroup = u32(sb, SB.inodesPerGroup);
  if (inodesPerGroup === 0 || inodesPerGroup > 8 * blockSize || (inodesPerGroup * inodeSize) % blockSize !== 0) {
    throw corrupt(`superblock: ${inodesPerGroup} inodes per group (must fill whole blocks, at most ${8 * blockSize})`);
  }
  if (blocksCount <= firstDataBlock || blocksCount > 2 ** 48) throw corrupt(`superblock: block count ${blocksCount} is impossible`);
  if (blocksCount * blockSize > deviceBytes) throw fsErr("EINVAL", `the volume's ${blocksCount} blocks of ${blockSize} bytes exceed the device's ${deviceBytes} bytes`);
  const groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  const inodesCount = u32(sb, SB.inodesCount);
  if (inodesCount !== groupCount * inodesPerGroup) throw corrupt(`superblock: inode count ${inodesCount} is not ${groupCount} groups × ${inodesPerGroup} inodes`);
  let descSize = 32;
  if (is64) {
    descSize = u16(sb, SB.descSize);
    if (descSize < 64 || descSize > 1024 || (descSize & (descSize - 1)) !== 0) throw corrupt(`superblock: group descriptor size ${descSize} (64bit volumes: a power of 2 from 64 to 1024)`);
  }
  const descPerBlock = blockSize / descSize;
  const gdtBlocks = Math.ceil(groupCount / descPerBlock);
  const reservedGdtBlocks = (compat & COMPAT.resize_inode) ? u16(sb, SB.reservedGdtBlocks) : 0;
  if (reservedGdtBlocks > blockSize / 4) throw corrupt(`superblock: ${reservedGdtBlocks} reserved GDT blocks is too many`);
  const inodeTableBlocks = (inodesPerGroup * inodeSize) / blockSize;
  if (firstDataBlock + 1 + gdtBlocks + reservedGdtBlocks >= Math.min(blocksCount, firstDataBlock + blocksPerGroup)) {
    throw corrupt(`superblock: the group descriptor table (${gdtBlocks} + ${reservedGdtBlocks} blocks) does not fit in group 0`);
  }
  const firstIno = u32(sb, SB.firstIno);
  if (firstIno < 11 || firstIno >= inodesCount) throw corrupt(`superblock: first inode ${firstIno} (must be 11 to ${inodesCount - 1})`);
  const extra = inodeSize - 128;
  const minExtraIsize = inodeSize > 128 ? u16(sb, SB.minExtraIsize) : 0;
  const wantExtraIsize = inodeSize > 128 ? u16(sb, SB.wantExtraIsize) : 0;
  if (minExtraIsize > extra || wantExtraIsize > extra || minExtraIsize % 4 || wantExtraIsize % 4) {
    throw corrupt(`superblock: extra inode sizes ${minExtraIsize}/${wantExtraIsize} do not fit ${inodeSize}-byte inodes`);
  }
  const uuid = sb.slice(SB.uuid, SB.uuid + 16);
  let csumSeed = 0;
  if (metadataCsum) csumSeed = (incompat & INCOMPAT.metadata_csum_seed) ? u32(sb, SB.checksumSeed) : crc32c(0xffffffff, uuid);
  const hashSeed = new Uint32Array(4);
  for (let i = 0; i < 4; i++) hashSeed[i] = u32(sb, SB.hashSeed + 4 * i);
  const defHashVersion = sb[SB.defHashVersion];
  const flags = u32(sb, SB.flags);
  const logFlex = sb[SB.logGroupsPerFlex];
  if ((incompat & INCOMPAT.flex_bg) && logFlex > 31) throw corrupt(`superblock: log groups per flex ${logFlex}`);
  const hasJournal = (compat & COMPAT.has_journal) !== 0;
  const journalInum = hasJournal ? u32(sb, SB.journalInum) : 0;
  if (hasJournal && journalInum === 0) throw fsErr("EOPNOTSUPP", "the volume's journal is on an external device, which is not supported");
  if (hasJournal && journalInum > inodesCount) throw corrupt(`superblock: journal inode ${journalInum} is beyond the ${inodesCount} inodes`);
  const rBlocks = u32(sb, SB.rBlocksCountLo) + (is64 ? u32(sb, SB.rBlocksCountHi) * 0x100000000 : 0);
  return {
    blockSize, logBlockSize, blocksCount, firstDataBlock, blocksPerGroup,
    inodesPerGroup, inodesCount, groupCount, inodeSize, descSize, descPerBlock, gdtBlocks, reservedGdtBlocks,
    inodeTableBlocks, firstIno, compat, incompat, roCompat, is64, metadataCsum,
    gdtCsum: !metadataCsum && (roCompat & RO_COMPAT.uninit_bg) !== 0, csumSeed, uuid, hashSeed, defHashVersion,
    unsignedHash: (flags & SB_FLAG_UNSIGNED_HASH) !== 0, journalInum,
    flexSize: (incompat & INCOMPAT.flex_bg) ? 2 ** logFlex : 1,
    sparseSuper: (roCompat & RO_COMPAT.sparse_super) !== 0,
    backupBgs: (compat & COMPAT.sparse_super2) ? [u32(sb, SB.backupBgs), u32(sb, SB.backupBgs + 4)] : [0, 0],
    minExtraIsize, wantExtraIsize, reservedBlocks: rBlocks,
    hugeFile: (roCompat & RO_COMPAT.huge_file) !== 0, dirNlink: (roCompat & RO_COMPAT.dir_nlink) !== 0,
    largeDir: (incompat & INCOMPAT.large_dir) !== 0, hasJournal, dirIndex: (compat & COMPAT.dir_index) !== 0,
    roReasons: bigalloc && !roReasons.includes("bigalloc") ? [...roReasons, "bigalloc"] : roReasons,
  };
}

/** Whether group `g` holds a superblock backup (and group descriptor table copy). */
export function groupHasSuper(geo: Geometry, g: number): boolean {
  if (g === 0) return true;
  if (geo.compat & COMPAT.sparse_super2) return g === geo.backupBgs[0] || g === geo.backupBgs[1];
  if (!geo.sparseSuper || g === 1) return true;
  if (g % 2 === 0) return false;
  for (const base of [3, 5, 7]) {
    let p = base;
    while (p < g) p *= base;
    if (p === g) return true;
  }
  return false;
}

/** Free blocks as the superblock counts them. */
export function sbFreeBlocks(sb: Uint8Array, is64: boolean): number {
  return u32(sb, SB.freeBlocksLo) + (is64 ? u32(sb, SB.freeBlocksHi) * 0x100000000 : 0);
}

export function setSbFreeBlocks(sb: Uint8Array, is64: boolean, v: number): void {
  set32(sb, SB.freeBlocksLo, v % 0x100000000);
  if (is64) set32(sb, SB.freeBlocksHi, Math.floor(v / 0x100000000));
}

export function sbFreeInodes(sb: Uint8Array): number {
  return u32(sb, SB.freeInodes);
}

export function setSbFreeInodes(sb: Uint8Array, v: number): void {
  set32(sb, SB.freeInodes, v);
}

/** Sets or clears incompat feature bits (needs_recovery). */
export function setIncompat(sb: Uint8Array, bit: number, on: boolean): void {
  const v = u32(sb, SB.featureIncompat);
  set32(sb, SB.featureIncompat, on ? (v | bit) >>> 0 : (v & ~bit) >>> 0);
}

/** Stores a time in a 32-bit field with its high byte field (s_wtime/s_wtime_hi style). */
export function setSbTime(sb: Uint8Array, off: number, hiOff: number, sec: number): void {
  set32(sb, off, sec >>> 0);
  sb[hiOff] = Math.max(0, Math.floor(sec / 0x100000000)) & 0xff;
}


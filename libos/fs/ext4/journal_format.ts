// libos/fs/ext4/journal_format.ts — the jbd2 on-disk format (big-endian): the journal superblock, block headers,
// descriptor blocks with their block tags (escaping, 64-bit block numbers, v2/v3 checksums), revoke blocks and
// commit blocks, and the crc32c checksums of each, seeded with the journal UUID as the kernel computes them.
// Layer: libos/fs/ext4. Depends on ../crc32c.ts, le.ts, errors.ts.

import { crc32c } from "../crc32c.ts";
import { corrupt, fsErr } from "./errors.ts";
import { be32, setBe32, setBe64 } from "./le.ts";

export const JBD2_MAGIC = 0xc03b3998;
export const BT_DESCRIPTOR = 1;
export const BT_COMMIT = 2;
export const BT_SB_V1 = 3;
export const BT_SB_V2 = 4;
export const BT_REVOKE = 5;

export const JCOMPAT_CHECKSUM = 0x1;
export const JINCOMPAT_REVOKE = 0x1;
export const JINCOMPAT_64BIT = 0x2;
export const JINCOMPAT_ASYNC_COMMIT = 0x4;
export const JINCOMPAT_CSUM_V2 = 0x8;
export const JINCOMPAT_CSUM_V3 = 0x10;
export const JINCOMPAT_FAST_COMMIT = 0x20;
const JINCOMPAT_KNOWN = JINCOMPAT_REVOKE | JINCOMPAT_64BIT | JINCOMPAT_ASYNC_COMMIT | JINCOMPAT_CSUM_V2 | JINCOMPAT_CSUM_V3;

export const TAG_ESCAPE = 1;
export const TAG_SAME_UUID = 2;
export const TAG_DELETED = 4;
export const TAG_LAST = 8;

const JSB = {
  blocksize: 0xc, maxlen: 0x10, first: 0x14, sequence: 0x18, start: 0x1c, errno: 0x20, compat: 0x24, incompat: 0x28,
  roCompat: 0x2c, uuid: 0x30, nrUsers: 0x40, checksumType: 0x50, numFcBlocks: 0x54, checksum: 0xfc,
} as const;
export const JSB_SIZE = 1024;

/** The journal superblock's fields, validated. */
export interface JournalSuper {
  version: 1 | 2;
  blockSize: number;
  maxlen: number;
  first: number;
  sequence: number;
  /** First block of the log, 0 when the journal is empty. */
  start: number;
  errno: number;
  compat: number;
  incompat: number;
  uuid: Uint8Array;
}

export function csumV2or3(js: JournalSuper): boolean {
  return (js.incompat & (JINCOMPAT_CSUM_V2 | JINCOMPAT_CSUM_V3)) !== 0;
}

/** The seed of the log's checksums: crc32c of the journal UUID. */
export function journalSeed(js: JournalSuper): number {
  return crc32c(0xffffffff, js.uuid);
}

function sbChecksum(b: Uint8Array): number {
  let c = crc32c(0xffffffff, b, 0, JSB.checksum);
  c = crc32c(c, new Uint8Array(4));
  return crc32c(c, b, JSB.checksum + 4, JSB_SIZE);
}

/**
 * Validates the journal superblock (first block of the journal) for a volume with `blockSize`-byte blocks and a
 * journal inode of `blocks` blocks. Throws EUCLEAN for impossible fields or a bad checksum, EOPNOTSUPP for journal
 * features not implemented (fast commit, unknown ones).
 */
export function parseJournalSuper(b: Uint8Array, blockSize: number, blocks: number): JournalSuper {
  if (be32(b, 0) !== JBD2_MAGIC) throw corrupt(`journal superblock: magic 0x${be32(b, 0).toString(16)}, expected 0xc03b3998`);
  const type = be32(b, 4);
  if (type !== BT_SB_V1 && type !== BT_SB_V2) throw corrupt(`journal superblock: block type ${type}`);
  const version = type === BT_SB_V1 ? 1 : 2;
  const compat = version === 2 ? be32(b, JSB.compat) : 0;
  const incompat = version === 2 ? be32(b, JSB.incompat) : 0;
  if (incompat & JINCOMPAT_FAST_COMMIT) throw fsErr("EOPNOTSUPP", "the journal uses fast commits, which this ext4 does not implement");
  if (incompat & ~JINCOMPAT_KNOWN) throw fsErr("EOPNOTSUPP", `the journal has unknown incompat features 0x${(incompat & ~JINCOMPAT_KNOWN).toString(16)}`);
  if ((incompat & JINCOMPAT_CSUM_V2) && (incompat & JINCOMPAT_CSUM_V3)) throw corrupt("journal superblock: both checksum v2 and v3 are set");
  if (incompat & (JINCOMPAT_CSUM_V2 | JINCOMPAT_CSUM_V3)) {
    if (b[JSB.checksumType] !== 4) throw corrupt(`journal superblock: checksum type ${b[JSB.checksumType]}, expected 4 (crc32c)`);
    const want = be32(b, JSB.checksum), got = sbChecksum(b);
    if (want !== got) throw corrupt(`journal superblock: checksum 0x${want.toString(16)} does not match its contents (0x${got.toString(16)})`);
  }
  const bs = be32(b, JSB.blocksize), maxlen = be32(b, JSB.maxlen), first = be32(b, JSB.first);
  const start = be32(b, JSB.start);
  if (bs !== blockSize) throw corrupt(`journal superblock: block size ${bs}, the volume's is ${blockSize}`);
  if (maxlen > blocks || maxlen < 32) throw corrupt(`journal superblock: ${maxlen} blocks (the journal inode has ${blocks})`);
  if (first < 1 || first >= maxlen - 16) throw corrupt(`journal superblock: first log block ${first} of ${maxlen}`);
  if (start !== 0 && (start < first || start >= maxlen)) throw corrupt(`journal superblock: log start ${start} outside ${first}..${maxlen - 1}`);
  return {
    version, blockSize: bs, maxlen, first, sequence: be32(b, JSB.sequence), start, errno: be32(b, JSB.errno) | 0,
    compat, incompat, uuid: b.slice(JSB.uuid, JSB.uuid + 16),
  };
}

/** Writes the dynamic fields (start, sequence, features, errno) into `b` and recomputes its checksum. */
export function emitJournalSuper(b: Uint8Array, js: JournalSuper): void {
  setBe32(b, JSB.sequence, js.sequence);
  setBe32(b, JSB.start, js.start);
  setBe32(b, JSB.errno, js.errno);
  setBe32(b, JSB.compat, js.compat);
  setBe32(b, JSB.incompat, js.incompat);
  if (csumV2or3(js)) {
    b[JSB.checksumType] = 4;
    setBe32(b, JSB.checksum, sbChecksum(b));
  } else {
    b[JSB.checksumType] = 0;
    setBe32(b, JSB.checksum, 0);
  }
}

/** Bytes per block tag. */
export function tagBytes(js: JournalSuper): number {
  if (js.incompat & JINCOMPAT_CSUM_V3) return 16;
  const sz = 12 + (js.incompat & JINCOMPAT_CSUM_V2 ? 2 : 0);
  return js.incompat & JINCOMPAT_64BIT ? sz : sz - 4;
}

/** Bytes per revoke record. */
export function revokeRecordBytes(js: JournalSuper): number {
  return js.incompat & JINCOMPAT_64BIT ? 8 : 4;
}

export function writeHeader(b: Uint8Array, type: number, seq: number): void {
  setBe32(b, 0, JBD2_MAGIC);
  setBe32(b, 4, type);
  setBe32(b, 8, seq);
}

/** Block header: magic, type and sequence, or null when the block is not a journal block. */
export function readHeader(b: Uint8Array): { type: number; seq: number } | null {
  if (be32(b, 0) !== JBD2_MAGIC) return null;
  return { type: be32(b, 4), seq: be32(b, 8) };
}

/** The crc32c tail of descriptor and revoke blocks (v2/v3): over the whole block with the tail zero. */
export function tailChecksum(seed: number, b: Uint8Array): number {
  const bs = b.length;
  let c = crc32c(seed, b, 0, bs - 4);
  return crc32c(c, new Uint8Array(4));
}

export function setTailChecksum(seed: number, b: Uint8Array): void {
  setBe32(b, b.length - 4, tailChecksum(seed, b));
}

export function tailChecksumOk(seed: number, b: Uint8Array): boolean {
  return be32(b, b.length - 4) === tailChecksum(seed, b);
}

/** A logged block's checksum (v2/v3 tags): crc32c over the big-endian sequence, then the block as logged. */
export function blockTagChecksum(seed: number, seq: number, data: Uint8Array): number {
  const s = new Uint8Array(4);
  setBe32(s, 0, seq);
  return crc32c(crc32c(seed, s), data);
}

/** One tag of a descriptor block. */
export interface Tag {
  block: number;
  flags: number;
  checksum: number;
}

/**
 * The tags of a descriptor block, bounded by the block: stops at the LAST flag or when no room is left. Throws
 * EUCLEAN when a tag's block number does not fit in 48 bits.
 */
export function parseTags(b: Uint8Array, js: JournalSuper): Tag[] {
  const tb = tagBytes(js);
  const v3 = (js.incompat & JINCOMPAT_CSUM_V3) !== 0;
  const is64 = (js.incompat & JINCOMPAT_64BIT) !== 0;
  const end = b.length - (csumV2or3(js) ? 4 : 0);
  const tags: Tag[] = [];
  let o = 12;
  while (o + tb <= end) {
    const lo = be32(b, o);
    const flags = v3 ? be32(b, o + 4) : (b[o + 6] << 8) | b[o + 7];
    const hi = is64 ? be32(b, o + 8) : 0;
    const checksum = v3 ? be32(b, o + 12) : (b[o + 4] << 8) | b[o + 5];
    if (hi >= 0x10000) throw corrupt(`journal descriptor: tag block number high word 0x${hi.toString(16)}`);
    tags.push({ block: lo + hi * 0x100000000, flags, checksum });
    o += tb;
    if (!(flags & TAG_SAME_UUID)) o += 16;
    if (flags & TAG_LAST) break;
  }
  return tags;
}

/** Writes one tag at `o`; returns the offset after it (and the UUID when `withUuid`). */
export function writeTag(b: Uint8Array, o: number, js: JournalSuper, t: Tag, withUuid: boolean): number {
  const tb = tagBytes(js);
  const flags = t.flags | (withUuid ? 0 : TAG_SAME_UUID);
  b.fill(0, o, o + tb);
  setBe32(b, o, t.block % 0x100000000);
  if (js.incompat & JINCOMPAT_CSUM_V3) {
    setBe32(b, o + 4, flags);
    setBe32(b, o + 8, Math.floor(t.block / 0x100000000));
    setBe32(b, o + 12, t.checksum);
  } else {
    b[o + 4] = (t.checksum >>> 8) & 0xff;
    b[o + 5] = t.checksum & 0xff;
    b[o + 6] = (flags >>> 8) & 0xff;
    b[o + 7] = flags & 0xff;
    if (js.incompat & JINCOMPAT_64BIT) setBe32(b, o + 8, Math.floor(t.block / 0x100000000));
  }
  o += tb;
  if (withUuid) {
    b.set(js.uuid, o);
    o += 16;
  }
  return o;
}

/** Tags that fit in one descriptor block (the first carries the UUID). */
export function tagsPerDescriptor(js: JournalSuper): number {
  const room = js.blockSize - 12 - 16 - (csumV2or3(js) ? 4 : 0);
  return Math.floor(room / tagBytes(js));
}

/** Revoked block numbers in a revoke block (bounded by its count and the block). Throws EUCLEAN for a bad count. */
export function parseRevoke(b: Uint8Array, js: JournalSuper): number[] {
  const rb = revokeRecordBytes(js);
  const count = be32(b, 12);
  const limit = b.length - (csumV2or3(js) ? 4 : 0);
  if (count < 16 || count > limit) throw corrupt(`journal revoke block: byte count ${count} (the block allows 16..${limit})`);
  const out: number[] = [];
  for (let o = 16; o + rb <= count; o += rb) out.push(rb === 8 ? be32(b, o) * 0x100000000 + be32(b, o + 4) : be32(b, o));
  return out;
}

/** Records that fit in one revoke block. */
export function revokesPerBlock(js: JournalSuper): number {
  return Math.floor((js.blockSize - 16 - (csumV2or3(js) ? 4 : 0)) / revokeRecordBytes(js));
}

/** Writes a revoke block holding `blocks`. */
export function writeRevoke(b: Uint8Array, js: JournalSuper, seq: number, blocks: number[], seed: number): void {
  b.fill(0);
  writeHeader(b, BT_REVOKE, seq);
  const rb = revokeRecordBytes(js);
  let o = 16;
  for (const blk of blocks) {
    if (rb === 8) setBe64(b, o, blk);
    else setBe32(b, o, blk);
    o += rb;
  }
  setBe32(b, 12, o);
  if (csumV2or3(js)) setTailChecksum(seed, b);
}

/** Writes a commit block (with its checksum on v2/v3 journals). */
export function writeCommit(b: Uint8Array, js: JournalSuper, seq: number, sec: number, nsec: number, seed: number): void {
  b.fill(0);
  writeHeader(b, BT_COMMIT, seq);
  setBe64(b, 0x30, Math.max(0, sec));
  setBe32(b, 0x38, nsec);
  if (csumV2or3(js)) setBe32(b, 0x10, commitChecksum(seed, b));
}

/** A commit block's checksum: over the block with h_chksum[0] zero. */
export function commitChecksum(seed: number, b: Uint8Array): number {
  let c = crc32c(seed, b, 0, 0x10);
  c = crc32c(c, new Uint8Array(4));
  return crc32c(c, b, 0x14, b.length);
}

export function commitChecksumOk(seed: number, b: Uint8Array): boolean {
  return be32(b, 0x10) === commitChecksum(seed, b);
}


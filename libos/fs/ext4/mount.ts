// libos/fs/ext4/mount.ts — mounting: read and check the superblock and every group descriptor, find the journal
// (its inode's extents, its superblock), replay a log left by a crash (into held cache blocks on a read-only
// mount, so nothing is written), set up journal features for writing (revoke, 64bit, checksum v3 on metadata_csum
// volumes, as Linux does), mark the volume as needing recovery while mounted read-write, and finish what the orphan
// list says a crash interrupted.
// Layer: libos/fs/ext4. Depends on ../block_cache.ts, ../types.ts, ../../../kernel/devices.ts and the ext4 files.

import type { BlockDevice } from "../../../kernel/devices.ts";
import { BlockCache } from "../block_cache.ts";
import { S_IFMT, S_IFREG, type Clock } from "../types.ts";
import { asFsError, corrupt, fsErr } from "./errors.ts";
import { Ext4 } from "./ext4.ts";
import { ExtentTree } from "./extent_tree.ts";
import { INCOMPAT } from "./features.ts";
import { FL } from "./inode.ts";
import { Journal } from "./journal.ts";
import {
  JCOMPAT_CHECKSUM, JINCOMPAT_64BIT, JINCOMPAT_ASYNC_COMMIT, JINCOMPAT_CSUM_V2, JINCOMPAT_CSUM_V3, JINCOMPAT_REVOKE,
  emitJournalSuper, parseJournalSuper, type JournalSuper,
} from "./journal_format.ts";
import { LogMap, replay } from "./journal_replay.ts";
import { u16, u32 } from "./le.ts";
import { SB, SB_OFFSET, SB_SIZE, parseSuperblock, setIncompat, setSbTime, setSuperblockChecksum, type Geometry } from "./superblock.ts";

export interface MountOptions {
  /** Mount read-only (nothing is ever written, not even a journal replay). */
  readOnly?: boolean;
  /** The wall clock for timestamps (default: Date.now()). */
  clock?: Clock;
  /** Bytes of block cache (default 8 MiB). */
  cacheBytes?: number;
}

const defaultClock: Clock = () => {
  const ms = Date.now();
  return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 };
};

function readSuperBytes(dev: BlockDevice): Uint8Array {
  const ss = dev.info.sectorSize;
  const first = Math.floor(SB_OFFSET / ss);
  const count = Math.ceil((SB_OFFSET + SB_SIZE) / ss) - first;
  if (dev.info.sectors < first + count) throw fsErr("EINVAL", "the device is too small for an ext4 volume");
  let raw: Uint8Array;
  try {
    raw = dev.readSync(first, count);
  } catch (e) {
    throw fsErr("EIO", `reading the superblock: ${(e as Error).message ?? String(e)}`);
  }
  const at = SB_OFFSET - first * ss;
  return raw.slice(at, at + SB_SIZE);
}

function sameGeometry(a: Geometry, b: Geometry): boolean {
  return a.blockSize === b.blockSize && a.blocksCount === b.blocksCount && a.inodesCount === b.inodesCount &&
    a.blocksPerGroup === b.blocksPerGroup && a.inodeSize === b.inodeSize && a.descSize === b.descSize &&
    a.incompat === b.incompat && a.journalInum === b.journalInum;
}

/**
 * Mounts the ext4 volume on `dev`. Throws FsError: EINVAL when the device holds no ext2/3/4 volume, EOPNOTSUPP
 * naming features this implementation lacks, EUCLEAN when metadata is corrupt (the superblock, a group descriptor,
 * the journal, the orphan list), EIO on device errors. A volume with unknown ro_compat features mounts read-only
 * (`readOnlyReason` says why).
 */
export function mountExt4(dev: BlockDevice, opts: MountOptions = {}): Ext4 {
  try {
    return mount(dev, opts);
  } catch (e) {
    throw asFsError(e);
  }
}

function mount(dev: BlockDevice, opts: MountOptions): Ext4 {
  const clock = opts.clock ?? defaultClock;
  const devBytes = dev.info.sectors * dev.info.sectorSize;
  let geo = parseSuperblock(readSuperBytes(dev), devBytes);
  const readOnly = !!opts.readOnly || !dev.info.readWrite || geo.roReasons.length > 0;
  const cacheBytes = opts.cacheBytes ?? 8 * 1024 * 1024;
  const cache = new BlockCache(dev, geo.blockSize, { capacityBytes: cacheBytes });
  const fs = new Ext4(cache, geo, clock, readOnly);
  fs.cacheBytes = cacheBytes;
  if (geo.roReasons.length) fs.readOnlyReason = `ro_compat feature(s) ${geo.roReasons.join(", ")} are not implemented for writing`;
  fs.checkGroups([]);
  let js: JournalSuper | null = null;
  let map: LogMap | null = null;
  if (geo.hasJournal) {
    const ji = fs.inode(geo.journalInum);
    if ((ji.mode & S_IFMT) !== S_IFREG) throw corrupt(`journal inode ${geo.journalInum} is not a regular file`);
    if (!(ji.flags & FL.EXTENTS)) throw fsErr("EOPNOTSUPP", `journal inode ${geo.journalInum} is block-mapped, which this ext4 does not read`);
    const jblocks = Math.floor(ji.size / geo.blockSize);
    const runs: { lblk: number; pblk: number; len: number }[] = [];
    const host = {
      ...fs.extentHost,
      rangeOk: (s: number, l: number) => (s >= geo.firstDataBlock && s + l <= geo.blocksCount ? null : "lies outside the volume"),
    };
    let expect = 0;
    new ExtentTree(host, ji, fs.seedOf(ji)).walk((e) => {
      if (e.lblk !== expect) throw corrupt(`journal inode ${geo.journalInum} has a hole at block ${expect}`);
      runs.push({ lblk: e.lblk, pblk: e.pblk, len: e.len });
      expect = e.lblk + e.len;
      return expect < jblocks;
    });
    if (expect < 32) throw corrupt(`journal inode ${geo.journalInum} maps only ${expect} blocks`);
    map = new LogMap(runs, expect);
    js = parseJournalSuper(cache.get(map.phys(0)), geo.blockSize, Math.min(expect, jblocks));
    fs.checkGroups(runs.map((r) => [r.pblk, r.pblk + r.len] as [number, number]));
    const needsRecovery = (geo.incompat & INCOMPAT.needs_recovery) !== 0;
    if (js.start !== 0 && needsRecovery) {
      const r = replay(cache, map, js, geo.blocksCount, readOnly);
      fs.replayInfo.transactions = r.transactions;
      fs.replayInfo.blocks = r.blocks;
      js.sequence = r.nextSequence;
      if (!readOnly) {
        cache.writeBack({ barrier: true });
        js.start = 0;
        writeJsb(cache, map, js);
      }
      const again = parseSuperblock(fs.sb().slice(), devBytes);
      if (!sameGeometry(geo, again)) throw corrupt("journal replay changed the volume's geometry");
      geo = again;
      fs.geo = again;
      fs.resetAfterReplay();
      fs.checkGroups(runs.map((r) => [r.pblk, r.pblk + r.len] as [number, number]));
    } else if (js.start !== 0 && !readOnly) {
      js.start = 0;
      js.sequence = (js.sequence + 1) >>> 0;
      writeJsb(cache, map, js);
    }
    if (!readOnly && js.version === 1) {
      fs.readOnly = true;
      fs.readOnlyReason = "the journal has a version 1 superblock";
    }
    if (!fs.readOnly) {
      const incompat = (js.incompat & ~(JINCOMPAT_CSUM_V2 | JINCOMPAT_CSUM_V3 | JINCOMPAT_ASYNC_COMMIT)) | JINCOMPAT_REVOKE |
        (geo.is64 ? JINCOMPAT_64BIT : 0) | (geo.metadataCsum ? JINCOMPAT_CSUM_V3 : 0);
      const compat = js.compat & ~JCOMPAT_CHECKSUM;
      if (incompat !== js.incompat || compat !== js.compat || js.errno !== 0) {
        js.incompat = incompat >>> 0;
        js.compat = compat >>> 0;
        js.errno = 0;
        writeJsb(cache, map, js);
      }
    }
  }
  fs.journal = new Journal(cache, js, map, clock);
  fs.journal.onCommitted = () => fs.alloc.committed();
  fs.overhead = fs.zoneTotal();
  if (!fs.readOnly) {
    const block = cache.get(fs.sbBlock).slice();
    const sb = block.subarray(fs.sbOff, fs.sbOff + SB_SIZE);
    if (geo.hasJournal) setIncompat(sb, INCOMPAT.needs_recovery, true);
    const now = clock().sec;
    setSbTime(sb, SB.mtime, SB.mtimeHi, now);
    setSbTime(sb, SB.wtime, SB.wtimeHi, now);
    const mc = u16(sb, SB.mntCount);
    sb[SB.mntCount] = (mc + 1) & 0xff;
    sb[SB.mntCount + 1] = ((mc + 1) >>> 8) & 0xff;
    if (geo.metadataCsum) setSuperblockChecksum(sb);
    cache.writeThrough([{ block: fs.sbBlock, data: block }]);
    cache.flushDevice();
    if (u32(fs.sb(), SB.lastOrphan) !== 0) {
      fs.processOrphans();
      fs.commit();
    }
  }
  return fs;
}

function writeJsb(cache: BlockCache, map: LogMap, js: JournalSuper): void {
  const b = cache.get(map.phys(0)).slice();
  emitJournalSuper(b, js);
  cache.writeThrough([{ block: map.phys(0), data: b }]);
  cache.flushDevice();
}


// libos/fs/ext4/journal_replay.ts — recovery of a jbd2 log left by a crash, in three steps as jbd2 does: scan the
// log from its start for complete transactions (consecutive sequence numbers, each closed by a valid commit block;
// the first gap or torn commit ends the log), collect revoke records, then write every logged block home unless a
// revoke in the same or a later transaction cancels it. Bounded by the journal's size; a committed transaction
// with a bad descriptor or block checksum is corruption (refused), as the kernel refuses it.
// Layer: libos/fs/ext4. Depends on ../block_cache.ts, journal_format.ts, errors.ts.

import type { BlockCache } from "../block_cache.ts";
import { corrupt } from "./errors.ts";
import {
  BT_COMMIT, BT_DESCRIPTOR, BT_REVOKE, JBD2_MAGIC, JINCOMPAT_CSUM_V3, TAG_ESCAPE, blockTagChecksum, commitChecksumOk,
  csumV2or3, journalSeed, parseRevoke, parseTags, readHeader, tailChecksumOk, type JournalSuper,
} from "./journal_format.ts";
import { setBe32 } from "./le.ts";

/** Logical journal blocks → volume blocks. */
export class LogMap {
  /** Extents of the journal inode: [logical, physical, length] sorted by logical, covering 0..length-1. */
  constructor(private readonly runs: { lblk: number; pblk: number; len: number }[], readonly length: number) {}

  phys(lblk: number): number {
    let lo = 0, hi = this.runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.runs[mid];
      if (lblk < r.lblk) hi = mid - 1;
      else if (lblk >= r.lblk + r.len) lo = mid + 1;
      else return r.pblk + (lblk - r.lblk);
    }
    throw corrupt(`journal: log block ${lblk} is not mapped`);
  }
}

interface Txn {
  seq: number;
  tags: { home: number; logPos: number; flags: number; checksum: number }[];
  revokes: number[];
  badDescriptor: boolean;
}

export interface ReplayResult {
  transactions: number;
  blocks: number;
  /** The sequence number the next transaction should use. */
  nextSequence: number;
}

/**
 * Replays the log of `js` into the cache (home blocks marked dirty; also held when `hold`, for a read-only mount
 * that must not write). `volumeBlocks` bounds home block numbers. Throws EUCLEAN for a corrupt committed
 * transaction, EIO for device errors. Does not change the journal superblock.
 */
export function replay(cache: BlockCache, map: LogMap, js: JournalSuper, volumeBlocks: number, hold: boolean): ReplayResult {
  const seed = journalSeed(js);
  const csum = csumV2or3(js);
  const v3 = (js.incompat & JINCOMPAT_CSUM_V3) !== 0;
  const span = js.maxlen - js.first;
  const wrap = (p: number) => (p >= js.maxlen ? js.first + (p - js.maxlen) : p);
  const txns: Txn[] = [];
  let pos = js.start, seq = js.sequence, scanned = 0;
  let cur: Txn = { seq, tags: [], revokes: [], badDescriptor: false };
  scan: while (scanned < span) {
    const b = cache.get(map.phys(pos));
    const h = readHeader(b);
    if (!h || h.seq !== seq) break;
    switch (h.type) {
      case BT_DESCRIPTOR: {
        if (csum && !tailChecksumOk(seed, b)) cur.badDescriptor = true;
        const tags = parseTags(b, js);
        let p = wrap(pos + 1);
        for (const t of tags) {
          cur.tags.push({ home: t.block, logPos: p, flags: t.flags, checksum: t.checksum });
          p = wrap(p + 1);
        }
        scanned += 1 + tags.length;
        pos = p;
        break;
      }
      case BT_REVOKE:
        if (csum && !tailChecksumOk(seed, b)) cur.badDescriptor = true;
        else cur.revokes.push(...parseRevoke(b, js));
        scanned++;
        pos = wrap(pos + 1);
        break;
      case BT_COMMIT:
        if (csum && !commitChecksumOk(seed, b)) break scan;
        if (cur.badDescriptor) throw corrupt(`journal: transaction ${seq} is committed but a descriptor or revoke block's checksum is wrong`);
        txns.push(cur);
        seq = (seq + 1) >>> 0;
        cur = { seq, tags: [], revokes: [], badDescriptor: false };
        scanned++;
        pos = wrap(pos + 1);
        break;
      default:
        break scan;
    }
  }
  const revoked = new Map<number, number>();
  for (const t of txns) {
    for (const r of t.revokes) {
      const prev = revoked.get(r);
      if (prev === undefined || ((t.seq - prev) | 0) > 0) revoked.set(r, t.seq);
    }
  }
  let blocks = 0;
  for (const t of txns) {
    for (const tag of t.tags) {
      const rv = revoked.get(tag.home);
      if (rv !== undefined && ((rv - t.seq) | 0) >= 0) continue;
      if (tag.home >= volumeBlocks) {
        throw corrupt(`journal: transaction ${t.seq} logs block ${tag.home}, beyond the volume's ${volumeBlocks} blocks`);
      }
      const logged = cache.get(map.phys(tag.logPos));
      if (csum) {
        const c = blockTagChecksum(seed, t.seq, logged);
        if ((v3 ? c : c & 0xffff) !== tag.checksum) throw corrupt(`journal: transaction ${t.seq}'s copy of block ${tag.home} has a wrong checksum`);
      }
      const data = logged.slice();
      if (tag.flags & TAG_ESCAPE) setBe32(data, 0, JBD2_MAGIC);
      cache.markDirty(tag.home, data);
      if (hold) cache.hold(tag.home);
      blocks++;
    }
  }
  return { transactions: txns.length, blocks, nextSequence: (seq + 1) >>> 0 };
}

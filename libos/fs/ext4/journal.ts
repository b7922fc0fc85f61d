// libos/fs/ext4/journal.ts — metadata transactions over the jbd2 log, ordered mode. Every metadata change goes
// through `access`/`fresh`, which put the block in the running transaction and hold it in the cache (a held block
// never reaches its home location). Changes are grouped in handles — one file-system operation each — that either
// complete or are undone from the pre-images taken at first touch. A commit writes the file data (and any
// already-committed metadata) home, then the revoke records, descriptors and metadata copies to the log, flushes,
// writes the commit block, flushes again; only then are the blocks released for write-back. A checkpoint writes
// everything committed home, flushes, and empties the log; it runs when the log has no room for the next commit.
// Blocks freed while logged get revoke records, so replay never writes stale metadata over reused blocks.
// Without a journal (no has_journal), a commit writes everything home with a flush: no crash atomicity.
// Layer: libos/fs/ext4. Depends on ../block_cache.ts, ../types.ts, journal_format.ts, journal_replay.ts, errors.ts.

import type { BlockCache } from "../block_cache.ts";
import { FsError, type Clock } from "../types.ts";
import { fsErr } from "./errors.ts";
import {
  BT_DESCRIPTOR, JBD2_MAGIC, JINCOMPAT_CSUM_V3, TAG_ESCAPE, TAG_LAST, blockTagChecksum, csumV2or3, emitJournalSuper,
  journalSeed, revokesPerBlock, setTailChecksum, tagsPerDescriptor, writeCommit, writeHeader, writeRevoke, writeTag,
  type JournalSuper,
} from "./journal_format.ts";
import type { LogMap } from "./journal_replay.ts";
import { be32 } from "./le.ts";

interface Handle {
  /** Pre-images of blocks first touched in this handle (null: a fresh block, contents irrelevant). */
  pre: Map<number, Uint8Array | null>;
  added: number[];
  freed: number[];
  unfreed: number[];
  revoked: number[];
  unrevoked: number[];
  copies: number[];
  toData: number[];
}

export interface JournalStats {
  commits: number;
  checkpoints: number;
  loggedBlocks: number;
}

export class Journal {
  readonly stats: JournalStats = { commits: 0, checkpoints: 0, loggedBlocks: 0 };
  /** Set after a device error during commit or checkpoint: the log is no longer trusted and nothing more is written. */
  aborted: FsError | null = null;
  /** Called after each commit (the allocator forgets the bitmaps it kept for the committed state). */
  onCommitted: (() => void) | null = null;

  private readonly tx = new Set<number>();
  private readonly freed = new Set<number>();
  private readonly revokes = new Set<number>();
  private readonly logged = new Set<number>();
  private readonly copies = new Map<number, Uint8Array>();
  private handle: Handle | null = null;
  private head: number;
  private logEmpty = true;
  private readonly seed: number;
  /** The largest transaction (in log blocks) before a commit is forced. */
  readonly maxTransaction: number;

  /**
   * `js`/`map`/`jsbBlock`: the log (null for a volume without journal); `js.start` must be 0 (replayed) and
   * `js.sequence` the next transaction's id.
   */
  constructor(private readonly cache: BlockCache, private readonly js: JournalSuper | null,
    private readonly map: LogMap | null, private readonly clock: Clock) {
    this.head = js ? js.first : 0;
    this.seed = js ? journalSeed(js) : 0;
    this.maxTransaction = js ? Math.max(8, Math.floor((js.maxlen - js.first) / 4)) : 1 << 30;
  }

  /** Blocks in the running transaction (metadata and revokes). */
  get size(): number {
    return this.tx.size + Math.ceil(this.revokes.size / 64);
  }

  get inHandle(): boolean {
    return this.handle !== null;
  }

  /** Starts a handle. Throws EIO when the journal was aborted. */
  begin(): void {
    if (this.aborted) throw fsErr("EIO", `the journal was aborted after an error: ${this.aborted.message}`);
    if (this.handle) throw fsErr("EIO", "internal error: nested journal handle");
    this.handle = { pre: new Map(), added: [], freed: [], unfreed: [], revoked: [], unrevoked: [], copies: [], toData: [] };
  }

  /** Ends the handle: its changes belong to the running transaction. */
  end(): void {
    this.handle = null;
  }

  private h(): Handle {
    if (!this.handle) throw fsErr("EIO", "internal error: metadata changed outside a journal handle");
    return this.handle;
  }

  private join(block: number, buf: Uint8Array, pre: Uint8Array | null | undefined): void {
    const h = this.h();
    if (!h.pre.has(block)) h.pre.set(block, pre === undefined ? buf.slice() : pre);
    if (!this.tx.has(block)) {
      if (this.logged.has(block) && this.cache.isDirty(block) && !this.copies.has(block)) {
        this.copies.set(block, pre === undefined ? buf.slice() : (pre ?? buf.slice()));
        h.copies.push(block);
      }
      this.tx.add(block);
      this.cache.hold(block);
      h.added.push(block);
    }
    if (this.freed.delete(block)) h.unfreed.push(block);
    if (this.revokes.delete(block)) h.unrevoked.push(block);
    this.cache.markDirty(block);
  }

  /** A metadata block's bytes, in the running transaction, ready to change (marked dirty already). */
  access(block: number): Uint8Array {
    const buf = this.cache.get(block);
    this.join(block, buf, undefined);
    return buf;
  }

  /** A newly allocated metadata block, zeroed, in the running transaction. */
  fresh(block: number): Uint8Array {
    if (this.tx.has(block)) {
      const buf = this.cache.get(block);
      const pre = buf.slice();
      buf.fill(0);
      this.join(block, buf, this.h().pre.has(block) ? undefined : pre);
      return buf;
    }
    const wasLoggedDirty = this.logged.has(block) && this.cache.isDirty(block);
    const committed = wasLoggedDirty ? this.cache.get(block).slice() : null;
    const buf = this.cache.zeroed(block);
    this.join(block, buf, committed);
    return buf;
  }

  /** A metadata block was freed: it is not logged, and a revoke record cancels its older log copies. */
  forget(block: number): void {
    const h = this.h();
    if (this.js && this.logged.has(block) && !this.revokes.has(block)) {
      this.revokes.add(block);
      h.revoked.push(block);
    }
    if (this.tx.has(block) && !this.freed.has(block)) {
      this.freed.add(block);
      h.freed.push(block);
    }
  }

  /** A block freed as metadata in this transaction is reused for file data: it leaves the transaction. */
  reuseAsData(block: number): void {
    if (!this.freed.has(block)) return;
    this.freed.delete(block);
    this.tx.delete(block);
    this.cache.release(block);
    this.h().toData.push(block);
  }

  /** Whether any freed-in-transaction blocks exist (the allocator then checks reuse). */
  get hasFreed(): boolean {
    return this.freed.size > 0;
  }

  /** Undoes the handle: blocks back to their pre-images, bookkeeping as before. */
  undo(): void {
    const h = this.handle;
    if (!h) return;
    this.handle = null;
    for (const [block, pre] of h.pre) if (pre) this.cache.markDirty(block, pre);
    for (const b of h.toData) { this.tx.add(b); this.cache.hold(b); this.freed.add(b); }
    for (const b of h.added) { this.tx.delete(b); this.cache.release(b); }
    for (const b of h.freed) this.freed.delete(b);
    for (const b of h.unfreed) this.freed.add(b);
    for (const b of h.revoked) this.revokes.delete(b);
    for (const b of h.unrevoked) this.revokes.add(b);
    for (const b of h.copies) this.copies.delete(b);
  }

  private abort(e: unknown): FsError {
    const err = e instanceof FsError ? e : fsErr("EIO", String(e));
    this.aborted = err;
    return err;
  }

  /** Writes dirty file data and committed metadata home, then flushes (fdatasync without metadata changes). */
  flushData(): void {
    if (this.aborted) throw fsErr("EIO", `the journal was aborted after an error: ${this.aborted.message}`);
    try {
      this.cache.writeBack();
      this.cache.flushDevice();
    } catch (e) {
      throw this.abort(e);
    }
  }

  /**
   * Commits the running transaction (no-op when empty, apart from writing data back). Returns when the commit block
   * is durable. Throws EIO (and aborts the journal) on a device error.
   */
  commit(): void {
    if (this.aborted) throw fsErr("EIO", `the journal was aborted after an error: ${this.aborted.message}`);
    if (this.handle) throw fsErr("EIO", "internal error: commit inside a handle");
    if (this.tx.size === 0 && this.revokes.size === 0) {
      try {
        if (this.cache.writeBack() > 0) this.cache.flushDevice();
      } catch (e) {
        throw this.abort(e);
      }
      return;
    }
    try {
      if (!this.js || !this.map) this.commitHome();
      else this.commitLog(this.js, this.map);
    } catch (e) {
      throw this.abort(e);
    }
    this.stats.commits++;
    this.onCommitted?.();
  }

  private releaseAll(): void {
    for (const b of this.tx) this.cache.release(b);
    for (const b of this.freed) this.cache.forget(b);
    this.tx.clear();
    this.freed.clear();
    this.revokes.clear();
  }

  private commitHome(): void {
    this.releaseAll();
    this.cache.writeBack({ barrier: true });
  }

  private commitLog(js: JournalSuper, map: LogMap): void {
    const bs = js.blockSize;
    const blocks = [...this.tx].filter((b) => !this.freed.has(b)).sort((a, b) => a - b);
    const revokes = [...this.revokes];
    const perDesc = tagsPerDescriptor(js), perRevoke = revokesPerBlock(js);
    const needed = Math.ceil(revokes.length / perRevoke) + Math.ceil(blocks.length / perDesc) + blocks.length + 1;
    if (needed > js.maxlen - js.first) throw fsErr("EIO", `internal error: a transaction of ${needed} blocks exceeds the ${js.maxlen - js.first}-block log`);
    if (this.head + needed > js.maxlen) this.checkpoint(false);
    const tid = js.sequence;
    const writes: { block: number; data: Uint8Array }[] = [];
    if (this.logEmpty) {
      const jsb = this.cache.get(map.phys(0)).slice();
      js.start = this.head;
      emitJournalSuper(jsb, js);
      writes.push({ block: map.phys(0), data: jsb });
    }
    let pos = this.head;
    for (let i = 0; i < revokes.length; i += perRevoke) {
      const b = new Uint8Array(bs);
      writeRevoke(b, js, tid, revokes.slice(i, i + perRevoke), this.seed);
      writes.push({ block: map.phys(pos++), data: b });
    }
    const csum = csumV2or3(js), v3 = (js.incompat & JINCOMPAT_CSUM_V3) !== 0;
    for (let i = 0; i < blocks.length; i += perDesc) {
      const chunk = blocks.slice(i, i + perDesc);
      const d = new Uint8Array(bs);
      writeHeader(d, BT_DESCRIPTOR, tid);
      writes.push({ block: map.phys(pos++), data: d });
      let o = 12;
      chunk.forEach((home, k) => {
        let data = this.cache.get(home);
        let flags = k === chunk.length - 1 ? TAG_LAST : 0;
        if (be32(data, 0) === JBD2_MAGIC) {
          data = data.slice();
          data.fill(0, 0, 4);
          flags |= TAG_ESCAPE;
        }
        const c = csum ? blockTagChecksum(this.seed, tid, data) : 0;
        o = writeTag(d, o, js, { block: home, flags, checksum: v3 ? c : c & 0xffff }, k === 0);
        writes.push({ block: map.phys(pos++), data });
      });
      if (csum) setTailChecksum(this.seed, d);
    }
    this.cache.writeBack();
    this.cache.writeThrough(writes);
    this.cache.flushDevice();
    const cb = new Uint8Array(bs);
    const now = this.clock();
    writeCommit(cb, js, tid, now.sec, now.nsec, this.seed);
    this.cache.writeThrough([{ block: map.phys(pos++), data: cb }]);
    this.cache.flushDevice();
    for (const b of blocks) this.logged.add(b);
    // The committed copies kept for checkpoints are superseded: these blocks' committed contents are the cache's now.
    for (const b of this.tx) this.copies.delete(b);
    this.releaseAll();
    this.stats.loggedBlocks += blocks.length;
    this.head = pos;
    this.logEmpty = false;
    js.sequence = (tid + 1) >>> 0;
  }

  /**
   * Writes every committed block home (the committed copies of blocks the running transaction holds included),
   * flushes and empties the log; with `markEmpty`, records that in the journal superblock (durably).
   */
  checkpoint(markEmpty: boolean): void {
    const js = this.js, map = this.map;
    if (this.copies.size > 0) {
      const per = this.cache.blockSize / this.cache.dev.info.sectorSize;
      try {
        this.cache.dev.writeManySync([...this.copies].map(([b, data]) => ({ sector: b * per, data })));
      } catch (e) {
        throw fsErr("EIO", `checkpoint: ${(e as Error).message ?? String(e)}`);
      }
    }
    this.cache.writeBack({ barrier: true });
    this.copies.clear();
    this.logged.clear();
    this.stats.checkpoints++;
    if (!js || !map) return;
    this.head = js.first;
    this.logEmpty = true;
    if (markEmpty) {
      const jsb = this.cache.get(map.phys(0)).slice();
      js.start = 0;
      emitJournalSuper(jsb, js);
      this.cache.writeThrough([{ block: map.phys(0), data: jsb }]);
      this.cache.flushDevice();
    }
  }

  /** Commits, checkpoints and leaves the log empty (unmount). Throws EIO on device errors. */
  close(): void {
    this.commit();
    try {
      this.checkpoint(true);
    } catch (e) {
      throw this.abort(e);
    }
  }
}

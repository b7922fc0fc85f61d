// libos/fs/block_cache.ts — a bounded write-back cache of file-system blocks over a BlockDevice, synchronous (the
// file systems above are): reads on a miss go to the device, with read-ahead when the misses are sequential; a
// change marks the block dirty and it stays in memory until written back; write-back goes in block order, each run
// of adjacent dirty blocks as one request, all requests in flight at once, then (optionally) a device flush — the
// ordering primitive a journal needs (write these, wait, flush, then write those). A block can be held: a held
// dirty block is never written back (a journal holds metadata until the commit that covers it is durable).
// Clean blocks are evicted when the cache is over its size, by second chance (a block used since the last sweep
// is spared once: a hit only sets a flag, it never reorders the table); dirty ones are written back first if
// memory runs short (never held ones).
// Layer: libos/fs. Depends on kernel/devices.ts (the BlockDevice interface) and types.ts.

import type { BlockDevice } from "../../kernel/devices.ts";
import { FsError } from "./types.ts";

export interface BlockCacheOptions {
  /** Bytes of block data to keep (default 8 MiB). Dirty and held blocks may exceed it until written back. */
  capacityBytes?: number;
  /** The largest read-ahead window in blocks (default 32; 0: none). */
  maxReadAhead?: number;
}

export interface BlockCacheStats {
  hits: number;
  misses: number;
  /** Device read requests and blocks read (read-ahead included). */
  readRequests: number;
  blocksRead: number;
  writeRequests: number;
  blocksWritten: number;
  flushes: number;
  evictions: number;
}

interface Entry {
  data: Uint8Array;
  dirty: boolean;
  held: number;
  /** Used since the eviction sweep last passed it. */
  used: boolean;
}

/** Wraps a device error as the file system sees it: EIO (or EROFS), with what failed. */
function ioError(e: unknown, what: string): FsError {
  const code = (e as { code?: string }).code === "EROFS" ? "EROFS" : "EIO";
  return new FsError(code, `${what}: ${(e as Error).message ?? String(e)}`);
}

export class BlockCache {
  /** The device's capacity in blocks of blockSize. */
  readonly blockCount: number;
  readonly stats: BlockCacheStats = {
    hits: 0, misses: 0, readRequests: 0, blocksRead: 0, writeRequests: 0, blocksWritten: 0, flushes: 0, evictions: 0,
  };
  private readonly entries = new Map<number, Entry>();       // insertion order = the eviction sweep's order
  private readonly perBlock: number;                         // sectors per block
  private readonly capacity: number;                         // in blocks
  private readonly maxReadAhead: number;
  private dirtyCount = 0;
  private nextSequential = -1;
  private window = 0;

  /** `blockSize` must be a multiple of the device's sector size. */
  constructor(readonly dev: BlockDevice, readonly blockSize: number, opts: BlockCacheOptions = {}) {
    const sector = dev.info.sectorSize;
    if (blockSize % sector !== 0 || blockSize <= 0) {
      throw new FsError("EINVAL", `block size ${blockSize} is not a multiple of the device's ${sector}-byte sectors`);
    }
    this.perBlock = blockSize / sector;
    this.blockCount = Math.floor(dev.info.sectors / this.perBlock);
    this.capacity = Math.max(16, Math.floor((opts.capacityBytes ?? 8 * 1024 * 1024) / blockSize));
    this.maxReadAhead = opts.maxReadAhead ?? 32;
  }

  get readOnly(): boolean {
    return !this.dev.info.readWrite;
  }

  /** Blocks with changes not yet written to the device. */
  get dirtyBlocks(): number {
    return this.dirtyCount;
  }

  private check(block: number): void {
    if (!Number.isInteger(block) || block < 0 || block >= this.blockCount) {
      throw new FsError("EUCLEAN", `block ${block} is outside the device's ${this.blockCount} blocks`);
    }
  }

  /**
   * The contents of `block` (the cache's own array: change it in place, then call markDirty). A miss reads from the
   * device; consecutive misses grow a read-ahead window. Throws FsError EIO on a device error, EUCLEAN for a block
   * number outside the device (a corrupt pointer).
   */
  get(block: number): Uint8Array {
    const hit = this.entries.get(block);
    if (hit) {
      this.stats.hits++;
      hit.used = true;
      return hit.data;
    }
    this.check(block);
    this.stats.misses++;
    if (block === this.nextSequential) this.window = Math.min(this.maxReadAhead, Math.max(4, this.window * 2));
    else this.window = 0;
    let count = 1;
    if (this.window > 1) {
      count = Math.min(this.window, this.blockCount - block);
      for (let i = 1; i < count; i++) if (this.entries.has(block + i)) { count = i; break; }
    }
    this.fill(block, count);
    this.nextSequential = block + count;
    return this.entries.get(block)!.data;
  }

  /** Reads `count` consecutive blocks into the cache with one request (those already cached are not re-read). */
  prefetch(block: number, count: number): void {
    const end = Math.min(block + count, this.blockCount);
    let run = -1;
    for (let b = block; b <= end; b++) {
      const cached = b === end || this.entries.has(b);
      if (!cached && run < 0) run = b;
      if (cached && run >= 0) {
        this.check(run);
        this.fill(run, b - run);
        run = -1;
      }
    }
  }

  private fill(block: number, count: number): void {
    let bytes: Uint8Array;
    try {
      bytes = this.dev.readSync(block * this.perBlock, count * this.perBlock);
    } catch (e) {
      throw ioError(e, `reading block ${block}${count > 1 ? `..${block + count - 1}` : ""}`);
    }
    this.stats.readRequests++;
    this.stats.blocksRead += count;
    for (let i = 0; i < count; i++) {
      this.entries.set(block + i, { data: bytes.slice(i * this.blockSize, (i + 1) * this.blockSize), dirty: false, held: 0, used: false });
    }
    this.evict();
  }

  /** A block whose old contents do not matter (newly allocated): zeroed, cached, not read from the device. */
  zeroed(block: number): Uint8Array {
    this.check(block);
    const e = this.entries.get(block);
    if (e) {
      e.data.fill(0);
      this.touch(block, e);
      return e.data;
    }
    const data = new Uint8Array(this.blockSize);
    this.entries.set(block, { data, dirty: false, held: 0, used: true });
    this.evict();
    return data;
  }

  private touch(_block: number, e: Entry): void {
    e.used = true;
  }

  /**
   * Marks `block` changed. `data` replaces the cached contents (a full block), otherwise the array get() or
   * zeroed() returned was changed in place — if that block was evicted meanwhile, pass the array again.
   */
  markDirty(block: number, data?: Uint8Array): void {
    let e = this.entries.get(block);
    if (data) {
      if (data.length !== this.blockSize) throw new FsError("EINVAL", `a block is ${this.blockSize} bytes, not ${data.length}`);
      if (e) e.data = data;
      else {
        this.check(block);
        e = { data, dirty: false, held: 0, used: true };
        this.entries.set(block, e);
      }
    }
    if (!e) throw new FsError("EINVAL", `block ${block} is not in the cache: pass its data to markDirty`);
    if (!e.dirty) {
      e.dirty = true;
      this.dirtyCount++;
    }
    this.touch(block, e);
  }

  isDirty(block: number): boolean {
    return this.entries.get(block)?.dirty ?? false;
  }

  /** Holds `block` in the cache: while held (counted), it is neither evicted nor written back. */
  hold(block: number): void {
    const e = this.entries.get(block);
    if (!e) throw new FsError("EINVAL", `block ${block} is not in the cache`);
    e.held++;
  }

  release(block: number): void {
    const e = this.entries.get(block);
    if (e && e.held > 0) e.held--;
  }

  /** Forgets a block (freed: its contents no longer matter). A dirty copy is dropped unwritten. */
  forget(block: number): void {
    const e = this.entries.get(block);
    if (!e) return;
    if (e.dirty) this.dirtyCount--;
    this.entries.delete(block);
  }

  /**
   * Writes dirty, unheld blocks back (those `which` selects, or all), in block order, each run of adjacent blocks as
   * one request, all in flight at once; returns when all completed, after a device flush when `barrier`. On a device
   * error the blocks stay dirty and FsError EIO is thrown.
   */
  writeBack(opts: { which?: (block: number) => boolean; barrier?: boolean } = {}): number {
    const blocks: number[] = [];
    for (const [b, e] of this.entries) if (e.dirty && e.held === 0 && (!opts.which || opts.which(b))) blocks.push(b);
    blocks.sort((a, b) => a - b);
    const writes: { block: number; data: Uint8Array[] }[] = [];
    for (const b of blocks) {
      const last = writes[writes.length - 1];
      if (last && last.block + last.data.length === b && last.data.length < 256) last.data.push(this.entries.get(b)!.data);
      else writes.push({ block: b, data: [this.entries.get(b)!.data] });
    }
    this.writeRuns(writes);
    for (const b of blocks) {
      const e = this.entries.get(b)!;
      if (e.dirty) {
        e.dirty = false;
        this.dirtyCount--;
      }
    }
    if (opts.barrier) this.flushDevice();
    this.evict(false);
    return blocks.length;
  }

  /**
   * Writes blocks straight to the device (a journal's own blocks), all in flight at once; cached copies of those
   * blocks are replaced and clean. Returns when all completed.
   */
  writeThrough(writes: readonly { block: number; data: Uint8Array }[]): void {
    const sorted = [...writes].sort((a, b) => a.block - b.block);
    const runs: { block: number; data: Uint8Array[] }[] = [];
    for (const w of sorted) {
      this.check(w.block);
      if (w.data.length !== this.blockSize) throw new FsError("EINVAL", `a block is ${this.blockSize} bytes, not ${w.data.length}`);
      const last = runs[runs.length - 1];
      if (last && last.block + last.data.length === w.block && last.data.length < 256) last.data.push(w.data);
      else runs.push({ block: w.block, data: [w.data] });
    }
    this.writeRuns(runs);
    for (const w of writes) {
      const e = this.entries.get(w.block);
      if (e) {
        if (e.dirty) this.dirtyCount--;
        e.dirty = false;
        e.data = w.data.slice();
      }
    }
  }

  private writeRuns(runs: { block: number; data: Uint8Array[] }[]): void {
    if (runs.length === 0) return;
    if (this.readOnly) throw new FsError("EROFS", "the block device is read-only");
    const requests = runs.map((r) => {
      const data = r.data.length === 1 ? r.data[0] : new Uint8Array(r.data.length * this.blockSize);
      if (r.data.length > 1) r.data.forEach((d, i) => data.set(d, i * this.blockSize));
      return { sector: r.block * this.perBlock, data };
    });
    try {
      this.dev.writeManySync(requests);
    } catch (e) {
      throw ioError(e, `writing ${runs.length} run(s) of blocks from ${runs[0].block}`);
    }
    this.stats.writeRequests += requests.length;
    for (const r of runs) this.stats.blocksWritten += r.data.length;
  }

  /** Makes completed writes durable (the device's flush). */
  flushDevice(): void {
    try {
      this.dev.flushSync();
    } catch (e) {
      throw ioError(e, "flushing the device");
    }
    this.stats.flushes++;
  }

  /** Drops clean, unheld blocks, least recently used first, down to the capacity. Dirty unheld blocks are written
   *  back first when more than half the capacity is dirty (memory pressure). */
  private evict(underPressure = true): void {
    if (this.entries.size <= this.capacity) return;
    if (underPressure && this.dirtyCount > this.capacity / 2) this.writeBack();
    // Sweep from the oldest: a block used since the last sweep goes to the back once (its flag cleared), an unused
    // clean unheld one is dropped; at most two passes (every flag is clear after the first).
    let budget = this.entries.size * 2;
    for (const [b, e] of this.entries) {
      if (this.entries.size <= this.capacity || budget-- <= 0) break;
      if (e.dirty || e.held > 0) continue;
      if (e.used) {
        e.used = false;
        this.entries.delete(b);
        this.entries.set(b, e);
        continue;
      }
      this.entries.delete(b);
      this.stats.evictions++;
    }
  }

  /** Blocks cached now. */
  get size(): number {
    return this.entries.size;
  }
}

// test/sim/mem_block.ts — an in-memory BlockDevice for hosted file-system tests (MirageOS's in-memory block
// device): sync and async I/O over a byte array, optionally with a volatile write cache (a write is durable only
// after a flush, and a simulated power cut keeps a random subset of the unflushed writes, possibly torn at sector
// granularity), injected I/O errors, a write budget (the device "dies" after N more sector writes), and async
// completions delivered in a shuffled order.
// Layer: test support. Depends on kernel/devices.ts.

import type { BlockDevice, BlockInfo } from "../../kernel/devices.ts";
import { SeededRandom } from "./prng.ts";

export interface MemBlockOptions {
  /** Capacity in sectors (ignored when `image` is given). Default 8192 (4 MiB). */
  sectors?: number;
  /** Initial contents (copied; its length must be a multiple of the sector size), e.g. a host-made ext4 image. */
  image?: Uint8Array;
  sectorSize?: number;
  readOnly?: boolean;
  /** Writes are cached until flush: crash() then keeps only what was flushed plus a random part of the rest. */
  volatileCache?: boolean;
  /** Async completions (read/write/flush promises) settle in a shuffled order (seeded). */
  reorderSeed?: number;
}

/** An error as the virtio-blk driver gives one. */
export class MemBlockError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "BlockError";
  }
}

interface PendingWrite {
  sector: number;
  data: Uint8Array;
}

export class MemBlockDevice implements BlockDevice {
  readonly info: BlockInfo;
  /** What reads return now (the device's view, volatile cache included). Tests may inspect and change it. */
  readonly disk: Uint8Array;
  /** Sectors whose reads and writes fail with EIO. */
  readonly ioErrorSectors = new Set<number>();
  /** After this many more sectors written, every write fails with EIO (undefined: no limit). */
  writeBudget: number | undefined;
  /** Counters. */
  reads = 0;
  writes = 0;
  flushes = 0;
  /** Every request, in order: "r sector count", "w sector count", "f". */
  readonly log: string[] = [];
  private durable: Uint8Array | null;
  private unflushed: PendingWrite[] = [];
  private readonly reorder: SeededRandom | null;
  private closed = false;

  constructor(o: MemBlockOptions = {}) {
    const sectorSize = o.sectorSize ?? 512;
    if (o.image && o.image.length % sectorSize !== 0) throw new Error(`image length ${o.image.length} is not a multiple of ${sectorSize}`);
    this.disk = o.image ? o.image.slice() : new Uint8Array((o.sectors ?? 8192) * sectorSize);
    this.info = { sectorSize, sectors: this.disk.length / sectorSize, readWrite: !o.readOnly };
    this.durable = o.volatileCache ? this.disk.slice() : null;
    this.reorder = o.reorderSeed !== undefined ? new SeededRandom(o.reorderSeed) : null;
  }

  private range(op: string, sector: number, count: number): void {
    if (this.closed) throw new MemBlockError("the block device was closed", "ECANCELED");
    if (!Number.isInteger(sector) || !Number.isInteger(count) || sector < 0 || count < 0) {
      throw new MemBlockError(`${op}: sector ${sector} and count ${count} must be non-negative integers`, "ERR_INVALID_ARG_VALUE");
    }
    if (sector + count > this.info.sectors) {
      throw new MemBlockError(`${op} of sectors ${sector}..${sector + count - 1} is beyond the device's ${this.info.sectors} sectors`, "ERR_OUT_OF_RANGE");
    }
    for (let s = sector; s < sector + count; s++) {
      if (this.ioErrorSectors.has(s)) throw new MemBlockError(`${op} failed with device status 1 (I/O error)`, "EIO");
    }
  }

  readSync(sector: number, count: number): Uint8Array {
    this.range("read", sector, count);
    this.reads++;
    this.log.push(`r ${sector} ${count}`);
    const s = this.info.sectorSize;
    return this.disk.slice(sector * s, (sector + count) * s);
  }

  writeSync(sector: number, data: Uint8Array): void {
    const s = this.info.sectorSize;
    if (data.length % s !== 0) throw new MemBlockError(`write of ${data.length} bytes: the length must be a multiple of ${s}`, "ERR_INVALID_ARG_VALUE");
    const count = data.length / s;
    this.range("write", sector, count);
    if (!this.info.readWrite) throw new MemBlockError("the block device is read-only", "EROFS");
    if (this.writeBudget !== undefined) {
      if (this.writeBudget < count) {
        // The sectors that fit are written (a torn request), then the device fails.
        const fit = this.writeBudget;
        this.writeBudget = 0;
        if (fit > 0) this.apply(sector, data.subarray(0, fit * s));
        throw new MemBlockError("write failed with device status 1 (I/O error)", "EIO");
      }
      this.writeBudget -= count;
    }
    this.apply(sector, data);
  }

  private apply(sector: number, data: Uint8Array): void {
    this.writes++;
    this.log.push(`w ${sector} ${data.length / this.info.sectorSize}`);
    this.disk.set(data, sector * this.info.sectorSize);
    if (this.durable) this.unflushed.push({ sector, data: data.slice() });
  }

  writeManySync(writes: readonly { sector: number; data: Uint8Array }[]): void {
    let first: unknown;
    for (const w of writes) {
      try {
        this.writeSync(w.sector, w.data);
      } catch (e) {
        first ??= e;
      }
    }
    if (first) throw first;
  }

  flushSync(): void {
    if (this.closed) throw new MemBlockError("the block device was closed", "ECANCELED");
    this.flushes++;
    this.log.push("f");
    if (this.durable) {
      for (const w of this.unflushed) this.durable.set(w.data, w.sector * this.info.sectorSize);
      this.unflushed = [];
    }
  }

  private later<T>(f: () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        try {
          resolve(f());
        } catch (e) {
          reject(e);
        }
      };
      if (this.reorder) setTimeout(settle, Math.floor(this.reorder.float() * 5));
      else queueMicrotask(settle);
    });
  }

  read(sector: number, count: number): Promise<Uint8Array> {
    return this.later(() => this.readSync(sector, count));
  }

  write(sector: number, data: Uint8Array): Promise<void> {
    return this.later(() => this.writeSync(sector, data));
  }

  flush(): Promise<void> {
    return this.later(() => this.flushSync());
  }

  close(): void {
    this.closed = true;
  }

  /**
   * The disk after a power cut now: what was flushed, plus each unflushed write with probability `keep` (default
   * 0.5), in order, and a kept write torn at a random sector boundary with probability `tear` (default 0.1).
   * Without a volatile cache: the current contents. The device itself is unchanged.
   */
  crashImage(seed: number, keep = 0.5, tear = 0.1): Uint8Array {
    if (!this.durable) return this.disk.slice();
    const rng = new SeededRandom(seed);
    const out = this.durable.slice();
    const s = this.info.sectorSize;
    for (const w of this.unflushed) {
      if (rng.float() >= keep) continue;
      let data = w.data;
      if (rng.float() < tear) data = data.subarray(0, Math.floor(rng.float() * (data.length / s)) * s);
      out.set(data, w.sector * s);
    }
    return out;
  }

  /** Writes not yet flushed (volatile cache only). */
  get unflushedWrites(): number {
    return this.unflushed.length;
  }
}

// drivers/virtio/blk/index.ts — virtio-blk (virtio 1.x section 5.2) as a BlockDevice: capacity and sector size
// from the config space, reads/writes split into requests of at most 64 KiB, many in flight at once, flush,
// errors as rejected promises carrying the device status. Layer: drivers (device). Depends on drivers/virtio, kernel.

import type { BlockDevice, BlockInfo } from "../../../kernel/devices.ts";
import { dmaAllocPages, dmaPool, type DmaBlock } from "../../../kernel/dma.ts";
import { IoHandle, loop } from "../../../kernel/event_loop.ts";
import { waitSync } from "../../../kernel/wait_sync.ts";
import type { DmaRegion } from "../../../kernel/platform.ts";
import { platform } from "../../../kernel/platform.ts";
import { bit, VirtioDevice } from "../device.ts";
import { claimVirtio } from "../discover.ts";
import { DEVICE_BLOCK, type VirtioTransport } from "../transport.ts";
import type { Segment, Virtqueue } from "../virtqueue.ts";

const F_SIZE_MAX = 1, F_SEG_MAX = 2, F_RO = 5, F_BLK_SIZE = 6, F_FLUSH = 9;
const T_IN = 0, T_OUT = 1, T_FLUSH = 4;
const S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;
export const SECTOR = 512;
const MAX_REQUEST_BYTES = 64 * 1024;

/** An error from the device or from a request it could not take; `code` is an errno-style name. */
export class BlockError extends Error {
  constructor(message: string, readonly code: string, readonly status?: number) {
    super(message);
    this.name = "BlockError";
  }
}

interface Request {
  header: DmaBlock;
  status: DmaBlock;
  data: DmaRegion | null;
  bytes: number;
  type: number;
  resolve(): void;
  reject(e: Error): void;
}

export class VirtioBlk implements BlockDevice {
  readonly info: BlockInfo;
  private readonly dev: VirtioDevice;
  private readonly q: Virtqueue<Request>;
  private readonly waiting: Request[] = [];
  private readonly inflight = new Set<Request>();
  private readonly handle: IoHandle;
  private pending = 0;

  constructor(transport: VirtioTransport) {
    this.dev = new VirtioDevice(transport, () => this.complete());
    this.dev.negotiate(bit(F_SIZE_MAX) | bit(F_SEG_MAX) | bit(F_RO) | bit(F_BLK_SIZE) | bit(F_FLUSH));
    const c = transport.config;
    const sectors = c.getUint32(0, true) + c.getUint32(4, true) * 2 ** 32;
    this.info = { sectorSize: SECTOR, sectors, readWrite: !this.dev.has(F_RO) };
    this.q = this.dev.createQueue<Request>(0, 128);
    if (this.q.size < 3) {
      this.dev.markFailed(`queue 0 has ${this.q.size} entries; a request needs 3`);
      throw new BlockError(`virtio-blk ${transport.name}: queue of ${this.q.size} entries cannot hold a request (3 descriptors)`, "ENOTSUP");
    }
    this.dev.start();
    this.handle = new IoHandle(loop()).unref();
  }

  /** Logical block size the device reports (a hint; addressing is always in 512-byte sectors). */
  get blockSize(): number {
    return this.dev.has(F_BLK_SIZE) ? this.dev.transport.config.getUint32(20, true) : SECTOR;
  }

  private checkRange(op: string, sector: number, count: number): void {
    if (!Number.isInteger(sector) || !Number.isInteger(count) || sector < 0 || count < 0) {
      throw new BlockError(`${op}: sector ${sector} and count ${count} must be non-negative integers`, "ERR_INVALID_ARG_VALUE");
    }
    if (sector + count > this.info.sectors) {
      throw new BlockError(`${op} of sectors ${sector}..${sector + count - 1} is beyond the device's ` +
        `${this.info.sectors} sectors`, "ERR_OUT_OF_RANGE");
    }
    if (this.dev.failure) throw new BlockError(`the block device failed: ${this.dev.failure}`, "EIO");
  }

  async read(sector: number, count: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.startRead(sector, count, (e, out) => (e ? reject(e) : resolve(out)));
    });
  }

  async write(sector: number, data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.startWrites([{ sector, data }], (e) => (e ? reject(e) : resolve()));
    });
  }

  async flush(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.startFlush((e) => (e ? reject(e) : resolve()));
    });
  }

  readSync(sector: number, count: number): Uint8Array {
    let result: { e: Error | null; out: Uint8Array } | undefined;
    this.startRead(sector, count, (e, out) => { result = { e, out }; });
    this.waitSync(() => result !== undefined);
    if (result!.e) throw result!.e;
    return result!.out;
  }

  writeSync(sector: number, data: Uint8Array): void {
    this.writeManySync([{ sector, data }]);
  }

  writeManySync(writes: readonly { sector: number; data: Uint8Array }[]): void {
    let result: { e: Error | null } | undefined;
    this.startWrites(writes, (e) => { result = { e }; });
    this.waitSync(() => result !== undefined);
    if (result!.e) throw result!.e;
  }

  flushSync(): void {
    let result: { e: Error | null } | undefined;
    this.startFlush((e) => { result = { e }; });
    this.waitSync(() => result !== undefined);
    if (result!.e) throw result!.e;
  }

  private waitSync(done: () => boolean): void {
    try {
      waitSync([this.dev.vector], done);
    } catch (e) {
      if ((e as { code?: string }).code !== "ETIMEDOUT") throw e;
      throw new BlockError(`virtio-blk ${this.dev.transport.name}: ${(e as Error).message}`, "EIO");
    }
  }

  /** Splits a read into requests of at most 64 KiB, all in flight at once; `done` gets the bytes or the first error. */
  private startRead(sector: number, count: number, done: (e: Error | null, out: Uint8Array) => void): void {
    this.checkRange("read", sector, count);
    const out = new Uint8Array(count * SECTOR);
    const all = this.gather(Math.ceil(count / (MAX_REQUEST_BYTES / SECTOR)), (e) => done(e, out));
    for (let at = 0; at < count;) {
      const n = Math.min(count - at, MAX_REQUEST_BYTES / SECTOR);
      const offset = at * SECTOR;
      this.submit(T_IN, sector + at, n * SECTOR, null, (e, data) => {
        if (data) {
          if (!e) out.set(new Uint8Array(data.buffer, 0, n * SECTOR), offset);
          platform().dmaFree(data.buffer);
        }
        all(e);
      });
      at += n;
    }
    if (count === 0) done(null, out);
  }

  private startWrites(writes: readonly { sector: number; data: Uint8Array }[], done: (e: Error | null) => void): void {
    let requests = 0;
    for (const w of writes) {
      if (w.data.length % SECTOR !== 0) {
        throw new BlockError(`write of ${w.data.length} bytes: the length must be a multiple of ${SECTOR}`, "ERR_INVALID_ARG_VALUE");
      }
      this.checkRange("write", w.sector, w.data.length / SECTOR);
      requests += Math.ceil(w.data.length / MAX_REQUEST_BYTES);
    }
    if (!this.info.readWrite && writes.length) throw new BlockError("the block device is read-only", "EROFS");
    if (requests === 0) { done(null); return; }
    const all = this.gather(requests, done);
    for (const w of writes) {
      const count = w.data.length / SECTOR;
      for (let at = 0; at < count;) {
        const n = Math.min(count - at, MAX_REQUEST_BYTES / SECTOR);
        this.submit(T_OUT, w.sector + at, n * SECTOR, w.data.subarray(at * SECTOR, (at + n) * SECTOR), (e, data) => {
          if (data) platform().dmaFree(data.buffer);
          all(e);
        });
        at += n;
      }
    }
  }

  private startFlush(done: (e: Error | null) => void): void {
    if (this.dev.failure) throw new BlockError(`the block device failed: ${this.dev.failure}`, "EIO");
    if (!this.dev.has(F_FLUSH)) { done(null); return; }   // no volatile write cache: writes are durable when complete
    this.submit(T_FLUSH, 0, 0, null, (e) => done(e));
  }

  /** A completion counter: `done` runs once all `n` parts finished, with the first error. */
  private gather(n: number, done: (e: Error | null) => void): (e: Error | null) => void {
    let left = n;
    let first: Error | null = null;
    return (e) => {
      first ??= e;
      if (--left === 0) done(first);
    };
  }

  private submit(type: number, sector: number, bytes: number, payload: Uint8Array | null,
                 done: (e: Error | null, data: DmaRegion | null) => void): void {
    const pool = dmaPool();
    const header = pool.alloc(16);
    const hv = new DataView(header.bytes.buffer, header.bytes.byteOffset, 16);
    hv.setUint32(0, type, true);
    hv.setUint32(8, sector % 2 ** 32, true);
    hv.setUint32(12, Math.floor(sector / 2 ** 32), true);
    const status = pool.alloc(1);
    status.bytes[0] = 0xff;
    const data = bytes > 0 ? dmaAllocPages(bytes) : null;
    if (data && payload) new Uint8Array(data.buffer).set(payload);
    const req: Request = {
      header, status, data, bytes, type,
      resolve: () => done(null, data),
      reject: (e) => done(e, data),
    };
    this.pending++;
    this.handle.ref();
    if (!this.post(req)) this.waiting.push(req);
    this.q.kick();
  }

  private post(r: Request): boolean {
    const segs: Segment[] = [{ address: r.header.address, length: 16 }];
    if (r.data) segs.push({ address: r.data.address, length: r.bytes, writable: r.type === T_IN });
    segs.push({ address: r.status.address, length: 1, writable: true });
    if (!this.q.add(segs, r)) return false;
    this.inflight.add(r);
    return true;
  }

  private finish(r: Request, error: Error | null): void {
    this.inflight.delete(r);
    dmaPool().free(r.header);
    dmaPool().free(r.status);
    if (--this.pending === 0) this.handle.unref();
    if (error) r.reject(error);
    else r.resolve();
  }

  private complete(): void {
    this.q.poll((r) => {
      const s = r.status.bytes[0];
      if (s === S_OK) this.finish(r, null);
      else {
        const what = r.type === T_IN ? "read" : r.type === T_OUT ? "write" : "flush";
        const code = s === S_UNSUPP ? "ENOTSUP" : "EIO";
        this.finish(r, new BlockError(`virtio-blk ${what} failed with device status ${s}${s === S_IOERR ? " (I/O error)" : s === S_UNSUPP ? " (unsupported)" : ""}`, code, s));
      }
    });
    if (this.dev.failure) {
      const err = new BlockError(`the block device failed: ${this.dev.failure}`, "EIO");
      for (const r of [...this.inflight, ...this.waiting.splice(0)]) this.finish(r, err);
      return;
    }
    while (this.waiting.length && this.post(this.waiting[0])) this.waiting.shift();
    this.q.kick();
  }

  /** Resets the device; requests still pending reject with ECANCELED. */
  close(): void {
    this.dev.shutdown();
    const err = new BlockError("the block device was closed", "ECANCELED");
    for (const r of [...this.inflight, ...this.waiting.splice(0)]) this.finish(r, err);
    this.handle.close();
  }
}

/** Opens the first unclaimed virtio block device. */
export function openVirtioBlk(): VirtioBlk {
  return new VirtioBlk(claimVirtio(DEVICE_BLOCK, "block device"));
}

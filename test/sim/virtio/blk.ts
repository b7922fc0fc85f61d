// test/sim/virtio/blk.ts — a simulated virtio-blk device (virtio 1.x section 5.2) with a RAM-backed disk: IN, OUT,
// FLUSH and GET_ID requests, the status byte, a read-only mode, and I/O errors injected on chosen sectors.
// Layer: test support. Depends on transport.ts, split_ring.ts and test/sim/platform.ts.

import { DEVICE_BLOCK } from "../../../drivers/virtio/transport.ts";
import type { SimPlatform } from "../platform.ts";
import { gather, scatter, type Chain, type DeviceQueue } from "./split_ring.ts";
import { SimVirtioTransport, type SimVirtioOptions } from "./transport.ts";

export const BLK_F_SIZE_MAX = 1, BLK_F_SEG_MAX = 2, BLK_F_RO = 5, BLK_F_BLK_SIZE = 6, BLK_F_FLUSH = 9;
export const BLK_T_IN = 0, BLK_T_OUT = 1, BLK_T_FLUSH = 4, BLK_T_GET_ID = 8;
export const BLK_S_OK = 0, BLK_S_IOERR = 1, BLK_S_UNSUPP = 2;
const SECTOR = 512;

export interface SimBlkOptions extends Partial<Omit<SimVirtioOptions, "deviceId">> {
  /** Capacity in 512-byte sectors (default 2048: 1 MiB). */
  sectors?: number;
  readOnly?: boolean;
  /** Offer VIRTIO_BLK_F_FLUSH (default true). */
  flush?: boolean;
  /** Logical block size to report with VIRTIO_BLK_F_BLK_SIZE (default 4096; 0: not offered). */
  blockSize?: number;
  /** The GET_ID string (at most 20 bytes; default "sim-blk-0001"). */
  serial?: string;
  /** Largest queue (default 256). */
  queueSize?: number;
}

/** One request as the device saw it. */
export interface BlkRequestRecord {
  type: number;
  sector: number;
  /** Data bytes (IN: writable space before the status byte; OUT: readable bytes after the header). */
  bytes: number;
  status: number;
}

/**
 * A RAM disk behind virtio-blk.
 *
 * ```ts
 * const dev = new SimVirtioBlk(sim, { sectors: 64 });
 * const blk = new VirtioBlk(dev);
 * dev.disk.fill(7);   // what reads will return
 * ```
 */
export class SimVirtioBlk extends SimVirtioTransport {
  /** The disk contents; tests may read and change them at any time. */
  readonly disk: Uint8Array;
  /** Sectors whose reads and writes fail with VIRTIO_BLK_S_IOERR. */
  readonly ioErrorSectors = new Set<number>();
  /** Every request served, in order. */
  readonly requests: BlkRequestRecord[] = [];
  /** FLUSH requests served. */
  flushes = 0;
  private readonly readOnly: boolean;
  private readonly serial: string;

  constructor(sim: SimPlatform, o: SimBlkOptions = {}) {
    const sectors = o.sectors ?? 2048;
    const blockSize = o.blockSize ?? 4096;
    let features = (1n << BigInt(BLK_F_SEG_MAX)) | (1n << BigInt(BLK_F_SIZE_MAX));
    if (o.readOnly) features |= 1n << BigInt(BLK_F_RO);
    if (o.flush ?? true) features |= 1n << BigInt(BLK_F_FLUSH);
    if (blockSize) features |= 1n << BigInt(BLK_F_BLK_SIZE);
    super(sim, { name: "sim blk", queueSizes: [o.queueSize ?? 256], ...o, deviceId: DEVICE_BLOCK, features: o.features ?? features });
    this.disk = new Uint8Array(sectors * SECTOR);
    this.readOnly = o.readOnly ?? false;
    this.serial = o.serial ?? "sim-blk-0001";
    const c = this.config;
    c.setUint32(0, sectors % 2 ** 32, true);               // capacity (u64, sectors)
    c.setUint32(4, Math.floor(sectors / 2 ** 32), true);
    c.setUint32(8, 1 << 20, true);                         // size_max
    c.setUint32(12, 126, true);                            // seg_max
    c.setUint32(20, blockSize || SECTOR, true);            // blk_size
  }

  /** Sectors on the disk. */
  get sectors(): number {
    return this.disk.length / SECTOR;
  }

  protected override processQueue(q: DeviceQueue): void {
    let any = false;
    for (let chain = q.take(); chain; chain = q.take()) {
      q.use(chain.head, this.serve(chain));
      any = true;
    }
    if (any) this.interrupt(q);
  }

  /** Serves one request; returns the bytes written into the chain's writable buffers. */
  private serve(chain: Chain): number {
    if (chain.readableLength < 16 || chain.writableLength < 1) {
      this.protocolError(`virtio-blk request at head ${chain.head}: ${chain.readableLength} readable and ` +
        `${chain.writableLength} writable bytes (a 16-byte header and a status byte expected)`);
      return 0;
    }
    const h = new DataView(gather(chain.readable, 0, 16).buffer);
    const type = h.getUint32(0, true);
    const sector = h.getUint32(8, true) + h.getUint32(12, true) * 2 ** 32;
    const dataIn = chain.writableLength - 1;
    const setStatus = (s: number): void => { scatter(chain.writable, dataIn, Uint8Array.of(s)); };
    const record = (bytes: number, status: number, written: number): number => {
      this.requests.push({ type, sector, bytes, status });
      setStatus(status);
      return written;
    };
    switch (type) {
      case BLK_T_IN: {
        if (!this.rangeOk(sector, dataIn)) return record(dataIn, BLK_S_IOERR, 1);
        scatter(chain.writable, 0, this.disk.subarray(sector * SECTOR, sector * SECTOR + dataIn));
        return record(dataIn, BLK_S_OK, dataIn + 1);
      }
      case BLK_T_OUT: {
        const data = gather(chain.readable, 16);
        if (this.readOnly || !this.rangeOk(sector, data.length)) return record(data.length, BLK_S_IOERR, 1);
        this.disk.set(data, sector * SECTOR);
        return record(data.length, BLK_S_OK, 1);
      }
      case BLK_T_FLUSH:
        this.flushes++;
        return record(0, BLK_S_OK, 1);
      case BLK_T_GET_ID: {
        const id = new Uint8Array(20);
        id.set(new TextEncoder().encode(this.serial).subarray(0, 20));
        const n = scatter(chain.writable, 0, id.subarray(0, Math.min(20, dataIn)));
        return record(n, BLK_S_OK, n + 1);
      }
      default:
        return record(0, BLK_S_UNSUPP, 1);
    }
  }

  /** Whole sectors inside the disk and none of them marked for I/O errors. */
  private rangeOk(sector: number, bytes: number): boolean {
    if (bytes % SECTOR !== 0 || sector * SECTOR + bytes > this.disk.length) return false;
    for (let s = sector; s < sector + bytes / SECTOR; s++) if (this.ioErrorSectors.has(s)) return false;
    return true;
  }
}

// test/sim/dma.ts — the simulated DMA allocator behind SimPlatform.dmaAlloc/dmaFree: ordinary ArrayBuffers with
// fake but unique, page-aligned physical addresses inside simulated RAM (addresses are never reused, so a stale
// address in a test shows), and dmaView() for simulated devices that read and write the memory by address.
// Layer: test support. Depends on kernel/platform.ts (types).

import type { DmaRegion } from "../../kernel/platform.ts";

const PAGE = 4096;

export class SimDma {
  private readonly live = new Map<number, { buffer: ArrayBuffer; bytes: number }>();
  private next: number;
  private used = 0;

  /** Hands out addresses from `base` (page-aligned upward) below `limit`. */
  constructor(base: number, private readonly limit: number) {
    this.next = Math.ceil(base / PAGE) * PAGE;
  }

  /** Bytes (whole pages) held by live buffers. */
  get bytesInUse(): number {
    return this.used;
  }

  /** hal.dmaAlloc: zeroed memory, with the native checks and messages. */
  alloc(size: number): DmaRegion {
    const n = Number(size);
    if (!(n >= 1 && n <= 2 ** 30)) throw new RangeError(`DMA size ${n} is outside 1..1 GiB`);
    const bytes = Math.ceil(n / PAGE) * PAGE;
    if (this.next + bytes > this.limit) throw new RangeError(`out of physical memory for a ${Math.floor(n)}-byte DMA buffer`);
    const address = this.next;
    this.next += bytes;
    this.used += bytes;
    const buffer = new ArrayBuffer(Math.floor(n));
    this.live.set(address, { buffer, bytes });
    return { buffer, address };
  }

  /** hal.dmaFree: returns the pages and detaches the buffer (any ArrayBuffer is detached, as natively). */
  free(buffer: ArrayBuffer): void {
    if (!(buffer instanceof ArrayBuffer)) return;
    for (const [address, d] of this.live) {
      if (d.buffer === buffer) {
        this.live.delete(address);
        this.used -= d.bytes;
      }
    }
    if (buffer.byteLength > 0) structuredClone(buffer, { transfer: [buffer] });
  }

  /** A view of live DMA memory at a physical address; throws unless one live buffer holds the whole range. */
  view(address: number, length: number): Uint8Array {
    for (const [base, d] of this.live) {
      if (address >= base && address + length <= base + d.buffer.byteLength) {
        return new Uint8Array(d.buffer, address - base, length);
      }
    }
    throw new RangeError(`no live DMA buffer holds 0x${address.toString(16)}+${length}`);
  }
}

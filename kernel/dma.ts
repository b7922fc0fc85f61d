// kernel/dma.ts — DMA memory for drivers: whole-page regions straight from the platform, and a pool that carves
// small, aligned blocks (descriptor rings, request headers, status bytes) out of shared pages so a 16-byte
// header does not cost a 4 KiB page. Layer: kernel. Depends on platform.ts.

import { platform, type DmaRegion } from "./platform.ts";

export const PAGE_SIZE = 4096;

/** A block of DMA memory: `bytes` views it, `address` is its bus address. Free it with DmaPool.free. */
export interface DmaBlock {
  bytes: Uint8Array;
  address: number;
  readonly size: number;
}

/** Allocates whole pages (zeroed, physically contiguous). Throws a RangeError when memory runs out. */
export function dmaAllocPages(size: number): DmaRegion {
  return platform().dmaAlloc(Math.ceil(size / PAGE_SIZE) * PAGE_SIZE);
}

interface Slab {
  region: DmaRegion;
  /** Free offsets of this slab's blocks. */
  free: number[];
}

/**
 * Fixed-size-class allocator over pages. Blocks are aligned to their size class (16 … 2048 bytes); larger
 * requests get their own pages. Freed blocks are zeroed before reuse, so every block starts zeroed.
 */
export class DmaPool {
  private readonly classes = new Map<number, Slab[]>();
  private readonly owner = new Map<number, Slab>();
  private readonly big = new Map<number, DmaRegion>();
  allocatedBytes = 0;

  private static classFor(size: number): number {
    let c = 16;
    while (c < size) c *= 2;
    return c;
  }

  /** A zeroed block of at least `size` bytes, aligned to min(size class, 4096). */
  alloc(size: number): DmaBlock {
    if (!(size > 0)) throw new RangeError(`DMA block size must be positive, got ${size}`);
    if (size > PAGE_SIZE / 2) {
      const region = dmaAllocPages(size);
      this.big.set(region.address, region);
      this.allocatedBytes += region.buffer.byteLength;
      return { bytes: new Uint8Array(region.buffer, 0, size), address: region.address, size };
    }
    const cls = DmaPool.classFor(size);
    const slabs = this.classes.get(cls) ?? [];
    this.classes.set(cls, slabs);
    let slab = slabs.find((s) => s.free.length > 0);
    if (!slab) {
      const region = dmaAllocPages(PAGE_SIZE);
      slab = { region, free: [] };
      for (let off = PAGE_SIZE - cls; off >= 0; off -= cls) slab.free.push(off);
      slabs.push(slab);
    }
    const off = slab.free.pop() as number;
    this.owner.set(slab.region.address + off, slab);
    this.allocatedBytes += cls;
    return { bytes: new Uint8Array(slab.region.buffer, off, size), address: slab.region.address + off, size };
  }

  /** Returns a block. Throws on a block this pool did not hand out (or one freed twice). */
  free(block: DmaBlock): void {
    const big = this.big.get(block.address);
    if (big) {
      this.big.delete(block.address);
      this.allocatedBytes -= big.buffer.byteLength;
      platform().dmaFree(big.buffer);
      return;
    }
    const slab = this.owner.get(block.address);
    if (!slab) throw new Error(`DMA block at 0x${block.address.toString(16)} is not allocated from this pool`);
    this.owner.delete(block.address);
    const off = block.address - slab.region.address;
    const cls = DmaPool.classFor(block.size);
    new Uint8Array(slab.region.buffer, off, cls).fill(0);
    slab.free.push(off);
    this.allocatedBytes -= cls;
  }
}

let shared: DmaPool | undefined;

/** The kernel's shared pool. */
export function dmaPool(): DmaPool {
  return (shared ??= new DmaPool());
}

/** Forgets the shared pool (tests that install a fresh simulated platform, whose pages the old pool cannot use). */
export function resetDmaPool(): void {
  shared = undefined;
}

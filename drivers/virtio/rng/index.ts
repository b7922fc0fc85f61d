// drivers/virtio/rng/index.ts — virtio-rng (virtio 1.x section 5.4) as an EntropyDevice: device-writable buffers
// on the one queue come back filled with random bytes. Layer: drivers (device). Depends on drivers/virtio, kernel.

import type { EntropyDevice } from "../../../kernel/devices.ts";
import { dmaAllocPages } from "../../../kernel/dma.ts";
import { entropyPool } from "../../../kernel/entropy.ts";
import { IoHandle, loop } from "../../../kernel/event_loop.ts";
import type { DmaRegion } from "../../../kernel/platform.ts";
import { platform } from "../../../kernel/platform.ts";
import { VirtioDevice } from "../device.ts";
import { claimVirtio } from "../discover.ts";
import { DEVICE_ENTROPY, type VirtioTransport } from "../transport.ts";
import type { Virtqueue } from "../virtqueue.ts";

interface Pending { region: DmaRegion; want: number; resolve(b: Uint8Array): void; reject(e: Error): void }

export class VirtioRng implements EntropyDevice {
  private readonly dev: VirtioDevice;
  private readonly q: Virtqueue<Pending>;
  private readonly handle: IoHandle;
  private readonly inflight = new Set<Pending>();
  private readonly waiting: Pending[] = [];

  constructor(transport: VirtioTransport) {
    this.dev = new VirtioDevice(transport, () => this.complete());
    this.dev.negotiate(0n);
    this.q = this.dev.createQueue<Pending>(0, 16);
    this.dev.start();
    this.handle = new IoHandle(loop()).unref();
  }

  /** Resolves with exactly `n` bytes (the device may fill a buffer partly: the rest is asked for again). */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    for (let got = 0; got < n;) {
      const chunk = await this.request(Math.min(n - got, 4096));
      out.set(chunk, got);
      got += chunk.length;
    }
    return out;
  }

  private request(want: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      if (this.dev.failure) return reject(new Error(`virtio-rng failed: ${this.dev.failure}`));
      const p: Pending = { region: dmaAllocPages(want), want, resolve, reject };
      this.handle.ref();
      if (!this.post(p)) this.waiting.push(p);      // the ring is full: queued until a buffer comes back
      this.q.kick();
    });
  }

  private post(p: Pending): boolean {
    if (!this.q.add([{ address: p.region.address, length: p.want, writable: true }], p)) return false;
    this.inflight.add(p);
    return true;
  }

  private settle(p: Pending, bytes: Uint8Array | null, err: Error | null): void {
    this.inflight.delete(p);
    platform().dmaFree(p.region.buffer);
    if (this.inflight.size === 0 && this.waiting.length === 0) this.handle.unref();
    if (err) p.reject(err);
    else p.resolve(bytes as Uint8Array);
  }

  private complete(): void {
    this.q.poll((p, written) => this.settle(p, new Uint8Array(p.region.buffer, 0, written).slice(), null));
    if (this.dev.failure) return this.failAll(new Error(`virtio-rng failed: ${this.dev.failure}`));
    while (this.waiting.length && this.post(this.waiting[0])) this.waiting.shift();
    this.q.kick();
  }

  private failAll(err: Error): void {
    for (const p of [...this.inflight, ...this.waiting.splice(0)]) this.settle(p, null, err);
  }

  /** Resets the device; reads still pending reject. */
  close(): void {
    this.dev.shutdown();
    this.failAll(new Error("virtio-rng was closed"));
    this.handle.close();
  }
}

/**
 * Mixes `bytes` of device entropy into the kernel pool (kernel/entropy.ts). Resolves false when the machine has
 * no virtio-rng device; the pool then keeps its CPU (RDSEED/RDRAND) seed.
 */
export async function seedEntropyPoolFromDevice(bytes = 64): Promise<boolean> {
  let rng: VirtioRng;
  try {
    rng = openVirtioRng();
  } catch {
    return false;
  }
  try {
    entropyPool().add(await rng.read(bytes));
    return true;
  } finally {
    rng.close();
  }
}

/** Opens the first unclaimed virtio entropy device. */
export function openVirtioRng(): VirtioRng {
  return new VirtioRng(claimVirtio(DEVICE_ENTROPY, "entropy device"));
}

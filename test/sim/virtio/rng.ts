// test/sim/virtio/rng.ts — a simulated virtio-rng device (virtio 1.x section 5.4): it fills each device-writable
// buffer with bytes from a seeded stream, optionally only partly (at most `maxFill` bytes per buffer), and keeps
// what it served so tests can compare. Layer: test support. Depends on transport.ts, split_ring.ts, test/sim.

import { DEVICE_ENTROPY } from "../../../drivers/virtio/transport.ts";
import type { SimPlatform } from "../platform.ts";
import { SeededRandom } from "../prng.ts";
import { scatter, type DeviceQueue } from "./split_ring.ts";
import { SimVirtioTransport, type SimVirtioOptions } from "./transport.ts";

export interface SimRngOptions extends Partial<Omit<SimVirtioOptions, "deviceId">> {
  /** Seed of the byte stream (default 7). */
  seed?: number;
  /** Most bytes written into one buffer (default: all of it). */
  maxFill?: number;
  /** Largest queue (default 64). */
  queueSize?: number;
}

/**
 * An entropy source.
 *
 * ```ts
 * const dev = new SimVirtioRng(sim, { maxFill: 100 });
 * const rng = new VirtioRng(dev);
 * ```
 */
export class SimVirtioRng extends SimVirtioTransport {
  /** Every byte served, in order. */
  served = new Uint8Array(0);
  /** Buffers filled. */
  buffers = 0;
  private readonly random: SeededRandom;
  private readonly maxFill: number;

  constructor(sim: SimPlatform, o: SimRngOptions = {}) {
    super(sim, { name: "sim rng", queueSizes: [o.queueSize ?? 64], ...o, deviceId: DEVICE_ENTROPY });
    this.random = new SeededRandom(o.seed ?? 7);
    this.maxFill = o.maxFill ?? Infinity;
  }

  protected override processQueue(q: DeviceQueue): void {
    let any = false;
    for (let chain = q.take(); chain; chain = q.take()) {
      const bytes = new Uint8Array(Math.min(chain.writableLength, this.maxFill));
      this.random.fill(bytes);
      scatter(chain.writable, 0, bytes);
      const all = new Uint8Array(this.served.length + bytes.length);
      all.set(this.served);
      all.set(bytes, this.served.length);
      this.served = all;
      this.buffers++;
      q.use(chain.head, bytes.length);
      any = true;
    }
    if (any) this.interrupt(q);
  }
}

// test/sim/net_link.ts — in-memory Ethernet for hosted network tests (MirageOS-style device wrappers): a link
// joining two NetDevices, frames queued per direction and delivered by pump(), with seeded fault injection
// (loss, duplication, reordering, truncation) and a frame log. Implements kernel/devices.ts NetDevice.
import type { NetDevice, NetStats } from "../../kernel/devices.ts";
import { mulberry32 } from "./prng.ts";

export interface LinkFaults {
  loss?: number;
  duplicate?: number;
  reorder?: number;
  truncate?: number;
}

/** A seeded PRNG giving floats in [0, 1) so fault patterns repeat run to run. */
export function seeded(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

class LinkEnd implements NetDevice {
  readonly mtu: number;
  linkUp = true;
  handler: ((f: Uint8Array) => void) | null = null;
  readonly outbox: Uint8Array[] = [];
  private readonly counters: NetStats = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, rxDropped: 0, txDropped: 0 };
  /** Frames the device accepts before write() returns false (Infinity: unbounded). */
  txCapacity = Infinity;
  private writable: (() => void)[] = [];

  constructor(readonly mac: Uint8Array, mtu: number) {
    this.mtu = mtu;
  }

  write(size: number, fill: (frame: Uint8Array) => void): boolean {
    if (this.outbox.length >= this.txCapacity) return false;
    const f = new Uint8Array(size);
    fill(f);
    this.outbox.push(f);
    this.counters.txFrames++;
    this.counters.txBytes += size;
    return true;
  }

  listen(handler: (frame: Uint8Array) => void): void { this.handler = handler; }
  onWritable(cb: () => void): void { this.writable.push(cb); }
  ref(): void {}
  unref(): void {}
  stats(): NetStats { return { ...this.counters }; }
  close(): void { this.handler = null; }

  deliver(f: Uint8Array): void {
    this.counters.rxFrames++;
    this.counters.rxBytes += f.length;
    this.handler?.(f);
  }

  drained(): void {
    for (const cb of this.writable.splice(0)) cb();
  }
}

export class MemoryLink {
  readonly a: LinkEnd;
  readonly b: LinkEnd;
  readonly log: { from: "a" | "b"; frame: Uint8Array }[] = [];
  logging = false;
  private readonly rand: () => number;

  constructor(readonly faults: LinkFaults = {}, seed = 1, mtu = 1500) {
    this.a = new LinkEnd(new Uint8Array([0x52, 0x54, 0, 0, 0, 0xaa]), mtu);
    this.b = new LinkEnd(new Uint8Array([0x52, 0x54, 0, 0, 0, 0xbb]), mtu);
    this.rand = seeded(seed);
  }

  /** Delivers everything queued in both directions (and what that provokes), up to `maxRounds` rounds. */
  pump(maxRounds = 1000): number {
    let delivered = 0;
    for (let round = 0; round < maxRounds; round++) {
      const fromA = this.a.outbox.splice(0);
      const fromB = this.b.outbox.splice(0);
      if (fromA.length === 0 && fromB.length === 0) break;
      delivered += this.carry(fromA, this.b, "a") + this.carry(fromB, this.a, "b");
      this.a.drained();
      this.b.drained();
    }
    return delivered;
  }

  private carry(frames: Uint8Array[], to: LinkEnd, from: "a" | "b"): number {
    const f = this.faults;
    const out: Uint8Array[] = [];
    for (const frame of frames) {
      if (this.logging) this.log.push({ from, frame });
      if (f.loss && this.rand() < f.loss) continue;
      let x = frame;
      if (f.truncate && this.rand() < f.truncate) x = x.subarray(0, Math.floor(this.rand() * x.length));
      out.push(x);
      if (f.duplicate && this.rand() < f.duplicate) out.push(x.slice());
    }
    if (f.reorder) {
      for (let i = out.length - 1; i > 0; i--) {
        if (this.rand() < f.reorder) {
          const j = Math.floor(this.rand() * (i + 1));
          [out[i], out[j]] = [out[j], out[i]];
        }
      }
    }
    for (const x of out) to.deliver(x);
    return out.length;
  }
}

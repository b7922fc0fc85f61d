// test/sim/virtio/harness.ts — a bench for driver tests over simulated virtio devices: one SimPlatform for a whole
// test file (kernel/dma.ts keeps one shared DmaPool per module instance, whose pages belong to the platform that
// was current at its first use, so the platform must outlive every test in the file), a fresh EventLoop per test,
// and settle(), which runs the loop and lets Node's microtasks run until a promise settles. Promise jobs are
// Node's here (SimPlatform.runJobs runs none), so a continuation after `await` runs between loop runs.
// Layer: test support. Depends on kernel (event loop, platform) and test/sim/platform.ts.

import { setImmediate as nextMacrotask } from "node:timers/promises";
import { EventLoop, setLoop } from "../../../kernel/event_loop.ts";
import { setPlatform } from "../../../kernel/platform.ts";
import { SimPlatform } from "../platform.ts";

/** What an event-loop hook reported. */
export interface Uncaught {
  error: unknown;
  origin: string;
}

/**
 * ```ts
 * const bench = new VirtioBench();
 * beforeEach(() => bench.fresh());
 * it("reads", async () => {
 *   const blk = new VirtioBlk(new SimVirtioBlk(bench.sim));
 *   const data = await bench.settle(blk.read(0, 8));
 * });
 * ```
 */
export class VirtioBench {
  readonly sim: SimPlatform;
  ev: EventLoop;
  /** Exceptions and rejections that escaped callbacks in the loop since fresh(). */
  uncaught: Uncaught[] = [];

  constructor(sim: SimPlatform = new SimPlatform()) {
    this.sim = sim;
    setPlatform(sim);
    this.ev = this.fresh();
  }

  /** A new event loop over the same platform; interrupts left raised by an earlier test are dropped. */
  fresh(): EventLoop {
    setPlatform(this.sim);
    this.sim.pollInterrupts();
    for (const v of this.sim.takeInterrupts()) this.sim.irqAck(v);
    this.uncaught = [];
    const ev = new EventLoop(this.sim);
    ev.hooks = {
      uncaught: (error, origin) => { this.uncaught.push({ error, origin }); },
      beforeExit() {},
    };
    setLoop(ev);
    return (this.ev = ev);
  }

  /** Runs `fn` as a loop timer `ms` virtual ms from now (ref'd: it keeps the loop alive until it fired). */
  after(ms: number, fn: () => void): void {
    this.ev.scheduleTimer({ refed: true, expiry: 0, seq: 0, heapIndex: -1, fire: fn }, ms);
  }

  /** Runs the loop until it has nothing left (device interrupts are delivered in its poll phase). */
  run(): void {
    this.ev.run();
  }

  /**
   * Runs the loop until it ends or would sleep with nothing that could wake it (SimPlatform.halt throws then;
   * that is caught here), e.g. while a network device listens and no frame is coming. Returns true in that
   * second case. The loop can be run again afterwards.
   */
  runUntilIdle(): boolean {
    try {
      this.ev.run();
      return false;
    } catch (e) {
      if (e instanceof Error && e.message.startsWith("halt() with nothing that could wake the machine")) return true;
      throw e;
    }
  }

  /**
   * Runs the loop and Node's microtasks in turn until `p` settles, then returns it (so `await` rethrows a
   * rejection). Throws if it does not settle within `maxRounds` loop runs: a request the device never completes.
   */
  async settle<T>(p: Promise<T>, maxRounds = 100): Promise<T> {
    let done = false;
    p.then(() => { done = true; }, () => { done = true; });
    for (let round = 0; ; round++) {
      await nextMacrotask();                       // Node's microtasks first: `p` may have settled already
      if (done) return p;
      if (round === maxRounds) {
        throw new Error(`the promise did not settle after ${maxRounds} runs of the loop (virtual time ${this.sim.time} ms)`);
      }
      this.ev.run();
    }
  }
}

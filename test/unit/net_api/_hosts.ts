// test/unit/net_api/_hosts.ts — two hosts on one simulated Ethernet link, for hosted tests of the Node network
// APIs (node:dgram, node:dns, node:net) and the DHCP client over two complete NetRuntimes.
//
// The machine: one SimPlatform (virtual clock) and one kernel EventLoop shared by both hosts, each host a
// NetRuntime over one end of a MemoryLink (test/sim/net_link.ts). What runs where:
// - Node's own queues (process.nextTick, promise jobs: the runtimes' kicks) run when the test awaits;
// - the simulated loop's timers and immediates (the stacks' housekeeping timer, libos timers, setImmediate in
//   node:net) run in `settle()`, which calls loop.run() until it would sleep: the platform's halt() throws instead
//   of sleeping, and settle() moves the virtual clock to the armed deadline itself once nothing else is moving;
// - frames cross the link when settle() pumps it.
// A host's sockets are made to start while it is the current network (`on(host, fn)`, setNetRuntime): a dgram
// socket keeps the network of its creation, a net.Socket that of connect(), a net.Server that of listen(); dns
// functions use the current one.
// Layer: test support.

import { EventLoop, setLoop } from "../../../kernel/event_loop.ts";
import { setPlatform } from "../../../kernel/platform.ts";
import { NetRuntime } from "../../../libos/net/runtime.ts";
import type { InterfaceConfig } from "../../../libos/net/stack/interface.ts";
import { setNetRuntime } from "../../../libos/net/system.ts";
import { parseIpv4 } from "../../../libos/net/wire/index.ts";
import { MemoryLink, type LinkFaults } from "../../sim/net_link.ts";
import { SimPlatform } from "../../sim/platform.ts";
import { mulberry32 } from "../../sim/prng.ts";

/** Thrown by the platform's halt(): the loop has nothing to run until the next deadline. */
const SLEEP = Symbol("the loop would sleep");

/** A SimPlatform whose halt() gives control back to the test instead of sleeping. */
class SteppedPlatform extends SimPlatform {
  override halt(): void {
    throw SLEEP;
  }
}

/** Static IPv4 settings from dotted strings. */
export function staticNet(address: string, prefixLength = 24, gateway = "0.0.0.0", dns: string[] = []): InterfaceConfig {
  return { address: parseIpv4(address), prefixLength, gateway: parseIpv4(gateway), dns: dns.map(parseIpv4) };
}

export interface HostsOptions {
  /** Host A's addressing; null: DHCP (default 10.0.0.1/24). */
  a?: InterfaceConfig | null;
  /** Host B's addressing; null: DHCP (default 10.0.0.2/24). */
  b?: InterfaceConfig | null;
  faults?: LinkFaults;
  seed?: number;
}

export class TwoHosts {
  readonly sim = new SteppedPlatform();
  readonly loop = new EventLoop(this.sim);
  readonly link: MemoryLink;
  readonly a: NetRuntime;
  readonly b: NetRuntime;

  constructor(options: HostsOptions = {}) {
    setPlatform(this.sim);
    setLoop(this.loop);
    this.link = new MemoryLink(options.faults ?? {}, options.seed ?? 1);
    const random = mulberry32(options.seed ?? 1);
    const host = (device: MemoryLink["a"], cfg: InterfaceConfig | null) => new NetRuntime({
      device, staticConfig: cfg, now: () => this.sim.now(), random32: () => random() >>> 0, loop: this.loop,
    });
    this.a = host(this.link.a, options.a === undefined ? staticNet("10.0.0.1") : options.a);
    this.b = host(this.link.b, options.b === undefined ? staticNet("10.0.0.2") : options.b);
  }

  /** Runs `fn` with `host` as the current network (node:dgram, dns and net use it), then restores none. */
  on<T>(host: NetRuntime, fn: () => T): T {
    setNetRuntime(host);
    try {
      return fn();
    } finally {
      setNetRuntime(undefined);
    }
  }

  /** Virtual time, ms. */
  get now(): number {
    return this.sim.time;
  }

  /** Runs the simulated loop until it would sleep (or has nothing left). */
  private runLoop(): void {
    try {
      this.loop.run();
    } catch (e) {
      if (e !== SLEEP) throw e;
    }
  }

  /**
   * Lets both hosts run until `done()` holds: Node's queues, the link, the simulated loop, and — once nothing moves
   * for a few rounds — the virtual clock jumps to the next deadline. Gives up after `maxMs` of virtual time (or
   * when nothing could ever happen again) and returns whether `done()` held.
   */
  async settle(done: () => boolean = () => false, maxMs = 60_000): Promise<boolean> {
    const end = this.sim.time + maxMs;
    let quiet = 0;
    for (let round = 0; round < 200_000; round++) {
      await new Promise<void>((resolve) => setImmediate(resolve));   // Node's: ticks and promise jobs run first
      const moved = this.link.pump();
      this.runLoop();
      if (done()) return true;
      if (moved > 0) { quiet = 0; continue; }
      if (++quiet < 3) continue;
      quiet = 0;
      const next = this.sim.armedDeadline;
      if (next === null || next > end) return done();
      this.sim.advance(Math.max(0, next - this.sim.time));
    }
    return done();
  }

  /** Runs for `ms` of virtual time (everything due in it happens), then returns. */
  async wait(ms: number): Promise<void> {
    const until = this.sim.time + ms;
    await this.settle(() => this.sim.time >= until, ms + 1);
    if (this.sim.time < until) this.sim.advance(until - this.sim.time);
    await this.settle(() => false, 0);
  }

  /** Ends the test's machine: the default network and loop again. */
  close(): void {
    setNetRuntime(undefined);
    setLoop(undefined);
  }
}

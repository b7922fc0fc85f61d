// test/sim/virtio/transport.ts — SimVirtioTransport: a simulated virtio device behind the VirtioTransport
// interface (drivers/virtio/transport.ts), over a SimPlatform. It keeps the device's side of the status handshake
// (FEATURES_OK is refused for features it did not offer), the queues the driver registers (read and written in
// the platform's DMA memory through split_ring.ts), notifications, the interrupt status, and the config space.
// Completions raise the device's interrupt (a level-triggered I/O APIC line, or MSI) on the SimPlatform, so the
// event loop's poll phase runs the driver's handler. Work is done synchronously in notify(), or `latencyMs` of
// virtual time later (the interrupt is scheduled then, and the device catches up when the driver reads the
// interrupt status). Driver mistakes are recorded in `violations` and set NEEDS_RESET.
// Device classes (blk.ts, net.ts, rng.ts) extend it and implement processQueue.
// Layer: test support. Depends on kernel (interrupts, types), drivers/virtio/transport.ts (constants, types),
// test/sim/platform.ts and split_ring.ts.

import { onGsi, onMsi } from "../../../kernel/interrupts.ts";
import {
  F_VERSION_1, STATUS_DRIVER_OK, STATUS_FEATURES_OK, STATUS_NEEDS_RESET, type QueueAddresses, type VirtioTransport,
} from "../../../drivers/virtio/transport.ts";
import type { SimPlatform } from "../platform.ts";
import { DeviceQueue, DriverProtocolError, VIRTQ_AVAIL_F_NO_INTERRUPT, type GuestMemory } from "./split_ring.ts";

export interface SimVirtioOptions {
  /** Used in error messages (default "sim <deviceId>"). */
  name?: string;
  deviceId: number;
  /** Device-specific feature bits offered (VERSION_1 is added unless `version1` is false). */
  features?: bigint;
  /** Offer VIRTIO_F_VERSION_1 (default true); false models a legacy-only device. */
  version1?: boolean;
  /** Largest size of each queue (index → max; 0 or missing: no such queue). */
  queueSizes?: number[];
  /** Bytes of device-specific configuration space (default 64). */
  configSize?: number;
  /** Interrupt: a level-triggered I/O APIC input (default GSI 5), or "msi". */
  interrupt?: { gsi: number } | "msi";
  /** Virtual ms between a notification and the device's completions (default 0: done inside notify()). */
  latencyMs?: number;
  /** Decides whether FEATURES_OK is accepted (default: the driver asked only for offered bits). */
  acceptFeatures?: (driverFeatures: bigint, offered: bigint) => boolean;
  /** Memory the device reaches (default: the platform's DMA memory). */
  memory?: GuestMemory;
}

export class SimVirtioTransport implements VirtioTransport {
  readonly name: string;
  readonly deviceId: number;
  readonly config: DataView;
  /** Every value the driver wrote to the status register, in order (0 for each reset). */
  readonly statusLog: number[] = [];
  /** Queue indices of notifications, in order. */
  readonly notifyLog: number[] = [];
  /** Driver mistakes the device noticed, as sentences. */
  readonly violations: string[] = [];
  /** The features the driver wrote last. */
  driverFeatures = 0n;
  /** The interrupt vector the driver subscribed to (null: none yet). */
  vector: number | null = null;
  /** The most chains that were waiting on one queue when the device started on them (requests in flight). */
  maxPending = 0;

  protected readonly sim: SimPlatform;
  private readonly opts: SimVirtioOptions;
  private readonly memory: GuestMemory;
  private queues: (DeviceQueue | undefined)[] = [];
  private statusValue = 0;
  private isr = 0;
  private due: { at: number; queue: number }[] = [];
  private quiet = false;

  constructor(sim: SimPlatform, options: SimVirtioOptions) {
    this.sim = sim;
    this.opts = options;
    this.deviceId = options.deviceId;
    this.name = options.name ?? `sim ${options.deviceId}`;
    this.config = new DataView(new ArrayBuffer(options.configSize ?? 64));
    this.memory = options.memory ?? { view: (a, n) => sim.dmaView(a, n) };
  }

  // ---- the test's controls ----

  /** Queue `index` as the device sees it; throws if the driver has not set it up. */
  queue(index: number): DeviceQueue {
    const q = this.queues[index];
    if (!q) throw new Error(`${this.name}: queue ${index} is not set up`);
    return q;
  }

  hasQueue(index: number): boolean {
    return this.queues[index] !== undefined;
  }

  /** Notifications of queue `index` so far. */
  notifications(index: number): number {
    return this.notifyLog.filter((i) => i === index).length;
  }

  /** The status register as the device holds it. */
  get status(): number {
    return this.statusValue;
  }

  /** All offered feature bits (VERSION_1 included when offered). */
  get offered(): bigint {
    return (this.opts.features ?? 0n) | (this.opts.version1 === false ? 0n : 1n << BigInt(F_VERSION_1));
  }

  /** Used buffers are ready: sets the queue cause and raises the interrupt (unless the driver suppressed it). */
  interrupt(q?: DeviceQueue): void {
    this.isr |= 1;
    if (q && q.availFlags & VIRTQ_AVAIL_F_NO_INTERRUPT) return;
    this.raise();
  }

  /** The configuration changed: sets the config cause and raises the interrupt. */
  configChanged(): void {
    this.isr |= 2;
    this.raise();
  }

  /** Runs the device's work on queue `index` now, as if it had been notified (a peer's traffic, a release). */
  runQueue(index: number): void {
    const q = this.queues[index];
    if (!q || !(this.statusValue & STATUS_DRIVER_OK)) return;
    this.maxPending = Math.max(this.maxPending, q.pending);
    try {
      this.processQueue(q);
    } catch (e) {
      if (!(e instanceof DriverProtocolError)) throw e;
      this.protocolError(e.message);
    }
  }

  /** Records a driver mistake and asks for a reset (NEEDS_RESET and a config interrupt), as a device would. */
  protocolError(why: string): void {
    this.violations.push(why);
    this.statusValue |= STATUS_NEEDS_RESET;
    this.configChanged();
  }

  // ---- what device classes implement ----

  /** The driver notified queue `q` (or runQueue ran): take and complete what the device can. */
  protected processQueue(_q: DeviceQueue): void {}

  /** The driver reset the device: forget requests and state tied to the queues. */
  protected onReset(): void {}

  // ---- VirtioTransport ----

  getStatus(): number {
    return this.statusValue;
  }

  setStatus(status: number): void {
    const s = status & 0xff;
    this.statusLog.push(s);
    if (s === 0) return this.doReset();
    const old = this.statusValue;
    if (old & ~s & 0x0f) this.violations.push(`the driver cleared status bits (0x${old.toString(16)} → 0x${s.toString(16)})`);
    let next = s | (old & STATUS_NEEDS_RESET);
    if ((s & STATUS_FEATURES_OK) && !(old & STATUS_FEATURES_OK)) {
      const offered = this.offered;
      const accept = this.opts.acceptFeatures ?? ((f, o) => (f & ~o) === 0n);
      if (!accept(this.driverFeatures, offered)) next &= ~STATUS_FEATURES_OK;
    }
    if ((s & STATUS_DRIVER_OK) && !(next & STATUS_FEATURES_OK)) {
      this.violations.push("the driver set DRIVER_OK without FEATURES_OK");
    }
    this.statusValue = next;
  }

  reset(): void {
    this.setStatus(0);
  }

  deviceFeatures(): bigint {
    return this.offered;
  }

  setDriverFeatures(features: bigint): void {
    if (this.statusValue & STATUS_FEATURES_OK) this.violations.push("the driver wrote features after FEATURES_OK");
    this.driverFeatures = features;
  }

  queueMaxSize(index: number): number {
    return this.opts.queueSizes?.[index] ?? 0;
  }

  setupQueue(index: number, size: number, a: QueueAddresses): void {
    const max = this.queueMaxSize(index);
    const s = this.statusValue;
    if (!(s & STATUS_FEATURES_OK) || (s & STATUS_DRIVER_OK)) {
      this.violations.push(`queue ${index} was set up with status 0x${s.toString(16)} (FEATURES_OK and not DRIVER_OK expected)`);
    }
    if (max === 0 || size > max || size < 1 || (size & (size - 1)) !== 0) {
      this.violations.push(`queue ${index} was given size ${size} (a power of two up to ${max} expected)`);
      return;
    }
    if (a.desc % 16 || a.driver % 2 || a.device % 4) {
      this.violations.push(`queue ${index} is misaligned (desc 0x${a.desc.toString(16)}, driver ` +
        `0x${a.driver.toString(16)}, device 0x${a.device.toString(16)})`);
    }
    this.queues[index] = new DeviceQueue(this.memory, index, size, { ...a });
  }

  notify(index: number): void {
    this.notifyLog.push(index);
    if (!(this.statusValue & STATUS_DRIVER_OK)) {
      this.violations.push(`queue ${index} was notified before DRIVER_OK`);
      return;
    }
    if (!this.queues[index]) {
      this.violations.push(`queue ${index} was notified but is not set up`);
      return;
    }
    const latency = this.opts.latencyMs ?? 0;
    if (latency > 0 && this.vector !== null) {
      const at = this.sim.time + latency;
      this.due.push({ at, queue: index });
      this.sim.scheduleInterrupt(at, this.vector);
    } else {
      this.runQueue(index);
    }
  }

  ackInterrupt(): number {
    this.catchUp();
    const v = this.isr;
    this.isr = 0;
    return v;
  }

  subscribeInterrupt(handler: () => void): number {
    const how = this.opts.interrupt ?? { gsi: 5 };
    this.vector = how === "msi" ? onMsi(handler).vector : onGsi(how.gsi, handler, { level: true }).vector;
    return this.vector;
  }

  // ---- internals ----

  private raise(): void {
    if (this.vector !== null && !this.quiet) this.sim.raiseInterrupt(this.vector);
  }

  /** Latency mode: does the work that came due; the interrupt for it is the one being acknowledged. */
  private catchUp(): void {
    const now = this.sim.time;
    const ready = this.due.filter((d) => d.at <= now);
    if (ready.length === 0) return;
    this.due = this.due.filter((d) => d.at > now);
    this.quiet = true;
    try {
      for (const q of new Set(ready.map((d) => d.queue))) this.runQueue(q);
    } finally {
      this.quiet = false;
    }
  }

  private doReset(): void {
    this.statusValue = 0;
    this.driverFeatures = 0n;
    this.queues = [];
    this.isr = 0;
    this.due = [];
    this.onReset();
  }
}

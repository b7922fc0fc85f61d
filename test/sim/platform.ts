// test/sim/platform.ts — SimPlatform: the simulated twin of the native `hal` (kernel/platform.ts), so the kernel,
// drivers and libos run in Node (vitest) and in the QuickJS-wasm runner without QEMU.
//
// The machine it simulates:
// - Time is virtual (ms, fractional) and moves only when the code halts, or when a test calls advance(). halt()
//   sleeps to the next event (the armed one-shot timer, or an interrupt a test scheduled) and delivers it; with
//   nothing that could ever wake the machine it throws instead of hanging. now/monotonicNs/tsc/wallClock/
//   rtcSeconds are all views of the same virtual clock.
// - Interrupts follow the native rules: a raised vector is delivered (recorded for takeInterrupts) only inside
//   halt() or pollInterrupts(); level-triggered lines are masked after delivery until irqAck; a raise on a masked
//   line is held until it is unmasked. Vectors are handed out as the native allocator does (0x30..0xEF); the timer
//   is 0xF0, the spurious vector 0xFF (counted, never delivered).
// - Ports are a map with optional per-port handlers; reads of a port nobody wrote return all ones (floating bus).
// - DMA memory is ordinary ArrayBuffers with unique, page-aligned fake physical addresses inside simulated RAM;
//   physical() refuses RAM like the real one and serves only regions a test registered (test/sim/mmio.ts).
// - exit() throws SimExit carrying the code, so a run ends synchronously; after it every call throws SimExit again
//   (the machine is gone).
// The interrupt controller (interrupts.ts), ports (ports.ts), DMA allocator (dma.ts) and device memory (mmio.ts)
// are beside it.
// Layer: test support. Depends on kernel/platform.ts (types) and the sim helpers beside it.

import type { DmaRegion, InterruptStats, MsiTarget, Platform, PlatformMemoryUsage } from "../../kernel/platform.ts";
import { SimDma } from "./dma.ts";
import { SIM_SPURIOUS_VECTOR, SIM_TIMER_VECTOR, SimInterrupts } from "./interrupts.ts";
import { MmioRegion, type MmioSpec } from "./mmio.ts";
import { SimPorts, type PortAccess, type PortHandler } from "./ports.ts";
import { SeededRandom } from "./prng.ts";

export { SIM_SPURIOUS_VECTOR, SIM_TIMER_VECTOR, type PortHandler };

/** Largest app exit code the exit device carries (boot/native/kernel.h EXIT_APP_MAX). */
const EXIT_APP_MAX = 125;

/** Thrown by SimPlatform.exit(): the machine stopped with `code`. */
export class SimExit extends Error {
  constructor(readonly code: number) {
    super(`the simulated machine exited with code ${code}`);
    this.name = "SimExit";
  }
}

/** One call of halt(): when it began, what deadline was armed then (null: none), when it woke and why. */
export interface HaltRecord {
  at: number;
  armed: number | null;
  wokeAt: number;
  /** Vectors pending when it returned, ascending. */
  vectors: number[];
}

export interface SimOptions {
  /** Seed of the entropy source (default 1). */
  seed?: number;
  /** hal.config() text (default: a minimal ImageConfig for an app named "sim"). */
  config?: string;
  /** hal.cmdline(): the kernel command line (default ""). */
  cmdline?: string;
  /** hal.lineMap() text (default "": no line map). */
  lineMap?: string;
  /** hal.runJobs(): the engine's job queue (default: none, returns 0). */
  runJobs?: () => number;
  /** hal.takeRejections() (default: always []). */
  takeRejections?: () => unknown[];
  /** hal.memoryUsage() (default: fixed figures plus DMA pages in rss). */
  memoryUsage?: () => PlatformMemoryUsage;
  /** Virtual time at boot, ms (default 0). */
  startMs?: number;
  /** Wall clock at virtual time 0, ms since the epoch (default 2024-01-01T00:00:00Z). */
  epochMs?: number;
  /** TSC frequency, Hz (default 2.5 GHz). */
  tscHz?: number;
  /** Simulated RAM, bytes: DMA comes from it and physical() refuses it (default 128 MiB). */
  totalMemory?: number;
  /** False: the CPU has no RDRAND/RDSEED and entropy() fills nothing (default true). */
  entropy?: boolean;
  /** I/O APIC inputs (GSIs 0..n-1 are routable; default 24). */
  ioapicInputs?: number;
  /**
   * Virtual ms each clock read (now, monotonicNs, tsc, wallClock) moves the clock forward after answering
   * (default 0: the clock moves only in halt() and advance()). A small step models code taking time, so a
   * busy-wait on performance.now() ends; the QuickJS runner uses it for whole apps.
   */
  clockReadStepMs?: number;
  /** halt() calls after which the sim throws, to stop code that would run forever (default 1,000,000). */
  maxHalts?: number;
}

/**
 * The simulated machine. Every `Platform` method is the guest's view; the other public members are the test's.
 *
 * ```ts
 * const sim = new SimPlatform();
 * setPlatform(sim);
 * setLoop(new EventLoop(sim));
 * setTimeout(() => console.log(sim.time), 100);
 * loop().run();            // halts once, with the timer armed at 100; prints 100
 * sim.halts[0].armed;      // 100
 * ```
 */
export class SimPlatform implements Platform {
  /** Everything written to the console. */
  output = "";
  /** The exit code once exit() was called. */
  exitCode: number | undefined;
  /** Every halt() call, in order. */
  readonly halts: HaltRecord[] = [];
  /** Deadlines passed to timerArm, in order. */
  readonly timerArms: number[] = [];
  /** How many times pollInterrupts() was called. */
  pollCount = 0;

  private clock: number;
  private readonly epochMs: number;
  private readonly hz: number;
  private readonly totalMemory: number;
  private readonly maxHalts: number;
  private readonly random: SeededRandom;
  private readonly opts: SimOptions;

  private deadline: number | null = null;
  private readonly irq: SimInterrupts;

  private readonly ports = new SimPorts();

  private readonly dma: SimDma;
  private readonly regions: MmioRegion[] = [];

  constructor(options: SimOptions = {}) {
    this.opts = options;
    this.clock = options.startMs ?? 0;
    this.epochMs = options.epochMs ?? Date.UTC(2024, 0, 1);
    this.hz = options.tscHz ?? 2_500_000_000;
    this.totalMemory = options.totalMemory ?? 128 * 1024 * 1024;
    this.maxHalts = options.maxHalts ?? 1_000_000;
    this.random = new SeededRandom(options.seed ?? 1);
    this.irq = new SimInterrupts(options.ioapicInputs ?? 24);
    // DMA pages come from the upper half of RAM, as if the kernel's image and heap sat below.
    this.dma = new SimDma(this.totalMemory / 2, this.totalMemory);
  }

  // ---- the test's controls ----

  /** The virtual clock, ms (what now() returns). */
  get time(): number {
    return this.clock;
  }

  /** Vectors passed to irqAck, in order. */
  get acks(): readonly number[] {
    return this.irq.acks;
  }

  /** irqMask calls, in order. */
  get maskCalls(): readonly { vector: number; masked: boolean }[] {
    return this.irq.maskCalls;
  }

  /** The armed one-shot timer's deadline, or null. */
  get armedDeadline(): number | null {
    return this.deadline;
  }

  /**
   * Moves the virtual clock forward by `ms` (as if the code had been busy that long). Timer and scheduled
   * interrupts that come due are raised; they are delivered at the next halt() or pollInterrupts().
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance() takes a duration ≥ 0 ms, got ${ms}`);
    this.advanceTo(this.clock + ms);
  }

  /** A device raises `vector` now (delivered at the next halt() or pollInterrupts()). */
  raiseInterrupt(vector: number): void {
    this.irq.raise(vector);
  }

  /** A device will raise `vector` at virtual time `atMs` (halt() wakes for it). */
  scheduleInterrupt(atMs: number, vector: number): void {
    this.irq.schedule(atMs, vector, this.clock);
  }

  /** Installs (or with `undefined`, removes) the device behind an I/O port. */
  onPort(port: number, handler: PortHandler | undefined): void {
    this.ports.on(port, handler);
  }

  /** Sets the value a handler-less port reads as. */
  setPort(port: number, value: number): void {
    this.ports.set(port, value);
  }

  /** The last value written to a handler-less port (undefined: never written). */
  portValue(port: number): number | undefined {
    return this.ports.get(port);
  }

  /** Port accesses, in order. */
  get portLog(): readonly PortAccess[] {
    return this.ports.log;
  }

  /** Registers simulated device memory at a physical address (outside RAM); returns the region. */
  mapDevice(address: number, spec: MmioSpec): MmioRegion {
    const length = "buffer" in spec ? spec.buffer.byteLength : spec.length;
    if (address < this.totalMemory) {
      throw new RangeError(`device memory at 0x${address.toString(16)} would overlap simulated RAM ` +
        `(0..0x${this.totalMemory.toString(16)})`);
    }
    if (this.regions.some((r) => r.overlaps(address, length))) {
      throw new RangeError(`device memory at 0x${address.toString(16)} overlaps a region already registered`);
    }
    const region = new MmioRegion(address, spec);
    this.regions.push(region);
    return region;
  }

  /** Reports guest writes to hooked MMIO devices and lets them refresh (also done at every platform call). */
  sync(): void {
    for (const r of this.regions) r.sync();
  }

  /** A view of live DMA memory at a physical address (what a simulated device reads and writes). */
  dmaView(address: number, length: number): Uint8Array {
    return this.dma.view(address, length);
  }

  /** Vectors handed out so far (by irqRoute and msiAllocate). */
  allocatedVectors(): number[] {
    return this.irq.allocated();
  }

  // ---- Platform: console, process, engine ----

  write(text: string): void {
    this.enter();
    this.output += String(text);
  }

  exit(code: number): never {
    this.enter();
    let c = (Number(code) | 0) & 0xff;
    if (c > EXIT_APP_MAX) {
      this.output += `[unijs] exit code ${c} does not fit the exit device; exiting with ${EXIT_APP_MAX}\n`;
      c = EXIT_APP_MAX;
    }
    this.exitCode = c;
    throw new SimExit(c);
  }

  runJobs(): number {
    this.enter();
    return this.opts.runJobs ? this.opts.runJobs() : 0;
  }

  takeRejections(): unknown[] {
    this.enter();
    return this.opts.takeRejections ? this.opts.takeRejections() : [];
  }

  config(): string {
    this.enter();
    return this.opts.config ??
      JSON.stringify({ argv: ["/unijs", "/app/sim"], env: {}, name: "sim", bundle: "sim.bundle.js" });
  }

  cmdline(): string {
    this.enter();
    return this.opts.cmdline ?? "";
  }

  lineMap(): string {
    this.enter();
    return this.opts.lineMap ?? "";
  }

  memoryUsage(): PlatformMemoryUsage {
    this.enter();
    if (this.opts.memoryUsage) return this.opts.memoryUsage();
    const mib = 1024 * 1024;
    return {
      heapUsed: 2 * mib, heapLimit: Math.max(0, this.totalMemory - 16 * mib), objects: 1000,
      rss: 8 * mib + this.dma.bytesInUse, totalMemory: this.totalMemory,
    };
  }

  // ---- Platform: time ----

  now(): number {
    return this.readClock();
  }

  wallClock(): number {
    return this.epochMs + this.readClock();
  }

  monotonicNs(): number {
    return Math.round(this.readClock() * 1e6);
  }

  tsc(): number {
    return Math.round((this.readClock() * this.hz) / 1000);
  }

  tscHz(): number {
    this.enter();
    return this.hz;
  }

  rtcSeconds(): number {
    this.enter();
    return Math.floor((this.epochMs + this.clock) / 1000);
  }

  timerArm(deadlineMs: number): void {
    this.enter();
    const d = Number(deadlineMs);
    this.timerArms.push(d);
    // Like the native one: a deadline not in the future (or NaN) fires at once.
    if (d > this.clock) this.deadline = d;
    else {
      this.deadline = null;
      this.irq.raise(SIM_TIMER_VECTOR);
    }
  }

  timerCancel(): void {
    this.enter();
    this.deadline = null;
  }

  // ---- Platform: interrupts ----

  halt(): void {
    this.enter();
    const record: HaltRecord = { at: this.clock, armed: this.deadline, wokeAt: this.clock, vectors: [] };
    this.halts.push(record);
    if (this.halts.length > this.maxHalts) {
      throw new Error(`halt() was called more than ${this.maxHalts} times: the code under test never stops ` +
        `(virtual time ${this.clock} ms)`);
    }
    this.irq.deliver();
    while (!this.irq.hasPending()) {
      const next = this.nextEvent();
      if (next === undefined) {
        throw new Error(`halt() with nothing that could wake the machine: no timer armed and no interrupt ` +
          `scheduled or raised on an unmasked line (virtual time ${this.clock} ms)`);
      }
      this.advanceTo(Math.max(next, this.clock));
      this.irq.deliver();
    }
    record.wokeAt = this.clock;
    record.vectors = this.irq.pendingVectors();
  }

  pollInterrupts(): void {
    this.enter();
    this.pollCount++;
    this.irq.deliver();
  }

  takeInterrupts(): number[] {
    this.enter();
    return this.irq.take();
  }

  irqRoute(gsi: number, levelTriggered: boolean, _activeLow: boolean): number {
    this.enter();
    return this.irq.route(gsi, levelTriggered);
  }

  irqAck(vector: number): void {
    this.enter();
    this.irq.ack(vector);
  }

  irqMask(vector: number, masked: boolean): void {
    this.enter();
    this.irq.mask(vector, masked);
  }

  msiAllocate(): MsiTarget {
    this.enter();
    return this.irq.allocateMsi();
  }

  interruptStats(): InterruptStats {
    this.enter();
    return this.irq.stats();
  }

  // ---- Platform: ports ----

  inb(port: number): number { return this.portIn(port, 1); }
  inw(port: number): number { return this.portIn(port, 2); }
  inl(port: number): number { return this.portIn(port, 4); }
  outb(port: number, value: number): void { this.portOut(port, value, 1); }
  outw(port: number, value: number): void { this.portOut(port, value, 2); }
  outl(port: number, value: number): void { this.portOut(port, value, 4); }

  // ---- Platform: memory and entropy ----

  dmaAlloc(size: number): DmaRegion {
    this.enter();
    return this.dma.alloc(size);
  }

  dmaFree(buffer: ArrayBuffer): void {
    this.enter();
    this.dma.free(buffer);
  }

  physical(address: number, length: number): ArrayBuffer {
    this.enter();
    const a = Number(address), n = Number(length);
    const where = `0x${Math.floor(a).toString(16)}+${n}`;
    if (!(n >= 1 && n <= 2 ** 30) || a < 0 || a + n > 2 ** 48) {
      throw new RangeError(`physical range ${where} is not valid`);
    }
    if (a < this.totalMemory) throw new RangeError(`physical range ${where} overlaps RAM; use hal.dmaAlloc for memory`);
    const region = this.regions.find((r) => r.contains(a, n));
    if (!region) throw new RangeError(`physical range ${where} has no simulated device (register one with mapDevice)`);
    if (region.address !== a) {
      // An ArrayBuffer cannot alias part of another one: map from the region's base.
      throw new RangeError(`physical range ${where} starts inside the simulated device at ` +
        `0x${region.address.toString(16)}; the simulation maps a device from its base address only`);
    }
    return region.buffer;
  }

  entropy(into: Uint8Array): number {
    this.enter();
    if (this.opts.entropy === false) return 0;
    this.random.fill(into);
    return into.length;
  }

  /** The native checksum primitive, written the simplest way (byte pairs) so the stack's fast paths are checked
   *  against it; a range outside the array throws a RangeError as the native one does. */
  onesSum(bytes: Uint8Array, start: number, end: number): number {
    if (!(start >= 0 && start <= end && end <= bytes.length)) throw new RangeError("onesSum: range outside the array");
    let sum = 0;
    let i = start;
    for (; i < end - 1; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
    if (i < end) sum += bytes[i] << 8;
    while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
    return sum;
  }

  // ---- internals ----

  /** Every guest call starts here: a stopped machine stays stopped, and MMIO devices see the guest's writes. */
  private enter(): void {
    if (this.exitCode !== undefined) throw new SimExit(this.exitCode);
    if (this.regions.length) this.sync();
  }

  /** A guest clock read: the current virtual time, then the optional per-read step. */
  private readClock(): number {
    this.enter();
    const t = this.clock;
    const step = this.opts.clockReadStepMs ?? 0;
    if (step > 0) this.advanceTo(t + step);
    return t;
  }

  /** The earliest future event (timer deadline or scheduled interrupt), or undefined. */
  private nextEvent(): number | undefined {
    const s = this.irq.nextScheduled();
    if (this.deadline === null) return s;
    return s === undefined ? this.deadline : Math.min(s, this.deadline);
  }

  private advanceTo(t: number): void {
    this.irq.raiseDue(t);
    if (this.deadline !== null && this.deadline <= t) {
      this.deadline = null;
      this.irq.raise(SIM_TIMER_VECTOR);
    }
    this.clock = Math.max(this.clock, t);
  }

  private portIn(port: number, size: 1 | 2 | 4): number {
    this.enter();
    return this.ports.read(port, size);
  }

  private portOut(port: number, value: number, size: 1 | 2 | 4): void {
    this.enter();
    this.ports.write(port, value, size);
  }
}

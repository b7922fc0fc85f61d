// test/sim/interrupts.ts — the simulated interrupt controller behind SimPlatform: vector allocation (I/O APIC
// routes and MSI), raised vs delivered interrupts, masking, level-triggered auto-masking, device interrupts
// scheduled at virtual times, and the counters of hal.interruptStats(). The rules are the native ones
// (boot/native/apic.c): a raised vector becomes pending (visible to takeInterrupts) only when the CPU takes
// interrupts — inside halt() or pollInterrupts() —; a level-triggered line is masked when delivered until irqAck;
// the spurious vector is counted, never delivered; a vector nobody allocated is delivered and counted unexpected.
// A raise on a masked line is held until the line is unmasked (as a level-triggered device keeps its line
// asserted); the sim does not model edge interrupts lost while masked.
// Layer: test support. Depends on kernel/platform.ts (types).

import type { InterruptStats, MsiTarget } from "../../kernel/platform.ts";

/** The LAPIC timer's vector (boot/native/apic.h). */
export const SIM_TIMER_VECTOR = 0xf0;
/** The LAPIC spurious vector: counted in interruptStats, never delivered. */
export const SIM_SPURIOUS_VECTOR = 0xff;
const FIRST_DEVICE_VECTOR = 0x30;
const LAST_DEVICE_VECTOR = 0xef;
const LAPIC_MSI_ADDRESS = 0xfee00000;

type VectorKind = "edge" | "level" | "msi";

export class SimInterrupts {
  /** Vectors passed to irqAck, in order. */
  readonly acks: number[] = [];
  /** irqMask calls, in order. */
  readonly maskCalls: { vector: number; masked: boolean }[] = [];

  private scheduled: { at: number; vector: number; seq: number }[] = [];
  private seq = 0;
  private readonly raised = new Set<number>();
  private readonly pending = new Set<number>();
  private readonly kinds = new Map<number, { kind: VectorKind; gsi: number }>();
  private readonly masked = new Set<number>();
  private readonly counts: InterruptStats = { spurious: 0, unexpected: 0, total: 0 };

  constructor(private readonly ioapicInputs: number) {
    this.kinds.set(SIM_TIMER_VECTOR, { kind: "edge", gsi: -1 });
  }

  /** A device (or the timer) raises `vector` now. */
  raise(vector: number): void {
    checkVector(vector);
    if (vector === SIM_SPURIOUS_VECTOR) this.counts.spurious++;
    else this.raised.add(vector);
  }

  /** `vector` will be raised at virtual time `atMs` (not before `nowMs`). */
  schedule(atMs: number, vector: number, nowMs: number): void {
    checkVector(vector);
    if (!(atMs >= nowMs)) throw new RangeError(`cannot schedule an interrupt in the past (${atMs} < ${nowMs})`);
    this.scheduled.push({ at: atMs, vector, seq: this.seq++ });
    this.scheduled.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  /** The time of the earliest scheduled interrupt, or undefined. */
  nextScheduled(): number | undefined {
    return this.scheduled[0]?.at;
  }

  /** Raises every scheduled interrupt due at or before `t`. */
  raiseDue(t: number): void {
    while (this.scheduled.length && this.scheduled[0].at <= t) {
      this.raise((this.scheduled.shift() as { vector: number }).vector);
    }
  }

  /** The CPU takes interrupts: raised vectors on unmasked lines become pending, ascending. */
  deliver(): void {
    for (const v of [...this.raised].sort((a, b) => a - b)) {
      if (this.masked.has(v)) continue;
      this.raised.delete(v);
      this.pending.add(v);
      this.counts.total++;
      const kind = this.kinds.get(v);
      if (!kind) this.counts.unexpected++;
      else if (kind.kind === "level") this.masked.add(v);
    }
  }

  hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Pending vectors, ascending, without clearing them. */
  pendingVectors(): number[] {
    return [...this.pending].sort((a, b) => a - b);
  }

  /** Pending vectors, ascending; clears them (hal.takeInterrupts). */
  take(): number[] {
    const out = this.pendingVectors();
    this.pending.clear();
    return out;
  }

  /** hal.irqRoute: a fresh vector for a GSI, or the one it already has. */
  route(gsi: number, levelTriggered: boolean): number {
    const g = Number(gsi) | 0;
    for (const [v, k] of this.kinds) if (k.kind !== "msi" && k.gsi === g) return v;
    const v = g >= 0 && g < this.ioapicInputs ? this.allocate(levelTriggered ? "level" : "edge", g) : -1;
    if (v < 0) throw new RangeError(`cannot route GSI ${g}: no such I/O APIC input or no free vector`);
    return v;
  }

  /** hal.msiAllocate. */
  allocateMsi(): MsiTarget {
    const v = this.allocate("msi", -1);
    if (v < 0) throw new RangeError("no free interrupt vector for MSI");
    return { vector: v, address: LAPIC_MSI_ADDRESS, data: v };
  }

  /** hal.irqAck: re-enables a level-triggered line. */
  ack(vector: number): void {
    this.acks.push(vector);
    if (this.kinds.get(vector)?.kind === "level") this.masked.delete(vector);
  }

  /** hal.irqMask: only I/O APIC lines can be masked. */
  mask(vector: number, masked: boolean): void {
    this.maskCalls.push({ vector, masked });
    const kind = this.kinds.get(vector)?.kind;
    if (kind !== "edge" && kind !== "level") return;
    if (masked) this.masked.add(vector);
    else this.masked.delete(vector);
  }

  stats(): InterruptStats {
    return { ...this.counts };
  }

  /** Vectors handed out so far, ascending (the timer's excepted). */
  allocated(): number[] {
    return [...this.kinds.keys()].filter((v) => v !== SIM_TIMER_VECTOR).sort((a, b) => a - b);
  }

  private allocate(kind: VectorKind, gsi: number): number {
    for (let v = FIRST_DEVICE_VECTOR; v <= LAST_DEVICE_VECTOR; v++) {
      if (!this.kinds.has(v)) {
        this.kinds.set(v, { kind, gsi });
        return v;
      }
    }
    return -1;
  }
}

function checkVector(vector: number): void {
  if (!Number.isInteger(vector) || vector < 32 || vector > 255) {
    throw new RangeError(`interrupt vector ${vector} is outside 32..255`);
  }
}

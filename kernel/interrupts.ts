// kernel/interrupts.ts — how drivers get interrupts: route a legacy/IOAPIC line (GSI) or allocate an MSI vector,
// then subscribe a handler that the event loop runs in its poll phase. The native ISR only recorded and
// acknowledged the interrupt (and masked a level-triggered line until the handler ran).
// Layer: kernel. Depends on platform.ts and event_loop.ts.

import { loop } from "./event_loop.ts";
import { platform, type MsiTarget } from "./platform.ts";

export interface IrqLine {
  vector: number;
  /** Stops delivering to this handler (the line stays routed). */
  unsubscribe(): void;
}

/** Routes I/O APIC input `gsi` and runs `handler` for each interrupt. ISA lines are edge/active-high. */
export function onGsi(gsi: number, handler: () => void, opts: { level?: boolean; activeLow?: boolean } = {}): IrqLine {
  const vector = platform().irqRoute(gsi, opts.level ?? false, opts.activeLow ?? false);
  return { vector, unsubscribe: loop().onInterrupt(vector, handler) };
}

/** Allocates an MSI/MSI-X vector for a PCI device and runs `handler` for each interrupt on it. */
export function onMsi(handler: () => void): IrqLine & { target: MsiTarget } {
  const target = platform().msiAllocate();
  return { vector: target.vector, target, unsubscribe: loop().onInterrupt(target.vector, handler) };
}

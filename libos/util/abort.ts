// libos/util/abort.ts — util.aborted(signal, resource), util.transferableAbortSignal(signal) and
// util.transferableAbortController() as Node 20 has them, over the global AbortController/AbortSignal
// (libos/web/abort.ts, installed by libos/globals/abort.ts into every image whose code names AbortController,
// AbortSignal or either transferable function: boot/image/globals.ts), so images that use other parts of util carry
// no EventTarget or abort classes. aborted() resolves when the signal aborts (at once when it already has) as long as
// `resource` is still alive: the resource is held weakly, as Node holds it, so a collected resource leaves the
// promise pending. A unikernel has one realm and no workers: "transferable" changes nothing about how a signal
// behaves here (transferableAbortSignal returns Node's snapshot copy; see there).
// Layer: libos. Depends on errors.ts (and the globals above at call time).

import { invalidArgType, validateAbortSignal, validateObject } from "./errors.ts";

interface Signal { readonly aborted: boolean; readonly reason: unknown; addEventListener(type: string, fn: () => void, o?: object): void }
type Globals = { AbortController?: new () => { signal: Signal }; AbortSignal?: Function & { abort(reason?: unknown): Signal } };
const g = () => globalThis as unknown as Globals;

/** A promise that resolves once `signal` aborts, while `resource` (any non-null object) is alive. */
export async function aborted(signal: Signal, resource: object): Promise<void> {
  if (signal === undefined) throw invalidArgType("signal", "AbortSignal", signal);
  validateAbortSignal(signal, "signal");
  validateObject(resource, "resource", { allowArray: true, allowFunction: true });
  if (signal.aborted) return;
  const WR = (globalThis as { WeakRef?: new (o: object) => { deref(): object | undefined } }).WeakRef;
  const ref = WR ? new WR(resource) : { deref: () => resource };
  return new Promise<void>((resolve) => {
    signal.addEventListener("abort", () => { if (ref.deref() !== undefined) resolve(); }, { once: true });
  });
}

/**
 * A transferable copy of `signal`, as Node 20 makes one: a new AbortSignal with the original's state at the time of
 * the call (aborted and reason), which does not follow the original's later abort (nor does Node's copy).
 */
export function transferableAbortSignal(signal: Signal): Signal {
  const { AbortController: Controller, AbortSignal: SignalClass } = g();
  if (!Controller || !SignalClass || !(signal instanceof SignalClass)) throw invalidArgType("signal", "AbortSignal", signal);
  return signal.aborted ? SignalClass.abort(signal.reason) : new Controller().signal;
}

/** A new AbortController whose signal is transferable. */
export function transferableAbortController(): { signal: Signal } {
  const Controller = g().AbortController;
  if (!Controller) throw new ReferenceError("AbortController is not defined");   // (cannot happen: see the header)
  return new Controller();
}

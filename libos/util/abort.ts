// libos/util/abort.ts — util.aborted(signal, resource), util.transferableAbortSignal(signal) and
// util.transferableAbortController() as Node 20 has them, over unijs's AbortController/AbortSignal
// (libos/web/abort.ts). aborted() resolves when the signal aborts (at once when it already has) as long as
// `resource` is still alive: the resource is held weakly, as Node holds it, so a collected resource leaves the
// promise pending. A unikernel has one realm and no workers, so a "transferable" signal is the signal itself (Node
// returns the same object too, marked for structured cloning; there is nothing to clone it to here).
// Layer: libos. Depends on libos/web/abort.ts and errors.ts.

import { AbortController, isAbortSignal, type AbortSignal } from "../web/abort.ts";
import { invalidArgType, validateAbortSignal, validateObject } from "./errors.ts";

/** A promise that resolves once `signal` aborts, while `resource` (any non-null object) is alive. */
export async function aborted(signal: AbortSignal, resource: object): Promise<void> {
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

/** Marks `signal` transferable and returns it (see the file header). */
export function transferableAbortSignal(signal: AbortSignal): AbortSignal {
  if (!isAbortSignal(signal)) throw invalidArgType("signal", "AbortSignal", signal);
  return signal;
}

/** A new AbortController whose signal is transferable. */
export function transferableAbortController(): AbortController {
  return new AbortController();
}

// libos/util/abort.ts — util.aborted(signal, resource), util.transferableAbortSignal(signal) and
// util.transferableAbortController() as Node 20 has them, over unijs's AbortController/AbortSignal
// (libos/web/abort.ts). aborted() resolves when the signal aborts (at once when it already has) as long as
// `resource` is still alive: the resource is held weakly, as Node holds it, so a collected resource leaves the
// promise pending. A unikernel has one realm and no workers: "transferable" changes nothing about how a signal
// behaves here (transferableAbortSignal returns Node's snapshot copy; see there).
// Layer: libos. Depends on libos/web/abort.ts and errors.ts.

import { AbortController, abortedSignal, isAbortSignal, type AbortSignal } from "../web/abort.ts";
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

/**
 * A transferable copy of `signal`, as Node 20 makes one: a new AbortSignal with the original's state at the time of
 * the call (aborted and reason), which does not follow the original's later abort (nor does Node's copy).
 */
export function transferableAbortSignal(signal: AbortSignal): AbortSignal {
  if (!isAbortSignal(signal)) throw invalidArgType("signal", "AbortSignal", signal);
  return signal.aborted ? abortedSignal(signal.reason) : new AbortController().signal;
}

/** A new AbortController whose signal is transferable. */
export function transferableAbortController(): AbortController {
  return new AbortController();
}

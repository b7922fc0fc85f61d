// libos/web/abort.ts — Node 20's AbortController and AbortSignal: abort(reason) with the default reason a
// DOMException AbortError, a trusted 'abort' event and `onabort`, throwIfAborted, AbortSignal.abort/timeout/any
// (timeout's reason a DOMException TimeoutError; its timer is unref'd, so it never keeps the event loop alive;
// any() follows its sources, firing after them as Node 20 does), Node's errors and inspect output.
// Layer: libos (web). Depends on libos/web/{event,event_target,dom_exception}.ts, libos/util/errors.ts.
import { invalidArgType, validateInteger } from "../util/errors.ts";
import { illegalConstructor, inspectCustom, invalidThis, webidlClass } from "./_util.ts";
import { DOMException } from "./dom_exception.ts";
import { trustedEvent } from "./event.ts";
import { EventTarget } from "./event_target.ts";

interface SignalState {
  aborted: boolean;
  reason: unknown;
  /** Signals made by AbortSignal.any() over this one (held weakly where the engine can: a long-lived source must not
   *  keep every any() signal made over it alive). */
  dependants: Set<{ deref(): AbortSignal | undefined }> | null;
  onabort: { handler: unknown; listener: (e: unknown) => void } | null;
}

const signals = new WeakMap<object, SignalState>();
const kMake = Symbol("make");

function sst(self: unknown): SignalState {
  const s = signals.get(self as object);
  if (!s) throw invalidThis("AbortSignal");
  return s;
}

const abortReason = () => new DOMException("This operation was aborted", "AbortError");

/** Marks `signal` aborted with `reason`, fires its 'abort' event, then aborts the signals any() made over it. */
function abortSignal(signal: AbortSignal, reason: unknown): void {
  const s = sst(signal);
  if (s.aborted) return;
  s.aborted = true;
  s.reason = reason;
  signal.dispatchEvent(trustedEvent("abort"));
  const deps = s.dependants;
  s.dependants = null;
  if (deps) {
    for (const ref of deps) {
      const d = ref.deref();
      if (d) abortSignal(d, reason);
    }
  }
}

type SetTimeout = (fn: () => void, ms: number) => { unref?(): unknown };

export class AbortSignal extends EventTarget {
  constructor(token?: unknown) {
    if (token !== kMake) throw illegalConstructor();
    super();
    signals.set(this, { aborted: false, reason: undefined, dependants: null, onabort: null });
  }

  get aborted(): boolean { return sst(this).aborted; }
  get reason(): unknown { return sst(this).reason; }

  throwIfAborted(): void {
    const s = sst(this);
    if (s.aborted) throw s.reason;
  }

  get onabort(): unknown { return sst(this).onabort?.handler ?? null; }
  set onabort(handler: unknown) {
    const s = sst(this);
    const h = typeof handler === "function" || (handler !== null && typeof handler === "object") ? handler : null;
    if (h === null) {
      if (s.onabort) this.removeEventListener("abort", s.onabort.listener);
      s.onabort = null;
    } else if (s.onabort) {
      s.onabort.handler = h;                             // keeps its place among the listeners, as in Node
    } else {
      const slot = { handler: h as unknown, listener: (e: unknown) => {
        const fn = slot.handler;
        return typeof fn === "function" ? fn.call(this, e) : undefined;
      } };
      s.onabort = slot;
      this.addEventListener("abort", slot.listener);
    }
  }

  static abort(reason: unknown = abortReason()): AbortSignal {
    const signal = new AbortSignal(kMake);
    const s = sst(signal);
    s.aborted = true;
    s.reason = reason;
    return signal;
  }

  static timeout(delay: number): AbortSignal {
    validateInteger(delay, "delay", 0, 4294967295);
    const signal = new AbortSignal(kMake);
    const timer = (globalThis.setTimeout as unknown as SetTimeout)(() => {
      abortSignal(signal, new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    }, delay);
    timer.unref?.();
    return signal;
  }

  static any(signals: AbortSignal[]): AbortSignal {
    if (!Array.isArray(signals)) throw invalidArgType("signals", "Array", signals);
    signals.forEach((s, i) => {
      if (!isAbortSignal(s)) throw invalidArgType(`signals[${i}]`, "AbortSignal", s);
    });
    const out = new AbortSignal(kMake);
    for (const src of signals) {
      const s = sst(src);
      if (s.aborted) {
        const o = sst(out);
        o.aborted = true;
        o.reason = s.reason;
        return out;
      }
    }
    const ref = typeof WeakRef === "function" ? new WeakRef(out) : { deref: () => out };
    for (const src of signals) (sst(src).dependants ??= new Set()).add(ref);
    return out;
  }

  override [inspectCustom](depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    return `AbortSignal ${inspect({ aborted: this.aborted }, { ...options, depth: depth < 0 ? depth : depth - 1 })}`;
  }
}
webidlClass(AbortSignal, "AbortSignal");

/** Whether `x` is an AbortSignal of this module. */
export function isAbortSignal(x: unknown): x is AbortSignal {
  return signals.has(x as object);
}

export class AbortController {
  #signal = new AbortSignal(kMake);

  get signal(): AbortSignal { return this.#signal; }

  abort(reason: unknown = abortReason()): void {
    abortSignal(this.#signal, reason);
  }

  [inspectCustom](depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    return `AbortController ${inspect({ signal: this.#signal }, { ...options, depth: depth < 0 ? depth : depth - 1 })}`;
  }
}
webidlClass(AbortController, "AbortController");

/** A signal that is already aborted (for internal users). */
export function abortedSignal(reason: unknown): AbortSignal {
  return AbortSignal.abort(reason);
}

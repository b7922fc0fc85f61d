// libos/timers/promises.ts — `node:timers/promises`: setTimeout, setImmediate and the setInterval async
// iterator, with `signal` (AbortSignal) and `ref` options. Layer: libos.

import { clearImmediate, clearTimeout, setImmediate as setImmediateCb, setInterval as setIntervalCb,
  setTimeout as setTimeoutCb, type Immediate, type Timeout } from "./index.ts";

interface AbortSignalLike {
  aborted: boolean;
  reason?: unknown;
  addEventListener(type: "abort", fn: () => void, opts?: { once?: boolean }): void;
  removeEventListener(type: "abort", fn: () => void): void;
}

export interface TimerOptions {
  signal?: AbortSignalLike;
  ref?: boolean;
}

function abortError(signal: AbortSignalLike): Error {
  const err = new Error("The operation was aborted") as Error & { code: string; cause?: unknown };
  err.name = "AbortError";
  err.code = "ABORT_ERR";
  if (signal.reason !== undefined) err.cause = signal.reason;
  return err;
}

function schedule<T>(start: (resolve: () => void) => Timeout | Immediate, cancel: (h: Timeout | Immediate) => void,
                     value: T, options: TimerOptions = {}): Promise<T> {
  const { signal, ref = true } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      cancel(handle);
      reject(abortError(signal as AbortSignalLike));
    };
    const handle = start(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    });
    if (!ref) handle.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function setTimeout<T = void>(delay?: number, value?: T, options?: TimerOptions): Promise<T> {
  return schedule((done) => setTimeoutCb(done, delay), (h) => clearTimeout(h), value as T, options);
}

export function setImmediate<T = void>(value?: T, options?: TimerOptions): Promise<T> {
  return schedule((done) => setImmediateCb(done), (h) => clearImmediate(h), value as T, options);
}

/** An async iterator yielding `value` every `delay` ms until the loop breaks or the signal aborts. */
export async function* setInterval<T = void>(delay?: number, value?: T, options: TimerOptions = {}): AsyncGenerator<T> {
  const { signal, ref = true } = options;
  if (signal?.aborted) throw abortError(signal);
  let pending = 0;
  let wake: (() => void) | null = null;
  const timer = setIntervalCb(() => {
    pending++;
    if (wake) { wake(); wake = null; }
  }, delay);
  if (!ref) timer.unref();
  const onAbort = () => { if (wake) { wake(); wake = null; } };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      if (pending === 0) await new Promise<void>((r) => (wake = r));
      if (signal?.aborted) throw abortError(signal);
      pending--;
      yield value as T;
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

export const scheduler = {
  wait: (delay: number, options?: TimerOptions) => setTimeout(delay, undefined, options),
  yield: () => setImmediate(),
};

export default { setTimeout, setImmediate, setInterval, scheduler };

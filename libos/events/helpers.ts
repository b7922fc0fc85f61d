// libos/events/helpers.ts — node:events' functions beside the class: once (a promise, with `signal`), on (an async
// iterator with `signal`, `close` events and high/low watermarks that pause/resume the emitter), getEventListeners,
// getMaxListeners, setMaxListeners (for emitters and EventTargets), addAbortListener. They work on EventEmitters
// and on EventTargets (anything with addEventListener/removeEventListener), as Node's do.
// Layer: libos. Depends on ./emitter.ts and libos/util/errors.ts.

import { AbortError, invalidArgType, validateAbortSignal, validateFunction, validateInteger, validateNumber } from "../util/errors.ts";
import { getDefaultMaxListeners, kMaxEventTargetListeners, kMaxEventTargetListenersWarned, notAnEmitter, setDefaultMaxListeners } from "./emitter.ts";

type Listener = (...args: any[]) => unknown;
type Target = {
  on?: (n: string | symbol, l: Listener) => unknown;
  once?: (n: string | symbol, l: Listener) => unknown;
  removeListener?: (n: string | symbol, l: Listener) => unknown;
  addEventListener?: (n: string | symbol, l: Listener, o?: unknown) => unknown;
  removeEventListener?: (n: string | symbol, l: Listener, o?: unknown) => unknown;
  listeners?: (n: string | symbol) => Listener[];
  getMaxListeners?: () => number;
  setMaxListeners?: (n: number) => unknown;
  pause?: () => void;
  resume?: () => void;
  [kMaxEventTargetListeners]?: number;
  [kMaxEventTargetListenersWarned]?: boolean;
};
type Signal = { aborted: boolean; reason?: unknown; addEventListener(t: string, l: Listener, o?: unknown): void; removeEventListener(t: string, l: Listener): void };

/** Symbol.dispose where the engine has it, else the symbol Node 20 uses in its place. */
export const SymbolDispose: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for("nodejs.dispose");

function addAgnostic(emitter: Target, name: string | symbol, listener: Listener, once: boolean): void {
  if (typeof emitter.on === "function") {
    if (once) emitter.once!(name, listener);
    else emitter.on(name, listener);
  } else if (typeof emitter.addEventListener === "function") {
    emitter.addEventListener(name, listener, once ? { once: true } : undefined);
  } else {
    throw invalidArgType("emitter", "EventEmitter", emitter);
  }
}

function removeAgnostic(emitter: Target, name: string | symbol, listener: Listener): void {
  if (typeof emitter.removeListener === "function") emitter.removeListener(name, listener);
  else if (typeof emitter.removeEventListener === "function") emitter.removeEventListener(name, listener);
  else throw invalidArgType("emitter", "EventEmitter", emitter);
}

/** A promise for the arguments of the next `name` event (rejected by an 'error' event or by `signal`). */
export async function once(emitter: unknown, name: string | symbol, options: { signal?: unknown } = {}): Promise<unknown[]> {
  const signal = options?.signal as Signal | undefined;
  validateAbortSignal(signal, "options.signal");
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal?.reason });
  const e = emitter as Target;
  return new Promise((resolve, reject) => {
    const errorListener = (err: unknown) => {
      e.removeListener!(name, resolver);
      if (signal != null) signal.removeEventListener("abort", abortListener);
      reject(err);
    };
    const resolver = (...args: unknown[]) => {
      if (typeof e.removeListener === "function") e.removeListener("error", errorListener);
      if (signal != null) signal.removeEventListener("abort", abortListener);
      resolve(args);
    };
    addAgnostic(e, name, resolver, true);
    if (name !== "error" && typeof e.once === "function") e.once("error", errorListener);
    function abortListener() {
      removeAgnostic(e, name, resolver);
      removeAgnostic(e, "error", errorListener);
      reject(new AbortError(undefined, { cause: signal?.reason }));
    }
    if (signal != null) signal.addEventListener("abort", abortListener, { once: true });
  });
}

/** Runs `listener` once `signal` aborts (in a microtask when it already has); returns a disposable that detaches it. */
export function addAbortListener(signal: unknown, listener: unknown): { [k: symbol]: () => void } {
  if (signal === undefined) throw invalidArgType("signal", "AbortSignal", signal);
  validateAbortSignal(signal, "signal");
  validateFunction(listener, "listener");
  const s = signal as Signal;
  let remove: (() => void) | undefined;
  if (s.aborted) {
    queueMicrotask(() => listener());
  } else {
    s.addEventListener("abort", listener, { once: true });
    remove = () => s.removeEventListener("abort", listener);
  }
  return Object.assign(Object.create(null) as object, { [SymbolDispose]() { remove?.(); } });
}

/** A FIFO queue without Array#shift's copying. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number { return this.items.length - this.head; }
  push(v: T): void { this.items.push(v); }
  shift(): T {
    const v = this.items[this.head++];
    if (this.head > 64 && this.head * 2 > this.items.length) { this.items = this.items.slice(this.head); this.head = 0; }
    return v;
  }
}

const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () { /* */ }).prototype) as object;
/** The symbol under which on()'s iterator reports its queue (Node: Symbol.for('nodejs.watermarkData')). */
const kWatermarkData = Symbol.for("nodejs.watermarkData");

export interface OnOptions {
  signal?: unknown;
  close?: (string | symbol)[];
  highWaterMark?: number;
  highWatermark?: number;
  lowWaterMark?: number;
  lowWatermark?: number;
}

/** An async iterator over `event` events: each value is the event's argument array. */
export function on(emitter: unknown, event: string | symbol, options: OnOptions = {}): AsyncIterableIterator<unknown[]> {
  const signal = options.signal as Signal | undefined;
  validateAbortSignal(signal, "options.signal");
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal?.reason });
  const high = options.highWaterMark ?? options.highWatermark ?? Number.MAX_SAFE_INTEGER;
  validateInteger(high, "options.highWaterMark", 1);
  const low = options.lowWaterMark ?? options.lowWatermark ?? 1;
  validateInteger(low, "options.lowWaterMark", 1);
  const e = emitter as Target;
  const events = new Queue<unknown[]>();
  const waiting = new Queue<{ resolve: (r: IteratorResult<unknown[]>) => void; reject: (e: unknown) => void }>();
  let paused = false;
  let error: unknown = null;
  let finished = false;
  const added: [Target, string | symbol, Listener][] = [];
  const listen = (target: Target, name: string | symbol, fn: Listener) => {
    addAgnostic(target, name, fn, false);
    added.push([target, name, fn]);
  };

  const iterator = Object.setPrototypeOf({
    next(): Promise<IteratorResult<unknown[]>> {
      if (events.length) {
        const value = events.shift();
        if (paused && events.length < low) {
          e.resume!();
          paused = false;
        }
        return Promise.resolve({ value, done: false });
      }
      if (error) {
        const p = Promise.reject(error);
        error = null;
        return p;
      }
      if (finished) return closeHandler();
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return(): Promise<IteratorResult<unknown[]>> {
      return closeHandler();
    },
    throw(err: unknown): void {
      if (!err || !(err instanceof Error)) throw invalidArgType("EventEmitter.AsyncIterator", "Error", err);
      errorHandler(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    [kWatermarkData]: {
      get size() { return events.length; },
      get low() { return low; },
      get high() { return high; },
      get isPaused() { return paused; },
    },
  }, AsyncIteratorPrototype) as AsyncIterableIterator<unknown[]>;

  listen(e, event, (...args: unknown[]) => eventHandler(args));
  if (event !== "error" && typeof e.on === "function") listen(e, "error", errorHandler);
  const closeEvents = options?.close;
  if (closeEvents?.length) for (const name of closeEvents) listen(e, name, closeHandler);
  const abort = signal ? addAbortListener(signal, () => errorHandler(new AbortError(undefined, { cause: signal?.reason }))) : null;
  return iterator;

  function eventHandler(value: unknown[]): void {
    if (waiting.length === 0) {
      events.push(value);
      if (!paused && events.length > high) {
        paused = true;
        e.pause!();
      }
    } else {
      waiting.shift().resolve({ value, done: false });
    }
  }
  function errorHandler(err: unknown): void {
    if (waiting.length === 0) error = err;
    else waiting.shift().reject(err);
    void closeHandler();
  }
  function closeHandler(): Promise<IteratorResult<unknown[]>> {
    abort?.[SymbolDispose]();
    while (added.length > 0) {
      const [t, n, f] = added.pop()!;
      removeAgnostic(t, n, f);
    }
    finished = true;
    const done = { value: undefined, done: true } as IteratorResult<unknown[]>;
    while (waiting.length) waiting.shift().resolve(done);
    return Promise.resolve(done);
  }
}

/** The listeners of `name` on an EventEmitter (or on an EventTarget that can list them). */
export function getEventListeners(emitterOrTarget: unknown, name: string | symbol): Listener[] {
  const t = emitterOrTarget as Target;
  if (typeof t?.listeners === "function") return t.listeners(name);
  // An EventTarget that can list its listeners (libos/globals' EventTarget offers them under this symbol).
  const list = (t as Record<symbol, unknown> | null)?.[Symbol.for("unijs.events.listeners")];
  if (typeof list === "function") return (list as (n: string | symbol) => Listener[]).call(t, name);
  throw notAnEmitter(emitterOrTarget);
}

/** The listener limit of an emitter or EventTarget. */
export function getMaxListeners(emitterOrTarget: unknown): number {
  const t = emitterOrTarget as Target | null | undefined;
  if (typeof t?.getMaxListeners === "function") {
    const own = (t as { _maxListeners?: number })._maxListeners;
    return own === undefined ? getDefaultMaxListeners() : own;
  }
  if (t?.[kMaxEventTargetListeners]) return t[kMaxEventTargetListeners]!;
  throw notAnEmitter(emitterOrTarget);
}

/** Sets the listener limit of the given emitters/EventTargets, or the default when none is given. */
export function setMaxListeners(n: number = getDefaultMaxListeners(), ...eventTargets: unknown[]): void {
  validateNumber(n, "setMaxListeners", 0);
  if (eventTargets.length === 0) {
    setDefaultMaxListeners(n);
    return;
  }
  for (const target of eventTargets) {
    const t = target as Target;
    if (typeof t?.addEventListener === "function" && typeof t.on !== "function") {
      t[kMaxEventTargetListeners] = n;
      t[kMaxEventTargetListenersWarned] = false;
    } else if (typeof t?.setMaxListeners === "function") {
      t.setMaxListeners(n);
    } else {
      throw invalidArgType("eventTargets", ["EventEmitter", "EventTarget"], target);
    }
  }
}

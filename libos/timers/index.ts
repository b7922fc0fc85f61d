// libos/timers/index.ts — Node's timers: setTimeout/setInterval/setImmediate and their clear* twins, with
// Timeout and Immediate objects as in Node (ref/unref/hasRef/refresh/close, Symbol.toPrimitive ids).
// `node:timers` and the globals resolve here. Layer: libos. Depends on kernel/event_loop.ts.

import { loop, type LoopImmediate, type LoopTimer } from "../../kernel/event_loop.ts";

/** Node's TIMEOUT_MAX: larger delays become 1 ms (Node warns; we do the same). */
export const TIMEOUT_MAX = 2 ** 31 - 1;

let nextId = 1;
const timersById = new Map<number, Timeout>();

function checkCallback(cb: unknown): asserts cb is (...args: unknown[]) => void {
  if (typeof cb !== "function") {
    const shown = cb === null ? "null" : typeof cb === "object" ? "an instance of " + (cb.constructor?.name ?? "Object")
      : `type ${typeof cb} (${String(cb)})`;
    const err = new TypeError(`The "callback" argument must be of type function. Received ${shown}`);
    (err as { code?: string }).code = "ERR_INVALID_ARG_TYPE";
    throw err;
  }
}

function coerceDelay(after: unknown): number {
  let ms = Number(after);
  if (!(ms >= 1 && ms <= TIMEOUT_MAX)) {
    if (ms > TIMEOUT_MAX) {
      (globalThis as { process?: { emitWarning?: (m: string, t: string) => void } }).process?.emitWarning?.(
        `${after} does not fit into a 32-bit signed integer.\nTimeout duration was set to 1.`, "TimeoutOverflowWarning");
    }
    ms = 1;
  }
  return ms;
}

/** The object setTimeout/setInterval return. */
export class Timeout implements LoopTimer {
  expiry = 0;
  seq = 0;
  heapIndex = -1;
  refed = true;
  _idleTimeout: number;
  _onTimeout: ((...args: unknown[]) => void) | null;
  _timerArgs: unknown[] | undefined;
  _repeat: number | null;
  _destroyed = false;
  /** The id Symbol.toPrimitive hands out; clearTimeout accepts it. */
  readonly timerId = nextId++;

  constructor(callback: (...args: unknown[]) => void, after: unknown, args: unknown[] | undefined, repeat: boolean) {
    this._idleTimeout = coerceDelay(after);
    this._onTimeout = callback;
    this._timerArgs = args;
    this._repeat = repeat ? this._idleTimeout : null;
  }

  /** Called by the loop when due. */
  fire(): void {
    const cb = this._onTimeout;
    if (!cb || this._destroyed) return;
    try {
      if (this._timerArgs) cb.apply(this, this._timerArgs);
      else cb.call(this);
    } finally {
      const l = loop();
      // The callback may have cleared the timer, or refreshed it (then it is scheduled already).
      if (!this._destroyed && !l.isScheduled(this)) {
        if (this._repeat !== null) l.scheduleTimer(this, this._repeat);
        else timersById.delete(this.timerId);
      }
    }
  }

  /**
   * Restarts the countdown from now with the same delay. As in Node, this also reactivates a timer that has
   * already fired; a cleared timer stays cleared.
   */
  refresh(): this {
    if (!this._destroyed && this._onTimeout) loop().scheduleTimer(this, this._idleTimeout);
    return this;
  }

  ref(): this {
    loop().refTimer(this, true);
    return this;
  }

  unref(): this {
    loop().refTimer(this, false);
    return this;
  }

  hasRef(): boolean {
    return this.refed;
  }

  close(): this {
    clearTimeout(this);
    return this;
  }

  [Symbol.toPrimitive](): number {
    if (!this._destroyed) timersById.set(this.timerId, this);
    return this.timerId;
  }
}

/** The object setImmediate returns. */
export class Immediate implements LoopImmediate {
  refed = true;
  queued = false;
  _onImmediate: ((...args: unknown[]) => void) | null;
  _argv: unknown[] | undefined;

  constructor(callback: (...args: unknown[]) => void, args: unknown[] | undefined) {
    this._onImmediate = callback;
    this._argv = args;
  }

  run(): void {
    const cb = this._onImmediate;
    this._onImmediate = null;
    this.refed = false;                      // a running or finished immediate holds no reference (as in Node)
    if (!cb) return;
    if (this._argv) cb.apply(this, this._argv);
    else cb.call(this);
  }

  ref(): this {
    loop().refImmediate(this, true);
    return this;
  }

  unref(): this {
    loop().refImmediate(this, false);
    return this;
  }

  hasRef(): boolean {
    return this.refed;
  }
}

const restArgs = (args: unknown[]) => (args.length ? args : undefined);

export function setTimeout<A extends unknown[]>(callback: (...args: A) => void, delay?: number, ...args: A): Timeout {
  checkCallback(callback);
  const t = new Timeout(callback as (...a: unknown[]) => void, delay, restArgs(args), false);
  loop().scheduleTimer(t, t._idleTimeout);
  return t;
}

export function setInterval<A extends unknown[]>(callback: (...args: A) => void, delay?: number, ...args: A): Timeout {
  checkCallback(callback);
  const t = new Timeout(callback as (...a: unknown[]) => void, delay, restArgs(args), true);
  loop().scheduleTimer(t, t._idleTimeout);
  return t;
}

/** Clears a Timeout, or a timer id obtained from one (`+timeout`); anything else is ignored, as in Node. */
export function clearTimeout(timer: unknown): void {
  let t: Timeout | undefined;
  if (timer instanceof Timeout) t = timer;
  else if (typeof timer === "number" || typeof timer === "string") t = timersById.get(Number(timer));
  if (!t) return;
  t._onTimeout = null;
  t._repeat = null;
  loop().cancelTimer(t);
  timersById.delete(t.timerId);
  t._destroyed = true;
}

export const clearInterval = clearTimeout;

export function setImmediate<A extends unknown[]>(callback: (...args: A) => void, ...args: A): Immediate {
  checkCallback(callback);
  const i = new Immediate(callback as (...a: unknown[]) => void, restArgs(args));
  loop().queueImmediate(i);
  return i;
}

export function clearImmediate(immediate: unknown): void {
  if (!(immediate instanceof Immediate)) return;
  immediate._onImmediate = null;
  loop().cancelImmediate(immediate);
  immediate.refed = false;
}

import * as promises from "./promises.ts";
export { promises };

export default { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate, promises };

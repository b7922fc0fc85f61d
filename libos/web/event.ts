// libos/web/event.ts — Node 20's Event and CustomEvent: the constructor's checks (ERR_MISSING_ARGS), the
// dispatch flags EventTarget sets (target, currentTarget, eventPhase, propagation stops, passive listeners),
// cancelable/preventDefault/returnValue, isTrusted for events the runtime itself fires (AbortSignal's 'abort'),
// accessors that throw ERR_INVALID_THIS on foreign receivers, and Node's inspect output.
// Layer: libos (web). Depends on libos/util/errors.ts and libos/web/_util.ts.
import { validateObject } from "../util/errors.ts";
import { inspectCustom, invalidThis, missingArgs, webidlClass } from "./_util.ts";

const start = Date.now();
function now(): number {
  const perf = (globalThis as { performance?: { now?: () => number } }).performance;
  return typeof perf?.now === "function" ? perf.now() : Date.now() - start;
}

/** The dispatch-time state EventTarget manipulates (kept off the public surface, as Node's symbols are). */
export interface EventInternals {
  target: unknown;
  currentTarget: unknown;
  dispatching: boolean;
  stop: boolean;
  stopImmediate: boolean;
  inPassive: boolean;
  trusted: boolean;
}

const internals = new WeakMap<object, EventInternals & { type: string; bubbles: boolean; cancelable: boolean;
  composed: boolean; defaultPrevented: boolean; timeStamp: number }>();

function st(self: unknown) {
  const s = internals.get(self as object);
  if (!s) throw invalidThis("Event");
  return s;
}

/** The mutable dispatch state of an Event (for EventTarget and the runtime's own trusted events). */
export function eventInternals(e: Event): EventInternals {
  return st(e);
}

export class Event {
  static readonly NONE = 0;
  static readonly CAPTURING_PHASE = 1;
  static readonly AT_TARGET = 2;
  static readonly BUBBLING_PHASE = 3;

  constructor(type: string, options: { bubbles?: boolean; cancelable?: boolean; composed?: boolean } | null = null) {
    if (arguments.length === 0) throw missingArgs("type");
    validateObject(options, "options", { allowArray: true, allowFunction: true, nullable: true });
    internals.set(this, {
      type: `${type}`, bubbles: !!options?.bubbles, cancelable: !!options?.cancelable, composed: !!options?.composed,
      defaultPrevented: false, timeStamp: now(), target: null, currentTarget: null, dispatching: false, stop: false,
      stopImmediate: false, inPassive: false, trusted: false,
    });
  }

  initEvent(type: string, bubbles = false, cancelable = false): void {
    if (arguments.length === 0) throw missingArgs("type");
    const s = st(this);
    if (s.dispatching) return;
    s.type = `${type}`;
    s.bubbles = !!bubbles;
    s.cancelable = !!cancelable;
  }

  stopImmediatePropagation(): void {
    const s = st(this);
    s.stop = true;
    s.stopImmediate = true;
  }

  preventDefault(): void {
    const s = st(this);
    s.defaultPrevented = true;                           // Node 20 honours it even in a passive listener
  }

  get target(): unknown { return st(this).target; }
  get currentTarget(): unknown { return st(this).currentTarget; }
  get srcElement(): unknown { return st(this).target; }
  get type(): string { return st(this).type; }
  get cancelable(): boolean { return st(this).cancelable; }
  get defaultPrevented(): boolean { const s = st(this); return s.cancelable && s.defaultPrevented; }
  get timeStamp(): number { return st(this).timeStamp; }

  composedPath(): unknown[] {
    const s = st(this);
    return s.dispatching ? [s.currentTarget] : [];
  }

  get returnValue(): boolean { return !this.defaultPrevented; }
  get bubbles(): boolean { return st(this).bubbles; }
  get composed(): boolean { return st(this).composed; }
  get eventPhase(): number { return st(this).dispatching ? Event.AT_TARGET : Event.NONE; }
  get cancelBubble(): boolean { return st(this).stop; }
  set cancelBubble(value: boolean) { if (value) this.stopPropagation(); }
  stopPropagation(): void { st(this).stop = true; }
  get isTrusted(): boolean { return st(this).trusted; }

  [inspectCustom](depth: number, options: object, inspect: (v: unknown, o: object) => string): string | this {
    const name = this.constructor.name;
    if (depth < 0) return name;
    const s = st(this);
    return `${name} ${inspect({ type: s.type, defaultPrevented: this.defaultPrevented, cancelable: s.cancelable,
      timeStamp: s.timeStamp }, { ...options, depth: Number.isInteger(depth) ? depth - 1 : depth })}`;
  }
}
webidlClass(Event, "Event");
for (const k of ["NONE", "CAPTURING_PHASE", "AT_TARGET", "BUBBLING_PHASE"]) {
  Object.defineProperty(Event, k, { enumerable: true, writable: false, configurable: false });
}

const details = new WeakMap<object, unknown>();

export class CustomEvent<T = unknown> extends Event {
  constructor(type: string, options: { bubbles?: boolean; cancelable?: boolean; composed?: boolean; detail?: T } | null = null) {
    if (arguments.length === 0) throw missingArgs("type");
    super(type, options);
    details.set(this, options?.detail ?? null);
  }

  get detail(): T {
    if (!details.has(this)) throw invalidThis("CustomEvent");
    return details.get(this) as T;
  }
}
webidlClass(CustomEvent, "CustomEvent");

/** An Event the runtime fires itself (isTrusted true), as Node's AbortSignal 'abort'. */
export function trustedEvent(type: string): Event {
  const e = new Event(type);
  st(e).trusted = true;
  return e;
}

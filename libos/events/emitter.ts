// libos/events/emitter.ts — Node 20's EventEmitter, written for unijs from Node's documented behaviour: listeners
// stored as Node stores them (`_events` with a function or an array per event, `_eventsCount`, `_maxListeners`,
// so packages that peek at them work), 'newListener'/'removeListener', once wrappers with `.listener`,
// `errorMonitor`, unhandled 'error' (the Error itself, or ERR_UNHANDLED_ERROR with `context`), the
// MaxListenersExceededWarning, `captureRejections` (per emitter or globally) with Symbol.for('nodejs.rejection'),
// and Node's argument errors. An ES5 constructor, as Node's is: `EventEmitter.call(this)` works for old-style
// subclasses. Not done (V8 stack APIs): the "Emitted 'error' event at:" stack enhancement of unhandled errors.
// Every image has this file (process is an EventEmitter): it is kept small; node:events' helpers are elsewhere.
// Layer: libos. Depends on libos/util/errors.ts and console's small inspect (both in every image).

import { inspect } from "../console/inspect.ts";
import { addNumericalSeparator, determineSpecificType, nodeError } from "../util/errors.ts";

type Listener = (...args: any[]) => unknown;
type Wrapped = Listener & { listener?: Listener };
type Events = Record<string | symbol, Wrapped | (Wrapped[] & { warned?: boolean }) | undefined>;

/** The symbol an emitter's own rejection handler is stored under (Node's EventEmitter.captureRejectionSymbol). */
export const kRejection = Symbol.for("nodejs.rejection");
const kCapture = Symbol("kCapture");
/** Listeners for this symbol see 'error' events before the 'error' listeners (and do not count as handling them). */
export const errorMonitor = Symbol("events.errorMonitor");
const kShapeMode = Symbol("shapeMode");
export const kMaxEventTargetListeners = Symbol("events.maxEventTargetListeners");
export const kMaxEventTargetListenersWarned = Symbol("events.maxEventTargetListenersWarned");

interface Emitter {
  _events: Events | undefined;
  _eventsCount: number;
  _maxListeners: number | undefined;
  [kCapture]: boolean;
  [kShapeMode]: boolean;
  [kRejection]?: unknown;
  emit(type: string | symbol, ...args: unknown[]): boolean;
  on(type: string | symbol, listener: Listener): Emitter;
  removeListener(type: string | symbol, listener: Listener): Emitter;
  removeAllListeners(type?: string | symbol): Emitter;
  prependListener(type: string | symbol, listener: Listener): Emitter;
}

let defaultMaxListeners = 10;

/** ERR_INVALID_ARG_TYPE for one expected type ("function", "number", "boolean"). */
function typeError(name: string, type: string, v: unknown): Error {
  return nodeError(TypeError, "ERR_INVALID_ARG_TYPE",
    `The "${name}" ${name.includes(".") ? "property" : "argument"} must be of type ${type}. Received ${determineSpecificType(v)}`);
}

/** Node's validateNumber(n, name, 0). */
export function checkCount(n: unknown, name: string): number {
  if (typeof n !== "number") throw typeError(name, "number", n);
  if (!(n >= 0)) {
    const shown = Number.isInteger(n) && Math.abs(n) > 2 ** 32 ? addNumericalSeparator(String(n)) : Object.is(n, -0) ? "-0" : String(n);
    throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be >= 0. Received ${shown}`);
  }
  return n;
}

function checkListener(listener: unknown): void {
  if (typeof listener !== "function") throw typeError("listener", "function", listener);
}

/** Node's EventEmitter constructor: `new EventEmitter({ captureRejections })`, or `EventEmitter.call(this)`. */
export function EventEmitter(this: Emitter, opts?: { captureRejections?: boolean }): void {
  // Looked up at each construction, as in Node: node:domain replaces EventEmitter.init.
  (EventEmitter as unknown as { init: typeof initEmitter }).init.call(this, opts);
}

const proto = EventEmitter.prototype as Emitter & Record<string, unknown>;
Object.defineProperty(proto, kCapture, { value: false, writable: true });
proto._events = undefined;
proto._eventsCount = 0;
proto._maxListeners = undefined;

/** EventEmitter.init: sets up an emitter's listener table, limit and capture flag. */
export function initEmitter(this: Emitter, opts?: { captureRejections?: unknown }): void {
  if (this._events === undefined || this._events === (Object.getPrototypeOf(this) as Emitter)._events) {
    this._events = Object.create(null) as Events;
    this._eventsCount = 0;
    this[kShapeMode] = false;
  } else {
    this[kShapeMode] = true;
  }
  this._maxListeners = this._maxListeners || undefined;
  const capture = opts?.captureRejections;
  if (capture && typeof capture !== "boolean") throw typeError("options.captureRejections", "boolean", capture);
  this[kCapture] = capture ? true : proto[kCapture];
}

const maxOf = (e: Emitter) => (e._maxListeners === undefined ? defaultMaxListeners : e._maxListeners);

/** captureRejections: a listener's rejected promise becomes the emitter's `[kRejection]` call or 'error' event. */
function addCatch(that: Emitter, promise: unknown, type: string | symbol, args: unknown[]): void {
  if (!that[kCapture]) return;
  try {
    const then = (promise as { then?: unknown }).then;
    if (typeof then !== "function") return;
    then.call(promise, undefined, (err: unknown) => process.nextTick(() => {
      if (typeof that[kRejection] === "function") return (that[kRejection] as Listener)(err, type, ...args);
      const prev = that[kCapture];
      try {
        that[kCapture] = false;        // an 'error' listener's own rejection must not loop
        that.emit("error", err);
      } finally {
        that[kCapture] = prev;
      }
    }));
  } catch (err) {
    that.emit("error", err);
  }
}

function add(target: Emitter, type: string | symbol, listener: Wrapped, prepend: boolean): Emitter {
  checkListener(listener);
  let events = target._events;
  let existing: Events[string];
  if (events === undefined) {
    events = target._events = Object.create(null) as Events;
    target._eventsCount = 0;
  } else {
    if (events.newListener !== undefined) {
      target.emit("newListener", type, listener.listener ?? listener);
      events = target._events!;           // a 'newListener' listener may have replaced _events
    }
    existing = events[type];
  }
  if (existing === undefined) {
    events[type] = listener;
    ++target._eventsCount;
    return target;
  }
  if (typeof existing === "function") existing = events[type] = prepend ? [listener, existing] : [existing, listener];
  else if (prepend) existing.unshift(listener);
  else existing.push(listener);
  const m = maxOf(target);
  if (m > 0 && existing.length > m && !existing.warned) {
    existing.warned = true;
    const w = new Error(`Possible EventEmitter memory leak detected. ${existing.length} ${String(type)} listeners added to ` +
      `${inspect(target, { depth: -1 })}. MaxListeners is ${m}. Use emitter.setMaxListeners() to increase limit`);
    Object.defineProperty(w, "name", { value: "MaxListenersExceededWarning", writable: true, configurable: true });
    Object.assign(w, { emitter: target, type, count: existing.length });
    process.emitWarning(w);
  }
  return target;
}

function onceWrap(target: Emitter, type: string | symbol, listener: Listener): Wrapped {
  checkListener(listener);
  let fired = false;
  const wrapped: Wrapped = function (this: unknown, ...args: unknown[]) {
    if (fired) return undefined;
    target.removeListener(type, wrapped);
    fired = true;
    return listener.apply(target, args);
  };
  wrapped.listener = listener;
  return wrapped;
}

function listenersOf(target: Emitter, type: string | symbol, unwrap: boolean): Listener[] {
  const l = target._events?.[type];
  if (l === undefined) return [];
  if (typeof l === "function") return [unwrap ? l.listener || l : l];
  return unwrap ? l.map((f) => (typeof f.listener === "function" ? f.listener : f)) : l.slice();
}

/** emitter.listenerCount(type[, listener]). */
export function listenerCount(this: Emitter, type: string | symbol, listener?: unknown): number {
  const l = this._events?.[type];
  if (l === undefined) return 0;
  const list = typeof l === "function" ? [l] : l;
  return listener == null ? list.length : list.filter((f) => f === listener || f.listener === listener).length;
}

Object.assign(proto, {
  setMaxListeners(this: Emitter, n: unknown): Emitter {
    this._maxListeners = checkCount(n, "setMaxListeners");
    return this;
  },
  getMaxListeners(this: Emitter): number {
    return maxOf(this);
  },
  emit(this: Emitter, type: string | symbol, ...args: unknown[]): boolean {
    let doError = type === "error";
    const events = this._events;
    if (events !== undefined) {
      if (doError && events[errorMonitor] !== undefined) this.emit(errorMonitor, ...args);
      doError = doError && events.error === undefined;
    } else if (!doError) {
      return false;
    }
    if (doError) {
      const er = args[0];
      if (er instanceof Error) throw er; // Unhandled 'error' event
      let shown: string;
      try { shown = inspect(er); } catch { shown = String(er); }
      const err = nodeError(Error, "ERR_UNHANDLED_ERROR", `Unhandled error. (${shown})`) as Error & { context?: unknown };
      err.context = er;
      throw err; // Unhandled 'error' event
    }
    const handler = events![type];
    if (handler === undefined) return false;
    if (typeof handler === "function") {
      const result = handler.apply(this, args);
      if (result !== undefined && result !== null) addCatch(this, result, type, args);
      return true;
    }
    const list = handler.slice();                // listeners added or removed meanwhile do not count
    for (let i = 0; i < list.length; i++) {
      const result = list[i].apply(this, args);
      if (result !== undefined && result !== null) addCatch(this, result, type, args);
    }
    return true;
  },
  addListener(this: Emitter, type: string | symbol, listener: Listener): Emitter {
    return add(this, type, listener, false);
  },
  prependListener(this: Emitter, type: string | symbol, listener: Listener): Emitter {
    return add(this, type, listener, true);
  },
  once(this: Emitter, type: string | symbol, listener: Listener): Emitter {
    return this.on(type, onceWrap(this, type, listener));
  },
  prependOnceListener(this: Emitter, type: string | symbol, listener: Listener): Emitter {
    return this.prependListener(type, onceWrap(this, type, listener));
  },
  removeListener(this: Emitter, type: string | symbol, listener: Listener): Emitter {
    checkListener(listener);
    const events = this._events;
    const list = events?.[type];
    if (list === undefined) return this;
    if (list === listener || (list as Wrapped).listener === listener) {
      this._eventsCount -= 1;
      if (this[kShapeMode]) events![type] = undefined;
      else if (this._eventsCount === 0) this._events = Object.create(null) as Events;
      else {
        delete events![type];
        if (events!.removeListener) this.emit("removeListener", type, (list as Wrapped).listener || listener);
      }
    } else if (typeof list !== "function") {
      let position = -1;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === listener || list[i].listener === listener) { position = i; break; }
      }
      if (position < 0) return this;
      list.splice(position, 1);
      if (list.length === 1) events![type] = list[0];
      if (events!.removeListener !== undefined) this.emit("removeListener", type, listener);
    }
    return this;
  },
  removeAllListeners(this: Emitter, type?: string | symbol): Emitter {
    const events = this._events;
    if (events === undefined) return this;
    const all = arguments.length === 0;
    if (events.removeListener === undefined) {
      if (all) {
        this._events = Object.create(null) as Events;
        this._eventsCount = 0;
      } else if (events[type!] !== undefined) {
        if (--this._eventsCount === 0) this._events = Object.create(null) as Events;
        else delete events[type!];
      }
      this[kShapeMode] = false;
      return this;
    }
    if (all) {
      for (const key of Reflect.ownKeys(events)) if (key !== "removeListener") this.removeAllListeners(key);
      this.removeAllListeners("removeListener");
      this._events = Object.create(null) as Events;
      this._eventsCount = 0;
      this[kShapeMode] = false;
      return this;
    }
    const listeners = events[type!];
    if (typeof listeners === "function") this.removeListener(type!, listeners);
    else if (listeners !== undefined) for (let i = listeners.length - 1; i >= 0; i--) this.removeListener(type!, listeners[i]);
    return this;
  },
  listeners(this: Emitter, type: string | symbol): Listener[] {
    return listenersOf(this, type, true);
  },
  rawListeners(this: Emitter, type: string | symbol): Listener[] {
    return listenersOf(this, type, false);
  },
  listenerCount,
  eventNames(this: Emitter): (string | symbol)[] {
    return this._eventsCount > 0 ? Reflect.ownKeys(this._events!) : [];
  },
});
proto.on = proto.addListener as Emitter["on"];
proto.off = proto.removeListener as Emitter["removeListener"];

/** The deprecated static EventEmitter.listenerCount(emitter, type). */
export function staticListenerCount(emitter: unknown, type: string | symbol): number {
  const e = emitter as { listenerCount?: (t: string | symbol) => number };
  return typeof e.listenerCount === "function" ? e.listenerCount(type) : listenerCount.call(emitter as Emitter, type);
}

// The statics every image's EventEmitter has; node:events' default export re-adds them, with the module's functions,
// in Node's order (./index.ts).
export const staticAccessors = {
  captureRejections: {
    get: () => proto[kCapture],
    set(v: unknown) {
      if (typeof v !== "boolean") throw typeError("EventEmitter.captureRejections", "boolean", v);
      proto[kCapture] = v;
    },
    enumerable: true, configurable: true,
  },
  defaultMaxListeners: {
    get: () => defaultMaxListeners,
    set(n: unknown) { defaultMaxListeners = checkCount(n, "defaultMaxListeners"); },
    enumerable: true, configurable: true,
  },
};
const own = (value: unknown) => ({ value, writable: true, enumerable: true, configurable: true });
Object.defineProperties(EventEmitter, {
  EventEmitter: own(EventEmitter), usingDomains: own(false), captureRejectionSymbol: own(kRejection),
  captureRejections: staticAccessors.captureRejections, errorMonitor: own(errorMonitor),
  defaultMaxListeners: staticAccessors.defaultMaxListeners, init: own(initEmitter), listenerCount: own(staticListenerCount),
});

/** The default listener limit (EventEmitter.defaultMaxListeners), for the module's functions. */
export const getDefaultMaxListeners = (): number => defaultMaxListeners;
export const setDefaultMaxListeners = (n: number): void => { defaultMaxListeners = n; };

/** The error Node throws when `x` is neither an EventEmitter nor an EventTarget (ERR_INVALID_ARG_TYPE). */
export function notAnEmitter(x: unknown, name = "emitter"): Error {
  return nodeError(TypeError, "ERR_INVALID_ARG_TYPE",
    `The "${name}" argument must be an instance of EventEmitter or EventTarget. Received ${determineSpecificType(x)}`);
}

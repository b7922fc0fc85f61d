// libos/web/event_target.ts — Node 20's EventTarget: listeners per type in insertion order (a listener added
// during a dispatch runs in it, a removed one does not), `once`, `capture` (part of a listener's identity),
// `passive`, `signal`; function listeners called with the target as `this`, objects through `handleEvent`;
// errors thrown (or promises rejected) by listeners become uncaught exceptions on the next tick, as in Node;
// Node's argument errors and its AddEventListenerArgumentTypeWarning / MaxListenersExceededWarning.
// Layer: libos (web). Depends on libos/web/event.ts, libos/util/errors.ts, libos/events/emitter.ts (limits).
import { getDefaultMaxListeners, kMaxEventTargetListeners, kMaxEventTargetListenersWarned } from "../events/emitter.ts";
import { invalidArgType, nodeError, validateAbortSignal } from "../util/errors.ts";
import { inspectCustom, invalidThis, missingArgs, proc, reportUncaught, webidlClass } from "./_util.ts";
import { Event, eventInternals } from "./event.ts";

type Callback = ((this: unknown, e: Event) => unknown) | { handleEvent(e: Event): unknown };

interface Listener {
  callback: Callback;
  capture: boolean;
  once: boolean;
  passive: boolean;
  removed: boolean;
  next: Listener | null;
  prev: Listener | null;
  /** Undoes the `signal` subscription. */
  unsubscribe?: () => void;
}

interface ListenerList { head: Listener | null; tail: Listener | null; size: number }

// events.getEventListeners(target, type) lists through this; events.setMaxListeners(n, target) writes the limit.
const kListeners = Symbol.for("unijs.events.listeners");

const targets = new WeakMap<object, { types: Map<string, ListenerList> }>();

function lists(self: unknown) {
  const s = targets.get(self as object);
  if (!s) throw invalidThis("EventTarget");
  return s;
}

function validListener(listener: unknown): listener is Callback {
  if (typeof listener === "function" || typeof (listener as { handleEvent?: unknown })?.handleEvent === "function") return true;
  if (listener == null) return false;
  if (typeof listener === "object") return true;          // Node accepts any object; handleEvent is looked up on dispatch
  throw invalidArgType("listener", "EventListener", listener);
}

function flags(options: unknown): { capture: boolean; once: boolean; passive: boolean; signal: unknown } {
  if (typeof options === "boolean") return { capture: options, once: false, passive: false, signal: undefined };
  if (options == null) return { capture: false, once: false, passive: false, signal: undefined };
  const o = options as { capture?: unknown; once?: unknown; passive?: unknown; signal?: unknown };
  return { capture: !!o.capture, once: !!o.once, passive: !!o.passive, signal: o.signal };
}

function unlink(list: ListenerList, l: Listener): void {
  l.removed = true;
  l.unsubscribe?.();
  if (l.prev) l.prev.next = l.next; else list.head = l.next;
  if (l.next) l.next.prev = l.prev; else list.tail = l.prev;
  list.size--;
  // `l.next` is kept so that a dispatch standing on `l` continues with the rest.
}

export class EventTarget {
  constructor() {
    targets.set(this, { types: new Map() });
  }

  addEventListener(type: string, listener: unknown, options?: unknown): void {
    if (arguments.length < 2) throw missingArgs("type", "listener");
    const s = lists(this);
    const { capture, once, passive, signal } = flags(options);
    if (!validListener(listener)) {
      const w = new Error(`addEventListener called with ${listener} which has no effect.`) as Error & { target: unknown; type: unknown };
      w.name = "AddEventListenerArgumentTypeWarning";
      w.target = this;
      w.type = type;
      proc()?.emitWarning(w);
      return;
    }
    validateAbortSignal(signal, "options.signal");
    const sig = signal as { aborted: boolean; addEventListener?: EventTarget["addEventListener"]; removeEventListener?: EventTarget["removeEventListener"] } | undefined;
    if (sig?.aborted) return;
    type = `${type}`;
    let list = s.types.get(type);
    if (!list) s.types.set(type, list = { head: null, tail: null, size: 0 });
    for (let l = list.head; l; l = l.next) if (l.callback === listener && l.capture === capture) return;
    const node: Listener = { callback: listener, capture, once, passive, removed: false, next: null, prev: list.tail };
    if (list.tail) list.tail.next = node; else list.head = node;
    list.tail = node;
    list.size++;
    if (sig && typeof sig.addEventListener === "function") {
      const onAbort = () => this.removeEventListener(type, listener, { capture });
      sig.addEventListener("abort", onAbort, { once: true });
      node.unsubscribe = () => sig.removeEventListener?.("abort", onAbort);
    }
    this.#checkLeak(type, list.size);
  }

  #checkLeak(type: string, size: number): void {
    const self = this as unknown as Record<symbol, number | boolean | undefined>;
    const limit = (self[kMaxEventTargetListeners] as number | undefined) ?? getDefaultMaxListeners();
    if (limit > 0 && size > limit && !self[kMaxEventTargetListenersWarned]) {
      self[kMaxEventTargetListenersWarned] = true;
      const w = new Error(`Possible EventTarget memory leak detected. ${size} ${type} listeners added to ${
        this.constructor.name === "EventTarget" ? "EventTarget" : `[${this.constructor.name}]`}. MaxListeners is ${limit}. Use events.setMaxListeners() to increase limit`) as Error & { target: unknown; type: string; count: number };
      w.name = "MaxListenersExceededWarning";
      w.target = this;
      w.type = type;
      w.count = size;
      proc()?.emitWarning(w);
    }
  }

  removeEventListener(type: string, listener: unknown, options?: unknown): void {
    if (arguments.length < 2) throw missingArgs("type", "listener");
    const s = lists(this);
    const capture = typeof options === "boolean" ? options : !!(options as { capture?: unknown } | null)?.capture;
    const list = s.types.get(`${type}`);
    if (!list) return;
    for (let l = list.head; l; l = l.next) {
      if (l.callback === listener && l.capture === capture && !l.removed) {
        unlink(list, l);
        if (list.size === 0) s.types.delete(`${type}`);
        return;
      }
    }
  }

  dispatchEvent(event: Event): boolean {
    const s = lists(this);
    if (!(event instanceof Event)) throw invalidArgType("event", "Event", event);
    const e = eventInternals(event);
    if (e.dispatching) throw nodeError(Error, "ERR_EVENT_RECURSION", `The event "${event.type}" is already being dispatched`);
    e.dispatching = true;
    e.target = this;
    e.currentTarget = this;
    try {
      const list = s.types.get(event.type);
      for (let l = list?.head ?? null; l && !e.stopImmediate; l = l.next) {
        if (l.removed) continue;
        if (l.once) {
          unlink(list!, l);
          if (list!.size === 0 && s.types.get(event.type) === list) s.types.delete(event.type);
        }
        e.inPassive = l.passive;
        try {
          const cb = l.callback;
          const result = typeof cb === "function" ? cb.call(this, event)
            : typeof cb.handleEvent === "function" ? cb.handleEvent(event) : undefined;
          if (result != null && typeof (result as PromiseLike<unknown>).then === "function") {
            (result as PromiseLike<unknown>).then(undefined, reportUncaught);
          }
        } catch (err) {
          reportUncaught(err);
        } finally {
          e.inPassive = false;
        }
      }
    } finally {
      e.dispatching = false;
      e.currentTarget = null;
    }
    return !event.defaultPrevented;
  }

  /** For events.getEventListeners(target, type): the listeners of `type`, in order. */
  [kListeners](type: string): unknown[] {
    const out: unknown[] = [];
    for (let l = lists(this).types.get(`${type}`)?.head ?? null; l; l = l.next) if (!l.removed) out.push(l.callback);
    return out;
  }

  [inspectCustom](depth: number, _options?: object, _inspect?: (v: unknown, o: object) => string): string {
    return depth < 0 ? this.constructor.name : `${this.constructor.name} {}`;
  }
}
webidlClass(EventTarget, "EventTarget");

/** Whether `t` is an EventTarget made by this module. */
export function isEventTarget(t: unknown): t is EventTarget {
  return targets.has(t as object);
}

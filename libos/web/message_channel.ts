// libos/web/message_channel.ts — MessageChannel, MessagePort and BroadcastChannel within one image (there are no
// workers or other processes to talk to): messages are structured clones, delivered asynchronously (after the
// current microtasks, before immediates, as Node's are in practice) as MessageEvents; a port starts with `onmessage`,
// a 'message' listener or start(); close() fires 'close' on both ends; BroadcastChannel reaches every other open
// channel of the same name. Unlike Node, an open port does not keep the event loop alive (ref/unref/hasRef are
// kept for compatibility and report the state). Layer: libos (web). Depends on libos/web/{event,event_target,
// structured_clone,dom_exception}.ts.
import { nodeError } from "../util/errors.ts";
import { inspectCustom, reportUncaught, webidlClass } from "./_util.ts";
import { DOMException } from "./dom_exception.ts";
import { Event } from "./event.ts";
import { EventTarget } from "./event_target.ts";
import { structuredClone } from "./structured_clone.ts";

/** The event a port or channel receives. */
export class MessageEvent extends Event {
  #data: unknown;
  constructor(type: string, init: { data?: unknown } = {}) {
    super(type);
    this.#data = init?.data ?? null;
  }
  get data(): unknown { return this.#data; }
  get origin(): string { return ""; }
  get lastEventId(): string { return ""; }
  get source(): null { return null; }
  get ports(): readonly unknown[] { return Object.freeze([]); }
}
webidlClass(MessageEvent, "MessageEvent");

const later = (fn: () => void) => void Promise.resolve().then(() => queueMicrotask(fn));
const immediate = (fn: () => void) => {
  const si = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  if (si) si(fn); else setTimeout(fn, 0);
};

interface PortState {
  other: MessagePort | null;
  started: boolean;
  closed: boolean;
  queue: unknown[];
  refed: boolean;
  onmessage: ((e: MessageEvent) => unknown) | null;
  onmessageerror: ((e: MessageEvent) => unknown) | null;
}

const ports = new WeakMap<object, PortState>();
const kMake = Symbol("make");

function pst(self: unknown): PortState {
  const s = ports.get(self as object);
  if (!s) throw nodeError(TypeError, "ERR_INVALID_THIS", 'Value of "this" must be of type MessagePort');
  return s;
}

function flush(port: MessagePort): void {
  const s = pst(port);
  while (s.started && !s.closed && s.queue.length) {
    const data = s.queue.shift();
    try {
      port.dispatchEvent(new MessageEvent("message", { data }));
    } catch (e) {
      reportUncaught(e);
    }
  }
}

export class MessagePort extends EventTarget {
  constructor(token?: unknown) {
    if (token !== kMake) throw nodeError(TypeError, "ERR_CONSTRUCT_CALL_INVALID", "Constructor cannot be called");
    super();
    ports.set(this, { other: null, started: false, closed: false, queue: [], refed: true, onmessage: null, onmessageerror: null });
  }

  postMessage(message: unknown, transfer?: unknown): void {
    const s = pst(this);
    if (arguments.length === 0) throw nodeError(TypeError, "ERR_MISSING_ARGS", "Not enough arguments to MessagePort.postMessage");
    const opts = Array.isArray(transfer) ? { transfer } : (transfer as { transfer?: unknown[] } | undefined);
    const data = structuredClone(message, opts?.transfer ? { transfer: opts.transfer } : undefined);
    const other = s.other;
    if (s.closed || !other) return;
    const o = pst(other);
    if (o.closed) return;
    o.queue.push(data);                   // queued now (receiveMessageOnPort sees it, as in Node), delivered later
    later(() => flush(other));
  }

  start(): void {
    const s = pst(this);
    if (s.started) return;
    s.started = true;
    later(() => flush(this));
  }

  override addEventListener(type: string, listener: unknown, options?: unknown): void {
    super.addEventListener(type, listener, options);
    if (`${type}` === "message") this.start();
  }

  ref(): this { pst(this).refed = true; return this; }
  unref(): this { pst(this).refed = false; return this; }
  hasRef(): boolean { const s = pst(this); return s.refed && s.started && !s.closed; }

  get onmessage(): ((e: MessageEvent) => unknown) | null { return pst(this).onmessage; }
  set onmessage(fn: ((e: MessageEvent) => unknown) | null) {
    const s = pst(this);
    if (s.onmessage) super.removeEventListener("message", s.onmessage as never);
    s.onmessage = typeof fn === "function" ? fn : null;
    if (s.onmessage) this.addEventListener("message", s.onmessage);
  }

  get onmessageerror(): ((e: MessageEvent) => unknown) | null { return pst(this).onmessageerror; }
  set onmessageerror(fn: ((e: MessageEvent) => unknown) | null) {
    pst(this).onmessageerror = typeof fn === "function" ? fn : null;
  }

  close(): void {
    const s = pst(this);
    if (s.closed) return;
    const other = s.other;
    for (const p of other ? [this, other] : [this]) {
      const ps = pst(p);
      if (ps.closed) continue;
      ps.closed = true;
      ps.queue.length = 0;
      immediate(() => p.dispatchEvent(new Event("close")));
    }
  }

  override [inspectCustom](depth: number): string {
    return depth < 0 ? "MessagePort" : `MessagePort { active: ${!pst(this).closed} }`;
  }
}
webidlClass(MessagePort, "MessagePort");
/** worker_threads.receiveMessageOnPort: the next message queued for `port` ({ message }), taken now, or undefined.
 *  Reached through a registered symbol, so node:worker_threads needs no import of this file. */
Object.defineProperty(MessagePort, Symbol.for("unijs.receiveMessageOnPort"), {
  value: (port: MessagePort): { message: unknown } | undefined => {
    const s = pst(port);
    return s.queue.length && !s.closed ? { message: s.queue.shift() } : undefined;
  },
});

export class MessageChannel {
  readonly port1: MessagePort;
  readonly port2: MessagePort;
  constructor() {
    this.port1 = new MessagePort(kMake);
    this.port2 = new MessagePort(kMake);
    pst(this.port1).other = this.port2;
    pst(this.port2).other = this.port1;
  }
}
webidlClass(MessageChannel, "MessageChannel");

const channels = new Map<string, Set<BroadcastChannel>>();

export class BroadcastChannel extends EventTarget {
  #name: string;
  #closed = false;
  #onmessage: ((e: MessageEvent) => unknown) | null = null;
  #onmessageerror: ((e: MessageEvent) => unknown) | null = null;

  constructor(name: string) {
    if (arguments.length === 0) throw nodeError(TypeError, "ERR_MISSING_ARGS", 'The "name" argument must be specified');
    super();
    this.#name = `${name}`;
    let set = channels.get(this.#name);
    if (!set) channels.set(this.#name, set = new Set());
    set.add(this);
  }

  get name(): string { return this.#name; }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    channels.get(this.#name)?.delete(this);
  }

  postMessage(message: unknown): void {
    if (arguments.length === 0) throw nodeError(TypeError, "ERR_MISSING_ARGS", 'The "message" argument must be specified');
    if (this.#closed) throw new DOMException("BroadcastChannel is closed.", "InvalidStateError");
    const data = structuredClone(message);
    const targets = [...(channels.get(this.#name) ?? [])].filter((c) => c !== this);
    later(() => {
      for (const c of targets) {
        if (!c.#closed) c.dispatchEvent(new MessageEvent("message", { data: structuredClone(data) }));
      }
    });
  }

  ref(): this { return this; }
  unref(): this { return this; }

  get onmessage(): ((e: MessageEvent) => unknown) | null { return this.#onmessage; }
  set onmessage(fn: ((e: MessageEvent) => unknown) | null) {
    if (this.#onmessage) this.removeEventListener("message", this.#onmessage);
    this.#onmessage = typeof fn === "function" ? fn : null;
    if (this.#onmessage) this.addEventListener("message", this.#onmessage);
  }

  get onmessageerror(): ((e: MessageEvent) => unknown) | null { return this.#onmessageerror; }
  set onmessageerror(fn: ((e: MessageEvent) => unknown) | null) { this.#onmessageerror = typeof fn === "function" ? fn : null; }

  override [inspectCustom](depth: number): string {
    return depth < 0 ? "BroadcastChannel" : `BroadcastChannel { name: '${this.#name}', active: ${!this.#closed} }`;
  }
}
webidlClass(BroadcastChannel, "BroadcastChannel");

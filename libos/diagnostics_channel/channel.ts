// libos/diagnostics_channel/channel.ts — diagnostics_channel's named channels as in Node 20: channel(name) returns
// the one Channel of that name (held weakly while nobody subscribes or binds a store, strongly while someone does),
// publish() calls the subscribers in order with (message, name) — a subscriber that throws does not stop the others
// and its error is rethrown on the next tick as an uncaught exception — and bindStore()/runStores() run a function
// inside AsyncLocalStorage stores set from the message. Layer: libos. Depends on libos/util/errors.ts.

import { invalidArgType, validateFunction } from "../util/errors.ts";

/** What bindStore accepts: an AsyncLocalStorage, or anything with its run(). */
export interface StoreLike {
  run<R>(store: unknown, fn: () => R): R;
}

type Subscriber = (message: unknown, name: string | symbol) => void;
type Transform = ((message: unknown) => unknown) | undefined;

interface Entry {
  ref: WeakRef<Channel> | undefined;
  /** Set while the channel has subscribers or stores, so it outlives its last outside reference. */
  strong: Channel | undefined;
}

const channels = new Map<string | symbol, Entry>();
const finalizers = typeof FinalizationRegistry === "function"
  ? new FinalizationRegistry<string | symbol>((name) => {
    const e = channels.get(name);
    if (e && !e.strong && !e.ref?.deref()) channels.delete(name);
  })
  : undefined;

function lookup(name: unknown): Channel | undefined {
  const e = channels.get(name as string);
  return e ? e.strong ?? e.ref?.deref() : undefined;
}

function reportLater(err: unknown): void {
  process.nextTick(() => {
    throw err;
  });
}

/** A named channel (get one with `channel(name)`). */
export class Channel {
  /** Node's own properties: undefined while the channel is inactive, as in Node. */
  _subscribers: Subscriber[] | undefined = undefined;
  _stores: Map<StoreLike, Transform> | undefined = undefined;
  readonly name: string | symbol;

  /** Registers the channel under `name` (as Node's constructor, no check: channel() checks the name). */
  constructor(name: string | symbol) {
    this.name = name;
    const entry: Entry = { ref: typeof WeakRef === "function" ? new WeakRef(this) : undefined, strong: undefined };
    if (!entry.ref) entry.strong = this;
    channels.set(name, entry);
    finalizers?.register(this, name);
  }

  /** After a change: inactive again when nobody subscribes or binds; held strongly while active. */
  private settle(): void {
    const active = (this._subscribers?.length ?? 0) > 0 || (this._stores?.size ?? 0) > 0;
    if (!active) this._subscribers = this._stores = undefined;
    const e = channels.get(this.name);
    if (!e || (e.ref ? e.ref.deref() !== this : e.strong !== this)) return;
    if (active) e.strong = this;
    else if (e.ref) e.strong = undefined;
  }

  /** True while the channel has subscribers or bound stores. */
  get hasSubscribers(): boolean {
    return this._subscribers !== undefined;
  }

  /** Adds a subscriber. @throws ERR_INVALID_ARG_TYPE when it is not a function. */
  subscribe(subscription: Subscriber): void {
    validateFunction(subscription, "subscription");
    this._stores ??= new Map();
    this._subscribers = [...(this._subscribers ?? []), subscription];
    this.settle();
  }

  /** Removes one registration of `subscription`; false when it was not subscribed. */
  unsubscribe(subscription: Subscriber): boolean {
    const list = this._subscribers ?? [];
    const i = list.indexOf(subscription);
    if (i < 0) return false;
    this._subscribers = [...list.slice(0, i), ...list.slice(i + 1)];
    this.settle();
    return true;
  }

  /** While runStores runs, `store` holds `transform(message)` (or the message itself). */
  bindStore(store: StoreLike, transform?: (message: unknown) => unknown): void {
    this._subscribers ??= [];
    (this._stores ??= new Map()).set(store, transform);
    this.settle();
  }

  /** False when `store` was not bound. */
  unbindStore(store: StoreLike): boolean {
    if (!this._stores?.delete(store)) return false;
    this.settle();
    return true;
  }

  /** Calls every subscriber with (message, name), in subscription order. */
  publish(message?: unknown): void {
    const list = this._subscribers;              // replaced, never mutated: a subscriber may unsubscribe
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i](message, this.name);
      } catch (err) {
        reportLater(err);
      }
    }
  }

  /** Runs `fn` inside every bound store (set from `message`), publishing `message` first. */
  runStores<R>(message: unknown, fn: (...args: any[]) => R, thisArg?: unknown, ...args: unknown[]): R {
    let run = (): R => {
      this.publish(message);
      return Reflect.apply(fn, thisArg, args);
    };
    if (!this._stores) return Reflect.apply(fn, thisArg, args);
    for (const [store, transform] of this._stores) {
      const next = run;
      run = () => {
        let context: unknown;
        try {
          context = transform ? transform(message) : message;
        } catch (err) {
          reportLater(err);
          return next();
        }
        return store.run(context, next);
      };
    }
    return run();
  }
}

/** The channel named `name` (created on first use). @throws ERR_INVALID_ARG_TYPE for other than string/symbol. */
export function channel(name: string | symbol): Channel {
  const found = lookup(name);
  if (found) return found;
  if (typeof name !== "string" && typeof name !== "symbol") throw invalidArgType("channel", ["string", "symbol"], name);
  return new Channel(name);
}

/** Whether the channel named `name` exists and has subscribers or bound stores. */
export function hasSubscribers(name: string | symbol): boolean {
  return lookup(name)?.hasSubscribers ?? false;
}

export function subscribe(name: string | symbol, subscription: Subscriber): void {
  channel(name).subscribe(subscription);
}

export function unsubscribe(name: string | symbol, subscription: Subscriber): boolean {
  return channel(name).unsubscribe(subscription);
}

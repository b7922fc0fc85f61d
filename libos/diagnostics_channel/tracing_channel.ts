// libos/diagnostics_channel/tracing_channel.ts — TracingChannel as in Node 20: five channels (start, end,
// asyncStart, asyncEnd, error; named `tracing:NAME:EVENT` or given as an object) and traceSync, tracePromise and
// traceCallback, which publish one shared context object to them around a call (with `result` or `error` added),
// running it inside the start channel's bound stores. Layer: libos. Depends on ./channel.ts, libos/util/errors.ts.

import { invalidArgType, validateFunction } from "../util/errors.ts";
import { Channel, channel } from "./channel.ts";

const EVENTS = ["start", "end", "asyncStart", "asyncEnd", "error"] as const;
type EventName = (typeof EVENTS)[number];

/** The subscribers tracingChannel(...).subscribe takes (any subset). */
export type TracingHandlers = Partial<Record<EventName, (message: any, name: string | symbol) => void>>;
type Context = Record<string, unknown>;

function channelFor(nameOrChannels: unknown, event: EventName): Channel {
  if (typeof nameOrChannels === "string") return channel(`tracing:${nameOrChannels}:${event}`);
  if (typeof nameOrChannels === "object" && nameOrChannels !== null) {
    const c = (nameOrChannels as Record<string, unknown>)[event];
    // Node's Channel[Symbol.hasInstance] reads the prototype of what it is given: a missing channel is a TypeError.
    if (c === undefined || c === null) throw new TypeError("Cannot convert undefined or null to object");
    if (!(c instanceof Channel)) throw invalidArgType(`nameOrChannels.${event}`, ["Channel"], c);
    return c;
  }
  throw invalidArgType("nameOrChannels", ["string", "object", "TracingChannel"], nameOrChannels);
}

export class TracingChannel {
  declare readonly start: Channel;
  declare readonly end: Channel;
  declare readonly asyncStart: Channel;
  declare readonly asyncEnd: Channel;
  declare readonly error: Channel;

  /** @throws ERR_INVALID_ARG_TYPE for a name that is not a string, or an object missing one of the channels. */
  constructor(nameOrChannels: string | Partial<Record<EventName, Channel>>) {
    for (const event of EVENTS) {
      Object.defineProperty(this, event, { value: channelFor(nameOrChannels, event) });
    }
  }

  /** True when any of the five channels has subscribers. */
  get hasSubscribers(): boolean {
    return this.start.hasSubscribers || this.end.hasSubscribers || this.asyncStart.hasSubscribers ||
      this.asyncEnd.hasSubscribers || this.error.hasSubscribers;
  }

  subscribe(handlers: TracingHandlers): void {
    for (const event of EVENTS) {
      const h = handlers[event];
      if (h) this[event].subscribe(h);
    }
  }

  /** True when every handler given was subscribed (and is now removed). */
  unsubscribe(handlers: TracingHandlers): boolean {
    let done = true;
    for (const event of EVENTS) {
      const h = handlers[event];
      if (h && !this[event].unsubscribe(h)) done = false;
    }
    return done;
  }

  /** Calls fn: start, then end (and error if it throws), with `result` or `error` on the context. */
  traceSync<R>(fn: (...args: any[]) => R, context: Context = {}, thisArg?: unknown, ...args: unknown[]): R {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    const { start, end, error } = this;
    return start.runStores(context, () => {
      try {
        const result = Reflect.apply(fn, thisArg, args);
        context.result = result;
        return result;
      } catch (err) {
        context.error = err;
        error.publish(context);
        throw err;
      } finally {
        end.publish(context);
      }
    });
  }

  /** Calls a promise-returning fn: start/end around the call, asyncStart/asyncEnd (and error) when it settles. */
  tracePromise<R>(fn: (...args: any[]) => PromiseLike<R> | R, context: Context = {}, thisArg?: unknown, ...args: unknown[]): Promise<R> {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args) as Promise<R>;
    const { start, end, asyncStart, asyncEnd, error } = this;
    const resolve = (result: R) => {
      context.result = result;
      asyncStart.publish(context);
      asyncEnd.publish(context);
      return result;
    };
    const reject = (err: unknown) => {
      context.error = err;
      error.publish(context);
      asyncStart.publish(context);
      asyncEnd.publish(context);
      return Promise.reject(err);
    };
    return start.runStores(context, () => {
      try {
        let promise = Reflect.apply(fn, thisArg, args) as Promise<R>;
        if (!(promise instanceof Promise)) promise = Promise.resolve(promise);   // thenables become promises
        return Promise.prototype.then.call(promise, resolve, reject) as Promise<R>;
      } catch (err) {
        context.error = err;
        error.publish(context);
        throw err;
      } finally {
        end.publish(context);
      }
    });
  }

  /**
   * Calls fn whose argument at `position` (default: the last) is a Node-style callback: start/end around the call;
   * when the callback runs, error (if it got one), then asyncStart before it and asyncEnd after it.
   * @throws ERR_INVALID_ARG_TYPE when there is no function at `position`.
   */
  traceCallback<R>(fn: (...args: any[]) => R, position = -1, context: Context = {}, thisArg?: unknown, ...args: unknown[]): R {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    const { start, end, asyncStart, asyncEnd, error } = this;
    const callback = args.at(position);
    validateFunction(callback, "callback");
    function wrappedCallback(this: unknown, err: unknown, res: unknown) {
      if (err) {
        context.error = err;
        error.publish(context);
      } else {
        context.result = res;
      }
      // eslint-disable-next-line prefer-rest-params
      const callArgs = arguments;
      asyncStart.runStores(context, () => {
        try {
          return Reflect.apply(callback as (...a: unknown[]) => unknown, this, callArgs);
        } finally {
          asyncEnd.publish(context);
        }
      });
    }
    args.splice(position, 1, wrappedCallback);
    return start.runStores(context, () => {
      try {
        return Reflect.apply(fn, thisArg, args);
      } catch (err) {
        context.error = err;
        error.publish(context);
        throw err;
      } finally {
        end.publish(context);
      }
    });
  }
}

/** A TracingChannel over `tracing:NAME:*` channels, or over the five channels given. */
export function tracingChannel(nameOrChannels: string | Partial<Record<EventName, Channel>>): TracingChannel {
  return new TracingChannel(nameOrChannels);
}

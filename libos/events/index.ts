// libos/events/index.ts — `node:events`: the `events` npm package (Node's EventEmitter for other runtimes),
// re-exported with the names Node's module has. Layer: libos.
// The path with ".js" reaches the npm package itself (the bare name "events" resolves to this file).
import EventEmitterCjs from "events/events.js";

type Listener = (...args: unknown[]) => void;

/** Node's EventEmitter (see the Node documentation; this is the `events` package's faithful port). */
export const EventEmitter = EventEmitterCjs as unknown as typeof import("node:events").EventEmitter;
export const once = (EventEmitterCjs as unknown as { once: typeof import("node:events").once }).once;
export const defaultMaxListeners = 10;

/** The number of listeners for `event` on `emitter` (deprecated in Node, still used by packages). */
export function listenerCount(emitter: { listenerCount(e: string | symbol): number }, event: string | symbol): number {
  return emitter.listenerCount(event);
}

/** Copies of the listeners (Node's events.getEventListeners, for emitters). */
export function getEventListeners(emitter: { listeners(e: string | symbol): Listener[] }, name: string | symbol): Listener[] {
  return emitter.listeners(name);
}

export default EventEmitter;

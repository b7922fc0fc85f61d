// libos/events/index.ts — `node:events`: Node 20's EventEmitter (./emitter.ts) with the module's statics in
// Node's order (require("events") is the class itself, so Object.keys of it lists them), and the same functions as
// named exports: once, on, getEventListeners, getMaxListeners, setMaxListeners, addAbortListener,
// EventEmitterAsyncResource, errorMonitor, captureRejectionSymbol, captureRejections, defaultMaxListeners,
// usingDomains, listenerCount. Layer: libos.

import { EventEmitterAsyncResource } from "./async_resource.ts";
import {
  EventEmitter as Emitter, errorMonitor, initEmitter, kMaxEventTargetListeners, kMaxEventTargetListenersWarned, kRejection,
  staticAccessors, staticListenerCount,
} from "./emitter.ts";
import { addAbortListener, getEventListeners, getMaxListeners, on, once, setMaxListeners } from "./helpers.ts";

type NodeEvents = typeof import("node:events");

const value = (v: unknown) => ({ value: v, writable: true, enumerable: true, configurable: true });

/**
 * Gives the class node:events' statics, in Node's order (Object.keys(require("events")) lists them as Node does).
 * Called for the default export only (what require("events") and `import EventEmitter from "events"` give), so an
 * image whose only use of events is the class (every image: process is an EventEmitter) carries none of the helpers.
 */
function withStatics(ee: typeof Emitter): typeof Emitter {
  for (const k of Reflect.ownKeys(ee)) if (!["length", "name", "prototype"].includes(k as string)) delete (ee as unknown as Record<PropertyKey, unknown>)[k];
  Object.defineProperties(ee, {
    addAbortListener: value(addAbortListener),
    once: value(once),
    on: value(on),
    getEventListeners: value(getEventListeners),
    getMaxListeners: value(getMaxListeners),
    EventEmitter: value(ee),
    usingDomains: value(false),
    captureRejectionSymbol: value(kRejection),
    captureRejections: staticAccessors.captureRejections,
    EventEmitterAsyncResource: { get: () => EventEmitterAsyncResource, set: undefined, enumerable: true, configurable: true },
    errorMonitor: value(errorMonitor),
    defaultMaxListeners: staticAccessors.defaultMaxListeners,
    kMaxEventTargetListeners: { value: kMaxEventTargetListeners, enumerable: false, configurable: false, writable: false },
    kMaxEventTargetListenersWarned: { value: kMaxEventTargetListenersWarned, enumerable: false, configurable: false, writable: false },
    setMaxListeners: value(setMaxListeners),
    init: value(initEmitter),
    listenerCount: value(staticListenerCount),
  });
  return ee;
}

/** Node's EventEmitter (see the Node documentation). */
export const EventEmitter = Emitter as unknown as NodeEvents["EventEmitter"];
export { addAbortListener, errorMonitor, EventEmitterAsyncResource, getEventListeners, getMaxListeners, on, once, setMaxListeners };
export const captureRejectionSymbol: typeof import("node:events").captureRejectionSymbol = kRejection as never;
export const usingDomains = false;
/** The global captureRejections default when the module is imported (a live value: EventEmitter.captureRejections). */
export const captureRejections = false;
/** The default limit when the module is imported (a live value: EventEmitter.defaultMaxListeners). */
export const defaultMaxListeners = 10;
export const init = initEmitter;

/** The number of listeners for `event` on `emitter` (deprecated in Node, still used by packages). */
export function listenerCount(emitter: unknown, event: string | symbol): number {
  return staticListenerCount(emitter, event);
}

export default /* @__PURE__ */ withStatics(Emitter) as unknown as NodeEvents["EventEmitter"];

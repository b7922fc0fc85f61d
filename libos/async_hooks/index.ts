// libos/async_hooks/index.ts — node:async_hooks: AsyncLocalStorage, AsyncResource, executionAsyncId,
// triggerAsyncId, executionAsyncResource, createHook and asyncWrapProviders.
// The async context follows await and promise reactions (engine patch 0004: a job runs in the context that was
// current when it was enqueued; a reaction in the one current when `.then`/`await` registered it),
// queueMicrotask, process.nextTick, setTimeout/setInterval/setImmediate, fs callbacks, the callbacks of net
// sockets and servers (and so http request handlers and streams over them), dgram sockets and
// events.EventEmitterAsyncResource.
// createHook: init, before, after and destroy fire for the resources the runtime creates — Timeout, Immediate,
// TickObject, TCPWRAP (a socket), TCPSERVERWRAP (a listening server), TCPCONNECTWRAP (net.connect's lookup),
// UDPWRAP (a bound dgram socket), FSREQCALLBACK (an fs callback), CLOSE (a handle's close callback) — and for
// AsyncResource and EventEmitterAsyncResource (destroy when emitDestroy() is called). Promises are not
// async resources here: no PROMISE init/before/after/destroy and no promiseResolve events (a promise's callbacks
// run in the context, and under the asyncId, of the code that registered them). destroy fires right after a
// resource's last callback, not batched as in Node. 'unhandledRejection' listeners run in the top-level context
// (Node: the rejected promise's). Layer: libos. Depends on the files beside it.

import { nodeError } from "../util/errors.ts";
import { AsyncLocalStorage } from "./async_local_storage.ts";
import { AsyncResource } from "./async_resource.ts";
import { currentFrame } from "./context.ts";
import { addHook, removeHook, type HookCallbacks } from "./hook_registry.ts";

export { AsyncLocalStorage, AsyncResource };

/** The id of the async resource whose callback is running (1 at the top level). */
export function executionAsyncId(): number {
  return currentFrame().asyncId;
}

/** The id of the resource that caused the running one to be created (0 at the top level). */
export function triggerAsyncId(): number {
  return currentFrame().triggerAsyncId;
}

/** The resource whose callback is running (a Timeout, a Socket, an AsyncResource ...; {} at the top level). */
export function executionAsyncResource(): object {
  return currentFrame().resource;
}

const HOOK_NAMES = ["init", "before", "after", "destroy", "promiseResolve"] as const;

/** What createHook returns: enable() starts delivering events to the callbacks, disable() stops. */
export class AsyncHook implements HookCallbacks {
  init?: HookCallbacks["init"];
  before?: HookCallbacks["before"];
  after?: HookCallbacks["after"];
  destroy?: HookCallbacks["destroy"];
  promiseResolve?: HookCallbacks["promiseResolve"];

  /** @throws ERR_ASYNC_CALLBACK when a callback given is not a function. */
  constructor(callbacks: HookCallbacks) {
    for (const name of HOOK_NAMES) {
      const fn = callbacks[name];
      if (fn !== undefined && typeof fn !== "function") {
        throw nodeError(TypeError, "ERR_ASYNC_CALLBACK", `hook.${name} must be a function`);
      }
      (this as Record<string, unknown>)[name] = fn;
    }
  }

  enable(): this {
    currentFrame();                 // installs the event loop's hook (context.ts)
    addHook(this);
    return this;
  }

  disable(): this {
    removeHook(this);
    return this;
  }
}

/** An AsyncHook over `callbacks` (not yet enabled). */
export function createHook(callbacks: HookCallbacks): AsyncHook {
  if (callbacks === null || typeof callbacks !== "object") {
    // Node destructures its argument: a primitive other than null/undefined yields no callbacks.
    if (callbacks === null || callbacks === undefined) {
      throw new TypeError(`Cannot destructure property 'init' of '${String(callbacks)}' as it is ${String(callbacks)}.`);
    }
    return new AsyncHook({});
  }
  return new AsyncHook(callbacks);
}

/** Node 20's provider names (the native resource types it can create) and numbers, frozen. */
export const asyncWrapProviders: Readonly<Record<string, number>> = Object.freeze(Object.assign(Object.create(null), {
  NONE: 0, DIRHANDLE: 1, DNSCHANNEL: 2, ELDHISTOGRAM: 3, FILEHANDLE: 4, FILEHANDLECLOSEREQ: 5, BLOBREADER: 6,
  FSEVENTWRAP: 7, FSREQCALLBACK: 8, FSREQPROMISE: 9, GETADDRINFOREQWRAP: 10, GETNAMEINFOREQWRAP: 11,
  HEAPSNAPSHOT: 12, HTTP2SESSION: 13, HTTP2STREAM: 14, HTTP2PING: 15, HTTP2SETTINGS: 16, HTTPINCOMINGMESSAGE: 17,
  HTTPCLIENTREQUEST: 18, JSSTREAM: 19, JSUDPWRAP: 20, MESSAGEPORT: 21, PIPECONNECTWRAP: 22, PIPESERVERWRAP: 23,
  PIPEWRAP: 24, PROCESSWRAP: 25, PROMISE: 26, QUERYWRAP: 27, QUIC_LOGSTREAM: 28, QUIC_PACKET: 29, SHUTDOWNWRAP: 30,
  SIGNALWRAP: 31, STATWATCHER: 32, STREAMPIPE: 33, TCPCONNECTWRAP: 34, TCPSERVERWRAP: 35, TCPWRAP: 36, TTYWRAP: 37,
  UDPSENDWRAP: 38, UDPWRAP: 39, SIGINTWATCHDOG: 40, WORKER: 41, WORKERHEAPSNAPSHOT: 42, WRITEWRAP: 43, ZLIB: 44,
  CHECKPRIMEREQUEST: 45, PBKDF2REQUEST: 46, KEYPAIRGENREQUEST: 47, KEYGENREQUEST: 48, KEYEXPORTREQUEST: 49,
  CIPHERREQUEST: 50, DERIVEBITSREQUEST: 51, HASHREQUEST: 52, RANDOMBYTESREQUEST: 53, RANDOMPRIMEREQUEST: 54,
  SCRYPTREQUEST: 55, SIGNREQUEST: 56, TLSWRAP: 57, VERIFYREQUEST: 58,
}));

export default {
  AsyncLocalStorage, AsyncResource, createHook, executionAsyncId, triggerAsyncId, executionAsyncResource,
  asyncWrapProviders,
};

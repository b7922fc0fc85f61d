// libos/async_hooks/async_local_storage.ts — AsyncLocalStorage: a store that follows the async context through
// await, promise reactions, queueMicrotask, nextTick, timers, immediates and socket/stream callbacks. Each store is
// an entry in the current AsyncFrame (context.ts), so run() makes a new frame and async work started inside it
// keeps that frame. Node 20's API: run, exit, enterWith, getStore, disable, and the static bind and snapshot.
// Differences from Node 20 (whose stores live on async resources): a store set by enterWith() inside a callback
// ends with that callback; after disable() and a later run(), contexts created before disable() see their old store
// again. Layer: libos. Depends on ./context.ts and ./async_resource.ts.

import { AsyncResource } from "./async_resource.ts";
import { currentFrame, enterFrame, restoreFrame, type AsyncFrame } from "./context.ts";

function withStore(frame: AsyncFrame, key: object, store: unknown, remove = false): AsyncFrame {
  const stores = new Map(frame.stores);
  if (remove) stores.delete(key);
  else stores.set(key, store);
  return { stores, asyncId: frame.asyncId, triggerAsyncId: frame.triggerAsyncId, resource: frame.resource };
}

export class AsyncLocalStorage<T = unknown> {
  /** False until run()/enterWith(), and again after disable(): getStore() is then undefined. */
  private enabled = false;

  constructor() {
    currentFrame();                 // installs the event loop's hook (context.ts), so work scheduled now is tracked
  }

  /** `fn` bound to the current async context (AsyncResource.bind). */
  static bind<F extends (...args: any[]) => any>(fn: F): F {
    return AsyncResource.bind(fn);
  }

  /** A function that runs any function in the async context current now: `snapshot()(fn, ...args)`. */
  static snapshot(): <R, A extends unknown[]>(fn: (...args: A) => R, ...args: A) => R {
    return AsyncLocalStorage.bind(<R, A extends unknown[]>(cb: (...args: A) => R, ...args: A) => cb(...args));
  }

  /** Disables the instance: getStore() returns undefined until the next run() or enterWith(). */
  disable(): void {
    this.enabled = false;
  }

  /** The store of the current context, or undefined (outside run(), or disabled). */
  getStore(): T | undefined {
    if (!this.enabled) return undefined;
    return currentFrame().stores?.get(this) as T | undefined;
  }

  /** Runs `callback(...args)` with `store` as this instance's store, for it and all async work it starts. */
  run<R, A extends unknown[]>(store: T, callback: (...args: A) => R, ...args: A): R {
    this.enabled = true;
    const frame = currentFrame();
    if (frame.stores?.has(this) && Object.is(frame.stores.get(this), store)) return Reflect.apply(callback, null, args);
    const saved = enterFrame(withStore(frame, this, store));
    try {
      return Reflect.apply(callback, null, args);
    } finally {
      restoreFrame(saved);
    }
  }

  /** Runs `callback(...args)` outside this instance's context (getStore() is undefined in it and its async work). */
  exit<R, A extends unknown[]>(callback: (...args: A) => R, ...args: A): R {
    if (!this.enabled) return Reflect.apply(callback, null, args);
    const frame = currentFrame();
    if (!frame.stores?.has(this)) return Reflect.apply(callback, null, args);
    const saved = enterFrame(withStore(frame, this, undefined, true));
    try {
      return Reflect.apply(callback, null, args);
    } finally {
      restoreFrame(saved);
    }
  }

  /** Makes `store` this instance's store for the rest of the current synchronous execution and the work it starts. */
  enterWith(store: T): void {
    this.enabled = true;
    enterFrame(withStore(currentFrame(), this, store));
  }
}

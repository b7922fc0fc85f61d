// libos/async_hooks/async_resource.ts — AsyncResource: an embedder's own async resource. It captures the async
// context (AsyncLocalStorage stores) where it is constructed; runInAsyncScope and bound functions run inside it,
// with before/after hooks. Node 20's argument checks and errors. Layer: libos. Depends on ./context.ts,
// ./hook_registry.ts and libos/util/errors.ts.

import { invalidArgType, nodeError, validateFunction, validateString } from "../util/errors.ts";
import { currentFrame, newAsyncId, runInFrame, type AsyncFrame } from "./context.ts";
import { emitDestroy, emitInit } from "./hook_registry.ts";

const kFrame = Symbol("kFrame");
let warnedAsyncResource = false;

function warnAsyncResourceProperty(): void {
  if (warnedAsyncResource) return;
  warnedAsyncResource = true;
  const proc = globalThis.process as { emitWarning?(m: string, t: string, c: string): void; noDeprecation?: boolean } | undefined;
  if (proc?.noDeprecation !== true) {
    proc?.emitWarning?.("The asyncResource property on bound functions is deprecated", "DeprecationWarning", "DEP0172");
  }
}

/** Options of `new AsyncResource(type, options)` (a bare number is the trigger id). */
export interface AsyncResourceOptions {
  triggerAsyncId?: number;
  requireManualDestroy?: boolean;
}

export class AsyncResource {
  private [kFrame]: AsyncFrame;

  /**
   * @throws ERR_INVALID_ARG_TYPE when `type` is not a string; ERR_INVALID_ASYNC_ID when the trigger id is not a
   * safe integer ≥ -1.
   */
  constructor(type: string, options: number | AsyncResourceOptions = {}) {
    validateString(type, "type");
    const current = currentFrame();
    let triggerAsyncId: unknown = options;
    if (typeof options !== "number") {
      triggerAsyncId = options?.triggerAsyncId === undefined ? current.asyncId : options.triggerAsyncId;
    }
    if (!Number.isSafeInteger(triggerAsyncId) || (triggerAsyncId as number) < -1) {
      throw nodeError(RangeError, "ERR_INVALID_ASYNC_ID", `Invalid triggerAsyncId value: ${String(triggerAsyncId)}`);
    }
    this[kFrame] = { stores: current.stores, asyncId: newAsyncId(), triggerAsyncId: triggerAsyncId as number, resource: this };
    emitInit(this[kFrame].asyncId, type, triggerAsyncId as number, this);
  }

  /** Calls `fn` with `thisArg` and `args` inside this resource's context; returns what `fn` returns. */
  runInAsyncScope<R, This = unknown>(fn: (this: This, ...args: any[]) => R, thisArg?: This, ...args: unknown[]): R {
    return runInFrame(this[kFrame], () => Reflect.apply(fn, thisArg, args));
  }

  /** Runs the destroy hooks (safe to call more than once; the context stays usable). */
  emitDestroy(): this {
    emitDestroy(this[kFrame].asyncId);
    return this;
  }

  asyncId(): number {
    return this[kFrame].asyncId;
  }

  triggerAsyncId(): number {
    return this[kFrame].triggerAsyncId;
  }

  /** `fn` bound to this resource (and to `thisArg` when given); the result has `asyncResource` and fn's length. */
  bind<F extends (...args: any[]) => any>(fn: F, thisArg?: unknown): F & { asyncResource: AsyncResource } {
    validateFunction(fn, "fn");
    const resource = this;
    let bound: (...args: unknown[]) => unknown;
    if (thisArg === undefined) {
      bound = function (this: unknown, ...args: unknown[]) { return resource.runInAsyncScope(fn, this, ...args); };
    } else {
      bound = function (...args: unknown[]) { return resource.runInAsyncScope(fn, thisArg, ...args); };
      Object.defineProperty(bound, "name", { configurable: true, value: "bound runInAsyncScope" });   // Node: Function#bind
    }
    let self: AsyncResource = this;
    Object.defineProperties(bound, {
      length: { configurable: true, enumerable: false, value: fn.length, writable: false },
      // Node 20 deprecates it (DEP0172): a warning on first use.
      asyncResource: {
        configurable: true, enumerable: true,
        get() { warnAsyncResourceProperty(); return self; },
        set(v: AsyncResource) { warnAsyncResourceProperty(); self = v; },
      },
    });
    return bound as unknown as F & { asyncResource: AsyncResource };
  }

  /** `fn` bound to a new AsyncResource of `type` (default: fn's name, else "bound-anonymous-fn"). */
  static bind<F extends (...args: any[]) => any>(fn: F, type?: string, thisArg?: unknown): F & { asyncResource: AsyncResource } {
    if (typeof fn !== "function") throw invalidArgType("fn", "Function", fn);
    type = type || fn.name;
    return new AsyncResource(type || "bound-anonymous-fn").bind(fn, thisArg);
  }
}

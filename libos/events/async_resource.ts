// libos/events/async_resource.ts — events.EventEmitterAsyncResource: an EventEmitter whose emit() runs inside its
// own async resource (Node: for async_hooks and AsyncLocalStorage). unijs's image has no async_hooks yet, so the
// resource here is the surface Node gives it (asyncId, triggerAsyncId, runInAsyncScope, emitDestroy, bind,
// eventEmitter) with ids from a counter and no hooks to run; emit() still goes through runInAsyncScope.
// Layer: libos. Depends on ./emitter.ts and libos/util/errors.ts.

import { nodeError, validateString } from "../util/errors.ts";
import { EventEmitter } from "./emitter.ts";

const kEventEmitter = Symbol("kEventEmitter");
const kAsyncResource = Symbol("kAsyncResource");
let lastAsyncId = 1;

const invalidThis = (type: string) => nodeError(TypeError, "ERR_INVALID_THIS", `Value of "this" must be of type ${type}`);

/** The async resource an EventEmitterAsyncResource emits in (AsyncResource's surface). */
export class EventEmitterReferencingAsyncResource {
  private readonly id = ++lastAsyncId;
  private readonly trigger: number;
  [kEventEmitter]: unknown;
  constructor(ee: unknown, readonly type: string, options?: { triggerAsyncId?: number }) {
    this.trigger = options?.triggerAsyncId ?? 1;
    this[kEventEmitter] = ee;
  }
  asyncId(): number { return this.id; }
  triggerAsyncId(): number { return this.trigger; }
  runInAsyncScope<R>(fn: (...args: any[]) => R, thisArg?: unknown, ...args: unknown[]): R {
    return Reflect.apply(fn, thisArg, args);
  }
  emitDestroy(): this { return this; }
  bind<F extends (...args: any[]) => unknown>(fn: F, thisArg?: unknown): F {
    const self = this;
    return function (this: unknown, ...args: unknown[]) {
      return self.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    } as F;
  }
  get eventEmitter(): unknown {
    if (this[kEventEmitter] === undefined) throw invalidThis("EventEmitterReferencingAsyncResource");
    return this[kEventEmitter];
  }
}

const Base = EventEmitter as unknown as new (opts?: unknown) => { emit(event: string | symbol, ...args: unknown[]): boolean };

/** An EventEmitter bound to an async resource named by `options.name` (or the subclass's name). */
export class EventEmitterAsyncResource extends Base {
  [kAsyncResource]: EventEmitterReferencingAsyncResource;
  constructor(options?: string | { name?: string; triggerAsyncId?: number; requireManualDestroy?: boolean; captureRejections?: boolean }) {
    let name: string;
    if (typeof options === "string") {
      name = options;
      options = undefined;
    } else {
      if (new.target === EventEmitterAsyncResource) validateString(options?.name, "options.name");
      name = options?.name || new.target.name;
    }
    super(options);
    this[kAsyncResource] = new EventEmitterReferencingAsyncResource(this, name, options);
  }
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const r = this.asyncResource;
    return r.runInAsyncScope(super.emit, this, event, ...args);
  }
  emitDestroy(): void {
    this.asyncResource.emitDestroy();
  }
  get asyncId(): number {
    return this.asyncResource.asyncId();
  }
  get triggerAsyncId(): number {
    return this.asyncResource.triggerAsyncId();
  }
  get asyncResource(): EventEmitterReferencingAsyncResource {
    if (this[kAsyncResource] === undefined) throw invalidThis("EventEmitterAsyncResource");
    return this[kAsyncResource];
  }
}

// libos/events/async_resource.ts — events.EventEmitterAsyncResource: an EventEmitter whose emit() runs inside its
// own async resource (Node: for async_hooks and AsyncLocalStorage). The resource has AsyncResource's surface
// (asyncId, triggerAsyncId, runInAsyncScope, emitDestroy, bind, eventEmitter); when node:async_hooks is in use
// (kernel/async_wrap.ts) it captures the async context where it is made and emit() runs listeners in it, with
// async_hooks' ids and hooks; otherwise its ids come from a counter and there is no context to carry.
// Layer: libos. Depends on ./emitter.ts, kernel/async_wrap.ts and libos/util/errors.ts.

import { asyncWrap } from "../../kernel/async_wrap.ts";
import { nodeError, validateString } from "../util/errors.ts";
import { EventEmitter } from "./emitter.ts";

const kEventEmitter = Symbol("kEventEmitter");
const kAsyncResource = Symbol("kAsyncResource");
let lastAsyncId = 1;

const invalidThis = (type: string) => nodeError(TypeError, "ERR_INVALID_THIS", `Value of "this" must be of type ${type}`);

/** The async resource an EventEmitterAsyncResource emits in (AsyncResource's surface). */
export class EventEmitterReferencingAsyncResource {
  private readonly id: number;
  private readonly trigger: number;
  /** The async context (node:async_hooks in use), else undefined. */
  private readonly context: unknown;
  [kEventEmitter]: unknown;
  constructor(ee: unknown, readonly type: string, options?: { triggerAsyncId?: number }) {
    const w = asyncWrap();
    this.context = w?.init(type, this, options?.triggerAsyncId);
    const ids = w && this.context !== undefined ? w.ids(this.context) : undefined;
    this.id = ids ? ids.asyncId : ++lastAsyncId;
    this.trigger = ids ? ids.triggerAsyncId : options?.triggerAsyncId ?? 1;
    this[kEventEmitter] = ee;
  }
  asyncId(): number { return this.id; }
  triggerAsyncId(): number { return this.trigger; }
  runInAsyncScope<R>(fn: (...args: any[]) => R, thisArg?: unknown, ...args: unknown[]): R {
    const w = this.context === undefined ? undefined : asyncWrap();
    if (w) return w.bind(this.context, () => Reflect.apply(fn, thisArg, args))();
    return Reflect.apply(fn, thisArg, args);
  }
  emitDestroy(): this {
    if (this.context !== undefined) asyncWrap()?.destroy(this.context);
    return this;
  }
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

// libos/async_hooks/context.ts — the current async context and the resources that carry it. A context is an
// immutable AsyncFrame: the AsyncLocalStorage stores, the async id and trigger id, the resource. Inside an image the
// frame lives in the engine (patch 0004, hal.asyncContext/asyncContextSwap): every promise job runs in the frame
// that was current when it was enqueued (a reaction: when `.then`/`await` registered it), so `await` keeps the
// context with no JavaScript on the promise path. Timers, immediates, nextTick, fs completions and socket callbacks
// keep it through loop_wrap.ts, which wraps the event loop the first time this module is used (images without
// node:async_hooks never do). Hosted (tests over test/sim) the frame is a module variable.
// Layer: libos. Depends on kernel/event_loop.ts, kernel/platform.ts, ./hook_registry.ts and ./loop_wrap.ts.

import { loop } from "../../kernel/event_loop.ts";
import { platformOrNull } from "../../kernel/platform.ts";
import { emitAfter, emitBefore, emitInit } from "./hook_registry.ts";
import { wrapLoop } from "./loop_wrap.ts";

/** One async context: what getStore()/executionAsyncId()/executionAsyncResource() read. Never mutated. */
export interface AsyncFrame {
  /** AsyncLocalStorage instance → its store (absent: none). */
  readonly stores: ReadonlyMap<object, unknown> | undefined;
  readonly asyncId: number;
  readonly triggerAsyncId: number;
  readonly resource: object;
}

/** The program's top level (Node: executionAsyncId() 1, triggerAsyncId() 0, an empty resource object). */
export const ROOT: AsyncFrame = { stores: undefined, asyncId: 1, triggerAsyncId: 0, resource: {} };

interface NativeContext {
  asyncContext(): unknown;
  asyncContextSwap(value: unknown): unknown;
}

let native: NativeContext | null | undefined;
let hostedSlot: unknown;
let lastAsyncId = 1;

function nativeContext(): NativeContext | null {
  if (native === undefined) {
    const hal = platformOrNull() as Partial<NativeContext> | null;
    native = hal && typeof hal.asyncContextSwap === "function" ? (hal as NativeContext) : null;
    installLoopHook();
  }
  return native;
}

/** The current frame. */
export function currentFrame(): AsyncFrame {
  const n = nativeContext();
  return ((n ? n.asyncContext() : hostedSlot) as AsyncFrame | undefined) ?? ROOT;
}

/** Makes `frame` current; returns the previous one, for `restoreFrame`. */
export function enterFrame(frame: AsyncFrame): unknown {
  const n = nativeContext();
  if (n) return n.asyncContextSwap(frame);
  const previous = hostedSlot;
  hostedSlot = frame;
  return previous;
}

/** Puts back what enterFrame returned. */
export function restoreFrame(saved: unknown): void {
  const n = nativeContext();
  if (n) n.asyncContextSwap(saved);
  else hostedSlot = saved;
}

/** A new async id (Node's newAsyncId). */
export function newAsyncId(): number {
  return ++lastAsyncId;
}

/** A frame for a new resource created now: the current stores, a fresh id, the current id as trigger. */
export function newResourceFrame(type: string, resource: object, triggerAsyncId?: number): AsyncFrame {
  const current = currentFrame();
  const frame: AsyncFrame = {
    stores: current.stores,
    asyncId: newAsyncId(),
    triggerAsyncId: triggerAsyncId ?? current.asyncId,
    resource,
  };
  emitInit(frame.asyncId, type, frame.triggerAsyncId, resource);
  return frame;
}

/** Runs `fn` inside `frame` with Node's before/after hooks around it. */
export function runInFrame<R>(frame: AsyncFrame, fn: () => R): R {
  const saved = enterFrame(frame);
  emitBefore(frame.asyncId);
  try {
    return fn();
  } finally {
    emitAfter(frame.asyncId);
    restoreFrame(saved);
  }
}

function installLoopHook(): void {
  try {
    wrapLoop(loop());
  } catch {
    // No platform yet (hosted, before setPlatform): installed by the first use after one exists.
    native = undefined;
  }
}

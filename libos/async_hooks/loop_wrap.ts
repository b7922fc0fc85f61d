// libos/async_hooks/loop_wrap.ts — makes the event loop carry async contexts, from outside it: the first use of
// node:async_hooks wraps the loop's scheduling methods (nextTick, scheduleTimer/cancelTimer, queueImmediate/
// cancelImmediate, queueCompletion, queueClose) on that loop object, so each callback runs in the context that was
// current when it was scheduled (a Timeout keeps the one of its first scheduling through repeats and refresh),
// with init/before/after/destroy for createHook. kernel/event_loop.ts has no code for this: images without
// async_hooks do not pay for it. An exception escaping a callback is reported to the loop's hooks from inside the
// callback's context (as Node: ALS stores are visible in 'uncaughtException'). Layer: libos. Depends on
// kernel/event_loop.ts, kernel/async_wrap.ts and ./context.ts.

import { setAsyncWrap } from "../../kernel/async_wrap.ts";
import type { EventLoop, LoopImmediate, LoopTimer } from "../../kernel/event_loop.ts";
import { newResourceFrame, runInFrame, type AsyncFrame } from "./context.ts";
import { emitDestroy } from "./hook_registry.ts";

const wrappedLoops = new WeakSet<EventLoop>();
const timerFrames = new WeakMap<LoopTimer, AsyncFrame>();
const immediateFrames = new WeakMap<LoopImmediate, AsyncFrame>();

/** Runs `fn` in `frame`; an exception goes to the loop's uncaught hook while still in the frame. */
function runCallback(ev: EventLoop, frame: AsyncFrame, fn: () => void): void {
  runInFrame(frame, () => {
    try {
      fn();
    } catch (e) {
      ev.hooks.uncaught(e, "uncaughtException");
    }
  });
}

/** `fn` bound to a new resource of `type` created now. */
function bindNew<A extends unknown[]>(ev: EventLoop, type: string, fn: (...args: A) => void): (...args: A) => void {
  const frame = newResourceFrame(type, fn);
  return (...args: A) => {
    runCallback(ev, frame, () => fn(...args));
    emitDestroy(frame.asyncId);
  };
}

/** Wraps `ev`'s scheduling methods (once per loop). */
export function wrapLoop(ev: EventLoop): void {
  if (wrappedLoops.has(ev)) return;
  wrappedLoops.add(ev);
  setAsyncWrap({
    init: (type, resource, triggerAsyncId) => newResourceFrame(type, resource, triggerAsyncId),
    bind: (context, fn) => (...args) => runInFrame(context as AsyncFrame, () => fn(...args)),
    ids: (context) => context as AsyncFrame,
    destroy: (context) => emitDestroy((context as AsyncFrame).asyncId),
  });
  const { nextTick, scheduleTimer, cancelTimer, queueImmediate, cancelImmediate, queueCompletion, queueClose } = ev;

  ev.nextTick = function (fn, args) {
    const tick = { callback: fn, args };
    const frame = newResourceFrame("TickObject", tick);
    nextTick.call(this, (...a: unknown[]) => {
      runCallback(ev, frame, () => fn.apply(undefined, a));
      emitDestroy(frame.asyncId);
    }, args);
  };

  ev.scheduleTimer = function (t, delayMs) {
    if (!timerFrames.has(t)) {
      const frame = newResourceFrame("Timeout", t);
      timerFrames.set(t, frame);
      const fire = t.fire;
      t.fire = function () {
        runCallback(ev, frame, () => fire.call(t));
        if (!ev.isScheduled(t)) emitDestroy(frame.asyncId);     // not repeated, refreshed or rescheduled: done
      };
    }
    scheduleTimer.call(this, t, delayMs);
  };

  ev.cancelTimer = function (t) {
    const frame = ev.isScheduled(t) ? timerFrames.get(t) : undefined;
    cancelTimer.call(this, t);
    if (frame) emitDestroy(frame.asyncId);
  };

  ev.queueImmediate = function (i) {
    const frame = newResourceFrame("Immediate", i);
    immediateFrames.set(i, frame);
    const run = Object.getPrototypeOf(i).run as () => void;
    i.run = function () {
      runCallback(ev, frame, () => run.call(i));
      emitDestroy(frame.asyncId);
    };
    queueImmediate.call(this, i);
  };

  ev.cancelImmediate = function (i) {
    const frame = i.queued ? immediateFrames.get(i) : undefined;
    cancelImmediate.call(this, i);
    if (frame) emitDestroy(frame.asyncId);
  };

  ev.queueCompletion = function (fn) {
    queueCompletion.call(this, bindNew(ev, "FSREQCALLBACK", fn));
  };

  ev.queueClose = function (fn) {
    queueClose.call(this, bindNew(ev, "CLOSE", fn));
  };
}

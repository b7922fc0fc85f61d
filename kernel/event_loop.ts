// kernel/event_loop.ts — the scheduler: a Node-compatible event loop on the platform boundary.
// Phases as in Node 20 (libuv ≥ 1.45): timers once before the loop, then per iteration poll (device interrupts,
// sleeping in hal.halt() until the next timer when there is nothing to run), check (setImmediate), close
// callbacks, timers. After every callback: the nextTick queue, then promise jobs, then unhandled rejections,
// repeated until all are empty (Node's processTicksAndRejections). The loop ends when no ref'd timer, immediate,
// I/O handle or close callback is left. Timers are kept in per-duration lists (timer_lists.ts), as Node keeps them.
// Layer: kernel. Depends on platform.ts and timer_lists.ts.

import { platform, type Platform } from "./platform.ts";
import type { TimerEntry } from "./timer_heap.ts";
import { TimerLists } from "./timer_lists.ts";

/** A timer as the loop schedules it (libos/timers' Timeout implements this). */
export interface LoopTimer extends TimerEntry {
  refed: boolean;
  /** Called when due. The loop has already removed the timer; to repeat, the callee reschedules it. */
  fire(): void;
}

/** An immediate as the loop queues it (libos/timers' Immediate implements this). */
export interface LoopImmediate {
  refed: boolean;
  /** False once run or cancelled. */
  queued: boolean;
  run(): void;
}

/** What the layer above decides: how to report errors and what 'beforeExit' does. */
export interface LoopHooks {
  /** An exception escaped a callback ("uncaughtException") or a rejection went unhandled ("unhandledRejection"). */
  uncaught(error: unknown, origin: "uncaughtException" | "unhandledRejection", promise?: unknown): void;
  /** Rejections nobody handled after the microtask queue drained: return true if any was dispatched. */
  unhandledRejections?(pairs: unknown[]): boolean;
  /** A rejection reported unhandled got a handler later ('rejectionHandled'). */
  rejectionHandled?(promise: unknown): void;
  /** The loop ran dry; emit 'beforeExit'. Work scheduled here keeps the loop going. */
  beforeExit(): void;
}

const defaultHooks: LoopHooks = {
  uncaught(error) {
    throw error;
  },
  beforeExit() {},
};

/** A ref'able I/O handle (a device, a socket): while ref'd and open it keeps the loop alive. */
export class IoHandle {
  private refed = true;
  private open = true;

  constructor(private readonly loop: EventLoop) {
    loop.handleRefs++;
  }

  ref(): this {
    if (this.open && !this.refed) { this.refed = true; this.loop.handleRefs++; }
    return this;
  }

  unref(): this {
    if (this.open && this.refed) { this.refed = false; this.loop.handleRefs--; }
    return this;
  }

  hasRef(): boolean {
    return this.open && this.refed;
  }

  /** Stops keeping the loop alive; `onClose` runs in the close-callbacks phase. */
  close(onClose?: () => void): void {
    if (!this.open) return;
    if (this.refed) this.loop.handleRefs--;
    this.open = false;
    if (onClose) this.loop.queueClose(onClose);
  }
}

export class EventLoop {
  /** The loop's clock: ms on the platform's monotonic scale, updated at phase boundaries. */
  time: number;
  /** Ref'd I/O handles (maintained by IoHandle). */
  handleRefs = 0;
  hooks: LoopHooks = defaultHooks;

  private readonly timers = new TimerLists<LoopTimer>();
  private timerRefs = 0;
  private seq = 0;
  private immediates: LoopImmediate[] = [];
  private immediateRefs = 0;
  private ticks: { fn: (...args: unknown[]) => void; args: unknown[] | undefined }[] = [];
  private tickHead = 0;
  private closing: (() => void)[] = [];
  private completions: (() => void)[] = [];
  private readonly irqHandlers = new Map<number, (() => void)[]>();
  /** Vectors taken outside the poll phase (kernel/wait_sync.ts) for the next poll phase to dispatch. */
  readonly deferredVectors: number[] = [];
  /** Interrupts that arrived on vectors nobody subscribed to (the timer's own vector excepted). */
  unhandledInterrupts = 0;
  private inTicks = false;

  constructor(readonly p: Platform) {
    this.time = p.now();
  }

  /** Re-reads the clock into `time` and returns it. */
  updateTime(): number {
    return (this.time = this.p.now());
  }

  // ---- timers ----

  /** Schedules `t` to fire `delayMs` after now (a fresh clock read: a timer never fires early). */
  scheduleTimer(t: LoopTimer, delayMs: number): void {
    if (t.heapIndex >= 0) this.timers.remove(t);
    else if (t.refed) this.timerRefs++;
    t.expiry = this.p.now() + delayMs;
    t.seq = this.seq++;
    this.timers.push(t, delayMs);
  }

  cancelTimer(t: LoopTimer): void {
    if (t.heapIndex < 0) return;
    this.timers.remove(t);
    if (t.refed) this.timerRefs--;
  }

  /** Changes whether a timer keeps the loop alive. */
  refTimer(t: LoopTimer, refed: boolean): void {
    if (t.refed === refed) return;
    t.refed = refed;
    if (t.heapIndex >= 0) this.timerRefs += refed ? 1 : -1;
  }

  isScheduled(t: LoopTimer): boolean {
    return t.heapIndex >= 0;
  }

  private runTimers(): void {
    for (;;) {
      const t = this.timers.peek();
      if (!t || t.expiry > this.time) return;
      this.timers.remove(t);
      if (t.refed) this.timerRefs--;
      this.invoke(() => t.fire());
    }
  }

  // ---- immediates ----

  queueImmediate(i: LoopImmediate): void {
    i.queued = true;
    this.immediates.push(i);
    if (i.refed) this.immediateRefs++;
  }

  cancelImmediate(i: LoopImmediate): void {
    if (!i.queued) return;
    i.queued = false;
    if (i.refed) this.immediateRefs--;
  }

  refImmediate(i: LoopImmediate, refed: boolean): void {
    if (i.refed === refed) return;
    i.refed = refed;
    if (i.queued) this.immediateRefs += refed ? 1 : -1;
  }

  private runImmediates(): void {
    const batch = this.immediates;
    this.immediates = [];
    for (const i of batch) {
      if (!i.queued) continue;
      i.queued = false;
      if (i.refed) this.immediateRefs--;
      this.invoke(() => i.run());
    }
  }

  // ---- nextTick, microtasks, rejections ----

  nextTick(fn: (...args: unknown[]) => void, args?: unknown[]): void {
    this.ticks.push({ fn, args });
  }

  /** Node's processTicksAndRejections: ticks, then promise jobs, then unhandled rejections, until all are quiet. */
  processTicksAndRejections(): void {
    if (this.inTicks) return;
    this.inTicks = true;
    try {
      do {
        while (this.tickHead < this.ticks.length) {
          const t = this.ticks[this.tickHead++];
          try {
            const fn = t.fn, args = t.args;            // `this` is undefined, as in Node
            if (args === undefined) fn();
            else fn.apply(undefined, args);
          } catch (e) {
            this.hooks.uncaught(e, "uncaughtException");
          }
        }
        this.ticks.length = 0;
        this.tickHead = 0;
        try {
          this.p.runJobs();
        } catch (e) {
          this.hooks.uncaught(e, "uncaughtException");
        }
      } while (this.tickHead < this.ticks.length || this.processRejections());
    } finally {
      this.inTicks = false;
    }
  }

  private processRejections(): boolean {
    // As Node's processPromiseRejections: rejections handled late first, then the new unhandled ones.
    const late = this.p.takeHandledRejections?.();
    if (late !== undefined) {
      for (let i = 0; i < late.length; i++) {
        try {
          this.hooks.rejectionHandled?.(late[i]);
        } catch (e) {
          this.hooks.uncaught(e, "uncaughtException");
        }
      }
    }
    const pairs = this.p.takeRejections();
    if (pairs.length === 0) return late !== undefined && late.length > 0;
    if (this.hooks.unhandledRejections) return this.hooks.unhandledRejections(pairs);
    for (let i = 0; i < pairs.length; i += 2) this.hooks.uncaught(pairs[i + 1], "unhandledRejection", pairs[i]);
    return true;
  }

  /** Runs one callback as Node runs a macrotask: exceptions go to the hooks, then ticks and microtasks. */
  invoke(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.hooks.uncaught(e, "uncaughtException");
    }
    this.processTicksAndRejections();
  }

  // ---- interrupts and handles ----

  /** Subscribes a handler to an interrupt vector; it runs in the poll phase. Returns the unsubscribe function. */
  onInterrupt(vector: number, handler: () => void): () => void {
    const list = this.irqHandlers.get(vector) ?? [];
    list.push(handler);
    this.irqHandlers.set(vector, list);
    return () => {
      const l = this.irqHandlers.get(vector);
      const at = l ? l.indexOf(handler) : -1;
      if (l && at >= 0) l.splice(at, 1);
    };
  }

  queueClose(fn: () => void): void {
    this.closing.push(fn);
  }

  /**
   * Runs `fn` in the next poll phase, as the callback of a completed I/O request (libuv's thread-pool completions:
   * node:fs's callback and promise forms do their work synchronously, then deliver the result this way). Keeps the
   * loop alive until it ran; poll does not sleep while one is queued.
   */
  queueCompletion(fn: () => void): void {
    this.completions.push(fn);
  }

  private runCompletions(): void {
    if (this.completions.length === 0) return;
    const batch = this.completions;
    this.completions = [];
    for (const fn of batch) this.invoke(fn);
  }

  /** The handlers subscribed to a vector (kernel/wait_sync.ts runs a device's own during a synchronous wait). */
  handlersOf(vector: number): readonly (() => void)[] {
    return this.irqHandlers.get(vector) ?? [];
  }

  private dispatchInterrupts(): void {
    const taken = this.p.takeInterrupts();
    for (const v of this.deferredVectors.length ? [...this.deferredVectors.splice(0), ...taken] : taken) {
      const handlers = this.irqHandlers.get(v);
      if (handlers && handlers.length) for (const h of handlers.slice()) this.invoke(h);
      else if (v !== TIMER_VECTOR) this.unhandledInterrupts++;
      this.p.irqAck(v);
    }
  }

  private runClosing(): void {
    if (this.closing.length === 0) return;
    const batch = this.closing;
    this.closing = [];
    for (const fn of batch) this.invoke(fn);
  }

  // ---- the loop ----

  /** uv_loop_alive: anything ref'd left to wait for. */
  alive(): boolean {
    return this.timerRefs > 0 || this.immediateRefs > 0 || this.handleRefs > 0 || this.closing.length > 0 ||
      this.completions.length > 0;
  }

  /** How long poll may sleep: 0 when something is runnable, -1 for "until an interrupt", else ms to the timer. */
  private pollTimeout(): number {
    if (this.immediateRefs > 0 || this.closing.length > 0 || this.completions.length > 0) return 0;
    if (this.timerRefs === 0 && this.handleRefs === 0) return 0;
    const next = this.timers.peek();
    if (!next) return -1;
    return Math.max(0, next.expiry - this.time);
  }

  private poll(timeout: number): void {
    if (timeout === 0) {
      this.p.pollInterrupts();
    } else {
      if (timeout > 0) this.p.timerArm(this.time + timeout);
      else this.p.timerCancel();
      this.p.halt();
    }
    this.dispatchInterrupts();
    this.runCompletions();
  }

  /** Runs until nothing is left (emitting 'beforeExit' through the hooks, as Node does), then returns. */
  run(): void {
    for (;;) {
      let alive = this.alive();
      if (alive) {
        this.updateTime();
        this.runTimers();
        alive = this.alive();
      }
      while (alive) {
        this.poll(this.pollTimeout());
        this.runImmediates();
        this.runClosing();
        this.updateTime();
        this.runTimers();
        alive = this.alive();
      }
      this.invoke(() => this.hooks.beforeExit());
      if (!this.alive()) return;
    }
  }
}

/** The LAPIC timer's vector (boot/native/apic.h): its interrupts only wake the loop. */
export const TIMER_VECTOR = 0xf0;

let theLoop: EventLoop | undefined;

/** The one event loop, created on first use over the current platform. */
export function loop(): EventLoop {
  return (theLoop ??= new EventLoop(platform()));
}

/** Replaces the loop (tests: a fresh loop over a simulated platform). */
export function setLoop(l: EventLoop | undefined): void {
  theLoop = l;
}

// libos/perf_hooks/performance.ts — the `performance` object (Node's Performance): now() and timeOrigin from the
// platform's monotonic and wall clocks (the values the runtime's minimal global gives), marks and measures with
// Node 20's argument rules, getEntries*, clearMarks/clearMeasures, timerify, eventLoopUtilization (idle = time the
// loop spent halted, counted from when this object was first made) and nodeTiming. Layer: libos. Depends on
// kernel/platform, libos/os/idle, libos/util/errors, ./entries, ./observer, ./histogram.

import { platform } from "../../kernel/platform.ts";
import { idleTime, startIdleAccounting } from "../os/idle.ts";
import { invalidArgType, nodeError, validateFunction, validateNumber, validateObject } from "../util/errors.ts";
import {
  clock, kInternal, PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceNodeEntry,
} from "./entries.ts";
import { isRecordableHistogram, type RecordableHistogram } from "./histogram.ts";
import { bufferedEntries, buffers, domException, enqueue, observed } from "./observer.ts";

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");
const kTimerified = Symbol("kTimerified");

interface EventLoopUtilization { idle: number; active: number; utilization: number }

/** Node's PerformanceNodeTiming: milestones of this image's start (ms on the performance.now() scale). */
class PerformanceNodeTiming {
  /** @internal */
  constructor(private readonly perf: Performance) {}
  get name(): string { return "node"; }
  get entryType(): string { return "node"; }
  get startTime(): number { return 0; }
  get duration(): number { return this.perf.now(); }
  /** The machine booted at 0: the engine and runtime start within it. */
  get nodeStart(): number { return 0; }
  get v8Start(): number { return 0; }
  get environment(): number { return 0; }
  get bootstrapComplete(): number { return this.perf._created; }
  get loopStart(): number { return this.perf._created; }
  get loopExit(): number { return -1; }
  get idleTime(): number { return idleTime(); }
  toJSON(): Record<string, unknown> {
    return {
      name: "node", entryType: "node", startTime: 0, duration: this.duration, nodeStart: 0, v8Start: 0,
      bootstrapComplete: this.bootstrapComplete, environment: 0, loopStart: this.loopStart, loopExit: -1,
      idleTime: this.idleTime,
    };
  }
  [inspectCustom](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o: object) => string): unknown {
    if (depth < 0) return this;
    const opts = { ...options, depth: options.depth == null ? null : options.depth - 1 };
    return `PerformanceNodeTiming ${inspect ? inspect(this.toJSON(), opts) : JSON.stringify(this.toJSON())}`;
  }
}

const MILESTONES = ["nodeStart", "v8Start", "environment", "bootstrapComplete", "loopStart", "loopExit", "idleTime"];

export class Performance {
  /** @internal */ _created: number;
  /** @internal */ readonly _timeOrigin: number;
  private readonly timing: PerformanceNodeTiming;

  /** @internal (apps get `performance`; `new Performance()` throws as in Node) */
  constructor(key?: symbol) {
    if (key !== kInternal) throw nodeError(TypeError, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor");
    const p = platform();
    this._timeOrigin = p.wallClock() - p.now();
    this._created = startIdleAccounting();
    this.timing = new PerformanceNodeTiming(this);
  }

  /** Milliseconds since the machine booted (fractional, monotonic). */
  now(): number {
    return platform().now();
  }

  get timeOrigin(): number {
    return this._timeOrigin;
  }

  get nodeTiming(): PerformanceNodeTiming {
    return this.timing;
  }

  mark(name: unknown, options?: { detail?: unknown; startTime?: number }): PerformanceMark {
    const mark = new PerformanceMark(name, options);
    enqueue(mark);
    buffers.mark.push(mark);
    return mark;
  }

  measure(name: unknown, startOrMeasureOptions?: string | { start?: unknown; end?: unknown; duration?: unknown; detail?: unknown },
          endMark?: string): PerformanceMeasure {
    const text = `${name as string}`;
    const { start, duration } = this.startAndDuration(startOrMeasureOptions, endMark);
    const detail = typeof startOrMeasureOptions === "object" && startOrMeasureOptions !== null ? startOrMeasureOptions.detail : undefined;
    const measure = new PerformanceMeasure(kInternal, text, start, duration, detail);
    enqueue(measure);
    buffers.measure.push(measure);
    return measure;
  }

  /** A mark name, a milestone name or a timestamp → ms. */
  private markTime(name: unknown): number | undefined {
    if (name === undefined) return undefined;
    if (typeof name === "number") {
      if (name < 0) throw nodeError(TypeError, "ERR_PERFORMANCE_INVALID_TIMESTAMP", `${name} is not a valid timestamp`);
      return name;
    }
    const text = `${name as string}`;
    if (MILESTONES.includes(text)) return (this.timing as unknown as Record<string, number>)[text];
    const marks = buffers.mark;
    for (let i = marks.length - 1; i >= 0; i--) if (marks[i].name === text) return marks[i].startTime;
    throw domException(`The "${text}" performance mark has not been set`, "SyntaxError", 12);
  }

  private startAndDuration(startOrOptions: unknown, endMark: unknown): { start: number; duration: number } {
    let start: unknown, end: unknown, duration: unknown;
    let optionsValid = false;
    if (typeof startOrOptions === "object" && startOrOptions !== null) {
      ({ start, end, duration } = startOrOptions as { start?: unknown; end?: unknown; duration?: unknown });
      optionsValid = start !== undefined || end !== undefined;
    }
    const invalid = (m: string) => nodeError(TypeError, "ERR_PERFORMANCE_MEASURE_INVALID_OPTIONS", m);
    if (optionsValid) {
      if (endMark !== undefined) throw invalid("endMark must not be specified");
      if (start === undefined && end === undefined) throw invalid("One of options.start or options.end is required");
      if (start !== undefined && end !== undefined && duration !== undefined) {
        throw invalid("Must not have options.start, options.end, and options.duration specified");
      }
    }
    let endTime: number;
    if (endMark !== undefined) endTime = this.markTime(endMark) as number;
    else if (optionsValid && end !== undefined) endTime = this.markTime(end) as number;
    else if (optionsValid && start !== undefined && duration !== undefined) {
      endTime = (this.markTime(start) as number) + (this.markTime(duration) as number);
    } else endTime = this.now();
    let startTime: number;
    if (typeof startOrOptions === "string") startTime = this.markTime(startOrOptions) as number;
    else if (optionsValid && start !== undefined) startTime = this.markTime(start) as number;
    else if (optionsValid && duration !== undefined && end !== undefined) startTime = endTime - (this.markTime(duration) as number);
    else startTime = 0;
    return { start: startTime, duration: endTime - startTime };
  }

  getEntries(): PerformanceEntry[] {
    return bufferedEntries();
  }

  getEntriesByName(name: unknown, type?: unknown): PerformanceEntry[] {
    if (arguments.length === 0) throw nodeError(TypeError, "ERR_MISSING_ARGS", 'The "name" argument must be specified');
    return bufferedEntries(`${name as string}`, type === undefined ? undefined : `${type as string}`);
  }

  getEntriesByType(type: unknown): PerformanceEntry[] {
    if (arguments.length === 0) throw nodeError(TypeError, "ERR_MISSING_ARGS", 'The "type" argument must be specified');
    return bufferedEntries(undefined, `${type as string}`);
  }

  clearMarks(name?: unknown): void {
    clear(buffers.mark, name);
  }

  clearMeasures(name?: unknown): void {
    clear(buffers.measure, name);
  }

  clearResourceTimings(name?: unknown): void {
    clear(buffers.resource, name);
  }

  /** Resource timing entries come from fetch in Node; the buffer size is accepted (there is no limit here). */
  setResourceTimingBufferSize(maxSize: number): void {
    validateNumber(maxSize, "maxSize", 0);
  }

  /** A wrapper of fn that reports each call as a 'function' entry (and into options.histogram, in ns). */
  timerify<F extends (...args: never[]) => unknown>(fn: F, options: { histogram?: RecordableHistogram } = {}): F {
    validateFunction(fn, "fn");
    validateObject(options, "options");
    const { histogram } = options;
    if (histogram !== undefined && !isRecordableHistogram(histogram)) {
      throw invalidArgType("options.histogram", "RecordableHistogram", histogram);
    }
    const known = (fn as unknown as Record<symbol, F>)[kTimerified];
    if (known) return known;
    const perf = this;
    const complete = (startTime: number, args: unknown[]) => {
      const duration = perf.now() - startTime;
      if (histogram !== undefined) histogram.record(Math.ceil(duration * 1e6));
      if (!observed("function")) return;
      const entry = new PerformanceNodeEntry(kInternal, fn.name, "function", startTime, duration, args);
      for (let n = 0; n < args.length; n++) (entry as unknown as Record<number, unknown>)[n] = args[n];
      enqueue(entry);
    };
    function timerified(this: unknown, ...args: unknown[]): unknown {
      const isConstructorCall = new.target !== undefined;
      const startTime = perf.now();
      const result = isConstructorCall
        ? Reflect.construct(fn as unknown as new (...a: unknown[]) => object, args, fn as unknown as new () => object)
        : Reflect.apply(fn as unknown as (...a: unknown[]) => unknown, this, args);
      if (!isConstructorCall && typeof (result as { finally?: unknown } | null)?.finally === "function") {
        return (result as Promise<unknown>).finally(() => complete(startTime, args));
      }
      complete(startTime, args);
      return result;
    }
    Object.defineProperties(timerified, {
      length: { value: fn.length, configurable: true, enumerable: false },
      name: { value: `timerified ${fn.name}`, configurable: true, enumerable: false },
    });
    Object.defineProperty(fn, kTimerified, { value: timerified, configurable: false, enumerable: false });
    return timerified as unknown as F;
  }

  /** The share of time the loop was busy: since this object was made, or between/since earlier results. */
  eventLoopUtilization(util1?: EventLoopUtilization, util2?: EventLoopUtilization): EventLoopUtilization {
    const idle = idleTime();
    const active = this.now() - this._created - idle;
    if (!util1) return { idle, active, utilization: active / (idle + active) };
    const idleDelta = util2 ? util1.idle - util2.idle : idle - util1.idle;
    const activeDelta = util2 ? util1.active - util2.active : active - util1.active;
    return { idle: idleDelta, active: activeDelta, utilization: activeDelta / (idleDelta + activeDelta) };
  }

  toJSON(): Record<string, unknown> {
    return { nodeTiming: this.timing, timeOrigin: this._timeOrigin, eventLoopUtilization: this.eventLoopUtilization() };
  }

  [inspectCustom](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o: object) => string): unknown {
    if (depth < 0) return this;
    const opts = { ...options, depth: options.depth == null ? null : options.depth - 1 };
    return `Performance ${inspect ? inspect(this.toJSON(), opts) : JSON.stringify(this.toJSON())}`;
  }
}

function clear(list: PerformanceEntry[], name: unknown): void {
  if (name === undefined) {
    list.length = 0;
    return;
  }
  const text = `${name as string}`;
  const kept = list.filter((e) => e.name !== text);
  list.length = 0;
  list.push(...kept);
}

let instance: Performance | undefined;

/** The one `performance` object, made on first use. */
export function performance(): Performance {
  if (!instance) {
    instance = new Performance(kInternal);
    const perf = instance;
    clock.now = () => perf.now();
  }
  return instance;
}

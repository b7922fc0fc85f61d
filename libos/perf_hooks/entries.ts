// libos/perf_hooks/entries.ts — the performance timeline's entries as Node 20 shapes them: PerformanceEntry (not
// constructible by apps), PerformanceMark (constructible, with detail and startTime), PerformanceMeasure,
// PerformanceResourceTiming's name, and the node/function entries; their toJSON and inspect output.
// Layer: libos. Depends on libos/util/errors.

import { nodeError, validateNumber, validateObject } from "../util/errors.ts";

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");
/** Lets this file construct entries that apps cannot (Node's kInternal check). */
export const kInternal = Symbol("kInternal");

/** The clock the entries use (performance.now()); set by ./performance.ts. */
export const clock = { now: (): number => 0 };

/** A copy of `detail` as Node makes one (structuredClone when the image has it). */
function cloneDetail(detail: unknown): unknown {
  if (detail == null) return null;
  const clone = (globalThis as { structuredClone?: (v: unknown) => unknown }).structuredClone;
  return clone ? clone(detail) : detail;
}

function inspectEntry(entry: PerformanceEntry, depth: number, options: { depth?: number | null },
                      inspect?: (v: unknown, o: object) => string): unknown {
  if (depth < 0) return entry;
  const opts = { ...options, depth: options.depth == null ? null : options.depth - 1 };
  const json = entry.toJSON();
  return `${entry.constructor.name} ${inspect ? inspect(json, opts) : JSON.stringify(json)}`;
}

export class PerformanceEntry {
  /** @internal */ _name: string;
  /** @internal */ _type: string;
  /** @internal */ _start: number;
  /** @internal */ _duration: number;
  /** @internal */ _detail: unknown;

  constructor(key?: symbol, name?: string, type?: string, start?: number, duration?: number, detail?: unknown) {
    if (key !== kInternal) throw nodeError(TypeError, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor");
    this._name = name as string;
    this._type = type as string;
    this._start = start as number;
    this._duration = duration as number;
    this._detail = detail;
  }

  get name(): string { return this._name; }
  get entryType(): string { return this._type; }
  get startTime(): number { return this._start; }
  get duration(): number { return this._duration; }

  toJSON(): Record<string, unknown> {
    return { name: this._name, entryType: this._type, startTime: this._start, duration: this._duration };
  }

  [inspectCustom](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o: object) => string): unknown {
    return inspectEntry(this, depth, options, inspect);
  }
}

/** Entries of Node's own kinds ('function', 'gc', ...): they carry a detail. */
export class PerformanceNodeEntry extends PerformanceEntry {
  get detail(): unknown { return this._detail; }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), detail: this._detail };
  }
}

export class PerformanceMark extends PerformanceEntry {
  constructor(name: unknown, options?: { detail?: unknown; startTime?: number }) {
    if (arguments.length === 0) throw nodeError(TypeError, "ERR_MISSING_ARGS", 'The "name" argument must be specified');
    const text = `${name as string}`;
    if (options !== undefined) validateObject(options, "options", { nullable: true });
    const startTime = options?.startTime ?? clock.now();
    validateNumber(startTime, "startTime");
    if (startTime < 0) throw nodeError(TypeError, "ERR_PERFORMANCE_INVALID_TIMESTAMP", `${startTime} is not a valid timestamp`);
    super(kInternal, text, "mark", startTime, 0, cloneDetail(options?.detail));
  }

  get detail(): unknown { return this._detail; }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), detail: this._detail };
  }
}

export class PerformanceMeasure extends PerformanceEntry {
  constructor(key?: symbol, name?: string, start?: number, duration?: number, detail?: unknown) {
    super(key, name, "measure", start, duration, cloneDetail(detail));
  }

  get detail(): unknown { return this._detail; }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), detail: this._detail };
  }
}

/** Resource timing (fetch's entries in Node); there are none without markResourceTiming. */
export class PerformanceResourceTiming extends PerformanceEntry {}

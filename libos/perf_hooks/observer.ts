// libos/perf_hooks/observer.ts — the performance timeline: the mark/measure buffers and PerformanceObserver
// (entryTypes or one type with buffered entries), whose callbacks run in an immediate with the entries queued
// since, as Node 20 does. Layer: libos. Depends on libos/timers, libos/util/errors, ./entries.

import { setImmediate } from "../timers/index.ts";
import { invalidArgType, invalidArgValue, nodeError, validateFunction, validateObject, validateString } from "../util/errors.ts";
import type { PerformanceEntry } from "./entries.ts";

export const supportedEntryTypes = Object.freeze(["dns", "function", "gc", "http", "http2", "mark", "measure", "net", "resource"]);

/** The buffered marks and measures (performance.getEntries*). */
export const buffers = { mark: [] as PerformanceEntry[], measure: [] as PerformanceEntry[], resource: [] as PerformanceEntry[] };

function byStartTime(a: PerformanceEntry, b: PerformanceEntry): number {
  return a.startTime - b.startTime;
}

/** Buffered entries, filtered by name and type, in start-time order. */
export function bufferedEntries(name?: string, type?: string): PerformanceEntry[] {
  let list: PerformanceEntry[];
  if (type === "mark" || type === "measure" || type === "resource") list = buffers[type].slice();
  else if (type === undefined) list = [...buffers.mark, ...buffers.measure, ...buffers.resource];
  else list = [];
  if (name !== undefined) list = list.filter((e) => e.name === name);
  return list.sort(byStartTime);
}

/** A DOMException when the image has the class, else an Error with the same name and code. */
export function domException(message: string, name: string, code: number): Error {
  const D = (globalThis as { DOMException?: new (m: string, n: string) => Error }).DOMException;
  if (D) return new D(message, name);
  const e = new Error(message);
  Object.defineProperty(e, "name", { value: name, enumerable: false, writable: true, configurable: true });
  Object.defineProperty(e, "code", { value: code, enumerable: false, writable: true, configurable: true });
  return e;
}

export class PerformanceObserverEntryList {
  /** @internal */
  constructor(private readonly entries: PerformanceEntry[]) {}

  getEntries(): PerformanceEntry[] {
    return this.entries.slice().sort(byStartTime);
  }

  getEntriesByType(type: string): PerformanceEntry[] {
    const t = `${type}`;
    return this.entries.filter((e) => e.entryType === t).sort(byStartTime);
  }

  getEntriesByName(name: string, type?: string): PerformanceEntry[] {
    const n = `${name}`;
    return this.entries.filter((e) => e.name === n && (type === undefined || e.entryType === `${type}`)).sort(byStartTime);
  }
}

const observers = new Set<PerformanceObserver>();
const pending = new Set<PerformanceObserver>();
let dispatchQueued = false;

function queueDispatch(): void {
  if (dispatchQueued) return;
  dispatchQueued = true;
  setImmediate(() => {
    dispatchQueued = false;
    const list = [...pending];
    pending.clear();
    for (const o of list) o._dispatch();
  });
}

/** Whether some observer wants entries of this type (timerify records only then). */
export function observed(type: string): boolean {
  for (const o of observers) if (o._types.has(type)) return true;
  return false;
}

/** Hands a new entry to the observers of its type. */
export function enqueue(entry: PerformanceEntry): void {
  for (const o of observers) {
    if (!o._types.has(entry.entryType)) continue;
    o._buffer.push(entry);
    pending.add(o);
  }
  if (pending.size) queueDispatch();
}

type Callback = (list: PerformanceObserverEntryList, observer: PerformanceObserver) => void;

export class PerformanceObserver {
  /** @internal */ _types = new Set<string>();
  /** @internal */ _buffer: PerformanceEntry[] = [];
  private mode: "multiple" | "single" | undefined;
  private readonly callback: Callback;

  constructor(callback: Callback) {
    validateFunction(callback, "callback");
    this.callback = callback;
  }

  static get supportedEntryTypes(): readonly string[] {
    return supportedEntryTypes;
  }

  observe(options: { entryTypes?: string[]; type?: string; buffered?: boolean } = {}): void {
    validateObject(options, "options");
    const { entryTypes, type, buffered } = options;
    if (entryTypes === undefined && type === undefined) {
      throw nodeError(TypeError, "ERR_MISSING_ARGS", 'The "options.entryTypes" and "options.type" arguments must be specified');
    }
    if (entryTypes != null && type != null) {
      throw invalidArgValue("options.entryTypes", entryTypes, "options.entryTypes can not set with options.type together");
    }
    const mode = entryTypes !== undefined ? "multiple" : "single";
    if (this.mode === undefined) this.mode = mode;
    else if (this.mode === "multiple" && mode === "single") {
      throw domException("PerformanceObserver can not change to single observation", "InvalidModificationError", 13);
    } else if (this.mode === "single" && mode === "multiple") {
      throw domException("PerformanceObserver can not change to multiple observations", "InvalidModificationError", 13);
    }
    if (mode === "multiple") {
      if (!Array.isArray(entryTypes)) throw invalidArgType("options.entryTypes", "string[]", entryTypes);
      this._types.clear();
      for (const t of entryTypes) if (supportedEntryTypes.includes(t)) this._types.add(t);
    } else {
      validateString(type, "options.type");
      if (!supportedEntryTypes.includes(type)) return;
      this._types.add(type);
      if (buffered) {
        this._buffer.push(...bufferedEntries(undefined, type));
        pending.add(this);
        queueDispatch();
      }
    }
    if (this._types.size) observers.add(this);
    else this.disconnect();
  }

  disconnect(): void {
    observers.delete(this);
    pending.delete(this);
    this._buffer = [];
    this._types.clear();
    this.mode = undefined;
  }

  takeRecords(): PerformanceEntry[] {
    const list = this._buffer;
    this._buffer = [];
    return list;
  }

  /** @internal */
  _dispatch(): void {
    this.callback.call(this, new PerformanceObserverEntryList(this.takeRecords()), this);
  }
}

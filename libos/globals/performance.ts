// libos/globals/performance.ts — Node's global `performance` (the full perf_hooks object, replacing the runtime's
// minimal now/timeOrigin one) and the timeline classes Node 20 makes global: PerformanceEntry, PerformanceMark,
// PerformanceMeasure, PerformanceObserver, PerformanceObserverEntryList, PerformanceResourceTiming. Installed only
// into images whose code names one of them (boot/image/globals.ts). Layer: libos (globals). Depends on
// libos/perf_hooks.

import { performance } from "../perf_hooks/performance.ts";
import { PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceResourceTiming } from "../perf_hooks/entries.ts";
import { PerformanceObserver, PerformanceObserverEntryList } from "../perf_hooks/observer.ts";

export function install(): void {
  const define = (name: string, value: unknown) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  // Node's global performance is an accessor (writable through its setter); a data property behaves the same.
  Object.defineProperty(globalThis, "performance", {
    get: () => performance(),
    set(value: unknown) { Object.defineProperty(globalThis, "performance", { value, writable: true, configurable: true, enumerable: true }); },
    configurable: true, enumerable: true,
  });
  define("PerformanceEntry", PerformanceEntry);
  define("PerformanceMark", PerformanceMark);
  define("PerformanceMeasure", PerformanceMeasure);
  define("PerformanceObserver", PerformanceObserver);
  define("PerformanceObserverEntryList", PerformanceObserverEntryList);
  define("PerformanceResourceTiming", PerformanceResourceTiming);
}

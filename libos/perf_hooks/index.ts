// libos/perf_hooks/index.ts — node:perf_hooks: the performance timeline (performance, PerformanceObserver and the
// entry classes), histograms (createHistogram, monitorEventLoopDelay) and Node's GC constants (there are no GC
// entries: QuickJS collects by reference counting with a cycle collector, which reports no events).
// Layer: libos. Depends on ./performance, ./entries, ./observer, ./histogram.

import { performance as getPerformance, Performance } from "./performance.ts";
import { PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceResourceTiming } from "./entries.ts";
import { PerformanceObserver, PerformanceObserverEntryList } from "./observer.ts";
import { createHistogram, monitorEventLoopDelay } from "./histogram.ts";

export const constants = {
  NODE_PERFORMANCE_GC_MAJOR: 4,
  NODE_PERFORMANCE_GC_MINOR: 1,
  NODE_PERFORMANCE_GC_INCREMENTAL: 8,
  NODE_PERFORMANCE_GC_WEAKCB: 16,
  NODE_PERFORMANCE_GC_FLAGS_NO: 0,
  NODE_PERFORMANCE_GC_FLAGS_CONSTRUCT_RETAINED: 2,
  NODE_PERFORMANCE_GC_FLAGS_FORCED: 4,
  NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING: 8,
  NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE: 16,
  NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY: 32,
  NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE: 64,
};

export const performance = /* @__PURE__ */ getPerformance();

export {
  Performance, PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceObserver, PerformanceObserverEntryList,
  PerformanceResourceTiming, monitorEventLoopDelay, createHistogram,
};

export default {
  Performance, PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceObserver, PerformanceObserverEntryList,
  PerformanceResourceTiming, monitorEventLoopDelay, createHistogram, performance, constants,
};

// libos/process/counters.ts — counts shared between the optional parts of process: signals delivered
// (signals.ts increments, resourceUsage().signalsCount reads). Layer: libos. No dependencies.

export const processCounters = { signals: 0 };

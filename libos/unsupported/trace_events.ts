// libos/unsupported/trace_events.ts — `node:trace_events`: no V8 tracing in unijs. `getEnabledCategories()` is
// undefined (nothing enabled, as in Node without --trace-event-categories); `createTracing` throws.
// Layer: libos.
import { unsupportedFunction } from "./_unsupported.ts";

export const createTracing = unsupportedFunction("trace_events.createTracing", "there is no V8 trace-event system in a QuickJS unikernel (use --profile for a JS profile)", 1);
export function getEnabledCategories(): string | undefined {
  return undefined;
}
export default { createTracing, getEnabledCategories };

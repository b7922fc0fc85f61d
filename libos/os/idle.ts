// libos/os/idle.ts — idle time of the one CPU: the time the event loop spent halted waiting for an interrupt
// (libuv's idle time, which perf_hooks.eventLoopUtilization and os.cpus().times.idle report). Counting starts the
// first time a caller asks (the platform's halt() is wrapped then), so images that never ask pay nothing; time
// before that counts as busy. Layer: libos. Depends on kernel/platform.

import { platform } from "../../kernel/platform.ts";

let idleMs = 0;
let since = -1;

/** Starts counting (idempotent); returns the platform time (ms) counting started at. */
export function startIdleAccounting(): number {
  if (since >= 0) return since;
  const p = platform();
  const halt = p.halt;
  since = p.now();
  p.halt = function haltCounted(this: unknown): void {
    const t0 = p.now();
    try {
      halt.call(p);
    } finally {
      idleMs += p.now() - t0;
    }
  };
  return since;
}

/** Milliseconds spent halted since counting started (it starts now if it had not). */
export function idleTime(): number {
  startIdleAccounting();
  return idleMs;
}

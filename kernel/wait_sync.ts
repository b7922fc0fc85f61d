// kernel/wait_sync.ts — synchronous device I/O: block until a condition holds, sleeping in hal.halt() between
// interrupts. Only the waiting device's own interrupt handlers run meanwhile; every other interrupt is kept for the
// event loop's next poll phase, so no other callback runs during the wait (run-to-completion holds). The file
// systems use this through BlockDevice's *Sync methods (node:fs's sync and async APIs share one synchronous core).
// Layer: kernel. Depends on event_loop.ts and platform.ts. Only images that do synchronous I/O include it.
import { loop } from "./event_loop.ts";

/**
 * Blocks until `done()` holds. The handlers of `vectors` (the waiting device's) run as their interrupts arrive;
 * handler exceptions propagate to the caller. Throws an Error with code ETIMEDOUT after `timeoutMs`.
 */
export function waitSync(vectors: readonly number[], done: () => boolean, timeoutMs = 30_000): void {
  if (done()) return;
  const ev = loop();
  const p = ev.p;
  const deadline = p.now() + timeoutMs;
  try {
    for (;;) {
      p.pollInterrupts();
      for (const v of p.takeInterrupts()) {
        if (vectors.includes(v)) {
          for (const h of ev.handlersOf(v).slice()) h();
          p.irqAck(v);
        } else if (!ev.deferredVectors.includes(v)) ev.deferredVectors.push(v);
      }
      if (done()) return;
      if (p.now() >= deadline) {
        throw Object.assign(new Error(`a device did not complete a request within ${timeoutMs} ms`), { code: "ETIMEDOUT" });
      }
      p.timerArm(deadline);
      p.halt();
    }
  } finally {
    p.timerCancel();                               // the loop arms its own deadline before it sleeps again
  }
}

// kernel/shutdown.ts — what must happen before the machine stops, whatever stops it (the app's end, process.exit,
// an uncaught error): file systems write back and unmount cleanly (a journal left empty, the volume marked clean).
// Hooks run once, last registered first; a hook that throws is reported on the console and the others still run.
// Layer: kernel. Depends on platform.ts.
import { platformOrNull } from "./platform.ts";

const hooks: { name: string; fn: () => void }[] = [];
let ran = false;

/** Registers `fn` to run before the machine stops; returns a function that removes it. */
export function onShutdown(name: string, fn: () => void): () => void {
  const h = { name, fn };
  hooks.push(h);
  return () => {
    const at = hooks.indexOf(h);
    if (at >= 0) hooks.splice(at, 1);
  };
}

/** Runs the hooks (once; later calls do nothing). */
export function runShutdownHooks(): void {
  if (ran) return;
  ran = true;
  for (const h of hooks.splice(0).reverse()) {
    try {
      h.fn();
    } catch (e) {
      platformOrNull()?.write(`[unijs] ${h.name} failed while the machine stopped: ${(e as Error)?.message ?? String(e)}\n`);
    }
  }
}

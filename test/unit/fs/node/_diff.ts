// The differential harness for node:fs: a script (diff/*.mjs, `export default async function (t)`) runs
//   - on the host's Node (diff/_host.mjs) in a fresh temporary folder, and
//   - on unijs's node:fs in this process, over a tmpfs mounted at the same path (so paths in messages match), on a
//     fresh event loop over the simulated platform, with the loop's own timers and nextTick, or
//   - inside QuickJS-wasm, bundled as for an image (fixtures/qjs_entry.mjs), with a tmpfs mounted the same way;
// and the transcripts must be equal. Normalisations live in diff/_show.mjs (and the umask in _host.mjs).
// Hosted caveat: promise continuations are Node's microtasks, which cannot run inside the simulated loop's run():
// the harness alternates loop runs and Node turns, so scripts that compare promise timing with callbacks and
// timers belong to the QuickJS run (which has one engine for both).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nodeTurn } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { EventLoop, setLoop } from "../../../../kernel/event_loop.ts";
import { setPlatform } from "../../../../kernel/platform.ts";
import fs from "../../../../libos/fs/node/index.ts";
import fsp from "../../../../libos/fs/node/promises.ts";
import { Tmpfs } from "../../../../libos/fs/tmpfs/index.ts";
import { setVfs, Vfs } from "../../../../libos/fs/vfs/index.ts";
import { clearTimeout, setImmediate, setTimeout } from "../../../../libos/timers/index.ts";
import { ROOT } from "../../../../boot/paths.ts";
import { SimPlatform } from "../../../sim/platform.ts";
import { runInQuickJs } from "../../../sim/quickjs_runner.ts";
import { makeContext } from "./diff/_show.mjs";

export const DIFF_DIR = join(ROOT, "test/unit/fs/node/diff");

/** A fresh folder under the host's temporary directory (its path is what both sides use). */
export function freshRoot(): string {
  return mkdtempSync(join(tmpdir(), "unijs-fsdiff-"));
}

/** The script on the host's Node, in `root` (which it may fill). */
export function runHost(script: string, root: string): string {
  const r = spawnSync(process.execPath, [join(DIFF_DIR, "_host.mjs"), join(DIFF_DIR, script), root], { encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`host node failed (${r.status}):\n${r.stderr}\n--- stdout ---\n${r.stdout}`);
  return r.stdout;
}

/** What escaped into the loop's hooks during a unijs run (a test fails on any). */
export interface UnijsRun {
  output: string;
  uncaught: unknown[];
}

/** The script on unijs's node:fs in this process: a tmpfs at `root`, `root` the working directory. */
export async function runUnijs(script: string, root: string, options: { maxBytes?: number } = {}): Promise<UnijsRun> {
  const sim = new SimPlatform();
  setPlatform(sim);
  const loop = new EventLoop(sim);
  const uncaught: unknown[] = [];
  loop.hooks = { uncaught: (e) => { uncaught.push(e); }, beforeExit() {} };
  setLoop(loop);
  const vfs = new Vfs();
  vfs.mount(root, new Tmpfs({ maxBytes: options.maxBytes, clock: () => { const ms = sim.wallClock(); return { sec: Math.floor(ms / 1000), nsec: Math.round((ms % 1000) * 1e6) }; } }));
  vfs.chdir(root);
  setVfs(vfs);
  let out = "";
  const timers = {
    setTimeout, setImmediate, clearTimeout,
    nextTick: (fn: (...a: unknown[]) => void, ...args: unknown[]) => loop.nextTick(fn, args),
    queueMicrotask: (fn: () => void) => { void Promise.resolve().then(fn); },
  };
  const { default: run } = await import(pathToFileURL(join(DIFF_DIR, script)).href) as { default: (t: unknown) => Promise<void> };
  let settled = false;
  let failure: unknown;
  run(makeContext({ fs, fsp, root, print: (line: string) => { out += line + "\n"; }, timers }))
    .then(() => { settled = true; }, (e: unknown) => { failure = e; settled = true; });
  for (let turns = 0; !settled; turns++) {
    if (turns > 100_000) throw new Error(`${script} did not finish\n${out}`);
    try {
      loop.run();
    } catch (e) {
      if (!(e instanceof Error && e.message.startsWith("halt() with nothing"))) throw e;
    }
    await nodeTurn();
  }
  setVfs(undefined);
  if (failure) throw failure;
  return { output: out, uncaught };
}

/** The script inside QuickJS-wasm (fixtures/qjs_entry.mjs bundles every script; argv picks one). */
export async function runQuickJs(script: string, root: string): Promise<{ output: string; code: number }> {
  const r = await runInQuickJs(join(ROOT, "test/unit/fs/node/fixtures/qjs_entry.mjs"), { argv: [script, root], timeoutMs: 120_000 });
  return { output: r.output, code: r.code };
}

/** Runs the host side in a fresh folder and removes it; returns the transcript and the folder's path. */
export function hostTranscript(script: string): { expected: string; root: string } {
  const root = freshRoot();
  try {
    return { expected: runHost(script, root), root };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

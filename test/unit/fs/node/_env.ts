// A fresh unijs file-system world for a node:fs test: a simulated platform, an event loop, a VFS with a tmpfs at
// /w (the working directory) and stdio sinks that record, installed as the process's. `settle(p)` runs the loop
// (and Node's microtasks between runs) until `p` settles, as the differential harness does.
import { setImmediate as nodeTurn } from "node:timers/promises";
import { EventLoop, setLoop } from "../../../../kernel/event_loop.ts";
import { setPlatform } from "../../../../kernel/platform.ts";
import { Tmpfs, type TmpfsOptions } from "../../../../libos/fs/tmpfs/index.ts";
import { setVfs, Vfs, type VfsOptions } from "../../../../libos/fs/vfs/index.ts";
import { SimPlatform } from "../../../sim/platform.ts";

export interface FsEnv {
  sim: SimPlatform;
  loop: EventLoop;
  vfs: Vfs;
  tmp: Tmpfs;
  stdout: string[];
  stderr: string[];
  uncaught: unknown[];
  /** Runs the loop until `p` settles; returns its value (or throws its error). */
  settle<T>(p: Promise<T>): Promise<T>;
  /** Runs the loop until nothing is left. */
  run(): void;
}

export function freshEnv(options: { tmpfs?: TmpfsOptions; vfs?: VfsOptions } = {}): FsEnv {
  const sim = new SimPlatform();
  setPlatform(sim);
  const loop = new EventLoop(sim);
  const uncaught: unknown[] = [];
  loop.hooks = { uncaught: (e) => { uncaught.push(e); }, beforeExit() {} };
  setLoop(loop);
  const stdout: string[] = [], stderr: string[] = [];
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  const vfs = new Vfs({ stdout: (b) => stdout.push(decode(b)), stderr: (b) => stderr.push(decode(b)), ...options.vfs });
  const tmp = new Tmpfs(options.tmpfs);
  vfs.mount("/w", tmp);
  vfs.chdir("/w");
  setVfs(vfs);
  const run = () => {
    try {
      loop.run();
    } catch (e) {
      if (!(e instanceof Error && e.message.startsWith("halt() with nothing"))) throw e;
    }
  };
  async function settle<T>(p: Promise<T>): Promise<T> {
    let done = false;
    p.then(() => { done = true; }, () => { done = true; });
    for (let i = 0; !done; i++) {
      if (i > 10_000) throw new Error("the promise never settled");
      run();
      await nodeTurn();
    }
    return p;
  }
  return { sim, loop, vfs, tmp, stdout, stderr, uncaught, settle, run };
}

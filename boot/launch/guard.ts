// boot/launch/guard.ts — the command prefix that ties QEMU and passt to the launcher's life (boot/launch/guard.c:
// Linux's PR_SET_PDEATHSIG, so even a SIGKILLed launcher leaves no guest running). The tiny C program is compiled
// once with the host's cc (gcc is already needed for the native core) into the user's cache, keyed by its source's
// hash; where no compiler works, helpers start without it and only a SIGKILLed launcher can leave them behind.
// Chosen over a Python ctypes prctl (≈ 20 ms of interpreter start per boot, and Python may be absent) and over
// QEMU watching a pipe (QEMU has no option that exits when a pipe closes before the guest is up).
// Layer: build tools (host only).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), "guard.c");

let cached: string | null | undefined;

/** The folder compiled helpers are kept in: $XDG_CACHE_HOME/unijs/launch, ~/.cache/unijs/launch, or the temp dir. */
function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), ".cache") : tmpdir());
  return join(base, "unijs", "launch");
}

/** The compiled guard's path, building it on first use; null when it cannot be built (no cc, not Linux). */
export function guardPath(): string | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.platform !== "linux") return cached;
  let src: Buffer;
  try {
    src = readFileSync(SOURCE);
  } catch {
    return cached;                                  // a copy of unijs without its C source: no guard
  }
  const hash = createHash("sha256").update(src).digest("hex").slice(0, 16);
  for (const dir of [cacheDir(), join(tmpdir(), "unijs-launch")]) {
    const out = join(dir, `guard-${hash}`);
    if (existsSync(out)) return (cached = out);
    const tmp = `${out}.${process.pid}.tmp`;
    try {
      mkdirSync(dir, { recursive: true });
      execFileSync(process.env.CC || "cc", ["-O2", "-Wall", "-Wextra", "-Werror", "-o", tmp, SOURCE], { stdio: "pipe" });
      renameSync(tmp, out);                         // atomic: parallel launchers never run a half-written file
      return (cached = out);
    } catch {
      rmSync(tmp, { force: true });
    }
  }
  return cached;
}

/**
 * The command and arguments that run `cmd args` tied to this process: in "exec" mode cmd replaces the guard (same
 * PID) and gets SIGKILL when this process dies, after waiting for `waitFor` (a path) if given; in "watch" mode the
 * guard stays cmd's parent and kills it (for commands that change user and so lose the death signal).
 */
export function guarded(mode: "exec" | "watch", cmd: string, args: string[], waitFor?: { path: string; ms: number }): [string, string[]] {
  const g = guardPath();
  if (!g) return [cmd, args];
  const wait = mode === "exec" && waitFor ? [waitFor.path, String(waitFor.ms)] : [];
  return [g, [mode, String(process.pid), ...wait, "--", cmd, ...args]];
}

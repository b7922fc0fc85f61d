// test/bench/compare.ts — `--compare DIR` for the boot, http and transfer benches: another unijs checkout (e.g. a
// worktree of the commit before a change) builds the same app with its own builder and engine, and the bench runs
// that image beside this checkout's in the same run, so before/after figures share the machine's state.
// Layer: bench (host only).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";

/** The other checkout named by --compare, or undefined. Throws when it is not a built unijs checkout. */
export function compareCheckout(args: string[]): { dir: string; label: string } | undefined {
  const at = args.indexOf("--compare");
  if (at < 0) return undefined;
  const dir = resolve(args[at + 1] ?? "");
  if (!existsSync(join(dir, "boot/cli.ts")) || !existsSync(join(dir, "node_modules/.bin/tsx"))) {
    throw new Error(`--compare ${args[at + 1] ?? ""}: not a unijs checkout with its dependencies installed (npm ci there)`);
  }
  const head = spawnSync("git", ["-C", dir, "log", "-1", "--format=%h"], { encoding: "utf8" }).stdout.trim();
  return { dir, label: `${basename(dir)}${head ? ` @${head}` : ""}` };
}

/** Builds `app` (a path inside the other checkout) with that checkout's `npm run image`, into `out`. */
export function buildInCheckout(dir: string, app: string, out: string, extra: string[] = []): string {
  const r = spawnSync(join(dir, "node_modules/.bin/tsx"), [join(dir, "boot/cli.ts"), "image", app, "-o", out, ...extra],
    { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`the --compare checkout could not build ${app}:\n${r.stderr}${r.stdout}`);
  const size = /image [\d.]+ KiB \((\d+) bytes\), bytecode ([\d.]+) KiB/.exec(r.stderr);
  if (size) console.log(`  compare: ${app} → ${size[1]} bytes, bytecode ${size[2]} KiB`);
  return out;
}

// test/bench/console.ts — how fast the app's output leaves the guest: bulk writes (64 KiB process.stdout.write
// calls) and a logging loop (console.log lines of ~60 bytes), over the virtio-console ports and over the UART,
// against host Node writing the same to a pipe. The fixture (test/fixtures/console_streams) times itself with
// performance.now() and reports on stderr; the host checks the byte counts. Medians over runs. Prints figures;
// never asserts on them.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildImage } from "../../boot/image/build.ts";
import { bootImage } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { median, table } from "./stats.ts";

const APP = join(ROOT, "test/fixtures/console_streams");
const MiB = 1 << 20;

/** Runs the fixture in a guest and returns the ms it reported (the output must have at least `wantBytes`). */
async function guestMs(args: string[], console: "virtio" | "uart", wantBytes: number): Promise<number> {
  const img = await buildImage({ app: APP, out: join(ROOT, `build/bench/console-${args.join("-")}.elf`), args });
  const r = await bootImage({ image: img.path, accel: "tcg", timeoutMs: 600_000, console });
  const ms = /^(?:bulk|lines) \d+(?: bytes)? in (\d+) ms$/m.exec(r.output)?.[1];
  const got = console === "virtio" ? r.appStdout.length : r.output.length;
  if (r.code !== 0 || !ms || got < wantBytes) throw new Error(`console fixture failed (${console} ${args.join(" ")}): ${r.outcome} ${r.code}, ${got} bytes`);
  return Number(ms);
}

function hostMs(args: string[]): number {
  const r = spawnSync(process.execPath, [join(APP, "index.js"), ...args], { encoding: "utf8", maxBuffer: 64 * MiB });
  return Number(/^(?:bulk|lines) \d+(?: bytes)? in (\d+) ms$/m.exec(r.stderr)?.[1]);
}

export async function benchConsole(runs: number): Promise<void> {
  const n = Math.max(1, Math.min(runs, 3));
  const lines = 2000;
  console.log(`console benchmark: TCG microvm, ${n} runs each; MB/s = MiB per second of the app's own write loop`);
  const rows: (string | number)[][] = [];
  const add = (what: string, bytes: number, ms: number[]) => rows.push([what, median(ms), (bytes / MiB / (median(ms) / 1000)).toFixed(2)]);
  const bulk = async (mb: number, c: "virtio" | "uart") => Array.from({ length: n }, () => 0).reduce<Promise<number[]>>(
    async (acc) => [...await acc, await guestMs(["bulk", String(mb)], c, mb * MiB)], Promise.resolve([]));
  add("bulk 10 MiB, virtio-console", 10 * MiB, await bulk(10, "virtio"));
  add("bulk 0.25 MiB, UART", MiB / 4, await bulk(0.25, "uart"));
  add("bulk 10 MiB, host Node to a pipe", 10 * MiB, Array.from({ length: n }, () => hostMs(["bulk", "10"])));
  const lineBytes = spawnSync(process.execPath, [join(APP, "index.js"), "lines", String(lines)], { encoding: "utf8" }).stdout.length;
  for (const c of ["virtio", "uart"] as const) {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) ms.push(await guestMs(["lines", String(lines)], c, lineBytes));
    add(`${lines} console.log lines, ${c === "virtio" ? "virtio-console" : "UART"}`, lineBytes, ms);
  }
  add(`${lines} console.log lines, host Node to a pipe`, lineBytes, Array.from({ length: n }, () => hostMs(["lines", String(lines)])));
  table(rows, ["output", "ms", "MB/s"]);
}

// test/bench/zlib.ts — node:zlib throughput (MB/s of uncompressed data) in a unijs guest against host Node, in one
// run: gzip level 6 and gunzip (sync and callback forms), Brotli quality 5 and 11 and its decoder, over 1 MiB of
// text-like and of random data (test/fixtures/zlib-bench). The guest boots once and runs every workload `runs` times;
// host Node runs the same script. Medians over the rounds; never asserts. [--runs N (5)] [--kvm]
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { buildImage } from "../../boot/image/build.ts";
import { bootImage } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { median, table } from "./stats.ts";

function parse(output: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of output.matchAll(/^result (.+) ([\d.]+)$/gm)) {
    if (!out.has(m[1])) out.set(m[1], []);
    out.get(m[1])!.push(Number(m[2]));
  }
  return out;
}

export async function benchZlib(runs: number, args: string[]): Promise<void> {
  const rounds = Math.max(1, Math.min(runs, 15));
  const accel = args.includes("--kvm") ? "kvm" : "tcg";
  const app = join(ROOT, "test/fixtures/zlib-bench/index.mjs");
  const img = await buildImage({ app, out: join(ROOT, "build/bench/zlib.elf"), args: [String(rounds)], memBytes: 256 << 20 });
  const r = await bootImage({ image: img.path, accel, memBytes: 256 << 20, timeoutMs: 1_800_000 });
  if (r.code !== 0) throw new Error(`the guest failed (exit ${r.code}):\n${r.output}`);
  const guest = parse(r.output);
  const host = parse(execFileSync(process.execPath, [app, String(rounds)], { encoding: "utf8" }));
  console.log(`node:zlib throughput, MB/s of uncompressed data (median of ${rounds} rounds); guest: ${accel.toUpperCase()} ` +
    `microvm, image ${(img.imageBytes / 1024).toFixed(0)} KiB; host: Node ${process.version}`);
  table([...guest.keys()].map((k) => {
    const g = median(guest.get(k)!), h = median(host.get(k) ?? [NaN]);
    return [k, g, h, `${(100 * g / h).toFixed(1)} %`];
  }), ["workload", "unijs guest", "host Node", "guest/host"]);
}

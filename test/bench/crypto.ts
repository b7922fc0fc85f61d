// test/bench/crypto.ts — node:crypto throughput inside a booted guest against the host's Node, in one run: SHA-256/
// SHA-512 and HMAC MiB/s (64 KiB updates) and ops/s (64-byte messages), AES-256-GCM, AES-128-CBC and ChaCha20-Poly1305
// MiB/s, ECDSA P-256, Ed25519 and RSA-2048 sign/verify per second, PBKDF2, randomBytes and randomUUID per second.
// Both sides run test/fixtures/crypto-bench (each figure measured in-process over a time budget); medians over
// `runs` boots and host runs. Prints figures, never asserts.
//   npm run bench -- crypto [--runs N (3)] [--budget MS per figure (400)] [--accel auto|kvm|tcg (auto)]
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { buildImage } from "../../boot/image/build.ts";
import { type Accel, bootImage } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { median, table } from "./stats.ts";

type Figures = Map<string, { value: number; unit: string }>;

function parse(output: string): Figures {
  const out: Figures = new Map();
  for (const m of output.matchAll(/^bench (\S+) ([\d.]+) (\S+)$/gm)) out.set(m[1], { value: Number(m[2]), unit: m[3] });
  if (out.size === 0) throw new Error(`no bench lines in:\n${output}`);
  return out;
}

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
}

export async function benchCrypto(runs: number, args: string[]): Promise<void> {
  const n = args.includes("--runs") ? runs : 3;
  const budget = option(args, "--budget", "400");
  const accel = option(args, "--accel", "auto") as Accel;
  const fixture = join(ROOT, "test/fixtures/crypto-bench");
  const img = await buildImage({ app: fixture, out: join(ROOT, "build/bench/crypto.elf"), args: [budget] });
  const guest: Figures[] = [], host: Figures[] = [];
  let accelUsed = "";
  for (let i = 0; i < n; i++) {
    const r = await bootImage({ image: img.path, accel, timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`the guest exited with ${r.code}:\n${r.output}`);
    accelUsed = r.accel;
    guest.push(parse(r.output));
    host.push(parse(execFileSync(process.execPath, [join(fixture, "index.js"), budget], { encoding: "utf8" })));
  }
  console.log(`node:crypto in a unijs guest (${accelUsed}, microvm) vs the host's Node ${process.version}; medians of ${n} runs, ` +
    `each figure measured for ${budget} ms`);
  const rows: (string | number)[][] = [];
  for (const [name, { unit }] of guest[0]) {
    const g = median(guest.map((f) => f.get(name)!.value));
    const h = median(host.map((f) => f.get(name)!.value));
    rows.push([`${name} (${unit})`, g, h, `${(h / g).toFixed(1)}x`]);
  }
  table(rows, ["figure", "guest", "host Node", "host/guest"]);
}

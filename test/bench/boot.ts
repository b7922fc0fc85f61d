// test/bench/boot.ts — boot-time benchmark: the empty-kernel floor (a PVH ELF that exits at its first
// instruction), an app that exits at once (kernel + engine + runtime start-up), and hello, each booted many
// times in interleaved rounds on the same QEMU. Prints medians and the differences; never asserts.
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildImage } from "../../boot/image/build.ts";
import { bootImage, kvmUsable, type Accel, type Machine } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { buildInCheckout, compareCheckout } from "./compare.ts";
import { median, table } from "./stats.ts";

const OUT = join(ROOT, "build/bench");

/** Assembles and links test/bench/floor.S (the floor image). */
export function buildFloor(): string {
  mkdirSync(OUT, { recursive: true });
  const obj = join(OUT, "floor.o"), elf = join(OUT, "floor.elf");
  execFileSync("gcc", ["-c", "-o", obj, join(ROOT, "test/bench/floor.S")]);
  execFileSync("ld", ["-nostdlib", "-static", "-Ttext=0x100000", "--build-id=none", "-z", "noexecstack", "-e", "floor_start", "-o", elf, obj]);
  return elf;
}

/** `--compare DIR`: the exit-at-once app and hello built by another checkout join the same interleaved rounds. */
export async function benchBoot(runs: number, args: string[] = []): Promise<void> {
  const floor = buildFloor();
  const empty = await buildImage({ app: join(ROOT, "test/fixtures/empty"), out: join(OUT, "empty.elf") });
  const hello = await buildImage({ app: join(ROOT, "examples/hello"), out: join(OUT, "hello.elf") });
  const images: Record<string, string> = { floor, "exit-at-once app": empty.path, hello: hello.path };
  const cmp = compareCheckout(args);
  if (cmp) {
    console.log(`compare: ${cmp.label}`);
    images[`exit-at-once app (${cmp.label})`] = buildInCheckout(cmp.dir, "test/fixtures/empty", join(OUT, "cmp-empty.elf"));
    images[`hello (${cmp.label})`] = buildInCheckout(cmp.dir, "examples/hello", join(OUT, "cmp-hello.elf"));
  }
  const configs: [Accel, Machine][] = [["tcg", "microvm"], ["tcg", "pc"]];
  if (kvmUsable()) configs.unshift(["kvm", "microvm"]);
  console.log(`boot benchmark: ${runs} interleaved runs per image, wall time from spawning QEMU to its exit (ms)`);
  console.log(`hello image: ${statSync(hello.path).size} bytes (${(statSync(hello.path).size / 1024).toFixed(1)} KiB), ` +
    `bytecode ${hello.bytecodeBytes} bytes; exit-at-once app image ${empty.imageBytes} bytes`);
  for (const [accel, machine] of configs) {
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(images).map((k) => [k, []]));
    for (let i = 0; i < runs; i++) {
      for (const [name, image] of Object.entries(images)) {
        const r = await bootImage({ image, accel, machine, timeoutMs: 60_000 });
        if (r.outcome !== "exit" || r.code !== 0) throw new Error(`${name} did not exit 0: ${r.outcome} ${r.code}\n${r.output}${r.stderr}`);
        times[name].push(r.wallMs);
      }
    }
    const f = median(times.floor);
    console.log(`\n${accel.toUpperCase()} ${machine}:`);
    table(Object.entries(times).map(([name, t]) => [name, median(t), median(t) - f, Math.min(...t), Math.max(...t)]),
      ["image", "median", "over floor", "min", "max"]);
  }
}

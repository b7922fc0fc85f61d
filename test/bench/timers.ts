// test/bench/timers.ts — how late timers fire inside an idle TCG guest: setTimeout(1..250 ms) lateness, from the
// timer-accuracy fixture's own measurements, over several boots. Prints medians and maxima; never asserts.
import { join } from "node:path";
import { buildImage } from "../../boot/image/build.ts";
import { bootImage } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { median, table } from "./stats.ts";

const DELAYS = [1, 5, 10, 50, 100, 100, 100, 250];

export async function benchTimers(runs: number): Promise<void> {
  const img = await buildImage({ app: join(ROOT, "test/fixtures/timer-accuracy"), out: join(ROOT, "build/bench/timers.elf") });
  const late: number[][] = DELAYS.map(() => []);
  const n = Math.max(3, Math.min(runs, 10));
  for (let i = 0; i < n; i++) {
    const r = await bootImage({ image: img.path, accel: "tcg", timeoutMs: 60_000 });
    const m = /^lateness ms: (.*)$/m.exec(r.output);
    if (!m) throw new Error(`no lateness line:\n${r.output}`);
    m[1].split(" ").map(Number).forEach((x, k) => late[k].push(x));
  }
  console.log(`timer lateness in an idle TCG microvm guest (ms after the requested delay), ${n} boots`);
  table(DELAYS.map((d, k) => [`setTimeout ${d} ms`, median(late[k]), Math.max(...late[k])]), ["timer", "median late", "max late"]);
}

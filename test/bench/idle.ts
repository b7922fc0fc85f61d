// test/bench/idle.ts — what an idle guest costs the host: QEMU's CPU time (user + system, from /proc) while the
// guest waits on a timer, against the same wait done by busy-polling the clock. Ratios are CPU seconds per wall
// second of the wait. Prints figures; never asserts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildImage } from "../../boot/image/build.ts";
import { startGuest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { median, table } from "./stats.ts";

const CLK_TCK = 100;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;     // utime, stime (fields 14, 15)
}

async function measure(image: string): Promise<{ cpu: number; wall: number }> {
  let start: { cpu: number; wall: number } | undefined;
  let end: { cpu: number; wall: number } | undefined;
  let seen = "";
  const g = startGuest({
    image, accel: "tcg", timeoutMs: 60_000,
    onOutput: (t) => {
      seen += t;
      if (!start && seen.includes("wait-start\n")) start = { cpu: cpuSeconds(g.pid), wall: performance.now() };
      if (!end && seen.includes("wait-end\n")) end = { cpu: cpuSeconds(g.pid), wall: performance.now() };
    },
  });
  const r = await g.done;
  if (!start || !end || r.code !== 0) throw new Error(`idle fixture failed: ${r.outcome} ${r.code}\n${r.output}`);
  return { cpu: end.cpu - start.cpu, wall: (end.wall - start.wall) / 1000 };
}

export async function benchIdle(runs: number): Promise<void> {
  const waitMs = 5000;
  const n = Math.max(3, Math.min(runs, 5));
  const idle = await buildImage({ app: join(ROOT, "test/fixtures/idle"), out: join(ROOT, "build/bench/idle.elf"), args: ["idle", String(waitMs)] });
  const busy = await buildImage({ app: join(ROOT, "test/fixtures/idle"), out: join(ROOT, "build/bench/busy.elf"), args: ["busy", String(waitMs)] });
  console.log(`idle benchmark: QEMU (TCG) host CPU time during a ${waitMs} ms wait in the guest, ${n} runs each`);
  const rows: (string | number)[][] = [];
  for (const [name, img] of [["timer wait (hlt)", idle.path], ["busy-poll the clock", busy.path]] as const) {
    const ms: { cpu: number; wall: number }[] = [];
    for (let i = 0; i < n; i++) ms.push(await measure(img));
    rows.push([name, median(ms.map((m) => m.wall)), median(ms.map((m) => m.cpu)), median(ms.map((m) => (m.cpu / m.wall) * 100))]);
  }
  table(rows, ["guest waits by", "wall s", "CPU s", "CPU % of wall"]);
}

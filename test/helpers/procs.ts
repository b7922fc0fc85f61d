// test/helpers/procs.ts — the processes a test started, found through /proc, so that everything below a launcher
// (npm, tsx, QEMU, passt) is killed by PID when the test ends.
import { readdirSync, readFileSync } from "node:fs";

/** The PIDs of every process below `pid` (children first found, then theirs), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch { /* gone */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const c of children.get(p) ?? []) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

/** SIGKILL to `pid` and every process below it, the deepest first. */
export function killTree(pid: number): void {
  for (const p of [...descendants(pid).reverse(), pid]) {
    try { process.kill(p, "SIGKILL"); } catch { /* already gone */ }
  }
}

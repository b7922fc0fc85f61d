// kernel/profile.ts — the report of the sampling profiler that images built with `--profile` carry
// (boot/native/profiler.c samples the interpreter's stack; this file turns one interval's samples into a table).
// Layer: kernel. Depends on platform.ts and stack_trace.ts (to name functions by source file and line).

import { platform, type ProfileSnapshot } from "./platform.ts";
import { loadLineMap, mapLine, type LineMap } from "./stack_trace.ts";

interface Row {
  name: string;
  self: number;
  total: number;
}

/** Starts sampling about every `periodMs` of busy CPU time. Returns false when the image has no profiler. */
export function startProfiler(periodMs = 0.2): boolean {
  const hal = platform();
  if (!hal.profileStart) return false;
  hal.profileStart(Math.max(1, Math.round((hal.tscHz() * periodMs) / 1000)));
  return true;
}

/** Takes the samples since the last call and formats them (null when the image has no profiler). */
export function takeProfileReport(top = Number(process.env.UNIJS_PROFILE_TOP) || 25): string | null {
  const hal = platform();
  if (!hal.profileTake) return null;
  const text = formatProfile(hal.profileTake(), hal.tscHz(), loadLineMap(), top);
  hal.profileTake();                                  // drops the samples of the formatting itself
  return text;
}

/** Formats one interval: busy time, then functions by self time and by inclusive time, then source files. */
export function formatProfile(snap: ProfileSnapshot, tscHz: number, map: LineMap | null, top = 25): string {
  const ms = (ticks: number) => (ticks * 1000) / tscHz;
  // Each function's label and source file, from one line-map lookup.
  const labels: string[] = [];
  const files: string[] = [];
  for (const [name, line] of snap.functions) {
    const where = line < 0 || !map ? null : mapLine(map, line);
    labels.push(`${name} (${line < 0 ? "native" : (where ?? `${map?.bundle ?? "bundle"}:${line}`)})`);
    files.push(line < 0 ? "(native)" : where ? where.slice(0, where.lastIndexOf(":")) : "(bundle)");
  }
  const fns = new Map<string, Row>();
  const byFile = new Map<string, number>();
  const row = (key: string): Row => {
    let r = fns.get(key);
    if (!r) fns.set(key, (r = { name: key, self: 0, total: 0 }));
    return r;
  };
  for (const stack of snap.stacks) {
    const ticks = stack[0];
    if (stack.length === 1) {
      row("(outside any JS function)").self += ticks;
      continue;
    }
    const seen = new Set<number>();
    for (let i = 1; i < stack.length; i++) {
      const fn = stack[i];
      const r = row(labels[fn]);
      if (i === 1) r.self += ticks;
      if (!seen.has(fn)) {
        seen.add(fn);
        r.total += ticks;
      }
    }
    // A file's self time: the innermost frame that is JS (a native function is charged to the file calling it).
    let js = stack[1];
    for (let i = 1; i < stack.length; i++) if (snap.functions[stack[i]][1] >= 0) { js = stack[i]; break; }
    byFile.set(files[js], (byFile.get(files[js]) ?? 0) + ticks);
  }
  const total = snap.ticks || 1;
  const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const lines = [
    `[profile] ${ms(snap.ticks).toFixed(1)} ms of JS sampled in ${snap.stacks.length} distinct stacks` +
      (snap.lost ? ` (${ms(snap.lost).toFixed(1)} ms did not fit the table)` : ""),
    "[profile] self ms    self   incl  function (source)",
  ];
  const bySelf = [...fns.values()].sort((a, b) => b.self - a.self).slice(0, top);
  for (const r of bySelf) lines.push(`[profile] ${ms(r.self).toFixed(1).padStart(7)} ${pct(r.self)} ${pct(r.total)}  ${r.name}`);
  lines.push("[profile] incl ms   incl   self  function (source) — by inclusive time");
  const byTotal = [...fns.values()].sort((a, b) => b.total - a.total).slice(0, top);
  for (const r of byTotal) lines.push(`[profile] ${ms(r.total).toFixed(1).padStart(7)} ${pct(r.total)} ${pct(r.self)}  ${r.name}`);
  lines.push("[profile] self ms    self  source file");
  for (const [file, t] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`[profile] ${ms(t).toFixed(1).padStart(7)} ${pct(t)}  ${file}`);
  }
  return lines.join("\n") + "\n";
}

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
export function takeProfileReport(top = 25): string | null {
  const hal = platform();
  if (!hal.profileTake) return null;
  const text = formatProfile(hal.profileTake(), hal.tscHz(), loadLineMap(), top);
  hal.profileTake();                                  // drops the samples of the formatting itself
  return text;
}

/** Formats one interval: busy time, then functions by self time and by inclusive time, then source files. */
export function formatProfile(snap: ProfileSnapshot, tscHz: number, map: LineMap | null, top = 25): string {
  const ms = (ticks: number) => (ticks * 1000) / tscHz;
  const labels = new Map<string, string>();
  const label = (name: string, line: number): string => {
    const k = `${name}\0${line}`;
    let l = labels.get(k);
    if (l === undefined) {
      const where = line < 0 ? "native" : ((map ? mapLine(map, line) : null) ?? `${map?.bundle ?? "bundle"}:${line}`);
      labels.set(k, (l = `${name} (${where})`));
    }
    return l;
  };
  const fileOf = (line: number): string => {
    const l = label("", line);
    return line < 0 ? "(native)" : l.includes(".js:") || l.includes(".ts:") ? l.slice(2, l.lastIndexOf(":")) : "(bundle)";
  };
  const fns = new Map<string, Row>();
  const files = new Map<string, number>();
  const row = (key: string): Row => {
    let r = fns.get(key);
    if (!r) fns.set(key, (r = { name: key, self: 0, total: 0 }));
    return r;
  };
  for (const [ticks, ...frames] of snap.stacks) {
    if (frames.length === 0) {
      row("(outside any JS function)").self += ticks;
      continue;
    }
    const seen = new Set<string>();
    frames.forEach(([name, line], i) => {
      const key = label(name, line);
      const r = row(key);
      if (i === 0) r.self += ticks;
      if (!seen.has(key)) {
        seen.add(key);
        r.total += ticks;
      }
    });
    // A file's self time: the innermost frame that is JS (a native function is charged to the file calling it).
    const js = frames.find(([, line]) => line >= 0) ?? frames[0];
    const file = fileOf(js[1]);
    files.set(file, (files.get(file) ?? 0) + ticks);
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
  for (const [file, t] of [...files].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`[profile] ${ms(t).toFixed(1).padStart(7)} ${pct(t)}  ${file}`);
  }
  return lines.join("\n") + "\n";
}

// test/bench/stats.ts — small helpers for benchmark output: medians and aligned tables.
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function table(rows: (string | number)[][], header: string[]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? c.toFixed(1) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  for (const r of cells) console.log("  " + r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  "));
}

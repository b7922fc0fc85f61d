// test/bench/fs/results.ts — what the fs benchmark reads back from its workload (test/bench/fs/workload.cjs): the
// FSBENCH lines of the write and read phases, turned into per-round figures (MiB/s, IOPS, files/s), plus the rows and
// ratio lines fs.ts prints. Layer: bench (host only).
import { median } from "../stats.ts";

const MiB = 1024 * 1024;

export interface WorkloadParams { mb: number; randMb: number; ops: number; files: number; fileBytes: number; rounds: number }

interface Timed { writeMs: number; fsyncMs: number }
interface Read { ms: number; bytes: number; bad: number }

export interface WritePhase {
  phase: "write"; runtime: string; params: WorkloadParams; totalMs: number;
  seq: Timed[]; rand: Timed; small: { ms: number; files: number }[];
}
export interface ReadPhase {
  phase: "read"; runtime: string; params: WorkloadParams; totalMs: number;
  cold: Read[]; warm: Read[]; random: { ms: number; ops: number; bad: number }[];
}

/** What one run of the workload printed: its result, a reason it skipped, or its error. */
export type Outcome =
  | { kind: "result"; value: WritePhase | ReadPhase }
  | { kind: "skip"; reason: string }
  | { kind: "error"; error: string };

/** The workload's line in `output` (a console transcript or stdout), or undefined when it printed none. */
export function parseOutcome(output: string): Outcome | undefined {
  const m = /^(FSBENCH|FSBENCH-SKIP|FSBENCH-ERROR) (\{.*\})\s*$/m.exec(output);
  if (!m) return undefined;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(m[2]) as Record<string, unknown>;
  } catch {
    return { kind: "error", error: `the workload printed a line that is not JSON: ${m[0].slice(0, 200)}` };
  }
  if (m[1] === "FSBENCH-SKIP") return { kind: "skip", reason: String(v.reason) };
  if (m[1] === "FSBENCH-ERROR") return { kind: "error", error: `${v.phase ? `${String(v.phase)} phase: ` : ""}${String(v.error)}${v.stack ? `\n${String(v.stack)}` : ""}` };
  return { kind: "result", value: v as unknown as WritePhase | ReadPhase };
}

/** Per-round figures of one place; every figure is "higher is better". */
export interface Figures {
  /** MiB/s of 1 MiB writes of a new file followed by one fsync (the fsync's time included). */
  seqWrite: number[];
  /** The fsync's share of seqWrite's time, ms. */
  fsyncMs: number[];
  /** MiB/s of the first read of a file since boot/mount. */
  coldRead: number[];
  /** MiB/s of reading the same file again at once. */
  reRead: number[];
  /** 4 KiB reads per second at seeded offsets no other round read. */
  randIops: number[];
  /** Files per second: open(w) + write + fsync + close of a small new file. */
  filesPerS: number[];
  /** Blocks whose stamp was wrong (all reads together). */
  badBlocks: number;
  runtime: string;
  writeTotalMs: number;
  readTotalMs: number;
}

export function figures(w: WritePhase, r: ReadPhase): Figures {
  const p = w.params;
  const mibs = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);
  return {
    seqWrite: w.seq.map((s) => mibs(p.mb * MiB, s.writeMs + s.fsyncMs)),
    fsyncMs: w.seq.map((s) => s.fsyncMs),
    coldRead: r.cold.map((x) => mibs(x.bytes, x.ms)),
    reRead: r.warm.map((x) => mibs(x.bytes, x.ms)),
    randIops: r.random.map((x) => x.ops / (x.ms / 1000)),
    filesPerS: w.small.map((x) => x.files / (x.ms / 1000)),
    badBlocks: [...r.cold, ...r.warm, ...r.random].reduce((a, x) => a + x.bad, 0) +
      r.cold.concat(r.warm).filter((x) => x.bytes !== p.mb * MiB).length,
    runtime: r.runtime,
    writeTotalMs: w.totalMs,
    readTotalMs: r.totalMs,
  };
}

/** Three significant digits, no exponent (0.412, 4.12, 41.2, 412, 4120). */
export function sig(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

const cell = (xs: number[]) => xs.length > 1 ? `${sig(median(xs))} (${sig(Math.min(...xs))}–${sig(Math.max(...xs))})` : sig(xs[0]);

export const COLUMNS = ["", "seq write MiB/s", "cold read MiB/s", "re-read MiB/s", "4K rand read IOPS", "create+fsync files/s"];

export function row(name: string, f: Figures): string[] {
  return [name, cell(f.seqWrite), cell(f.coldRead), cell(f.reRead), cell(f.randIops), cell(f.filesPerS)];
}

/** "seq write ×0.41, cold read ×..." — medians of `a` over medians of `b`. */
export function ratioLine(a: Figures, b: Figures): string {
  const x = (k: "seqWrite" | "coldRead" | "reRead" | "randIops" | "filesPerS") => {
    const v = median(a[k]) / median(b[k]);
    return `×${v < 1 ? v.toPrecision(2) : v.toFixed(2)}`;
  };
  return `seq write ${x("seqWrite")}, cold read ${x("coldRead")}, re-read ${x("reRead")}, ` +
    `4K random read ${x("randIops")}, create+fsync ${x("filesPerS")}`;
}

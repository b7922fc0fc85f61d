// test/bench/fs.ts — file-system throughput through node:fs, the same JavaScript workload (test/bench/fs/workload.cjs)
// run in three places in one run: (a) the unijs guest (QEMU TCG microvm, 1 vCPU, as the other benches boot it) with a
// fresh ext4 volume as its first disk, mounted at /data by the image's default mount; (b) Node inside a Linux guest
// in the same QEMU with the same kind of fresh volume, mounted as ext4 at /data by its /init
// (test/bench/linux/node_fs.ts); (c) the host's Node on a temp folder, a reference only (host disk and page cache).
// Each guest boots twice over its volume: a write phase, then a read phase on a fresh boot, so the read phase's first
// reads are cold in the guest. The volumes are sparse files made with `mkfs.ext4 -q -F` and checked afterwards with
// `e2fsck -fn` (an inconsistent volume gets a loud line; the bench still never fails on its figures). Medians over the
// rounds the workload runs per phase (--runs), with min–max, and the ratios unijs / Node in the Linux guest. A place
// that cannot run is skipped with its reason. `--compare DIR`: another unijs checkout builds the same workload and its
// image is measured in the same run.
// `npm run bench -- fs [--runs N (3)] [--mb MiB (64)] [--rand-mb MiB (64)] [--ops N (1000)] [--files N (300)]
//   [--volume MiB] [--only unijs,linux,host] [--keep-volumes] [--timeout S per boot] [--compare DIR]`; the default
// run takes 2.5-6 minutes, depending on the machine's load (about one without the unijs guest). Layer: bench (host only).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage, DEFAULT_MEM } from "../../boot/image/build.ts";
import { startGuest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { fsck, mkfsFrom } from "../helpers/ext4.ts";
import { bootLinuxNodeFs, prepareLinuxNodeFsGuest } from "./linux/node_fs.ts";
import { buildInCheckout, compareCheckout } from "./compare.ts";
import { figures, COLUMNS, parseOutcome, ratioLine, row, type Figures, type Outcome, type ReadPhase, type WritePhase } from "./fs/results.ts";
import { killAll, trackGuest } from "./procs.ts";
import { table } from "./stats.ts";

const WORKLOAD = join(ROOT, "test/bench/fs/workload.cjs");
const OUT = join(ROOT, "build/bench/fs");
const GUEST_DIR = "/data/fs-bench";
/**
 * Defaults sized for a run of a few minutes under TCG on 2 cores, most of it the unijs guest (measured when node:fs
 * landed: 2.5 min on a quiet machine, where unijs wrote ~14 MiB/s and did ~15 create+fsync per second; on a busy one
 * it did ~4 MiB/s and ~5 files/s, and `--files 1000` took its write phase to 10 minutes). Each sequential file is
 * larger than unijs's block cache (8 MiB by default).
 */
const DEFAULTS = { runs: 3, mb: 64, randMb: 64, ops: 1000, files: 300 };
const FILE_BYTES = 1024;
const MiB = 1024 * 1024;

interface Options { runs: number; mb: number; randMb: number; ops: number; files: number; volumeMiB: number;
  only: Set<string>; keepVolumes: boolean; timeoutS: number }

/** A place's outcome: its figures (and the volume check), or why it was skipped or failed. */
type Place =
  | { name: string; kind: "done"; f: Figures; check: string; notes: string[] }
  | { name: string; kind: "skipped" | "failed"; reason: string };

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function whole(args: string[], name: string, fallback: number): number {
  const raw = option(args, name);
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes a whole number ≥ 1, not '${raw}'`);
  return n;
}

function parseOptions(cliRuns: number, args: string[]): Options {
  const runs = option(args, "--runs") !== undefined ? cliRuns : DEFAULTS.runs;
  const mb = whole(args, "--mb", DEFAULTS.mb), randMb = whole(args, "--rand-mb", DEFAULTS.randMb);
  const ops = whole(args, "--ops", DEFAULTS.ops), files = whole(args, "--files", DEFAULTS.files);
  if (ops * runs > (randMb * MiB) / 4096 / 2) {
    throw new Error(`--ops ${ops} × --runs ${runs} 4 KiB reads need a random-read file of at least ` +
      `${Math.ceil((ops * runs * 2 * 4096) / MiB)} MiB (--rand-mb): each round reads blocks no other round read`);
  }
  // Data, plus a block and an inode per small file, doubled for ext4's metadata, journal and slack; at least 512 MiB.
  const needMiB = runs * mb + randMb + (runs * files * 2 * 4096) / MiB;
  const volumeMiB = whole(args, "--volume", Math.max(512, Math.ceil((2 * needMiB) / 64) * 64));
  if (volumeMiB < needMiB * 1.2) throw new Error(`--volume ${volumeMiB} MiB is too small for ${Math.ceil(needMiB)} MiB of files`);
  const only = new Set((option(args, "--only") ?? "unijs,linux,host").split(","));
  for (const p of only) if (!["unijs", "linux", "host"].includes(p)) throw new Error(`--only takes unijs, linux and host, not '${p}'`);
  const timeoutS = option(args, "--timeout") !== undefined ? whole(args, "--timeout", 0) : 0;
  return { runs, mb, randMb, ops, files, volumeMiB, only, keepVolumes: args.includes("--keep-volumes"), timeoutS };
}

function workloadArgs(o: Options, dir: string): string[] {
  return ["--dir", dir, "--mb", String(o.mb), "--rand-mb", String(o.randMb), "--ops", String(o.ops), "--files", String(o.files),
    "--file-bytes", String(FILE_BYTES), "--rounds", String(o.runs)];
}

/**
 * A hang guard per guest boot (or host run): --timeout seconds, or far above any expected time (at least 0.3 MiB/s,
 * 1 file/s and 50 IOPS under TCG).
 */
function bootTimeoutMs(o: Options): number {
  return o.timeoutS ? o.timeoutS * 1000
    : Math.round(180_000 + ((o.runs * 2 * o.mb + o.randMb) / 0.3 + (o.runs * o.files) / 1 + (o.runs * o.ops) / 50) * 1000);
}

/**
 * mkfs.ext4's defaults, except that the inode tables and the journal are zeroed now: left lazy, Linux zeroes them
 * from a background thread (ext4lazyinit) after mounting, competing with the workload it is measured on.
 */
const MKFS_EXTRA = ["-E", "lazy_itable_init=0,lazy_journal_init=0"];

/** A fresh sparse ext4 volume of `mib` MiB at `path`. */
function freshVolume(path: string, mib: number): void {
  rmSync(path, { force: true });
  mkfsFrom(path, `${mib}M`, undefined, MKFS_EXTRA);
}

/** `e2fsck -fn` of a volume: "clean (…files, …blocks)", or a loud line with what it found. */
function checkVolume(path: string): string {
  const r = fsck(path);
  const usage = /(\d+\/\d+ files .*blocks)/.exec(r.output)?.[1];
  if (r.code === 0) return `e2fsck -fn: clean${usage ? ` (${usage})` : ""}`;
  const found = r.output.split("\n").filter((l) => l.trim()).slice(0, 12).join("\n      ");
  return `!!! e2fsck -fn: THE VOLUME IS NOT CONSISTENT (exit ${r.code}):\n      ${found}`;
}

/** The last lines of a console transcript, indented, for a reason. */
const tail = (text: string, lines = 12) => text.trimEnd().split("\n").slice(-lines).map((l) => `      ${l}`).join("\n");

/**
 * Runs both phases of one place (`run(phase)` does one boot or process and returns what it printed) and turns them
 * into its figures; a skip line or a missing/erroneous result ends it with the reason.
 */
async function twoPhases(name: string, run: (phase: "write" | "read") => Promise<{ text: string; how: string }>,
  check: () => string, notes: string[] = []): Promise<Place> {
  const results: (WritePhase | ReadPhase)[] = [];
  for (const phase of ["write", "read"] as const) {
    process.stderr.write(`[bench fs] ${name}: ${phase} phase\n`);
    const r = await run(phase);
    const out: Outcome | undefined = parseOutcome(r.text);
    // A failed run may have left the volume in any state: it is checked all the same.
    const failed = (reason: string): Place => ({ name, kind: "failed", reason: `${reason}\n    ${check()}` });
    if (!out) return failed(`the ${phase} phase printed no result (${r.how}); its last lines:\n${tail(r.text)}`);
    if (out.kind === "skip") return { name, kind: "skipped", reason: out.reason };
    if (out.kind === "error") return failed(`the ${phase} phase failed (${r.how}): ${out.error}`);
    if (out.value.phase !== phase) return failed(`expected the ${phase} phase, the workload ran its ${out.value.phase} phase`);
    results.push(out.value);
  }
  return { name, kind: "done", f: figures(results[0] as WritePhase, results[1] as ReadPhase), check: check(), notes };
}

/** The unijs guest (this checkout's image or --compare's) over a fresh volume, booted once per phase. */
async function unijsPlace(name: string, image: string, volume: string, o: Options): Promise<Place> {
  freshVolume(volume, o.volumeMiB);
  return twoPhases(name, async () => {
    const g = trackGuest(startGuest({ image, accel: "tcg", machine: "microvm", timeoutMs: bootTimeoutMs(o), disks: [{ path: volume }] }));
    const r = await g.done;
    return { text: r.output + (r.stderr ? `\n${r.stderr}` : ""), how: `QEMU ended: ${r.outcome} ${r.code}` };
  }, () => checkVolume(volume));
}

/** Builds the workload image with this checkout; a build error is a reason to skip (node:fs not there yet, ...). */
async function unijsImage(o: Options): Promise<{ path: string } | { skip: string }> {
  try {
    const img = await buildImage({ app: WORKLOAD, out: join(OUT, "fs-workload.elf"), args: [...workloadArgs(o, GUEST_DIR), "--expect-volume"] });
    return { path: img.path };
  } catch (e) {
    const msg = ((e as Error).message ?? String(e)).trim().split("\n").filter(Boolean);
    return { skip: `the workload image does not build: ${(msg[0] ?? "").trim().slice(0, 400)}` };
  }
}

async function linuxPlace(o: Options, volume: string): Promise<Place> {
  const name = "Node in Linux guest";
  const g = prepareLinuxNodeFsGuest(join(ROOT, "build/bench/linux"), WORKLOAD, [...workloadArgs(o, GUEST_DIR), "--expect-volume"]);
  if ("skip" in g) return { name, kind: "skipped", reason: g.skip };
  freshVolume(volume, o.volumeMiB);
  const notes = [`Linux ${g.version} (Debian cloud kernel; ext4 built in), ${g.memBytes / MiB} MiB RAM (the initramfs holds ` +
    `the ${(g.initrdBytes / MiB).toFixed(0)} MiB Node binary and libraries), the host's Node ${g.node}`];
  return twoPhases(name, async () => {
    const r = await bootLinuxNodeFs(g, volume, bootTimeoutMs(o), trackGuest);
    const mounted = /^fs-bench-linux mounted (.*)$/m.exec(r.output)?.[1];
    if (mounted && notes.length === 1) notes.push(`mount: ${mounted.trim()}`);
    return { text: r.output, how: `QEMU ended: ${r.outcome} ${r.code}` };
  }, () => checkVolume(volume), notes);
}

/** Host Node on a temp folder: a reference line only (host disk, host page cache, no guest). */
async function hostPlace(o: Options): Promise<Place> {
  const dir = mkdtempSync(join(tmpdir(), "unijs-bench-fs-"));
  const fsType = spawnSync("findmnt", ["-n", "-o", "FSTYPE", "-T", dir], { encoding: "utf8" }).stdout?.trim() || "unknown file system";
  try {
    return await twoPhases(`host Node (${fsType}; not comparable)`, async (phase) => {
      const r = spawnSync(process.execPath, [WORKLOAD, ...workloadArgs(o, join(dir, "fs-bench")), "--phase", phase],
        { encoding: "utf8", timeout: bootTimeoutMs(o) });
      return { text: `${r.stdout}${r.stderr}`, how: r.error ? r.error.message : `exit ${r.status ?? r.signal}` };
    }, () => `host folder ${dir} (${fsType}), removed after the run`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function describe(o: Options): void {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  console.log(`fs benchmark: node:fs's synchronous calls, one workload script (test/bench/fs/workload.cjs) in every place; ` +
    `${o.runs} rounds per phase; medians (min–max) over the rounds`);
  console.log(`  seq write: a new ${o.mb} MiB file in 1 MiB writes, then fsync (its time included); ` +
    `cold read: that file read in 1 MiB reads in the read phase, a fresh boot/mount (first read since mount); ` +
    `re-read: the same file again at once (what the runtime's caches kept: Linux's page cache holds all of it; unijs: ` +
    `its own caches, whatever size they have); 4K rand read: ${o.ops} reads of 4 KiB at seeded offsets in a ` +
    `${o.randMb} MiB file, each round at blocks no other round read; create+fsync: ${o.files} new files of ` +
    `${FILE_BYTES} bytes, each open(w) + write + fsync + close`);
  console.log(`  guests: QEMU TCG (no KVM) microvm, 1 vCPU; each boots twice over its own fresh ${o.volumeMiB} MiB sparse ` +
    `ext4 volume (mkfs.ext4 -q -F ${MKFS_EXTRA.join(" ")}) on virtio-blk, QEMU's default cache (writeback: the host's page cache serves the ` +
    `guest's "cold" reads; a guest flush is an fdatasync of the volume file); unijs guest ${DEFAULT_MEM / MiB} MiB RAM`);
  console.log(`  same machine: ${availableParallelism()} CPUs (${cpu}); figures are relative, not absolute`);
}

export async function benchFs(cliRuns: number, args: string[] = []): Promise<void> {
  const o = parseOptions(cliRuns, args);
  const cmp = compareCheckout(args);
  const onSignal = () => { killAll(); process.exit(130); };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  mkdirSync(OUT, { recursive: true });
  const volumes: string[] = [];
  const volume = (name: string) => { const p = join(OUT, `${name}.img`); volumes.push(p); return p; };
  try {
    describe(o);
    const places: Place[] = [];
    if (o.only.has("unijs")) {
      const img = await unijsImage(o);
      places.push("skip" in img ? { name: "unijs guest", kind: "skipped", reason: img.skip }
        : await unijsPlace("unijs guest", img.path, volume("unijs"), o));
      if (cmp) {
        const name = `unijs guest (${cmp.label})`;
        let cmpImage: string | undefined;
        try {
          cmpImage = buildInCheckout(cmp.dir, WORKLOAD, join(OUT, "cmp-fs-workload.elf"),
            [...workloadArgs(o, GUEST_DIR), "--expect-volume"].flatMap((a) => ["--arg", a]));
        } catch (e) {
          const lines = (e as Error).message.split("\n").map((l) => l.trim()).filter(Boolean);
          places.push({ name, kind: "skipped", reason: `the workload image does not build there: ${lines.find((l) => /error/i.test(l) && !/build failed/.test(l)) ?? lines[0]}` });
        }
        if (cmpImage) places.push(await unijsPlace(name, cmpImage, volume("cmp"), o));
      }
    }
    if (o.only.has("linux")) places.push(await linuxPlace(o, volume("linux")));
    if (o.only.has("host")) places.push(await hostPlace(o));

    console.log("");
    const done = places.filter((p): p is Extract<Place, { kind: "done" }> => p.kind === "done");
    if (done.length) table(done.map((p) => row(p.name, p.f)), COLUMNS);
    for (const p of places) {
      if (p.kind !== "done") {
        console.log(`  ${p.name}: ${p.kind} (${p.reason})`);
        continue;
      }
      const fsyncMs = [...p.f.fsyncMs].sort((a, b) => a - b)[p.f.fsyncMs.length >> 1];
      console.log(`  ${p.name}: ${p.f.runtime}; write phase ${(p.f.writeTotalMs / 1000).toFixed(1)} s, read phase ` +
        `${(p.f.readTotalMs / 1000).toFixed(1)} s; the fsync after a seq write took ${fsyncMs.toFixed(0)} ms (median)`);
      for (const n of p.notes) console.log(`    ${n}`);
      console.log(`    ${p.check}`);
      if (p.f.badBlocks) console.log(`    !!! ${p.f.badBlocks} blocks read back wrong or short: the data is not what was written`);
    }
    const linux = done.find((p) => p.name === "Node in Linux guest");
    const unijs = done.filter((p) => p.name.startsWith("unijs guest"));
    console.log("");
    for (const u of unijs) {
      if (linux) console.log(`  ${u.name} / Node in Linux guest: ${ratioLine(u.f, linux.f)}`);
    }
    if (unijs.length === 2) console.log(`  ${unijs[0].name} / ${unijs[1].name}: ${ratioLine(unijs[0].f, unijs[1].f)}`);
    if (!unijs.length || !linux) console.log("  (no unijs / Linux-guest ratios: both are needed)");
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    killAll();
    if (o.keepVolumes) {
      if (volumes.length) console.log(`  volumes kept: ${volumes.join(", ")}`);
    } else {
      for (const v of volumes) rmSync(v, { force: true });
    }
  }
}

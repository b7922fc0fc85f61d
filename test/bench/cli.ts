// test/bench/cli.ts — `npm run bench -- <name> [--runs N]`. Benchmarks print figures; they never fail on timing.
import { benchBoot } from "./boot.ts";
import { benchDevices } from "./devices.ts";
import { benchHttp } from "./http.ts";
import { benchIdle } from "./idle.ts";
import { benchTimers } from "./timers.ts";

/** Each bench gets the run count and every argument after its name (e.g. devices reads --linux, http --duration). */
const BENCHES: Record<string, (runs: number, args: string[]) => Promise<void>> = {
  boot: benchBoot, idle: benchIdle, timers: benchTimers, devices: benchDevices, http: benchHttp,
  transfer: (runs, args) => import("./transfer.ts").then((m) => m.benchTransfer(runs, args)), // [--runs N (3)] [--mb MiB per transfer (20)] [--warmup S (10)]
  zlib: (runs, args) => import("./zlib.ts").then((m) => m.benchZlib(runs, args)), // [--runs N (5)] [--kvm]
  crypto: (runs, args) => import("./crypto.ts").then((m) => m.benchCrypto(runs, args)), // [--runs N (3)] [--budget MS (400)] [--accel auto|kvm|tcg]
  tls: (runs, args) => import("./tls.ts").then((m) => m.benchTls(runs, args)), // [--runs N (3)] [--seconds S (5)] [--connections N (8)] [--bulk-seconds S (6)] [--mb MB] [--warmup S (5)] [--stime S (5)] [--no-plain] [--slirp]
  console: (runs) => import("./console.ts").then((m) => m.benchConsole(runs)), // [--runs N (3)]
  fs: (runs, args) => import("./fs.ts").then((m) => m.benchFs(runs, args)), // [--runs N (3)] [--mb 64] [--rand-mb 64] [--ops 1000] [--files 300] [--volume MiB] [--only unijs,linux,host] [--keep-volumes] [--timeout S] [--compare DIR]
};

const [name, ...rest] = process.argv.slice(2);
const runsAt = rest.indexOf("--runs");
const runs = runsAt >= 0 ? Number(rest[runsAt + 1]) : 15;
const bench = name ? BENCHES[name] : undefined;
if (!bench || !Number.isInteger(runs) || runs < 1) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join("|")}> [--runs N] [--linux] [--duration S] [--warmup S] [--connections N] [--slirp] [--compare DIR]   (N ≥ 1, default 15 (http: 3); --linux: devices adds a Linux-guest baseline; http: --duration seconds per wrk run (10), --warmup seconds discarded first (15), --connections (64), --slirp: QEMU user networking instead of a private tap link; boot|http|transfer|fs --compare DIR: also measure the images another unijs checkout builds, in the same run; fs: --mb MiB per sequential file (64), --rand-mb MiB of the random-read file (64), --ops 4 KiB random reads per round (1000), --files small files created + fsynced per round (300), --volume MiB of each ext4 volume, --only unijs,linux,host, --keep-volumes, --timeout S hang guard per boot; runs (3) are rounds per phase)`);
  process.exit(2);
}
bench(runs, rest).then(() => process.exit(0), (e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});

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
};

const [name, ...rest] = process.argv.slice(2);
const runsAt = rest.indexOf("--runs");
const runs = runsAt >= 0 ? Number(rest[runsAt + 1]) : 15;
const bench = name ? BENCHES[name] : undefined;
if (!bench || !Number.isInteger(runs) || runs < 1) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join("|")}> [--runs N] [--linux] [--duration S] [--warmup S] [--connections N] [--slirp] [--compare DIR]   (N ≥ 1, default 15 (http: 3); --linux: devices adds a Linux-guest baseline; http: --duration seconds per wrk run (10), --warmup seconds discarded first (15), --connections (64), --slirp: QEMU user networking instead of a private tap link; boot|http|transfer --compare DIR: also measure the images another unijs checkout builds, in the same run)`);
  process.exit(2);
}
bench(runs, rest).then(() => process.exit(0), (e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});

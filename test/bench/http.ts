// test/bench/http.ts — HTTP throughput and latency of examples/http-server, GET / with keep-alive, measured by wrk
// the same way against (a) the unijs guest (QEMU TCG microvm, user networking with restrict=on, a hostfwd from a
// free 127.0.0.1 port to the guest's 8080) and (b) the same server code run by the host's Node (node --import tsx,
// PORT set to a free port). Medians over several wrk runs per target, and the guest/host ratios. Prints figures;
// never asserts on them. `npm run bench -- http [--runs N] [--duration S]` (default 3 runs of 10 s).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { buildImage } from "../../boot/image/build.ts";
import { startGuest, type Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { freeTcpPort } from "../helpers/ports.ts";
import { median, table } from "./stats.ts";

const APP = join(ROOT, "examples/http-server");
const GUEST_PORT = 8080;
const THREADS = 1;
const CONNECTIONS = 16;
const WARMUP_S = 2;
/** wrk drops a request after this and leaves it out of the latencies (its default, 2 s, is near the guest's p99). */
const WRK_TIMEOUT_S = 10;
const READY_TIMEOUT_MS = 120_000;
const DEFAULT_RUNS = 3;
const DEFAULT_DURATION_S = 10;
const WRK_INSTALL = "apt-get install -y --no-install-recommends wrk";

/** What one wrk run reported. Latencies in milliseconds. */
interface WrkFigures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Socket errors: connect, read, write, timeout (zeros when wrk printed no such line). */
  errors: { connect: number; read: number; write: number; timeout: number };
  /** "Non-2xx or 3xx responses" (0 when wrk printed no such line). */
  non2xx: number;
}

// ------------------------------------------------------------------------------------------- children ----

/** Every child (QEMU, Node, wrk) started here and not yet seen exit: killed by PID on the way out. */
const guests = new Set<Guest>();
const children = new Set<ChildProcess>();

function killAll(): void {
  for (const g of guests) g.kill();
  guests.clear();
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null && c.pid) {
      try { process.kill(c.pid, "SIGKILL"); } catch { /* already gone */ }
    }
  }
  children.clear();
}

function trackChild(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once("exit", () => children.delete(c));
  return c;
}

// ------------------------------------------------------------------------------------------------ wrk ----

/** The wrk binary's version line, installing wrk first when root and it is missing; a skip reason otherwise. */
function ensureWrk(): { version: string } | { skip: string } {
  const version = () => {
    const r = spawnSync("wrk", ["-v"], { encoding: "utf8" });
    if (r.error) return undefined;
    return (`${r.stdout}${r.stderr}`.split("\n").find((l) => /^wrk\b/.test(l)) ?? "wrk").trim();
  };
  const have = version();
  if (have) return { version: have };
  if (process.getuid?.() !== 0) return { skip: `wrk is not installed; install it with: sudo ${WRK_INSTALL}` };
  console.error(`[bench http] wrk is missing; running: ${WRK_INSTALL}`);
  const install = () => spawnSync("sh", ["-c", `DEBIAN_FRONTEND=noninteractive ${WRK_INSTALL}`], { stdio: ["ignore", "inherit", "inherit"] }).status === 0;
  if (!install()) {
    console.error("[bench http] install failed; running apt-get update and trying again");
    spawnSync("apt-get", ["update"], { stdio: ["ignore", "inherit", "inherit"] });
    install();
  }
  const now = version();
  return now ? { version: now } : { skip: `wrk could not be installed; install it with: ${WRK_INSTALL}` };
}

/** "105.00us" / "1.23ms" / "2.00s" / "1.00m" → milliseconds. */
function wrkTimeMs(s: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(s.trim());
  if (!m) throw new Error(`wrk: cannot read the time '${s}'`);
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "us"];
}

export function parseWrk(out: string): WrkFigures {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  const p50 = /^\s+50%\s+(\S+)/m.exec(out);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out);
  const reqs = /^\s*(\d+) requests in/m.exec(out);
  if (!rps || !p50 || !p99 || !reqs) throw new Error(`wrk: unexpected output:\n${out}`);
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    rps: Number(rps[1]),
    p50: wrkTimeMs(p50[1]),
    p99: wrkTimeMs(p99[1]),
    requests: Number(reqs[1]),
    errors: se ? { connect: Number(se[1]), read: Number(se[2]), write: Number(se[3]), timeout: Number(se[4]) }
      : { connect: 0, read: 0, write: 0, timeout: 0 },
    non2xx: non ? Number(non[1]) : 0,
  };
}

/** One wrk run against http://127.0.0.1:port/ for `seconds`. */
function wrk(port: number, seconds: number): Promise<WrkFigures> {
  return new Promise((resolve, reject) => {
    const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", "--timeout", `${WRK_TIMEOUT_S}s`, `http://127.0.0.1:${port}/`];
    const c = trackChild(spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] }));
    let out = "";
    c.stdout!.setEncoding("utf8").on("data", (t: string) => (out += t));
    c.stderr!.setEncoding("utf8").on("data", (t: string) => (out += t));
    const guard = setTimeout(() => { if (c.pid) try { process.kill(c.pid, "SIGKILL"); } catch { /* gone */ } }, (seconds + 30) * 1000);
    c.once("error", (e) => { clearTimeout(guard); reject(e); });
    c.once("close", (code) => {
      clearTimeout(guard);
      if (code !== 0) return reject(new Error(`wrk ${args.join(" ")} exited ${code}:\n${out}`));
      try { resolve(parseWrk(out)); } catch (e) { reject(e); }
    });
  });
}

// ------------------------------------------------------------------------------------------- servers ----

/** One GET / with a fresh connection: the status code, or an error. */
function getOnce(port: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", method: "GET", agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
      res.once("error", reject);
    });
    req.once("timeout", () => req.destroy(new Error("timeout")));
    req.once("error", reject);
    req.end();
  });
}

/**
 * Retries GET / until it answers 200 (slirp accepts on the host side before the guest listens, so a connection
 * alone proves nothing). Rejects when `gone` settles first (the server exited) or after READY_TIMEOUT_MS.
 */
async function waitReady(port: number, gone: Promise<string>, what: string): Promise<number> {
  const t0 = performance.now();
  let exited: string | undefined;
  void gone.then((why) => (exited = why));
  let last = "";
  while (performance.now() - t0 < READY_TIMEOUT_MS) {
    if (exited !== undefined) throw new Error(`${what} exited before it answered:\n${exited}`);
    try {
      const status = await getOnce(port, 3000);
      if (status === 200) return performance.now() - t0;
      last = `status ${status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer GET / with 200 within ${READY_TIMEOUT_MS / 1000} s (last: ${last})`);
}

interface Target { name: string; port: number; readyMs: number; stop(): void }

async function startUnijs(image: string): Promise<Target> {
  const port = await freeTcpPort();
  const g = startGuest({ image, accel: "tcg", machine: "microvm",
    net: { kind: "user", hostfwd: [{ proto: "tcp", hostPort: port, guestPort: GUEST_PORT }] } });
  guests.add(g);
  void g.done.then(() => guests.delete(g));
  const gone = g.done.then((r) => `QEMU ended (${r.outcome} ${r.code}):\n${r.output}${r.stderr}`);
  try {
    const readyMs = await waitReady(port, gone, "the unijs guest");
    return { name: "unijs guest (TCG microvm)", port, readyMs, stop: () => g.kill() };
  } catch (e) {
    g.kill();
    throw e;
  }
}

async function startHostNode(): Promise<Target> {
  const port = await freeTcpPort();
  const c = trackChild(spawn(process.execPath, ["--import", "tsx", join(APP, "index.ts")], {
    cwd: ROOT, env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"],
  }));
  let out = "";
  c.stdout!.setEncoding("utf8").on("data", (t: string) => (out += t));
  c.stderr!.setEncoding("utf8").on("data", (t: string) => (out += t));
  const gone = new Promise<string>((r) => c.once("exit", (code, sig) => r(`node exited (${code ?? sig}):\n${out}`)));
  const stop = () => { if (c.exitCode === null && c.signalCode === null && c.pid) try { process.kill(c.pid, "SIGKILL"); } catch { /* gone */ } };
  try {
    const readyMs = await waitReady(port, gone, "host Node");
    return { name: `host Node ${process.version}`, port, readyMs, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

/** A warm-up run (discarded), then `runs` measured runs. */
async function measure(t: Target, runs: number, seconds: number): Promise<WrkFigures[]> {
  await wrk(t.port, WARMUP_S);
  const out: WrkFigures[] = [];
  for (let i = 0; i < runs; i++) out.push(await wrk(t.port, seconds));
  return out;
}

// ---------------------------------------------------------------------------------------------- main ----

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

export async function benchHttp(cliRuns: number, args: string[] = []): Promise<void> {
  const runs = option(args, "--runs") !== undefined ? cliRuns : DEFAULT_RUNS;
  const durRaw = option(args, "--duration");
  const seconds = durRaw === undefined ? DEFAULT_DURATION_S : Number(durRaw.replace(/s$/, ""));
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`--duration takes whole seconds ≥ 1, not '${durRaw}'`);

  const w = ensureWrk();
  if ("skip" in w) {
    console.log(`http benchmark skipped: ${w.skip}`);
    return;
  }

  const onSignal = () => { killAll(); process.exit(130); };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const img = await buildImage({ app: APP, out: join(ROOT, "build/bench/http-server.elf") });
    const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
    console.log(`http benchmark: GET / of examples/http-server, keep-alive, measured by ${w.version.split(" ").slice(0, 2).join(" ")}: ` +
      `wrk -t${THREADS} -c${CONNECTIONS} -d${seconds}s --latency --timeout ${WRK_TIMEOUT_S}s, ${runs} runs per target after a ${WARMUP_S} s warm-up; medians`);
    console.log(`  (a) unijs guest: QEMU TCG (no KVM) microvm, 1 vCPU, 128 MiB, user networking (slirp, restrict=on), ` +
      `hostfwd 127.0.0.1:<free port> -> guest :${GUEST_PORT}`);
    console.log(`  (b) host Node: the same examples/http-server/index.ts under node --import tsx, PORT=<free port>`);
    console.log(`  same machine: ${availableParallelism()} CPUs (${cpu}); wrk, QEMU (vCPU + slirp) and the server share them, ` +
      `so figures are relative, not absolute`);

    const results: { name: string; readyMs: number; runs: WrkFigures[] }[] = [];
    for (const start of [() => startUnijs(img.path), startHostNode]) {
      const t = await start();
      try {
        results.push({ name: t.name, readyMs: t.readyMs, runs: await measure(t, runs, seconds) });
      } finally {
        t.stop();
      }
    }

    console.log("");
    const med = (r: WrkFigures[], k: "rps" | "p50" | "p99") => median(r.map((x) => x[k]));
    table(results.map((r) => {
      const rps = r.runs.map((x) => x.rps);
      const err = r.runs.reduce((a, x) => a + x.errors.connect + x.errors.read + x.errors.write + x.errors.timeout, 0);
      const to = r.runs.reduce((a, x) => a + x.errors.timeout, 0);
      return [r.name, med(r.runs, "rps"), Math.min(...rps), Math.max(...rps), med(r.runs, "p50"), med(r.runs, "p99"),
        String(r.runs.reduce((a, x) => a + x.requests, 0)), `${err} (${to} timeout)`, String(r.runs.reduce((a, x) => a + x.non2xx, 0))];
    }), ["", "req/s", "min", "max", "p50 ms", "p99 ms", "requests", "socket errors", "non-2xx/3xx"]);
    const [g, h] = results.map((r) => r.runs);
    console.log(`\n  guest / host: req/s ×${(med(g, "rps") / med(h, "rps")).toFixed(3)} ` +
      `(host Node serves ${(med(h, "rps") / med(g, "rps")).toFixed(1)}× as many), ` +
      `p50 latency ×${(med(g, "p50") / med(h, "p50")).toFixed(1)}, p99 latency ×${(med(g, "p99") / med(h, "p99")).toFixed(1)}`);
    console.log(`  (time from start to the first 200: guest ${(results[0].readyMs / 1000).toFixed(1)} s, ` +
      `host Node ${(results[1].readyMs / 1000).toFixed(1)} s; socket errors and non-2xx/3xx are totals over the measured runs)`);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    killAll();
  }
}

// test/bench/http.ts — HTTP throughput and latency of examples/http-server, GET / with keep-alive, measured by wrk
// the same way against three servers of the same code: (a) the unijs guest (QEMU TCG microvm), (b) Node inside a
// Linux guest in the same QEMU (a Debian cloud kernel, the host's Node binary and the app bundled by esbuild in its
// initramfs; test/bench/linux/node_http.ts), (c) the host's Node (node --import tsx, PORT set). The network: as root,
// a private network namespace per server with a tap device (test/helpers/netns.ts): a guest is 10.0.3.2 on the tap,
// host Node listens inside its namespace, and wrk runs inside the namespace too. Otherwise QEMU user networking
// (slirp, restrict=on, a hostfwd from a free 127.0.0.1 port); its hostfwd socket listens with a backlog of 1, so
// bursts of connects overflow it. The header says which was used. Medians over several wrk runs per server, ratios
// against the baselines measured in the same run; a baseline that cannot be run is skipped with its reason. Prints
// figures; never asserts on them. Layer: bench (host only).
// `npm run bench -- http [--runs N] [--duration S] [--warmup S] [--connections N] [--slirp]` (default 3 runs of 10 s
// after a 15 s warm-up, 64 connections, then 3 runs of 5 s with one connection for the latency of a request alone;
// --slirp: user networking even where a namespace could be made).
import { spawnSync } from "node:child_process";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { buildImage, DEFAULT_MEM } from "../../boot/image/build.ts";
import { startGuest, type NetBackend } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { GUEST_IP, HOST_IP, netnsUnavailable } from "../helpers/netns.ts";
import { freeTcpPort } from "../helpers/ports.ts";
import { LINUX_NODE_MEM, prepareLinuxNodeGuest, startLinuxNodeGuest, type LinuxNodeGuest } from "./linux/node_http.ts";
import { dropNamespace, exited, killAll, newNamespace, probeReady, startChild, stopChild, trackGuest } from "./procs.ts";
import { buildInCheckout, compareCheckout } from "./compare.ts";
import { median, table } from "./stats.ts";

const APP = join(ROOT, "examples/http-server");
const GUEST_PORT = 8080;
const THREADS = 2;
const DEFAULT_CONNECTIONS = 64;
/**
 * The discarded load before the measured runs. V8 in the Linux guest needs about 15 s of load under TCG before its
 * optimised code is in place (it served ~100 req/s for the first 12 s, then ~450-550); QuickJS has no JIT.
 */
const DEFAULT_WARMUP_S = 15;
/** wrk drops a request after this and leaves it out of the latencies: long enough that slow answers still count. */
const WRK_TIMEOUT_S = 30;
const READY_TIMEOUT_MS = 120_000;
const DEFAULT_RUNS = 3;
/** Seconds of each one-connection (-c1) run. */
const SINGLE_S = 5;
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

/** How clients reach a server: the command prefix that runs them where the server is reachable, and its URL. */
interface Place {
  /** ["ip", "netns", "exec", NAME] inside a namespace; [] on the host. */
  prefix: string[];
  url: string;
}

/** The private namespace, or slirp with the reason the namespace cannot be had. */
type Network = { kind: "netns" } | { kind: "slirp"; why: string };

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

/** One wrk run (keep-alive, THREADS threads, `connections` connections) against `at` for `seconds`. */
async function wrk(at: Place, seconds: number, connections: number): Promise<WrkFigures> {
  const args = [`-t${Math.min(THREADS, connections)}`, `-c${connections}`, `-d${seconds}s`, "--latency", "--timeout", `${WRK_TIMEOUT_S}s`, at.url];
  const c = startChild([...at.prefix, "wrk", ...args]);
  const guard = setTimeout(() => stopChild(c), (seconds + WRK_TIMEOUT_S + 30) * 1000);
  const r = await exited(c, "wrk");
  clearTimeout(guard);
  if (r.code !== 0) throw new Error(`wrk ${args.join(" ")} exited ${r.code}:\n${r.text}`);
  return parseWrk(r.text);
}

// ------------------------------------------------------------------------------------------- servers ----

/** GETs `at.url` until it answers 200 (see probeReady); throws with the reason when it does not. */
async function waitReady(at: Place, gone: Promise<string>, what: string): Promise<void> {
  const failure = await probeReady(at.prefix, at.url, READY_TIMEOUT_MS, gone);
  if (failure) throw new Error(`${what} ${failure}`);
}

interface Target { name: string; at: Place; readyMs: number; stop(): void }

/** Waits for the server to answer; on failure stops it (and drops its namespace) before rethrowing. */
async function ready(name: string, at: Place, t0: number, gone: Promise<string>, stop: () => void): Promise<Target> {
  try {
    await waitReady(at, gone, name);
    return { name, at, readyMs: performance.now() - t0, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

/** A guest's link: a tap in a fresh namespace (the guest at GUEST_IP), or slirp with a hostfwd from a free port. */
async function guestLink(network: Network): Promise<{ net: NetBackend; cidr: string; at: Place; drop(): void }> {
  if (network.kind === "netns") {
    const ns = newNamespace();
    return { net: { kind: "tap", netns: ns.name, ifname: ns.ifname }, cidr: `${GUEST_IP}/24`,
      at: { prefix: ["ip", "netns", "exec", ns.name], url: `http://${GUEST_IP}:${GUEST_PORT}/` }, drop: () => dropNamespace(ns) };
  }
  const port = await freeTcpPort();
  return { net: { kind: "user", hostfwd: [{ proto: "tcp", hostPort: port, guestPort: GUEST_PORT }] }, cidr: "10.0.2.15/24",
    at: { prefix: [], url: `http://127.0.0.1:${port}/` }, drop: () => undefined };
}

async function startUnijs(image: string, network: Network, name = "unijs guest"): Promise<Target> {
  const t0 = performance.now();
  const link = await guestLink(network);
  const g = trackGuest(startGuest({ image, accel: "tcg", machine: "microvm", net: link.net }));
  const gone = g.done.then((r) => `QEMU ended (${r.outcome} ${r.code}):\n${r.output.slice(-3000)}${r.stderr}`);
  return ready(name, link.at, t0, gone, () => { g.kill(); link.drop(); });
}

async function startLinuxNode(linux: LinuxNodeGuest, network: Network): Promise<Target> {
  const t0 = performance.now();
  const link = await guestLink(network);
  const g = trackGuest(startLinuxNodeGuest(linux, link.net, link.cidr, GUEST_PORT));
  const gone = g.done.then((r) => `QEMU ended (${r.outcome} ${r.code}):\n${r.output.slice(-3000)}${r.stderr}`);
  return ready("Node in Linux guest", link.at, t0, gone, () => { g.kill(); link.drop(); });
}

/** Host Node: inside a namespace of its own (on its loopback, where wrk runs too), or on a free host port. */
async function startHostNode(network: Network): Promise<Target> {
  const t0 = performance.now();
  const ns = network.kind === "netns" ? newNamespace() : undefined;
  const port = ns ? GUEST_PORT : await freeTcpPort();
  const at: Place = { prefix: ns ? ["ip", "netns", "exec", ns.name] : [], url: `http://127.0.0.1:${port}/` };
  const c = startChild([...at.prefix, process.execPath, "--import", "tsx", join(APP, "index.ts")], { ...process.env, PORT: String(port) });
  const gone = exited(c, "node").then((r) => `node exited (${r.code}):\n${r.text}`);
  return ready("host Node", at, t0, gone, () => { stopChild(c); if (ns) dropNamespace(ns); });
}

/** A warm-up run (discarded; none for 0 s), then `runs` measured runs. */
async function measure(t: Target, runs: number, seconds: number, connections: number, warmup: number): Promise<WrkFigures[]> {
  if (warmup > 0) await wrk(t.at, warmup, connections);
  const out: WrkFigures[] = [];
  for (let i = 0; i < runs; i++) out.push(await wrk(t.at, seconds, connections));
  return out;
}

// ---------------------------------------------------------------------------------------------- main ----

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function wholeOption(args: string[], name: string, fallback: number, least: number): number {
  const raw = option(args, name);
  const n = raw === undefined ? fallback : Number(raw.replace(/s$/, ""));
  if (!Number.isInteger(n) || n < least) throw new Error(`${name} takes a whole number ≥ ${least}, not '${raw}'`);
  return n;
}

/** Milliseconds with three significant digits (0.412, 4.12, 41.2, 412). */
function ms(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

interface Result { name: string; readyMs: number; runs: WrkFigures[]; single: WrkFigures[] }

const med = (r: WrkFigures[], k: "rps" | "p50" | "p99") => median(r.map((x) => x[k]));

function ratios(a: Result, b: Result): string {
  const x = (k: "rps" | "p50" | "p99") => (med(a.runs, k) / med(b.runs, k));
  const rps = x("rps");
  return `req/s ×${rps < 1 ? rps.toPrecision(2) : rps.toFixed(2)} ` +
    `(${rps < 1 ? `${b.name} serves ${(1 / rps).toFixed(1)}` : `${a.name} serves ${rps.toFixed(1)}`}× as many), ` +
    `p50 latency ×${x("p50").toFixed(1)}, p99 latency ×${x("p99").toFixed(1)}`;
}

export async function benchHttp(cliRuns: number, args: string[] = []): Promise<void> {
  const runs = option(args, "--runs") !== undefined ? cliRuns : DEFAULT_RUNS;
  const seconds = wholeOption(args, "--duration", DEFAULT_DURATION_S, 1);
  const warmup = wholeOption(args, "--warmup", DEFAULT_WARMUP_S, 0);
  const connections = wholeOption(args, "--connections", DEFAULT_CONNECTIONS, 1);

  const w = ensureWrk();
  if ("skip" in w) {
    console.log(`http benchmark skipped: ${w.skip}`);
    return;
  }
  const why = args.includes("--slirp") ? "--slirp given" : netnsUnavailable();
  const network: Network = why ? { kind: "slirp", why } : { kind: "netns" };

  const onSignal = () => { killAll(); process.exit(130); };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const img = await buildImage(network.kind === "netns"
      ? { app: APP, out: join(ROOT, "build/bench/http-server-tap.elf"), ip: { cidr: `${GUEST_IP}/24`, gateway: HOST_IP } }
      : { app: APP, out: join(ROOT, "build/bench/http-server.elf") });
    const linux = await prepareLinuxNodeGuest(join(ROOT, "build/bench/linux"), join(APP, "index.ts"));
    const cmp = compareCheckout(args);
    const cmpImage = cmp && buildInCheckout(cmp.dir, "examples/http-server", join(ROOT, "build/bench/cmp-http-server.elf"),
      network.kind === "netns" ? ["--ip", `${GUEST_IP}/24`, "--gateway", HOST_IP] : []);

    const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
    const threads = Math.min(THREADS, connections);
    console.log(`http benchmark: GET / of examples/http-server, keep-alive, measured by ${w.version.split(" ").slice(0, 2).join(" ")}: ` +
      `wrk -t${threads} -c${connections} -d${seconds}s --latency --timeout ${WRK_TIMEOUT_S}s, ${runs} runs per server after a ${warmup} s warm-up at the same load; medians`);
    console.log(network.kind === "netns"
      ? `  network: a private network namespace per server with a tap device (host side ${HOST_IP}/24); a guest is ` +
        `${GUEST_IP}:${GUEST_PORT} on the tap (virtio-net, MTU 1500); wrk runs inside the namespace`
      : `  network: QEMU user networking (slirp, restrict=on), hostfwd 127.0.0.1:<free port> -> guest :${GUEST_PORT}; ` +
        `its listen backlog is 1, so connection bursts can fail (no private namespace: ${network.why})`);
    console.log(`  unijs guest: QEMU TCG (no KVM) microvm, 1 vCPU, ${DEFAULT_MEM / 2 ** 20} MiB`);
    console.log("skip" in linux
      ? `  Node in Linux guest: skipped (${linux.skip})`
      : `  Node in Linux guest: Linux ${linux.version} (Debian cloud kernel) in the same QEMU TCG microvm, 1 vCPU, ` +
        `${LINUX_NODE_MEM / 2 ** 20} MiB; the host's Node ${linux.node} binary and the app bundled by esbuild in a ` +
        `${(linux.initrdBytes / 2 ** 20).toFixed(0)} MiB initramfs; busybox ip, virtio-net module`);
    console.log(`  host Node: the same examples/http-server/index.ts under node ${process.version} --import tsx` +
      (network.kind === "netns" ? `, listening inside its own namespace (wrk to 127.0.0.1:${GUEST_PORT} there)` : ", PORT=<free port>"));
    console.log(`  same machine: ${availableParallelism()} CPUs (${cpu}); wrk, QEMU and the server share them, ` +
      `so figures are relative, not absolute`);

    const results: Result[] = [];
    const skipped: string[] = [];
    const run = async (start: () => Promise<Target>) => {
      const t = await start();
      try {
        const figures = await measure(t, runs, seconds, connections, warmup);
        // One connection, one request at a time: the latency of a request alone (after the loaded runs).
        const single: WrkFigures[] = [];
        for (let i = 0; i < runs; i++) single.push(await wrk(t.at, SINGLE_S, 1));
        results.push({ name: t.name, readyMs: t.readyMs, runs: figures, single });
      } finally {
        t.stop();
      }
    };
    await run(() => startUnijs(img.path, network));
    if (cmp && cmpImage) await run(() => startUnijs(cmpImage, network, `unijs guest (${cmp.label})`));
    if (!("skip" in linux)) {
      try {
        await run(() => startLinuxNode(linux, network));
      } catch (e) {
        skipped.push(`Node in Linux guest skipped: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    await run(() => startHostNode(network));

    console.log("");
    table(results.map((r) => {
      const rps = r.runs.map((x) => x.rps);
      const err = r.runs.reduce((a, x) => a + x.errors.connect + x.errors.read + x.errors.write + x.errors.timeout, 0);
      const to = r.runs.reduce((a, x) => a + x.errors.timeout, 0);
      return [r.name, med(r.runs, "rps"), Math.min(...rps), Math.max(...rps), ms(med(r.runs, "p50")), ms(med(r.runs, "p99")),
        String(r.runs.reduce((a, x) => a + x.requests, 0)), `${err} (${to} timeout)`, String(r.runs.reduce((a, x) => a + x.non2xx, 0)),
        (r.readyMs / 1000).toFixed(1)];
    }), ["", "req/s", "min", "max", "p50 ms", "p99 ms", "requests", "socket errors", "non-2xx/3xx", "ready s"]);
    for (const s of skipped) console.log(`  (${s})`);
    console.log("");
    console.log(`one connection (wrk -t1 -c1 -d${SINGLE_S}s, ${runs} runs, medians): a request's latency with nothing else in flight`);
    table(results.map((r) => [r.name, med(r.single, "rps"), ms(med(r.single, "p50")), ms(med(r.single, "p99")),
      String(r.single.reduce((a, x) => a + x.requests, 0))]), ["", "req/s", "p50 ms", "p99 ms", "requests"]);
    const [unijs, ...bases] = results;
    console.log("");
    for (const b of bases) console.log(`  unijs / ${b.name}: ${ratios(unijs, b)}`);
    console.log("  (req/s, p50 and p99 are medians over the measured runs; socket errors and non-2xx/3xx are totals over " +
      "them; ready s: from starting the server to its first 200)");
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    killAll();
  }
}

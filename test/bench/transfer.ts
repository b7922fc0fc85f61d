// test/bench/transfer.ts — bulk TCP/HTTP throughput of examples/http-server at the standard MTU 1500, measured the
// same way against the same server code as in `bench http`: (a) the unijs guest (QEMU TCG microvm, static 10.0.3.2),
// (b) Node inside a Linux guest in the same QEMU (test/bench/linux/node_http.ts), booted twice: as `bench http` boots
// it (Linux negotiates the tap's checksum and TSO/GSO offloads, so it moves segments of up to 64 KiB per frame over
// the link) and with those offloads off (MTU-sized frames); the unijs guest is likewise run twice, with the offloads
// its virtio-net driver takes (checksum, TSO both ways, merged receive buffers) and with the same QEMU switches off
// (--no-unijs-offloads skips that second run), (c) the host's Node (node --import tsx, inside a namespace of its own). Each server gets a
// private network namespace (test/helpers/netns.ts); a guest's link is the tap there (tap MTU and virtio-net
// host_mtu 1500); host Node listens on the namespace's loopback, set to MTU 1500 too. The client is a Node script run
// inside the namespace, each transfer on a fresh connection:
//   download:     GET /stream?bytes=M MiB, from the request to the last byte, the byte count checked;
//   upload+echo:  POST /echo with M MiB of seeded pseudo-random bytes (application/octet-stream, which the example
//                 pipes straight back), from the request to the last echoed byte, counted one way; the SHA-256 of
//                 what came back must equal that of what was sent.
// 10 s of smaller transfers first, discarded (V8 in the Linux guest optimises under load), then medians over the
// runs. Also reported: the average frame size on a guest's tap in each direction, which shows whether the guest
// moved MTU-sized frames or larger offloaded (TSO/GSO) ones. Prints figures, never asserts on them; a server that
// cannot be run is skipped with a one-line reason; a failed transfer is counted and reported.
// `npm run bench -- transfer [--runs N] [--mb M] [--warmup S] [--only unijs,linux,host] [--no-unijs-offloads]` (default 3 runs of 20 MiB each way after a 10 s
// warm-up; the default run takes about 4-5 minutes, most of it the unijs guest). Layer: bench (host only).
//
// http.ts exports none of its plumbing, so the small part needed here (tracking children, guests and namespaces
// to remove them on the way out, the readiness probe) is written again below in its minimal form.
import { execFileSync } from "node:child_process";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { buildImage, DEFAULT_MEM } from "../../boot/image/build.ts";
import { startGuest, type Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { GUEST_IP, HOST_IP, netnsUnavailable, type Netns } from "../helpers/netns.ts";
import { LINUX_MICROVM_ARGS, tscArgs } from "./linux/guest.ts";
import { LINUX_NODE_MEM, prepareLinuxNodeGuest, startLinuxNodeGuest, type LinuxNodeGuest } from "./linux/node_http.ts";
import { dropNamespace, exited, killAll, newNamespace, probeReady, startChild, stopChild, trackGuest } from "./procs.ts";
import { buildInCheckout, compareCheckout } from "./compare.ts";
import { median, table } from "./stats.ts";

const APP = join(ROOT, "examples/http-server");
const PORT = 8080;
const MTU = 1500;
const DEFAULT_RUNS = 3;
const DEFAULT_MB = 20;
/**
 * The discarded warm-up: downloads and uploads of WARMUP_MB MiB (fewer when --mb is smaller) in turn until this many
 * seconds have passed. Node in the Linux guest needs about 8-10 s of transfers under TCG before its rate levels off
 * (V8's optimised code and QEMU's translations of the hot paths); measured right after a single 2 MiB warm-up its
 * first 20 MiB runs rose 11 → 19 → 25 MB/s before settling at 25-38.
 */
const DEFAULT_WARMUP_S = 10;
const WARMUP_MB = 2;
const READY_TIMEOUT_MS = 120_000;
/** A transfer is abandoned after 30 s plus its size at 100 kB/s (a hang guard, far below any expected rate). */
const limitMs = (bytes: number) => 30_000 + bytes / 100;

// ------------------------------------------------------------------------------------- namespaces ----

const inNs = (ns: Netns) => ["ip", "netns", "exec", ns.name];

/** Runs `ip ARGS` inside the namespace and returns its stdout. */
function nsIp(ns: Netns, ...args: string[]): string {
  return execFileSync("ip", ["netns", "exec", ns.name, "ip", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** An interface's MTU as the namespace's kernel reports it. */
function mtuOf(ns: Netns, ifname: string): number {
  return Number(/\bmtu (\d+)/.exec(nsIp(ns, "-o", "link", "show", "dev", ifname))?.[1] ?? NaN);
}

// --------------------------------------------------------------------------------------- servers ----

/** A running server: where clients reach it (inside `ns`), the interface its traffic crosses, how to stop it. */
interface Target { name: string; ns: Netns; host: string; ifname: string; mtu: number; readyMs: number; stop(): void }

/** GETs / from inside the namespace until it answers 200 (see probeReady); throws with the reason when not. */
async function waitReady(ns: Netns, host: string, gone: Promise<string>, what: string): Promise<void> {
  const failure = await probeReady(inNs(ns), `http://${host}:${PORT}/`, READY_TIMEOUT_MS, gone);
  if (failure) throw new Error(`${what} ${failure}`);
}

/** A namespace whose tap is set to MTU; the guest gets virtio-net host_mtu=MTU on it. */
function tapNamespace(): Netns {
  const ns = newNamespace();
  nsIp(ns, "link", "set", "dev", ns.ifname, "mtu", String(MTU));
  return ns;
}

async function startGuestServer(name: string, ns: Netns, g: Guest, t0: number): Promise<Target> {
  trackGuest(g);
  const stop = () => { g.kill(); dropNamespace(ns); };
  const gone = g.done.then((r) => `QEMU ended (${r.outcome} ${r.code}): ${r.output.slice(-2000)}${r.stderr}`);
  try {
    await waitReady(ns, GUEST_IP, gone, name);
  } catch (e) {
    stop();
    throw e;
  }
  return { name, ns, host: GUEST_IP, ifname: ns.ifname, mtu: mtuOf(ns, ns.ifname), readyMs: performance.now() - t0, stop };
}

async function startUnijs(image: string, name = "unijs guest", offloads = true): Promise<Target> {
  const t0 = performance.now();
  const ns = tapNamespace();
  return startGuestServer(name, ns, startGuest({ image, accel: "tcg", machine: "microvm",
    net: { kind: "tap", netns: ns.name, ifname: ns.ifname, mtu: MTU }, extraArgs: offloads ? [] : NO_OFFLOAD }), t0);
}

/** virtio-net properties that turn the checksum and segmentation offloads off (no TSO/GSO without checksum offload). */
const OFFLOADS = ["csum", "guest_csum", "gso", "host_tso4", "host_tso6", "guest_tso4", "guest_tso6"];
const NO_OFFLOAD = OFFLOADS.flatMap((p) => ["-global", `virtio-net-device.${p}=off`]);

/**
 * Node in the Linux guest. With `offloads` it is startLinuxNodeGuest as `bench http` boots it: Linux negotiates the
 * tap's checksum and TSO/GSO offloads and moves segments of up to 64 KiB per frame. Without, the same boot with
 * NO_OFFLOAD added (startLinuxNodeGuest takes no extra QEMU arguments, so its startGuest call is repeated here; keep
 * the two in step), so Linux, like the unijs guest, puts every segment on the link as an MTU-sized frame.
 */
async function startLinuxNode(linux: LinuxNodeGuest, offloads: boolean): Promise<Target> {
  const t0 = performance.now();
  const ns = tapNamespace();
  const net = { kind: "tap", netns: ns.name, ifname: ns.ifname, mtu: MTU } as const;
  const cidr = `${GUEST_IP}/24`;
  return startGuestServer(offloads ? "Node in Linux guest" : "Node in Linux guest, no offloads", ns, offloads
    ? startLinuxNodeGuest(linux, net, cidr, PORT)
    : startGuest({ image: linux.kernel, accel: "tcg", machine: "microvm", memBytes: LINUX_NODE_MEM, rng: false, net,
      cmdline: `console=ttyS0 quiet panic=-1 rdinit=/init ${tscArgs()} benchip=${cidr} benchport=${PORT}`,
      extraArgs: [...LINUX_MICROVM_ARGS, "-initrd", linux.initrd, ...NO_OFFLOAD] }), t0);
}

/** Host Node inside its own namespace, on the loopback there (set to MTU 1500 as well). */
async function startHostNode(): Promise<Target> {
  const t0 = performance.now();
  const ns = newNamespace();
  nsIp(ns, "link", "set", "dev", "lo", "mtu", String(MTU));
  const c = startChild([...inNs(ns), process.execPath, "--import", "tsx", join(APP, "index.ts")], { ...process.env, PORT: String(PORT) });
  const stop = () => { stopChild(c); dropNamespace(ns); };
  try {
    await waitReady(ns, "127.0.0.1", exited(c, "node").then((r) => `node exited (${r.code}): ${r.text}`), "host Node");
  } catch (e) {
    stop();
    throw e;
  }
  return { name: "host Node", ns, host: "127.0.0.1", ifname: "lo", mtu: mtuOf(ns, "lo"), readyMs: performance.now() - t0, stop };
}

// ---------------------------------------------------------------------------------------- client ----

/**
 * The client, run by Node inside the server's namespace: argv mode ("download" | "echo"), base URL, bytes,
 * interface, limit ms. Prints one JSON line: ms from the request to the last byte, what was checked, and the
 * interface's counters over the transfer (rx = frames the server side sent onto a tap, tx = frames to it).
 * The upload is generated and hashed before the clock starts.
 */
const CLIENT = `
  const http = require("http"), crypto = require("crypto"), fs = require("fs");
  const [mode, base, sizeArg, ifname, limitArg] = process.argv.slice(1);
  const SIZE = Number(sizeArg);
  const stat = (k) => Number(fs.readFileSync("/sys/class/net/" + ifname + "/statistics/" + k, "utf8"));
  const counters = () => ({ rxBytes: stat("rx_bytes"), rxPackets: stat("rx_packets"), txBytes: stat("tx_bytes"), txPackets: stat("tx_packets") });
  const finish = (o) => {
    const c1 = counters();
    for (const k of Object.keys(c1)) c1[k] -= c0[k];
    console.log(JSON.stringify({ ...o, counters: c1 }));
    process.exit(0);
  };
  const fail = (why) => { console.log(JSON.stringify({ error: why })); process.exit(1); };
  setTimeout(() => fail("no last byte within " + limitArg + " ms"), Number(limitArg));
  let data, sentSha;
  if (mode === "echo") {
    data = Buffer.from(new ArrayBuffer(SIZE));
    const words = new Uint32Array(data.buffer, 0, SIZE >> 2);
    let seed = 12345;
    for (let i = 0; i < words.length; i++) { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; words[i] = seed; }
    sentSha = crypto.createHash("sha256").update(data).digest("hex");
  }
  const c0 = counters();
  const t0 = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
  if (mode === "download") {
    http.get(base + "stream?bytes=" + SIZE, { agent: false }, (res) => {
      let bytes = 0;
      res.on("data", (c) => (bytes += c.length));
      res.on("end", () => finish({ ms: ms(), status: res.statusCode, bytes, ok: res.statusCode === 200 && bytes === SIZE }));
      res.on("error", (e) => fail(e.message));
    }).on("error", (e) => fail(e.message));
  } else {
    const req = http.request(base + "echo", { method: "POST", agent: false,
      headers: { "content-type": "application/octet-stream", "content-length": SIZE } }, (res) => {
      const h = crypto.createHash("sha256");
      let bytes = 0;
      res.on("data", (c) => { bytes += c.length; h.update(c); });
      res.on("end", () => {
        const t = ms(), sha = h.digest("hex");
        finish({ ms: t, status: res.statusCode, bytes, ok: res.statusCode === 200 && bytes === SIZE && sha === sentSha,
          sha: sha === sentSha ? "match" : "got " + sha.slice(0, 12) + " sent " + sentSha.slice(0, 12) });
      });
      res.on("error", (e) => fail(e.message));
    });
    req.on("error", (e) => fail(e.message));
    let at = 0;
    const pump = () => {
      while (at < SIZE) {
        const chunk = data.subarray(at, Math.min(at + 65536, SIZE));
        at += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  }`;

interface Counters { rxBytes: number; rxPackets: number; txBytes: number; txPackets: number }
type Mode = "download" | "echo";
/** One transfer: MB/s (10^6 bytes/s, the size counted one way), or the reason it failed. */
type Outcome = { mbs: number; counters: Counters } | { error: string };

async function transfer(t: Target, mode: Mode, bytes: number): Promise<Outcome> {
  const c = startChild([...inNs(t.ns), process.execPath, "-e", CLIENT, mode, `http://${t.host}:${PORT}/`, String(bytes),
    t.ifname, String(limitMs(bytes))]);
  const r = await exited(c, "the client");
  let o: { ms?: number; ok?: boolean; status?: number; bytes?: number; sha?: string; error?: string; counters?: Counters };
  try {
    o = JSON.parse(r.stdout.trim().split("\n").pop() ?? "");
  } catch {
    return { error: `client exited ${r.code}: ${r.text.trim().slice(-300)}` };
  }
  if (o.error !== undefined) return { error: o.error };
  if (!o.ok) return { error: `status ${o.status}, ${o.bytes} of ${bytes} bytes${o.sha ? `, SHA-256 ${o.sha}` : ""}` };
  return { mbs: bytes / 1e6 / (o.ms! / 1000), counters: o.counters! };
}

// ------------------------------------------------------------------------------------------ main ----

function wholeOption(args: string[], name: string, fallback: number, least: number): number {
  const at = args.indexOf(name);
  const raw = at >= 0 ? args[at + 1] : undefined;
  const n = raw === undefined ? fallback : Number(raw.replace(/s$/, ""));
  if (!Number.isInteger(n) || n < least) throw new Error(`${name} takes a whole number ≥ ${least}, not '${raw}'`);
  return n;
}

interface Result { name: string; readyMs: number; ifname: string; mtu: number; runs: Record<Mode, Outcome[]> }

const ok = (xs: Outcome[]) => xs.filter((x): x is Extract<Outcome, { mbs: number }> => "mbs" in x);
/** Three significant digits (1.23, 12.3, 123, 1234). */
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));

function figures(xs: Outcome[]): string[] {
  const v = ok(xs).map((x) => x.mbs);
  if (v.length === 0) return ["failed", "-", "-"];
  return [fmt(median(v)), fmt(Math.min(...v)), fmt(Math.max(...v))];
}

/** Average bytes per frame on a guest's tap: the server's frames in downloads, the client's in uploads. */
function frames(r: Result): [string, string] {
  if (r.ifname === "lo") return ["lo", "lo"];
  const sum = (xs: Outcome[], b: "rxBytes" | "txBytes", p: "rxPackets" | "txPackets") => {
    const s = ok(xs).reduce((a, x) => [a[0] + x.counters[b], a[1] + x.counters[p]], [0, 0]);
    return s[1] ? s[0] / s[1] : NaN;
  };
  return [sum(r.runs.download, "rxBytes", "rxPackets").toFixed(0), sum(r.runs.echo, "txBytes", "txPackets").toFixed(0)];
}

function ratio(a: Outcome[], b: Outcome[]): string {
  const x = ok(a), y = ok(b);
  if (!x.length || !y.length) return "n/a";
  const q = median(x.map((o) => o.mbs)) / median(y.map((o) => o.mbs));
  return q >= 0.1 ? `×${q.toFixed(2)}` : `×${q.toPrecision(2)} (1/${(1 / q).toFixed(0)})`;
}

export async function benchTransfer(cliRuns: number, args: string[] = []): Promise<void> {
  const runs = args.includes("--runs") ? cliRuns : DEFAULT_RUNS;
  const mb = wholeOption(args, "--mb", DEFAULT_MB, 1);
  if (mb > 1024) throw new Error(`--mb takes at most 1024 (MiB), not ${mb}`);
  const warmupS = wholeOption(args, "--warmup", DEFAULT_WARMUP_S, 0);
  const bytes = mb * 2 ** 20;
  const warmBytes = Math.min(mb, WARMUP_MB) * 2 ** 20;

  const why = netnsUnavailable();
  if (why) {
    console.log(`transfer benchmark skipped: it needs a private network namespace with a tap link (${why})`);
    return;
  }
  const onSignal = () => { killAll(); process.exit(130); };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", killAll);
  try {
    const linux = await prepareLinuxNodeGuest(join(ROOT, "build/bench/linux"), join(APP, "index.ts"));

    console.log(`transfer benchmark: examples/http-server, ${mb} MiB per transfer on a fresh connection, ${runs} runs per ` +
      `server` + (warmupS > 0 ? ` after ${warmupS} s of discarded ${warmBytes / 2 ** 20} MiB transfers (warm-up)` : "") +
      `; MB/s = 10^6 bytes/s`);
    console.log(`  download: GET /stream?bytes=${bytes}, request to last byte, byte count checked`);
    console.log(`  upload+echo: POST /echo with ${bytes} seeded pseudo-random bytes (application/octet-stream), request ` +
      `to last echoed byte, MB/s counting the bytes one way, SHA-256 of the echo checked against what was sent`);
    console.log(`  network: MTU ${MTU}. A private namespace per server; a guest is ${GUEST_IP}:${PORT} on its tap ` +
      `(host side ${HOST_IP}/24, tap MTU ${MTU}, virtio-net host_mtu=${MTU}); host Node listens on the loopback of its ` +
      `namespace (lo MTU set to ${MTU}); the Node client runs inside the namespace`);
    console.log(`  unijs guest: QEMU TCG (no KVM) microvm, 1 vCPU, ${DEFAULT_MEM / 2 ** 20} MiB; its virtio-net ` +
      `takes the checksum, TSO (both ways) and merged-buffer offloads QEMU's tap offers; booted again with them off ` +
      `(the same -global switches as the Linux guest below)`);
    console.log("skip" in linux
      ? `  Node in Linux guest: skipped (${linux.skip})`
      : `  Node in Linux guest: Linux ${linux.version} in the same QEMU TCG (no KVM) microvm, 1 vCPU, ` +
        `${LINUX_NODE_MEM / 2 ** 20} MiB, the host's Node ${linux.node}; booted twice: as \`bench http\` boots it (its ` +
        `virtio-net driver takes the checksum and TSO/GSO offloads QEMU's tap offers), and with them off ` +
        `(-global virtio-net-device.{${OFFLOADS.join(",")}}=off)`);
    console.log(`  host Node: examples/http-server/index.ts under node ${process.version} --import tsx`);
    console.log(`  same machine: ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? "unknown CPU"}); client, ` +
      `QEMU and server share them, so figures are relative, not absolute`);

    const onlyAt = args.indexOf("--only");
    const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? "").split(",") : ["unijs", "linux", "host"];
    const results: Result[] = [];
    const skipped: string[] = [];
    const run = async (name: string, start: () => Promise<Target>) => {
      let t: Target;
      try {
        t = await start();
      } catch (e) {
        skipped.push(`${name} skipped: ${(e as Error).message.split("\n")[0].slice(0, 300)}`);
        return;
      }
      try {
        const r: Result = { name: t.name, readyMs: t.readyMs, ifname: t.ifname, mtu: t.mtu, runs: { download: [], echo: [] } };
        for (const w0 = performance.now(); performance.now() - w0 < warmupS * 1000;) {
          const warm = [await transfer(t, "download", warmBytes), await transfer(t, "echo", warmBytes)];
          const bad = warm.find((w): w is { error: string } => "error" in w);
          if (bad) {
            skipped.push(`${t.name}: a warm-up transfer failed: ${bad.error}`);
            break;
          }
        }
        for (let i = 0; i < runs; i++) {
          for (const mode of ["download", "echo"] as const) {
            const o = await transfer(t, mode, bytes);
            r.runs[mode].push(o);
            console.error(`[bench transfer] ${t.name} ${mode} ${i + 1}/${runs}: ${"mbs" in o ? `${fmt(o.mbs)} MB/s` : `failed: ${o.error}`}`);
          }
        }
        results.push(r);
      } finally {
        t.stop();
      }
    };
    if (only.includes("unijs")) await run("unijs guest", async () => startUnijs((await buildImage({ app: APP,
      out: join(ROOT, "build/bench/transfer-http-server.elf"), ip: { cidr: `${GUEST_IP}/24`, gateway: HOST_IP } })).path));
    if (only.includes("unijs") && !args.includes("--no-unijs-offloads")) {
      await run("unijs guest, no offloads", async () => startUnijs(join(ROOT, "build/bench/transfer-http-server.elf"),
        "unijs guest, no offloads", false));
    }
    const cmp = compareCheckout(args);
    if (cmp) {
      await run(`unijs guest (${cmp.label})`, async () => startUnijs(buildInCheckout(cmp.dir, "examples/http-server",
        join(ROOT, "build/bench/cmp-transfer-http-server.elf"), ["--ip", `${GUEST_IP}/24`, "--gateway", HOST_IP]),
      `unijs guest (${cmp.label})`));
    }
    if ("skip" in linux) skipped.push(`Node in Linux guest skipped: ${linux.skip}`);
    else if (only.includes("linux")) {
      await run("Node in Linux guest", () => startLinuxNode(linux, true));
      await run("Node in Linux guest, no offloads", () => startLinuxNode(linux, false));
    }
    if (only.includes("host")) await run("host Node", startHostNode);

    console.log("");
    table(results.map((r) => [r.name, ...figures(r.runs.download), ...figures(r.runs.echo), ...frames(r),
      `${r.ifname} ${r.mtu}`, (r.readyMs / 1000).toFixed(1)]),
    ["", "download MB/s", "min", "max", "upload+echo MB/s", "min", "max", "frame B ↓", "frame B ↑", "link MTU", "ready s"]);
    for (const r of results) {
      for (const mode of ["download", "echo"] as const) {
        const bad = r.runs[mode].filter((x): x is { error: string } => "error" in x);
        if (bad.length) console.log(`  (${r.name} ${mode}: ${bad.length} of ${runs} failed: ${bad[0].error})`);
      }
    }
    for (const s of skipped) console.log(`  (${s})`);
    const unijs = results.find((r) => r.name === "unijs guest");
    console.log("");
    for (const b of results.filter((r) => r !== unijs)) {
      if (unijs) console.log(`  unijs / ${b.name}: download ${ratio(unijs.runs.download, b.runs.download)}, ` +
        `upload+echo ${ratio(unijs.runs.echo, b.runs.echo)}`);
    }
    console.log(`  (medians over the runs; frame B ↓: average bytes per frame the server sent on its tap during the ` +
      `downloads, ↑: the client's frames to the server during the uploads, its ACKs of the echo included; ` +
      `above ${MTU + 14} means offloaded segments; ready s: from starting the server to its first 200)`);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", killAll);
    killAll();
  }
}

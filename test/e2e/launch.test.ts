// test/e2e/launch.test.ts — the launcher as a process among processes (issue 12): signals to the launcher and to
// npm's process group power the guest off (the app gets SIGTERM), a SIGKILLed launcher or a dead npm leaves no QEMU
// or passt behind (checked by PID), a taken host port is named in one line; user networking on passt under
// `npm start` answers 200 connections opened at once and holds `wrk -t2 -c64 -d30s --timeout 10s` (the one long
// test, ≈ 45 s), and the guest reaches the host as host.unijs.internal (dns.lookup, http.get, fetch, net.connect)
// and a host address beyond loopback. passt-only tests are skipped, with the reason, where passt is missing.
// Load: passt resets a connection whose data the guest leaves unacknowledged for ≈ 10–14 s; the guest takes 16
// frames per turn of its loop (virtio-net's budget), so a burst is acknowledged and answered in slices (≈ 3 s for
// 200 under TCG on a quiet machine). wrk runs first, on the fresh guest, as a user would after `npm start`; the
// burst follows once wrk's connections are closed. test/bench/usernet.ts measures both backends. ≈ 80 s on TCG.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { connect, createServer, type AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passtUsable } from "../../boot/launch/passt.ts";
import { ROOT } from "../../boot/paths.ts";
import { ACCEL, boot, buildFixture } from "../helpers/guest.ts";
import { freeTcpPort } from "../helpers/ports.ts";

const CLI = join(ROOT, "boot/cli.ts");
const PASST = passtUsable();
const NO_PASST = "passt is not installed (Debian package 'passt'; boot/setup.mjs installs it)";
const HAVE_WRK = spawnSync("wrk", ["--version"]).error === undefined;

/** Every process this file started, killed by PID at the end whatever happened. */
const started = new Set<number>();
afterAll(() => {
  for (const pid of started) {
    try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
  }
});

/** /proc/PID/stat's parent and state, or null when the process is gone. */
function stat(pid: number): { ppid: number; state: string; comm: string } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), state: f[0], comm: s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")) };
  } catch {
    return null;
  }
}

/** A process that no longer runs (gone, or a zombie nobody has reaped yet). */
const dead = (pid: number) => { const s = stat(pid); return s === null || s.state === "Z"; };

/** All descendants of `root`, with their command names. */
function descendants(root: number): { pid: number; comm: string }[] {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number)
    .map((pid) => ({ pid, st: stat(pid) })).filter((p) => p.st !== null);
  const out: { pid: number; comm: string }[] = [];
  const frontier = [root];
  while (frontier.length) {
    const parent = frontier.pop() as number;
    for (const p of all) if (p.st?.ppid === parent) { out.push({ pid: p.pid, comm: p.st.comm }); frontier.push(p.pid); }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Launched {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the CLI: directly (`node --import tsx boot/cli.ts ...`, so the launcher is the child) or through npm. */
function launch(args: string[], via: "node" | "npm" = "node"): Launched {
  const child = via === "node"
    ? spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] })
    : spawn("npm", ["run", "--silent", args[0], "--", ...args.slice(1)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
  started.add(child.pid as number);
  let out = "", err = "";
  child.stdout?.on("data", (c) => (out += c));
  child.stderr?.on("data", (c) => (err += c));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
  return { child, out: () => out, err: () => err, exit };
}

/** The QEMU and passt processes under `root` (QEMU runs under the guard's name only until it execs). */
function helpers(root: number): { pid: number; comm: string }[] {
  return descendants(root).filter((p) => /qemu|passt|guard/.test(p.comm));
}

async function expectAllGone(pids: number[], ms = 5000): Promise<void> {
  await until(`PIDs ${pids.join(" ")} to end`, () => pids.every(dead), ms).catch(() => {});
  expect(pids.filter((p) => !dead(p)).map((p) => `${p} ${stat(p)?.comm}`)).toEqual([]);
}

const bootArgs = (image: string, port: number) =>
  ["boot", image, "--net", `user,hostfwd=tcp:${port}-:8080`, ...(ACCEL === "tcg" ? ["--tcg"] : [])];

let serverImage: string;
beforeAll(async () => {
  serverImage = (await buildFixture(join(ROOT, "test/fixtures/launch/sigterm_server.cjs"))).path;
});

describe("signals to the launcher power the guest off; nothing is left behind", () => {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`${sig} to the launcher: the app gets SIGTERM, closes and ends with 0; no QEMU${PASST ? " or passt" : ""} remains`, async () => {
      const port = await freeTcpPort();
      const l = launch(bootArgs(serverImage, port));
      await until("the guest to listen", () => l.out().includes("listening on 8080"), 90_000);
      const procs = helpers(l.child.pid as number);
      expect(procs.some((p) => p.comm.startsWith("qemu"))).toBe(true);
      if (PASST) expect(procs.some((p) => p.comm.startsWith("passt"))).toBe(true);
      l.child.kill(sig);
      const { code } = await l.exit;
      expect(l.out()).toContain("got SIGTERM\nserver closed\n");
      expect(l.err()).toContain("[unijs] guest exited with code 0");
      expect(code).toBe(0);
      await expectAllGone(procs.map((p) => p.pid));
    });
  }

  it("SIGKILL to the launcher: QEMU and passt die with it (PR_SET_PDEATHSIG)", async () => {
    const port = await freeTcpPort();
    const l = launch(bootArgs(serverImage, port));
    await until("the guest to listen", () => l.out().includes("listening on 8080"), 90_000);
    const procs = helpers(l.child.pid as number);
    expect(procs.some((p) => p.comm.startsWith("qemu"))).toBe(true);
    l.child.kill("SIGKILL");
    await l.exit;
    await expectAllGone(procs.map((p) => p.pid));
    // and the port is free again
    await until("the port to be free", () => !readFileSync("/proc/net/tcp", "utf8").includes(`:${port.toString(16).toUpperCase()} 00000000:0000 0A`), 5000);
  });

  it("SIGTERM to npm's process group (a supervisor stopping `npm run boot`): the app gets SIGTERM; nothing remains", async () => {
    const port = await freeTcpPort();
    const l = launch(bootArgs(serverImage, port), "npm");
    await until("the guest to listen", () => l.out().includes("listening on 8080"), 120_000);
    const procs = descendants(l.child.pid as number);
    expect(procs.some((p) => p.comm.startsWith("qemu"))).toBe(true);
    process.kill(-(l.child.pid as number), "SIGTERM");
    await l.exit;
    await until("the launcher to finish", () => procs.every((p) => dead(p.pid)), 15_000).catch(() => {});
    expect(l.out()).toContain("got SIGTERM\nserver closed\n");
    expect(l.err()).toContain("[unijs] guest exited with code 0");
    await expectAllGone(procs.map((p) => p.pid));
  });

  it("SIGHUP to npm alone (its group untouched): the launcher sees its parent chain break and powers off", async () => {
    const port = await freeTcpPort();
    const l = launch(bootArgs(serverImage, port), "npm");
    await until("the guest to listen", () => l.out().includes("listening on 8080"), 120_000);
    const procs = descendants(l.child.pid as number);
    l.child.kill("SIGHUP");
    await until("every process of the chain to end", () => procs.every((p) => dead(p.pid)), 15_000).catch(() => {});
    expect(l.out()).toContain("got SIGTERM\nserver closed\n");
    await expectAllGone(procs.map((p) => p.pid));
  });
});

describe("a taken host port", () => {
  it("is named in one line before QEMU starts: '127.0.0.1:PORT is in use', exit 252", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const l = launch(bootArgs(serverImage, port));
      const { code } = await l.exit;
      expect(code).toBe(252);
      expect(l.err().trim().split("\n")).toEqual([`[unijs] 127.0.0.1:${port} is in use; exit 252`]);
      expect(l.err()).not.toContain("Could not set up host forwarding rule");
    } finally {
      blocker.close();
    }
  });
});

describe.skipIf(!PASST)(`user networking on passt${PASST ? "" : ` (skipped: ${NO_PASST})`}`, () => {
  it.skipIf(!HAVE_WRK)("npm start holds wrk -t2 -c64 -d30s with no errors or lost requests, then 200 connections opened at once; Ctrl-C (SIGINT to the job) stops it with 130", async () => {
    const port = await freeTcpPort();
    const l = launch(["start", "--net", `user,hostfwd=tcp:${port}-:8080`, ...(ACCEL === "tcg" ? ["--tcg"] : [])], "npm");
    try {
      await until("the example to listen", () => l.out().includes("listening on port 8080"), 120_000);
      expect(descendants(l.child.pid as number).some((p) => p.comm.startsWith("passt"))).toBe(true);
      const wrk = await new Promise<string>((resolve) => {
        // wrk's own 2 s timeout measures the guest's speed, not the network: under TCG the example serves ≈ 50–65
        // req/s on a quiet machine, so 64 connections wait ≈ 1–1.3 s each, and > 2 s whenever other jobs share the
        // CPUs. 10 s counts only requests that were lost (test/bench/usernet.ts has the figures with wrk's default).
        const w = spawn("wrk", ["-t2", "-c64", "-d30s", "--timeout", "10s", `http://127.0.0.1:${port}/`], { stdio: ["ignore", "pipe", "pipe"] });
        let text = "";
        w.stdout.on("data", (c) => (text += c));
        w.stderr.on("data", (c) => (text += c));
        w.on("exit", () => resolve(text));
      });
      process.stderr.write(`[launch.test] wrk through passt:\n${wrk}`);
      expect(wrk).toMatch(/\d+ requests in/);
      expect(wrk).not.toMatch(/Socket errors|Non-2xx/);
      await new Promise((r) => setTimeout(r, 3000)); // wrk's 64 connections close first
      // 200 connections at once, each asking once and closing.
      const answers = await Promise.all(Array.from({ length: 200 }, () => new Promise<string>((resolve) => {
        const s = connect(port, "127.0.0.1", () => s.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        let got = "";
        s.setTimeout(60_000, () => { s.destroy(); resolve("timeout"); });
        s.on("data", (c) => (got += c));
        s.on("end", () => resolve(got.split("\r\n")[0]));
        s.on("error", (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
      })));
      const tally: Record<string, number> = {};
      for (const a of answers) tally[a] = (tally[a] ?? 0) + 1;
      expect(tally).toEqual({ "HTTP/1.1 200 OK": 200 });
      // Ctrl-C in a terminal: SIGINT to the whole job. The example does not listen for signals, so the power-off
      // request goes unanswered and the guest is killed after the grace period, passt kept up until then.
      const procs = descendants(l.child.pid as number);
      process.kill(-(l.child.pid as number), "SIGINT");
      await until("the launcher to finish", () => /exit 130/.test(l.err()), 20_000);
      expect(l.err()).toContain("[unijs] the guest did not power off within 3000 ms of SIGINT and was killed; exit 130");
      await expectAllGone(procs.map((p) => p.pid), 10_000);
    } finally {
      const procs = descendants(l.child.pid as number);
      try { process.kill(-(l.child.pid as number), "SIGKILL"); } catch { /* ended */ }
      await expectAllGone(procs.map((p) => p.pid), 10_000);
    }
  }, 240_000);
});

/** The first non-loopback IPv4 address of this machine, or null. */
function hostAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return null;
}

describe("the guest reaches the host", () => {
  let web: Server;
  let echo: ReturnType<typeof createServer>;
  let outside: ReturnType<typeof createServer> | undefined;
  let webPort = 0, echoPort = 0, outPort = 0;
  const outAddr = hostAddress();
  beforeAll(async () => {
    web = createHttpServer((req, res) => res.end(`host saw ${req.url} from ${req.socket.remoteAddress}\n`));
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    webPort = (web.address() as AddressInfo).port;
    echo = createServer((s) => s.on("data", (d) => s.end(`echo ${d.toString().trim()}\n`)));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    echoPort = (echo.address() as AddressInfo).port;
    if (outAddr) {
      outside = createServer((s) => s.on("data", (d) => s.end(`outside ${d.toString().trim()}\n`)));
      await new Promise<void>((r) => outside?.listen(0, outAddr, r));
      outPort = (outside.address() as AddressInfo).port;
    }
  });
  afterAll(() => { web.close(); echo.close(); outside?.close(); });

  const expected = () => [
    "lookup: 10.0.2.2 4",
    "http.get: 200 host saw /from-guest from 127.0.0.1",
    "fetch: 200 host saw /fetched from 127.0.0.1",
    "net.connect: echo ping",
    ...(outAddr ? ["outbound: outside ping"] : []),
    "done",
  ];

  for (const backend of ["passt", "slirp"] as const) {
    it.skipIf(backend === "passt" && !PASST)(`${backend}, outbound allowed: host.unijs.internal is the host's loopback (lookup, http.get, fetch, net.connect)${outAddr ? `, and ${outAddr} is reached by NAT` : ""}${backend === "passt" && !PASST ? ` (skipped: ${NO_PASST})` : ""}`, async () => {
      const env: Record<string, string> = { HOST_PORT: String(webPort), ECHO_PORT: String(echoPort) };
      if (outAddr) Object.assign(env, { OUT_ADDR: outAddr, OUT_PORT: String(outPort) });
      const img = await buildFixture(join(ROOT, "test/fixtures/launch/host_client.cjs"), { env });
      const r = await boot(img.path, { net: { kind: "user", backend, restrict: false } });
      expect(r.userNet).toBe(backend);
      expect(r.output).not.toContain("TimeoutOverflowWarning");   // passt's infinite DHCP lease is never "renewed"
      expect(r.output.trim().split("\n").filter((l) => /^\w[\w.]*: |^done$/.test(l))).toEqual(expected());
      expect(r.code).toBe(0);
    });
  }

  it.skipIf(!PASST)(`passt, restricted (--net user,restrict; the launcher API's default): host.unijs.internal still works; nothing beyond this machine is reached${PASST ? "" : ` (skipped: ${NO_PASST})`}`, async () => {
    // 198.51.100.1 (TEST-NET-2) stands for any address beyond this machine: passt's socket for it is bound to
    // 127.0.0.1 and cannot connect, so the guest's connection never gets an answer.
    const env = { HOST_PORT: String(webPort), ECHO_PORT: String(echoPort), OUT_ADDR: "198.51.100.1", OUT_PORT: "80", OUT_TIMEOUT_MS: "3000" };
    const img = await buildFixture(join(ROOT, "test/fixtures/launch/host_client.cjs"), { env });
    const r = await boot(img.path, { net: { kind: "user", backend: "passt" } });
    const lines = r.output.trim().split("\n").filter((l) => /^\w[\w.]*: |^done$/.test(l));
    expect(lines.slice(0, 4)).toEqual(expected().slice(0, 4));
    expect(lines[4]).toMatch(/^outbound: error (ECONNREFUSED|ECONNRESET|ETIMEDOUT)$/);
    expect(r.code).toBe(0);
  });
});

it("the launcher's guard was built (QEMU runs under PR_SET_PDEATHSIG)", async () => {
  const { guardPath } = await import("../../boot/launch/guard.ts");
  const g = guardPath();
  expect(g && existsSync(g)).toBe(true);
});

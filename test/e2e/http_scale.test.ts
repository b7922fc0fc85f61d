// e2e: examples/http-server at scale, on a private network (a namespace with a tap device; clients are Linux's
// own TCP stack at full speed): 200 concurrent keep-alive connections, wrk for 30 s at 64 connections, and 50 MB
// each way with matching SHA-256 at MTU 1500; then 8 MB each way with jumbo frames.
//
// Why not QEMU user networking here: its hostfwd socket listens with a backlog of 1 (`ss -ltn` shows it), so a
// burst of 200 connects from the host overflows the host kernel's accept queue; the dropped handshakes come back
// through SYN backoff over minutes and some end in ECONNRESET before the guest ever sees a SYN. The tap link has
// no such bottleneck, and the guest's own listen backlog (511, as Node's) is what is tested.
//
// Everything runs at the standard MTU 1500 (the 50 MB transfers take about 40 s and 80 s under TCG; `npm run bench
// -- transfer` has the figures); a second guest checks jumbo frames (tap MTU and virtio-net host_mtu 9000).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startGuest, type Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { ACCEL, buildFixture } from "../helpers/guest.ts";
import { createNetns, GUEST_IP, HOST_IP, netnsUnavailable, output, type Netns } from "../helpers/netns.ts";

const skip = netnsUnavailable() ?? (spawnable("wrk", ["--version"]) ? null : "needs wrk (npm install installs it)");
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function spawnable(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args).error === undefined;
}

/** A namespace with a guest running examples/http-server on it, answering on GUEST_IP:8080. */
async function serverOnPrivateLink(mtu?: number): Promise<{ ns: Netns; guest: Guest }> {
  const ns = createNetns();
  cleanups.push(() => ns.cleanup());
  if (mtu) await run(ns, "ip", ["link", "set", ns.ifname, "mtu", String(mtu)]);
  const img = await buildFixture(join(ROOT, "examples/http-server"), { ip: { cidr: `${GUEST_IP}/24`, gateway: HOST_IP } });
  const guest = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 900_000,
    net: { kind: "tap", netns: ns.name, ifname: ns.ifname, mtu } });
  cleanups.push(() => guest.kill());
  const ready = await output(ns.node(`
    const http = require("http");
    let tries = 0;
    const poll = () => http.get("http://${GUEST_IP}:8080/", (r) => { r.resume(); r.on("end", () => process.exit(r.statusCode === 200 ? 0 : 1)); })
      .on("error", () => { if (++tries > 300) process.exit(2); setTimeout(poll, 200); });
    poll();`));
  if (ready.code !== 0) throw new Error(`the guest did not answer on ${GUEST_IP}:8080 (${ready.code})`);
  return { ns, guest };
}

/** Runs a command inside the namespace; resolves with its output when it exits (killed at cleanup). */
function run(ns: Netns, cmd: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const c = spawn("ip", ["netns", "exec", ns.name, cmd, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  cleanups.push(() => { if (c.exitCode === null) c.kill("SIGKILL"); });
  return output(c);
}

/** The last line of a client script's stdout, parsed as JSON. */
function lastJson<T>(r: { stdout: string; stderr: string; code: number | null }): T {
  const line = r.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`client failed (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

describe.skipIf(skip !== null)(`examples/http-server at scale on a private link${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let server: { ns: Netns; guest: Guest };

  it("serves 200 concurrent keep-alive connections, then serves them all again on the same connections", async () => {
    server = await serverOnPrivateLink();
    const r = lastJson<{ rounds: { bad: string[]; ms: number }[]; connections: number; open: number }>(await output(server.ns.node(`
      const http = require("http");
      let connections = 0;
      const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
      const create = agent.createConnection.bind(agent);
      agent.createConnection = (...a) => { connections++; return create(...a); };
      const post = (i) => new Promise((resolve) => {
        const body = JSON.stringify({ i, pad: "x".repeat(i) });
        const req = http.request({ host: "${GUEST_IP}", port: 8080, method: "POST", path: "/echo", agent,
          headers: { "content-type": "application/json" } }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve(res.statusCode === 200 && text === JSON.stringify({ echo: JSON.parse(body), bytes: body.length }) ? null : i + ": " + res.statusCode + " " + text.slice(0, 80)));
        });
        req.on("error", (e) => resolve(i + ": " + e.code));
        req.end(body);
      });
      (async () => {
        const rounds = [];
        for (let round = 0; round < 2; round++) {
          const t0 = Date.now();
          const results = await Promise.all(Array.from({ length: 200 }, (_, i) => post(i)));
          rounds.push({ bad: results.filter((x) => x !== null), ms: Date.now() - t0 });
        }
        const open = Object.values(agent.freeSockets).reduce((n, l) => n + l.length, 0);
        console.log(JSON.stringify({ rounds, connections, open }));
        process.exit(0);
      })();`)));
    expect(r.rounds[0].bad).toEqual([]);
    expect(r.rounds[1].bad).toEqual([]);
    expect(r.connections).toBe(200);          // 200 at once, and the second round reused every one of them
    expect(r.open).toBe(200);
  }, 300_000);

  it("wrk for 30 s at 64 connections: zero socket errors, zero non-2xx, and the guest still serves", async () => {
    // --timeout 60s: wrk's default (2 s) would count slow answers as errors; latency is a benchmark figure.
    const w = await run(server.ns, "wrk", ["-t2", "-c64", "-d30s", "--timeout", "60s", `http://${GUEST_IP}:8080/`]);
    expect(w.code, w.stderr).toBe(0);
    const requests = Number(/(\d+) requests in/.exec(w.stdout)?.[1] ?? 0);
    expect(requests, w.stdout).toBeGreaterThan(64);
    expect(w.stdout).not.toMatch(/Socket errors/);
    expect(w.stdout).not.toMatch(/Non-2xx/);
    const after = await run(server.ns, "curl", ["-s", "-m", "60", `http://${GUEST_IP}:8080/`]);
    expect(after.stdout).toBe("Hello from unijs!\n");
    console.log(`[http_scale] wrk -c64 -d30s: ${requests} requests, ${/Requests\/sec:\s*([\d.]+)/.exec(w.stdout)?.[1]} req/s`);
  }, 180_000);

  it("a 50 MB response arrives whole with the expected SHA-256", async () => {
    await download(server.ns, 50 * MiB);
  }, 600_000);

  it("a 50 MB upload is echoed back whole with the same SHA-256", async () => {
    await uploadEcho(server.ns, 50 * MiB);
    server.guest.kill();
  }, 900_000);

  it("with jumbo frames (virtio-net host_mtu 9000), 8 MB each way arrive whole", async () => {
    const jumbo = await serverOnPrivateLink(9000);
    await download(jumbo.ns, 8 * MiB);
    await uploadEcho(jumbo.ns, 8 * MiB);
    jumbo.guest.kill();
  }, 300_000);
});

const MiB = 1024 * 1024;

/** GET /stream?bytes=size from inside the namespace: status 200, every byte, the SHA-256 of the example's pattern. */
async function download(ns: Netns, size: number): Promise<void> {
  // What the example streams: its 16,000-byte pattern over and over, cut at `size`.
  const pattern = Buffer.from("unijs streams bytes with backpressure. ".repeat(400));
  const expected = createHash("sha256");
  for (let sent = 0; sent < size; sent += pattern.length) expected.update(pattern.subarray(0, Math.min(pattern.length, size - sent)));
  const t0 = performance.now();
  const r = lastJson<{ status: number; bytes: number; sha256: string }>(await output(ns.node(`
    const http = require("http"), crypto = require("crypto");
    http.get("http://${GUEST_IP}:8080/stream?bytes=${size}", (res) => {
      const h = crypto.createHash("sha256");
      let bytes = 0;
      res.on("data", (c) => { bytes += c.length; h.update(c); });
      res.on("end", () => { console.log(JSON.stringify({ status: res.statusCode, bytes, sha256: h.digest("hex") })); process.exit(0); });
    }).on("error", (e) => { console.log(JSON.stringify({ error: e.message })); process.exit(1); });`)));
  expect(r.status).toBe(200);
  expect(r.bytes).toBe(size);
  expect(r.sha256).toBe(expected.digest("hex"));
  console.log(`[http_scale] GET ${size} bytes: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** POST /echo of `size` seeded pseudo-random bytes: everything comes back, with the SHA-256 that was sent. */
async function uploadEcho(ns: Netns, size: number): Promise<void> {
  const t0 = performance.now();
  const r = lastJson<{ status: number; sent: number; received: number; sentSha: string; receivedSha: string }>(await output(ns.node(`
    const http = require("http"), crypto = require("crypto");
    const SIZE = ${size};
    const sentHash = crypto.createHash("sha256"), receivedHash = crypto.createHash("sha256");
    let sent = 0, received = 0, seed = 12345;
    const req = http.request({ host: "${GUEST_IP}", port: 8080, method: "POST", path: "/echo",
      headers: { "content-type": "application/octet-stream", "content-length": SIZE } }, (res) => {
      res.on("data", (c) => { received += c.length; receivedHash.update(c); });
      res.on("end", () => { console.log(JSON.stringify({ status: res.statusCode, sent, received, sentSha: sentHash.digest("hex"), receivedSha: receivedHash.digest("hex") })); process.exit(0); });
    });
    req.on("error", (e) => { console.log(JSON.stringify({ error: e.message })); process.exit(1); });
    const pump = () => {
      while (sent < SIZE) {
        const chunk = Buffer.alloc(Math.min(65536, SIZE - sent));
        for (let i = 0; i < chunk.length; i += 4) { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; chunk.writeUInt32LE(seed, i); }
        sent += chunk.length;
        sentHash.update(chunk);
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();`)));
  expect(r.status).toBe(200);
  expect(r.sent).toBe(size);
  expect(r.received).toBe(size);
  expect(r.receivedSha).toBe(r.sentSha);
  console.log(`[http_scale] POST /echo ${size} bytes: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

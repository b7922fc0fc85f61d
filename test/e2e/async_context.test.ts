// test/e2e/async_context.test.ts — node:async_hooks and node:diagnostics_channel in booted images against host
// Node 20.
// 1. The semantics fixture (test/fixtures/async_context/semantics.mjs: AsyncLocalStorage across await, .then,
//    queueMicrotask, nextTick, timers, immediates, thenables, async generators; exit/enterWith/disable/bind/
//    snapshot; AsyncResource; createHook's events; Node's errors) prints the same transcript on both.
// 2. The acceptance app (test/fixtures/async_context/http_load.mjs): 50 concurrent requests from the host,
//    all held inside their handlers at once, each going through random awaits/timers/ticks; every response must
//    carry its own id, no step may see another request's store, and each answer equals host Node's.
// 3. http_context.mjs: client and server callbacks over loopback (response, 'data', 'end', request handlers,
//    net.connect by host name) see the same stores as under host Node.
// 4. The diagnostics_channel fixture (diagnostics.mjs: channels, publish, stores, tracing channels, errors) prints
//    the same transcript on both.
// 5. Only images that use async_hooks link its native glue (hal.asyncContext).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { request, Agent } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startGuest, type Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { ACCEL, boot, buildFixture } from "../helpers/guest.ts";
import { freeTcpPort } from "../helpers/ports.ts";

const FIXTURES = join(ROOT, "test/fixtures/async_context");
const CONCURRENCY = 50;
const cleanups: (() => void)[] = [];
afterAll(() => { for (const c of cleanups.splice(0)) c(); });

interface Answer { status: number; body: string }

function get(port: number, method: string, path: string, body?: string, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = request({ host: "127.0.0.1", port, method, path, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", reject);
    });
    r.on("error", reject);
    r.end(body);
  });
}

async function waitUntilUp(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await get(port, "GET", "/r?id=probe&n=1")).status === 200) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing answered on port ${port}`);
}

/**
 * The load: CONCURRENCY requests, each with its own id and body, started a few ms apart (QEMU's hostfwd listens
 * with a backlog of 1) but all in flight together (the server's barrier holds them until the last arrives).
 * Returns the parsed answers in id order.
 */
async function load(port: number): Promise<{ id: string; body: string; lost: string[]; dataStore: string }[]> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const answers = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => new Promise<Answer>((resolve, reject) => {
    setTimeout(() => get(port, "POST", `/r?id=req${i}&n=${CONCURRENCY}`, `payload-${i}`, agent).then(resolve, reject), i * 20);
  })));
  agent.destroy();
  for (const a of answers) expect(a.status).toBe(200);
  return answers.map((a) => JSON.parse(a.body));
}

function hostServer(port: number): ChildProcess {
  const child = spawn(process.execPath, [join(FIXTURES, "http_load.mjs")], { env: { ...process.env, PORT: String(port) }, stdio: "pipe" });
  cleanups.push(() => child.kill());
  return child;
}

describe("node:async_hooks against host Node 20", () => {
  it("the semantics transcript equals host Node's", async () => {
    const entry = join(FIXTURES, "semantics.mjs");
    const expected = execFileSync(process.execPath, [entry], { encoding: "utf8" });
    expect(expected).toContain("\ndone\n");
    const img = await buildFixture(entry);
    expect(img.nativeLibs).toEqual(["async_context"]);
    const r = await boot(img.path, { timeoutMs: 300_000 });
    expect(r.code).toBe(0);
    const a = expected.split("\n"), b = r.output.split("\n").filter((l) => !l.startsWith("[unijs]"));
    for (let i = 0; i < Math.max(a.length, b.length); i++) expect(`${i}: ${b[i]}`).toBe(`${i}: ${a[i]}`);
  }, 600_000);

  it("http and net callbacks over loopback see the same stores as under host Node", async () => {
    const entry = join(FIXTURES, "http_context.mjs");
    const expected = execFileSync(process.execPath, [entry], { encoding: "utf8" });
    expect(expected).toContain("\ndone\n");
    const r = await boot((await buildFixture(entry)).path, { timeoutMs: 300_000 });
    expect(r.code).toBe(0);
    const a = expected.split("\n"), b = r.output.split("\n").filter((l) => !l.startsWith("[unijs]"));
    for (let i = 0; i < Math.max(a.length, b.length); i++) expect(`${i}: ${b[i]}`).toBe(`${i}: ${a[i]}`);
  }, 600_000);

  it("the diagnostics_channel transcript equals host Node's", async () => {
    const entry = join(FIXTURES, "diagnostics.mjs");
    const expected = execFileSync(process.execPath, [entry], { encoding: "utf8" });
    expect(expected).toContain("\ndone\n");
    const r = await boot((await buildFixture(entry)).path, { timeoutMs: 300_000 });
    expect(r.code).toBe(0);
    const a = expected.split("\n"), b = r.output.split("\n").filter((l) => !l.startsWith("[unijs]"));
    for (let i = 0; i < Math.max(a.length, b.length); i++) expect(`${i}: ${b[i]}`).toBe(`${i}: ${a[i]}`);
  }, 600_000);

  it(`keeps each request's store across awaits and timers with ${CONCURRENCY} concurrent requests, as host Node`, async () => {
    // Host Node first: the reference answers.
    const hostPort = await freeTcpPort();
    hostServer(hostPort);
    await waitUntilUp(hostPort);
    const reference = await load(hostPort);
    await get(hostPort, "GET", "/quit");

    const port = await freeTcpPort();
    const img = await buildFixture(join(FIXTURES, "http_load.mjs"));
    const guest: Guest = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 900_000,
      net: { kind: "user", hostfwd: [{ proto: "tcp", hostPort: port, guestPort: 8080 }] } });
    cleanups.push(() => guest.kill());
    await waitUntilUp(port);
    const got = await load(port);
    await get(port, "GET", "/quit");
    const done = await guest.done;
    expect(done.code).toBe(0);
    expect(done.output).toContain("closed");

    for (let i = 0; i < CONCURRENCY; i++) {
      expect(got[i]).toEqual({ id: `req${i}`, body: `payload-${i}`, lost: [], dataStore: expect.any(String) });
      expect(got[i]).toEqual(reference[i]);
    }
  }, 900_000);

  it("an image without async_hooks links no async-context glue", async () => {
    const img = await buildFixture(join(ROOT, "examples/hello"));
    expect(img.nativeLibs).toEqual([]);
    const syms = readFileSync(img.symbols, "utf8");      // the image's symbol table (nm's text)
    expect(syms).toContain(" pvh_start32\n");
    expect(syms).not.toContain("hal_async_context_swap");
  }, 300_000);
});

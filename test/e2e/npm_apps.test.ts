// e2e: unmodified npm apps in booted images, each compared with the same app under host Node in the same test:
// express 5, koa 3 + @koa/router + @koa/bodyparser, fastify 5, hono 4 + @hono/node-server. The same requests go to
// both; status, body and the headers that do not depend on time or on files' mtimes must be equal. Then everyday
// packages (lodash, dayjs, zod, uuid, nanoid, ajv, jsonwebtoken, pino) print the same as under host Node.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { startGuest, type Guest } from "../../boot/launch/qemu.ts";
import { ACCEL, buildFixture, run } from "../helpers/guest.ts";
import { freeTcpPort } from "../helpers/ports.ts";

const APPS = join(ROOT, "test/fixtures/apps");
/** Headers compared; others depend on time (date, etag and last-modified of packed files), the connection or the host. */
const COMPARED = ["content-type", "content-length", "location", "vary", "allow", "cache-control", "x-handled-by",
  "x-powered-by", "x-request-path", "transfer-encoding", "content-encoding"];

interface Req { method?: string; path: string; body?: unknown; headers?: Record<string, string> }

const live: { host?: ChildProcess; guest?: Guest }[] = [];
afterAll(() => {
  for (const l of live) {
    l.host?.kill("SIGKILL");
    l.guest?.kill();
  }
});

async function waitFor(url: string, gone: () => string | null, ms = 120_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const why = gone();
    if (why) throw new Error(why);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      if (Date.now() - t0 > ms) throw new Error(`${url} did not answer within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function ask(base: string, r: Req): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const res = await fetch(base + r.path, {
    method: r.method ?? "GET",
    headers: { ...(r.body !== undefined ? { "content-type": "application/json" } : {}), ...r.headers },
    body: r.body === undefined ? undefined : JSON.stringify(r.body),
    redirect: "manual",
  });
  const headers: Record<string, string> = {};
  for (const h of COMPARED) {
    const v = res.headers.get(h);
    if (v !== null) headers[h] = v;
  }
  return { status: res.status, headers, body: await res.text() };
}

/** Runs `app` under host Node and in a guest, sends both `requests`, and compares the answers one by one. */
async function compareApp(app: string, requests: Req[], assets: string[] = []): Promise<void> {
  const hostPort = await freeTcpPort();
  const host = spawn(process.execPath, [join(APPS, app, "index.js")], { env: { ...process.env, PORT: String(hostPort) }, stdio: ["ignore", "pipe", "pipe"] });
  let hostOut = "";
  host.stdout.on("data", (d) => (hostOut += d));
  host.stderr.on("data", (d) => (hostOut += d));
  const guestPort = await freeTcpPort();
  const img = await buildFixture(join(APPS, app), { env: { PORT: "8080" }, assets: assets.map((a) => join(APPS, app, a)) });
  let guestOut = "";
  const guest = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 600_000, net: { kind: "user", hostfwd: [{ proto: "tcp", hostPort: guestPort, guestPort: 8080 }] },
    onOutput: (t) => { guestOut += t; } });
  live.push({ host, guest });
  let guestEnded: string | null = null;
  void guest.done.then((r) => { guestEnded = `the guest ended (${r.outcome} ${r.code}):\n${guestOut.slice(-3000)}${r.stderr}`; });
  try {
    await waitFor(`http://127.0.0.1:${hostPort}/`, () => (host.exitCode !== null ? `host Node exited:\n${hostOut}` : null));
    await waitFor(`http://127.0.0.1:${guestPort}/`, () => guestEnded);
    for (const r of requests) {
      const want = await ask(`http://127.0.0.1:${hostPort}`, r);
      const got = await ask(`http://127.0.0.1:${guestPort}`, r);
      expect(got, `${app}: ${r.method ?? "GET"} ${r.path}\n--- guest console ---\n${guestOut.slice(-2000)}`).toEqual(want);
    }
  } finally {
    host.kill("SIGKILL");
    guest.kill();
  }
}

describe("unmodified npm web frameworks answer as under host Node", () => {
  it("express 5: router params, query, express.json(), express.static from --assets, error middleware, 404", async () => {
    await compareApp("express", [
      { path: "/api/users" }, { path: "/api/users?limit=1" }, { path: "/api/users/2" }, { path: "/api/users/9" },
      { method: "POST", path: "/api/users", body: { name: "Grace" } }, { method: "POST", path: "/api/users", body: {} },
      { method: "POST", path: "/api/users", headers: { "content-type": "application/json" }, body: undefined },
      { path: "/api/boom" }, { path: "/search?q=unikernel&tag=a&tag=b" }, { path: "/static/index.html" },
      { path: "/static/app.css" }, { path: "/static/missing.txt" }, { path: "/nowhere" },
    ], ["public"]);
  });

  it("koa 3 with @koa/router and @koa/bodyparser", async () => {
    await compareApp("koa", [
      { path: "/api/items" }, { path: "/api/items?limit=1" }, { path: "/api/items/2" }, { path: "/api/items/7" },
      { method: "POST", path: "/api/items", body: { title: "third" } }, { method: "POST", path: "/api/items", body: { x: 1 } },
      { method: "PUT", path: "/api/items" }, { path: "/elsewhere" },
    ]);
  });

  it("fastify 5: schema validation, hooks, a plugin with a prefix, the logger, 404", async () => {
    await compareApp("fastify", [
      { path: "/v1/greet/ada" }, { method: "POST", path: "/v1/sum", body: { a: 2, b: 40 } },
      { method: "POST", path: "/v1/sum", body: { a: "x" } }, { path: "/query?q=hi&n=3" }, { path: "/fail" }, { path: "/missing" },
    ]);
  });

  it("hono 4 on @hono/node-server: routing, middleware, c.json, streaming, 404", async () => {
    await compareApp("hono", [
      { path: "/" }, { path: "/hello/world?q=1" }, { method: "POST", path: "/echo", body: { n: [1, 2] } },
      { path: "/stream" }, { path: "/nope" },
    ]);
  });
});

describe("everyday npm packages", () => {
  it("lodash, dayjs, zod, uuid, nanoid, ajv, jsonwebtoken (HS256, RS256) and pino print what they print under host Node", async () => {
    const expected = execFileSync(process.execPath, [join(APPS, "packages/index.js")], { encoding: "utf8" });
    const r = await run(join(APPS, "packages"));
    expect(r.code, r.output.slice(-3000)).toBe(0);
    expect(r.output).toBe(expected);
  });
});

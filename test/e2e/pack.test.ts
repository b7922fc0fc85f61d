// unijs as a user's project meets it: `npm pack` the checkout, `npm install -D` the tarball into a fresh project
// that depends on a real npm package (dayjs, from npm's cache or the registry), whose postinstall puts the native
// build in the shared cache ($XDG_CACHE_HOME/unijs/<key>, here a scratch one); `npx unijs image .` builds the
// project's app with the project's node_modules; `npx unijs inspect` names dayjs among the modules; the app's types
// for unijs/drivers, unijs/kernel and unijs/libos/* check with the project's tsc and @types/node (and a wrong type
// is caught); `npx unijs start` boots it with the port from package.json "unijs", curl gets dayjs's answer (checked
// against host dayjs), and the app exits 0 when asked. QEMU and every process of the launcher are killed by PID.
// The engine build is seeded into the scratch cache from this checkout's (same key: the same boot/native files),
// so the test measures the package, not a minutes-long compile; UNIJS_PACK_COLD=1 leaves the cache empty (the
// postinstall then fetches the sources with apt and compiles the engine: minutes).
import { spawn, type SpawnOptions } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { cacheKey } from "../../boot/cache.mjs";
import { ROOT } from "../../boot/paths.ts";
import { freeTcpPort } from "../helpers/ports.ts";
import { killTree } from "../helpers/procs.ts";

const work = mkdtempSync(join(tmpdir(), "unijs-pack-"));
const started: number[] = [];

afterAll(() => {
  for (const pid of started) killTree(pid);
  rmSync(work, { recursive: true, force: true });
});

interface Ran { status: number | null; stdout: string; stderr: string }

function run(cmd: string, args: string[], opts: SpawnOptions, timeoutMs = 120_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    started.push(child.pid!);
    let stdout = "", stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    const timer = setTimeout(() => killTree(child.pid!), timeoutMs);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      started.splice(started.indexOf(child.pid!), 1);     // exited: its PID may be reused, never kill it later
      resolve({ status, stdout, stderr });
    });
  });
}

it("packs, installs into a fresh project with dayjs, builds, type-checks and boots its app with npx unijs", async () => {
  const t0 = performance.now();
  const cache = join(work, "cache");
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cache, npm_config_audit: "false", npm_config_fund: "false",
    npm_config_update_notifier: "false" };
  for (const k of Object.keys(env)) if (/^(npm_(lifecycle|package)_|INIT_CWD$)/.test(k)) delete env[k];

  // 1. The package, as `npm pack` makes it (prepack writes the declarations).
  const pack = await run("npm", ["pack", "--pack-destination", work], { cwd: ROOT, env });
  expect(pack.status, pack.stderr).toBe(0);
  const tgz = join(work, pack.stdout.trim().split("\n").at(-1)!);
  expect(existsSync(tgz)).toBe(true);

  const key = cacheKey(ROOT);
  const shared = join(cache, "unijs", key);
  if (process.env.UNIJS_PACK_COLD !== "1") {
    cpSync(join(ROOT, "build/native"), join(shared, "build/native"), { recursive: true, preserveTimestamps: true });
    cpSync(join(ROOT, "node_modules/.cache/unijs"), join(shared, "node_modules/.cache/unijs"), { recursive: true, preserveTimestamps: true });
  }

  // 2. A user's project: an HTTP app using dayjs, its port forward and env in package.json "unijs".
  const port = await freeTcpPort();
  const proj = join(work, "demo-app");
  mkdirSync(proj);
  writeFileSync(join(proj, "package.json"), JSON.stringify({
    name: "demo-app", version: "1.0.0", private: true, type: "module", main: "server.js",
    dependencies: { dayjs: "1.11.23" },
    allowScripts: { unijs: true },
    unijs: { ports: [`${port}:8080`], env: { GREETING: "from package.json" }, mem: "64M" },
  }, null, 2));
  writeFileSync(join(proj, "server.js"), [
    'import http from "node:http";',
    'import dayjs from "dayjs";',
    'import utc from "dayjs/plugin/utc.js";',
    "dayjs.extend(utc);",
    "const server = http.createServer((req, res) => {",
    '  const when = dayjs.utc(86400000 * 19000).add(5, "hour").format("dddd YYYY-MM-DD HH:mm [UTC]");',
    '  res.setHeader("content-type", "application/json");',
    "  res.end(JSON.stringify({ when, greeting: process.env.GREETING, url: req.url }));",
    '  if (req.url === "/quit") server.close(() => process.exit(0));',
    "});",
    'server.listen(8080, () => console.log("demo-app listening on 8080"));',
    "",
  ].join("\n"));
  writeFileSync(join(proj, "tsconfig.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true,
      skipLibCheck: true, types: ["node"] },
    files: ["check.ts"],
  }));
  writeFileSync(join(proj, "check.ts"), [
    'import { openBlockDevice, BlockError } from "unijs/drivers";',
    'import { onShutdown, platform } from "unijs/kernel";',
    'import { parseCidr } from "unijs/libos/net/wire";',
    'import { readFileSync } from "node:fs";',
    "export function size(): number {",
    "  const disk = openBlockDevice();",
    "  onShutdown(\"demo\", () => undefined);",
    "  void platform;",
    "  return disk.info.sectors * disk.info.sectorSize + parseCidr(\"10.0.2.15/24\").prefixLength + readFileSync(\"/x\").length;",
    "}",
    "export const isBlockError = (e: unknown): boolean => e instanceof BlockError;",
    "// @ts-expect-error: parseCidr returns an Ipv4Cidr, not a string",
    'export const wrong: string = parseCidr("10.0.0.1/8");',
    "",
  ].join("\n"));

  // 3. npm install -D the tarball (dayjs from package.json), with Node's types for the check. npm 11 runs a
  //    dependency's postinstall only when package.json "allowScripts" allows it (older npm runs it anyway).
  const install = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--foreground-scripts",
    "-D", tgz, "@types/node@20.19.43"], { cwd: proj, env });
  expect(install.status, install.stderr + install.stdout).toBe(0);
  expect(install.stdout + install.stderr).toContain("[unijs setup] ready: 'npx unijs image .'");
  expect(existsSync(join(shared, "build/native/engine.a"))).toBe(true);               // the shared cache, keyed
  expect(key).toMatch(/^\d+\.\d+\.\d+-quickjs-2025-04-26-[0-9a-f]{16}$/);
  expect(existsSync(join(proj, "node_modules/unijs/build/native"))).toBe(false);      // not a per-project build
  expect(existsSync(join(proj, "node_modules/unijs/test"))).toBe(false);

  // 4. Types: TypeScript (this checkout's compiler) on the project, with the project's @types/node, resolves
  //    unijs/* through exports; the @ts-expect-error proves the types are real (with `any` it would be unused: TS2578).
  const tsc = await run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "."], { cwd: proj, env });
  expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);

  // 5. npx unijs image . — the project's app with the project's node_modules; inspect names dayjs.
  const image = await run("npx", ["unijs", "image", "."], { cwd: proj, env });
  expect(image.status, image.stderr).toBe(0);
  const elf = join(proj, "build/images/demo-app.elf");
  expect(existsSync(elf)).toBe(true);
  const inspect = await run("npx", ["unijs", "inspect", "build/images/demo-app.elf", "--json"], { cwd: proj, env });
  expect(inspect.status, inspect.stderr).toBe(0);
  const info = JSON.parse(inspect.stdout);
  expect(info.modules.some((m: { path: string; bytes: number }) => /dayjs\/dayjs\.min\.js$/.test(m.path) && m.bytes > 1000)).toBe(true);
  expect(info.memHint).toBe(64 << 20);
  expect(info.config.env).toEqual({ GREETING: "from package.json" });

  // 6. npx unijs start: boots the project's app (".") with package.json's port forward; curl it.
  const host = createRequire(join(ROOT, "package.json"));
  const dayjs = host("dayjs");
  dayjs.extend(host("dayjs/plugin/utc.js"));
  const expected = dayjs.utc(86400000 * 19000).add(5, "hour").format("dddd YYYY-MM-DD HH:mm [UTC]");
  const guest = run("npx", ["unijs", "start", "--tcg", "--timeout", "90s"], { cwd: proj, env }, 100_000);
  let body = "";
  for (let i = 0; i < 120 && !body; i++) {
    const c = await run("curl", ["-s", "--max-time", "3", `http://127.0.0.1:${port}/hello`], { env });
    if (c.status === 0 && c.stdout) body = c.stdout;
    else await new Promise((r) => setTimeout(r, 500));
  }
  expect(JSON.parse(body)).toEqual({ when: expected, greeting: "from package.json", url: "/hello" });
  await run("curl", ["-s", "--max-time", "5", `http://127.0.0.1:${port}/quit`], { env });
  const g = await guest;
  expect(g.stdout).toContain("demo-app listening on 8080");
  expect(g.status, g.stderr).toBe(0);
  console.log(`pack test: ${((performance.now() - t0) / 1000).toFixed(1)} s; tarball ${readFileSync(tgz).length} bytes`);
}, 240_000);

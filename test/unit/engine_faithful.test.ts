// Engine-faithful tests: apps bundled exactly as for an image run inside quickjs-emscripten (QuickJS 2025-09-13 in
// WebAssembly, the kernel's engine generation: see test/sim/quickjs_engine.ts) on the simulated platform (test/sim/quickjs_runner.ts), and their console output and
// exit code are compared with the host's Node running the same script — as the QEMU e2e tests do, without booting.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { QUICKJS_WASM_VERSION } from "../sim/quickjs_engine.ts";
import { runInQuickJs } from "../sim/quickjs_runner.ts";

/** Scripts that cannot match Node in the wasm runner, by file name, with the reason. */
const SKIPPED: Record<string, string> = {
  "rejection-handled.js": "needs unhandled-rejection detection: quickjs-emscripten 0.32 exposes no rejection tracker",
  "rejection-to-uncaught.js": "needs unhandled-rejection detection: quickjs-emscripten 0.32 exposes no rejection tracker",
  "unhandled-rejection-order.js":
    "needs unhandled-rejection detection: quickjs-emscripten 0.32 exposes no rejection tracker",
  "unhandled-rejection.js": "needs unhandled-rejection detection: quickjs-emscripten 0.32 exposes no rejection tracker",
};

/**
 * Scripts whose difference from Node is a known unijs bug, run as `it.fails` until fixed: remove the entry then.
 * These are bugs in kernel/ or libos/, not in the runner (the QEMU e2e run of the same scripts should agree).
 */
const KNOWN_BUGS: Record<string, string> = {};

function scripts(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".js")).sort() : [];
}

/** The host's Node on the same script: stdout and exit status. */
function hostNode(file: string): { output: string; code: number | null } {
  const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error;
  return { output: r.stdout, code: r.status };
}

function differential(dir: string): void {
  const files = scripts(dir);
  if (files.length === 0) {
    it.skip(`no scripts in ${dir.slice(ROOT.length + 1)} yet`, () => {});
    return;
  }
  for (const name of files) {
    const file = join(dir, name);
    if (SKIPPED[name]) {
      it.skip(`${name} — skipped in the wasm runner: ${SKIPPED[name]}`, () => {});
      continue;
    }
    const test = KNOWN_BUGS[name] ? it.fails : it;
    test(`${name} prints what Node prints and exits with Node's code`, async () => {
      const expected = hostNode(file);
      const got = await runInQuickJs(file);
      expect(got.output).toBe(expected.output);
      expect(got.code).toBe(expected.code);
    });
  }
}

describe("examples/hello in QuickJS-wasm", () => {
  it("prints its greeting and computed values and exits 0", async () => {
    const r = await runInQuickJs(join(ROOT, "examples/hello"));
    expect(r.output).toBe([
      "Hello from unijs!",
      "fib(15) = 610",
      "first primes: 2 3 5 7 11 13 17 19 23 29",
      "sqrt(2) = 1.414214",
      `running on linux x64 with QuickJS ${QUICKJS_WASM_VERSION}`,
      "",
    ].join("\n"));
    expect(r.code).toBe(0);
    expect(r.sim.halts).toEqual([]); // nothing to wait for: the loop never slept
  });
});

describe("the runner behaves like the machine", () => {
  it("passes argv through and exits with process.exit's code, printing nothing after it", async () => {
    const r = await runInQuickJs(join(ROOT, "test/fixtures/exit-code"), { argv: ["42"] });
    expect(r.code).toBe(42);
    expect(r.output).toContain("exiting with 42");
    expect(r.output).not.toContain("not reached");
  });

  it("runs pending promise jobs after the top level; process.exitCode is the exit code", async () => {
    const r = await runInQuickJs(join(ROOT, "test/fixtures/jobs"));
    expect(r.output).toBe("top level done\norder: a,b,c\n");
    expect(r.code).toBe(5);
  });

  it("an uncaught exception prints Uncaught <error> with frames mapped to the source, exit 1", async () => {
    const r = await runInQuickJs(join(ROOT, "test/fixtures/throws"));
    expect(r.code).toBe(1);
    expect(r.output).toContain("Uncaught TypeError: config must be JSON, got 'oops'\n");
    expect(r.output).toMatch(/at parseConfig \(test\/fixtures\/throws\/index\.ts:4:\d+\)/);
    expect(r.output).not.toContain("not reached");
  });

  it("process.exit() stops the run even inside try/catch: nothing after it runs to the console", async () => {
    const r = await runInQuickJs(join(ROOT, "test/sim/fixtures/exit-caught"));
    expect(r.output).toBe("before\n");
    expect(r.code).toBe(2);
  });

  it("an app that never exits is stopped after the host-time limit with its output so far", async () => {
    await expect(runInQuickJs(join(ROOT, "test/sim/fixtures/spin"), { timeoutMs: 300 }))
      .rejects.toThrow(/still running after 300 ms of host time[\s\S]*spinning/);
  });

  it("is the kernel's engine generation: QuickJS 2025's features are there and 2021's /[\\-]/u bug is not", async () => {
    const r = await runInQuickJs(join(ROOT, "test/sim/fixtures/engine/index.js"));
    expect(r.output).toBe("Array#at: function\nWeakRef: function\nObject.groupBy: function\n/[\\-]/u: accepted\n");
  });

  it("runs an ES module entry with top-level await (bundled as one module) as Node does", async () => {
    const fixture = join(ROOT, "test/fixtures/modern/index.mjs");
    const specified: Record<string, string> = {     // Node 21+ features: a Node 20 host prints "absent"
      "Object.groupBy": 'Object.groupBy: {"odd":[1,3,5],"even":[2,4]}',
      "Promise.withResolvers": "Promise.withResolvers: resolved",
    };
    const expected = hostNode(fixture).output.split("\n").map((l) => specified[l.slice(0, l.indexOf(":"))] ?? l).join("\n");
    const r = await runInQuickJs(fixture);
    expect(r.output).toBe(expected);
    expect(r.code).toBe(0);
  });
});

describe("differential event-loop scripts (test/fixtures/loop)", () => {
  differential(join(ROOT, "test/fixtures/loop"));
});

describe("the simulator's own ordering scripts (test/sim/fixtures)", () => {
  differential(join(ROOT, "test/sim/fixtures"));
});

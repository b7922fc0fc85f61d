// test/unit/assert/assert.test.ts — libos/assert against host Node 20's node:assert: the same cases
// (test/fixtures/assert_util/assert_cases.mjs) run with both in this process must print the same lines (error
// class, code, message with its diff, generatedMessage, operator); then the fixture runs inside QuickJS (wasm) as an
// image would run it and must print what host Node prints.
import { spawnSync } from "node:child_process";
import nodeAssert from "node:assert";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../../boot/paths.ts";
import assert, { AssertionError } from "../../../libos/assert/index.ts";
import strict from "../../../libos/assert/strict.ts";
import { isDeepEqual, isDeepStrictEqual } from "../../../libos/assert/comparisons.ts";
import { inspect } from "../../../libos/util/inspect.ts";
import { runInQuickJs } from "../../sim/quickjs_runner.ts";
// @ts-expect-error: a plain .mjs fixture without types
import { asyncCases, colorCases, syncCases, trackerCases } from "../../fixtures/assert_util/assert_cases.mjs";
import nodeUtil from "node:util";
import ourUtil from "../../../libos/util/index.ts";

const quiet = <T>(f: () => T): T => {
  const saved = process.emitWarning;
  process.emitWarning = () => {};
  try { return f(); } finally { process.emitWarning = saved; }
};

describe("node:assert against host Node, case by case", () => {
  const ours: string[] = quiet(() => syncCases(assert));
  const theirs: string[] = quiet(() => syncCases(nodeAssert));
  it("runs every case on both", () => {
    expect(ours.length).toBe(theirs.length);
    expect(ours.length).toBeGreaterThan(120);
    // Cases that fail with a diff must really have produced one (the comparison is not vacuous).
    expect(theirs.filter((l) => l.includes("+ actual - expected")).length).toBeGreaterThan(25);
  });
  for (let i = 0; i < theirs.length; i++) {
    const name = theirs[i].slice(0, theirs[i].indexOf(":"));
    it(`${name}`, () => expect(ours[i]).toBe(theirs[i]));
  }
  it("async cases (rejects, doesNotReject)", async () => {
    expect(await asyncCases(assert)).toEqual(await asyncCases(nodeAssert));
  });
  it("with util.inspect.defaultOptions.colors set", () => {
    const theirs = colorCases(nodeAssert, nodeUtil);
    expect(theirs.join("\n")).toContain("\\u001b[33m");
    expect(colorCases(assert, ourUtil)).toEqual(theirs);
  });
  it("CallTracker", () => {
    expect(quiet(() => trackerCases(assert))).toEqual(quiet(() => trackerCases(nodeAssert)));
  });
});

describe("AssertionError", () => {
  it("has Node's shape", () => {
    const e = new AssertionError({ actual: 1, expected: 2, operator: "strictEqual" });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("AssertionError");
    expect(e.code).toBe("ERR_ASSERTION");
    expect(String(e)).toBe("AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n1 !== 2\n");
    expect(Object.keys(e)).toEqual(["generatedMessage", "code", "actual", "expected", "operator"]);
    expect(e.generatedMessage).toBe(true);
  });
  it("shortens long string actual/expected when inspected, as Node", () => {
    const long = "x\n".repeat(20);
    const ours = inspect(new AssertionError({ actual: long, expected: "y", operator: "strictEqual" }));
    const theirs = inspect(new nodeAssert.AssertionError({ actual: long, expected: "y", operator: "strictEqual" }));
    const props = (s: string) => s.slice(s.indexOf("{"));
    expect(props(ours)).toBe(props(theirs));
  });
  it("a wrong message diff would fail: the texts depend on the values", () => {
    expect(() => assert.deepStrictEqual({ a: 1 }, { a: 2 })).toThrow("+   a: 1\n-   a: 2");
    expect(() => assert.deepStrictEqual({ a: 1 }, { a: 1 })).not.toThrow();
  });
});

describe("deep comparisons (the same answers as host Node)", () => {
  const a = { x: 1 }, b = { x: 1 };
  const pairs: [string, unknown, unknown][] = [
    ["1 / '1'", 1, "1"], ["NaN", NaN, NaN], ["0 / -0", 0, -0], ["objects", a, b], ["arrays holes", [1, , 3], [1, undefined, 3]],
    ["sets loose", new Set([1, "2"]), new Set(["1", 2])], ["maps loose", new Map([[1, "a"]]), new Map([["1", "a"]])],
    ["maps object keys", new Map([[{}, "a"], [{}, "b"]]), new Map([[{}, "b"], [{}, "a"]])],
    ["sets nested", new Set([[1], [2]]), new Set([[2], [1]])], ["dates", new Date(5), new Date(5)],
    ["regexp lastIndex", Object.assign(/a/g, { lastIndex: 1 }), /a/g], ["boxed", new String("a"), new String("a")],
    ["errors", new Error("x"), new Error("x")], ["error cause", new Error("x", { cause: 1 }), new Error("x", { cause: 2 })],
    ["typed", new Uint8Array([1, 2]), new Uint8Array([1, 2])], ["buffers extra key", Object.assign(new Uint8Array(1), { k: 1 }), new Uint8Array(1)],
    ["symbols", { [Symbol.for("s")]: 1 }, { [Symbol.for("s")]: 2 }], ["null proto", Object.create(null), {}],
    ["array extra key", Object.assign([1], { k: 1 }), [1]], ["arraybuffer", new ArrayBuffer(2), new ArrayBuffer(3)],
    ["float -0", new Float32Array([-0]), new Float32Array([0])], ["undefined vs null", undefined, null],
  ];
  for (const [name, x, y] of pairs) {
    it(name, () => {
      expect(isDeepEqual(x, y)).toBe(!throwsOn(() => nodeAssert.deepEqual(x, y)));
      expect(isDeepStrictEqual(x, y)).toBe(!throwsOn(() => nodeAssert.deepStrictEqual(x, y)));
    });
  }
  it("cycles", () => {
    const c1: Record<string, unknown> = { n: [1] }; c1.self = c1; (c1.n as unknown[]).push(c1);
    const c2: Record<string, unknown> = { n: [1] }; c2.self = c2; (c2.n as unknown[]).push(c2);
    expect(isDeepStrictEqual(c1, c2)).toBe(true);
  });
});

function throwsOn(f: () => void): boolean {
  try { f(); return false; } catch { return true; }
}

describe("assert(value) without a message", () => {
  it("says what Node says when it cannot read the caller's source (an image has no source text)", () => {
    // Node quotes the call ("The expression evaluated to a falsy value: assert(x)") only when it can read the
    // caller's file; for code without a readable file (node -e) it falls back to "<value> == true", as unijs does.
    const script = "try { require('assert')(0) } catch (e) { console.log(JSON.stringify([e.message, e.generatedMessage, e.operator])) }";
    const host = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" }).stdout.trim();
    let ours = "";
    try { assert(0); } catch (e) { const x = e as AssertionError; ours = JSON.stringify([x.message, x.generatedMessage, x.operator]); }
    expect(ours).toBe(host);
    expect(ours).toBe('["0 == true",true,"=="]');
  });
});

describe("stack", () => {
  it("starts at the caller, not inside assert (as Node's)", () => {
    function callerOfAssert() { assert.strictEqual(1, 2); }
    let stack = "";
    try { callerOfAssert(); } catch (e) { stack = String((e as Error).stack); }
    const frames = stack.split("\n").filter((l) => /^\s+at /.test(l));
    expect(frames[0]).toMatch(/at callerOfAssert /);
  });
});

describe("assert/strict", () => {
  it("is assert.strict, with the strict forms", () => {
    expect(strict).toBe(assert.strict);
    expect(strict.equal).toBe(assert.strictEqual);
    expect(strict.deepEqual).toBe(assert.deepStrictEqual);
    expect(() => strict.equal(1, "1" as unknown)).toThrow(AssertionError);
  });
});

describe("the fixture in QuickJS (as in an image) prints what host Node prints", () => {
  it("assert_util/main.mjs", async () => {
    const file = join(ROOT, "test/fixtures/assert_util/main.mjs");
    const host = spawnSync(process.execPath, [file], { encoding: "utf8" });
    const got = await runInQuickJs(file, { module: true, timeoutMs: 120_000 });
    const strip = (s: string) => s.split("\n").filter((l) => !/^\(node:\d+\) |^\(Use `/.test(l)).join("\n");
    expect(host.stdout).toContain("\ndone\n");
    expect(strip(got.output)).toBe(strip(host.stdout));
    expect(got.code).toBe(0);
  }, 180_000);
  it("assert_util/fuzz.mjs (random values: diffs and inspect output on the engine)", async () => {
    const file = join(ROOT, "test/fixtures/assert_util/fuzz.mjs");
    const host = spawnSync(process.execPath, [file], { encoding: "utf8" });
    expect(host.stdout).toContain("\ndone\n");
    const got = await runInQuickJs(file, { module: true, timeoutMs: 120_000 });
    const g = got.output.split("\n"), w = host.stdout.split("\n");
    for (let i = 0; i < Math.max(g.length, w.length); i++) expect(g[i]).toBe(w[i]);
  }, 180_000);
});

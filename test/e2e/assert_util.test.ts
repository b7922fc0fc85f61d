// e2e: node:assert (messages and +/- diffs), node:assert/strict and the node:util additions (parseArgs, styleText,
// MIMEType, aborted, transferable signals, getSystemErrorName/Map, deprecate codes, util.types) in a booted image
// against host Node 20: test/fixtures/assert_util/main.mjs runs under both and the transcripts must be equal line
// by line (process warnings, which go to stderr, are left out: the fixture prints the 'warning' events instead).
// The random-value fixture (fuzz.mjs) too. Then: an image that does not use assert or util carries none of their code.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { boot, buildFixture, scratch } from "../helpers/guest.ts";

const FIXTURE = join(ROOT, "test/fixtures/assert_util/main.mjs");

describe("node:assert and node:util additions match host Node in an image", () => {
  it("the same transcript, line by line", async () => {
    const args = ["--flag", "value", "positional", "-x"];
    const want = execFileSync(process.execPath, [FIXTURE, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    expect(want).toContain("\ndone\n");
    expect(want).toContain('parseArgs from argv: {"values":{"flag":"value","x":true},"positionals":["positional"]}');
    expect(want.split("\n").filter((l) => l.includes("+ actual - expected")).length).toBeGreaterThan(30);
    const img = await buildFixture(FIXTURE, { args });
    expect(img.modules.some((m) => m.path.startsWith("libos/assert/"))).toBe(true);
    const r = await boot(img.path, { timeoutMs: 300_000 });
    expect(r.code, r.output).toBe(0);
    const got = r.output.replace(/^\(node:\d+\) .*\n(\(Use `.*\n)?/gm, "");
    const g = got.split("\n"), w = want.split("\n");
    for (let i = 0; i < Math.max(g.length, w.length); i++) expect(`${i + 1}: ${g[i]}`).toBe(`${i + 1}: ${w[i]}`);
  }, 400_000);

  it("random values: the 300 messages of test/fixtures/assert_util/fuzz.mjs equal host Node's", async () => {
    const file = join(ROOT, "test/fixtures/assert_util/fuzz.mjs");
    const want = execFileSync(process.execPath, [file], { encoding: "utf8" });
    const r = await boot((await buildFixture(file)).path, { timeoutMs: 300_000 });
    expect(r.code, r.output).toBe(0);
    const g = r.output.split("\n"), w = want.split("\n");
    for (let i = 0; i < Math.max(g.length, w.length); i++) expect(`${i + 1}: ${g[i]}`).toBe(`${i + 1}: ${w[i]}`);
  }, 400_000);

  it("an app that only calls util.inherits carries no abort/EventTarget code", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "inherits.js"), 'const util = require("util"); function A() {} function B() {} util.inherits(A, B); console.log(typeof A.super_);\n');
    const img = await buildFixture(join(dir, "inherits.js"));
    const paths = img.modules.map((m) => m.path);
    expect(paths).toContain("libos/util/index.ts");
    expect(paths.filter((p) => p.startsWith("libos/web/") || p.startsWith("libos/globals/"))).toEqual([]);
  }, 120_000);

  it("hello carries no assert, comparison, parseArgs, MIME or .env code", async () => {
    const img = await buildFixture(join(ROOT, "examples/hello"));
    const paths = img.modules.map((m) => m.path);
    for (const p of ["libos/assert/", "libos/util/parse_args.ts", "libos/util/mime.ts", "libos/util/legacy.ts",
      "libos/util/style_text.ts", "libos/util/system_errors.ts", "libos/util/abort.ts"]) {
      expect(paths.filter((x) => x.startsWith(p)), p).toEqual([]);
    }
  }, 120_000);
});

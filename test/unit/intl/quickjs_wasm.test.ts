// test/unit/intl/quickjs_wasm.test.ts — the intl_errors fixtures (Intl, the light locale methods, V8's stack API,
// depd) bundled as for an image and run in QuickJS-wasm (test/sim/quickjs_runner.ts) must print what host Node 20
// prints (TZ=UTC): the e2e test's comparison without booting, so engine-level differences show in a hosted run.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../../boot/paths.ts";
import { runInQuickJs } from "../../sim/quickjs_runner.ts";

const FIXTURES = join(ROOT, "test/fixtures/intl_errors");

describe("intl_errors fixtures in QuickJS-wasm against host Node 20", () => {
  for (const file of ["locale.js", "stack.cjs", "depd.cjs", "intl.js"]) {
    it(`${file} prints what host Node prints`, async () => {
      const want = execFileSync(process.execPath, [join(FIXTURES, file)], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
      const got = await runInQuickJs(join(FIXTURES, file), { timeoutMs: 240_000 });
      expect(got.code).toBe(0);
      const g = got.output.split("\n"), w = want.split("\n");
      for (let i = 0; i < Math.max(g.length, w.length); i++) expect(`${i + 1}: ${g[i]}`).toBe(`${i + 1}: ${w[i]}`);
    }, 300_000);
  }
});

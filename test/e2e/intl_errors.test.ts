// test/e2e/intl_errors.test.ts — Intl (en-US, UTC) and V8's stack-trace API in booted images against host Node 20:
// each fixture in test/fixtures/intl_errors runs under host Node (TZ=UTC) and in an image, and the transcripts must
// be equal line for line; an app that only calls toLocaleString/localeCompare gets Node's en-US answers without
// the Intl polyfills. depd (express's and koa's deprecation helper) runs unmodified. Then: an image whose code
// never names Intl or the stack API carries none of it.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { run } from "../helpers/guest.ts";

const FIXTURES = join(ROOT, "test/fixtures/intl_errors");

function host(file: string): string {
  return execFileSync(process.execPath, [join(FIXTURES, file)], { encoding: "utf8", env: { ...process.env, TZ: "UTC" },
    stdio: ["ignore", "pipe", "ignore"] });
}

/** Compares transcripts line by line (a failure names the first differing line). */
function expectSameTranscript(got: string, want: string): void {
  const g = got.split("\n"), w = want.split("\n");
  for (let i = 0; i < Math.max(g.length, w.length); i++) expect(`${i + 1}: ${g[i]}`).toBe(`${i + 1}: ${w[i]}`);
}

describe("Intl and the V8 stack API against host Node 20", () => {
  for (const file of ["intl.js", "locale.js", "stack.cjs", "depd.cjs"]) {
    it(`${file}: the same transcript as host Node`, async () => {
      const want = host(file);
      const r = await run(join(FIXTURES, file), {}, { timeoutMs: 400_000 });
      expect(r.outcome).toBe("exit");
      expect(r.code, r.output).toBe(0);
      expectSameTranscript(r.output, want);
      // An app that calls toLocaleString/localeCompare but never names Intl carries the light methods only.
      if (file === "locale.js") expect(r.image.modules.filter((m) => m.path.includes("@formatjs"))).toEqual([]);
    }, 600_000);
  }

  it("an image that names neither Intl nor the stack API carries none of their code", async () => {
    const r = await run(join(FIXTURES, "plain.js"));
    expect(r.code, r.output).toBe(0);
    expect(r.output).toBe("plain Error: x true\n");
    const inputs = r.image.modules.map((m) => m.path);
    expect(inputs).toContain("libos/runtime/start.ts");
    expect(inputs.filter((f) => /@formatjs|libos\/intl\/|libos\/globals\/(intl|error_stack)\.ts/.test(f))).toEqual([]);
  }, 300_000);
});

// The http core and the url/util/querystring/path modules inside QuickJS 2025 (quickjs-emscripten, the kernel's
// engine generation), bundled as for an image: the same app must print in QuickJS exactly what it prints in Node.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { format, inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../../boot/paths.ts";
import { runInQuickJs } from "../../sim/quickjs_runner.ts";
import { inspectValues } from "./fixtures/inspect_values.ts";

const APP = join(ROOT, "test/unit/http/fixtures/engine_app.ts");

describe("libos http/url/util on the QuickJS 2025 engine", () => {
  it("runs the engine app and prints what Node prints", async () => {
    const host = spawnSync(process.execPath, ["--import", "tsx", APP], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(host.stderr).toBe("");
    const got = await runInQuickJs(APP, { timeoutMs: 60_000 });
    expect(got.output).toBe(host.stdout);
    expect(got.code).toBe(0);
    expect(got.output).toContain("\ndone\n");
  });

  it("util.inspect and util.format in QuickJS print what Node's own util prints", async () => {
    const got = await runInQuickJs(join(ROOT, "test/unit/http/fixtures/inspect_app.ts"), { timeoutMs: 60_000 });
    const lines = got.output.trim().split("\n").map((l) => JSON.parse(l) as [string, string]);
    const expected = inspectValues().map(([name, value, options]) => [name, inspect(value, options)]);
    expected.push(["format", format("%s=%d %i %f %j %o %O %%", "n", 42.5, 42.5, "1.5", { a: 1 }, [1], { b: { c: {} } })]);
    expect(lines).toEqual(expected);
    expect(got.code).toBe(0);
  });
});

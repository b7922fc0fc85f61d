// The wire formats inside QuickJS 2025: _engine_check.ts is bundled by esbuild for the images' target and run in
// quickjs-emscripten 0.32 (the kernel's engine generation in WebAssembly); its transcript must equal Node's.
import * as esbuild from "esbuild";
import { join } from "node:path";
import { TARGET } from "../../../boot/image/bundle.ts";
import { getQuickJS } from "../../sim/quickjs_engine.ts";
import { describe, expect, it } from "vitest";
import { run } from "./_engine_check.ts";

describe("wire formats in QuickJS 2025", () => {
  it("produce the same transcript as in Node, with no error other than WireError", async () => {
    const expected = run();
    expect(expected).not.toMatch(/NOT A WIREERROR/);
    expect(expected.split("\n").filter((l) => l.startsWith("error ")).length).toBe(0);
    expect(expected.split("\n").filter((l) => l.startsWith("reject ")).length).toBe(5);
    const built = await esbuild.build({
      entryPoints: [join(import.meta.dirname, "_engine_check.ts")],
      bundle: true, write: false, format: "iife", globalName: "wireCheck", target: TARGET, platform: "neutral",
    });
    const code = built.outputFiles[0].text + "\nwireCheck.run();";
    const vm = (await getQuickJS()).newContext();
    try {
      const result = vm.evalCode(code, "wire_check.js");
      if (result.error) {
        const err = vm.dump(result.error);
        result.error.dispose();
        throw new Error("QuickJS threw: " + JSON.stringify(err));
      }
      const got = vm.getString(result.value);
      result.value.dispose();
      expect(got).toBe(expected);
    } finally {
      vm.dispose();
    }
  });
});

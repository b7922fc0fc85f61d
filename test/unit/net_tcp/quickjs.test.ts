// Engine-faithful: the TCP code and the harness, bundled by esbuild for the images' target, run inside QuickJS
// 2025 (quickjs-emscripten) — a transfer through a faulty channel must arrive intact, as it does under Node.
import { join } from "node:path";
import * as esbuild from "esbuild";
import { TARGET } from "../../../boot/image/bundle.ts";
import { getQuickJS } from "../../sim/quickjs_engine.ts";
import { describe, expect, it } from "vitest";

describe("TCP in QuickJS 2025", () => {
  it("moves 512 KiB through loss, reordering, duplication and truncation byte-exact", async () => {
    const built = await esbuild.build({
      entryPoints: [join(import.meta.dirname, "_quickjs_entry.ts")], bundle: true, format: "iife", target: TARGET,
      keepNames: true, write: false, logLevel: "silent",
    });
    const code = built.outputFiles[0].text;
    const QuickJS = await getQuickJS();
    const vm = QuickJS.newContext();
    try {
      const r = vm.evalCode(code, "tcp.js");
      if (r.error) {
        const err = vm.dump(r.error);
        r.error.dispose();
        throw new Error(`expected the bundle to run in QuickJS, found ${JSON.stringify(err)}`);
      }
      r.value.dispose();
      const h = vm.getProp(vm.global, "tcpResult");
      const result = JSON.parse(vm.getString(h));
      h.dispose();
      expect(result).toMatchObject({ ok: true, received: 512 * 1024, bad: -1, state: "TIME-WAIT" });
      expect(result.rtx).toBeGreaterThan(0);
    } finally {
      vm.dispose();
    }
  });
});

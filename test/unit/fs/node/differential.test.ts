// node:fs against the host's Node: every script in diff/ runs on host Node in a fresh temporary folder and on
// unijs's node:fs over a tmpfs mounted at the same path — hosted in this process, and bundled as for an image
// inside QuickJS-wasm — and the transcripts (results, errors with their messages, codes, syscalls and paths, Stats
// fields that do not depend on the machine, sorted listings) must be equal. Normalisations: diff/_show.mjs.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DIFF_DIR, hostTranscript, runQuickJs, runUnijs } from "./_diff.ts";

/** Scripts about the timing of promises against callbacks and timers: only QuickJS runs them (see _diff.ts). */
const QUICKJS_ONLY = new Set(["ordering.mjs"]);
const all = readdirSync(DIFF_DIR).filter((f) => f.endsWith(".mjs") && !f.startsWith("_")).sort();

/**
 * The QuickJS runner's console is the machine's one serial console, where process.emitWarning's lines (stderr in
 * Node, which the host run does not capture) appear among stdout's: they are dropped from the comparison.
 */
const withoutWarnings = (s: string) => s.split("\n")
  .filter((l) => !/^\(node:\d+\) /.test(l) && !/^\(Use `\S+ --trace-(deprecation|warnings) \.\.\.` to show where the warning was created\)$/.test(l)).join("\n");

describe("node:fs differential scripts: host Node vs unijs hosted", () => {
  for (const script of all.filter((s) => !QUICKJS_ONLY.has(s))) {
    it(`${script}: same transcript as Node 20`, async () => {
      const { expected, root } = hostTranscript(script);
      const got = await runUnijs(script, root);
      expect(got.output).toBe(expected);
      expect(got.uncaught).toEqual([]);
    });
  }
});

describe("node:fs differential scripts: host Node vs unijs in QuickJS-wasm (bundled as for an image)", () => {
  for (const script of all) {
    it(`${script}: same transcript as Node 20`, async () => {
      const { expected, root } = hostTranscript(script);
      const got = await runQuickJs(script, root);
      expect(withoutWarnings(got.output)).toBe(expected);
      expect(got.code).toBe(0);
    });
  }
});

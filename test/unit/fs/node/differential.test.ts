// node:fs against the host's Node: every script in diff/ runs on host Node in a fresh temporary folder and on
// unijs's node:fs over a tmpfs mounted at the same path; the transcripts (results, errors with their messages,
// codes, syscalls and paths, Stats fields that do not depend on the machine, sorted listings) must be equal.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DIFF_DIR, hostTranscript, runUnijs } from "./_diff.ts";

const scripts = readdirSync(DIFF_DIR).filter((f) => f.endsWith(".mjs") && !f.startsWith("_")).sort();

describe("node:fs differential scripts (host Node vs unijs hosted)", () => {
  for (const script of scripts) {
    it(`${script}: same transcript as Node 20`, async () => {
      const { expected, root } = hostTranscript(script);
      const got = await runUnijs(script, root);
      expect(got.output).toBe(expected);
      expect(got.uncaught).toEqual([]);
    });
  }
});

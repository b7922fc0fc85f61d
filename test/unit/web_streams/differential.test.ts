// test/unit/web_streams/differential.test.ts — the WHATWG streams of libos/web/streams against host Node 20's own:
// every scenario of test/fixtures/web_streams/scenarios.mjs runs over both sets of classes, and the transcripts
// must be equal (values, event order, states, error classes/codes/messages).
import { describe, expect, it } from "vitest";
import * as ours from "../../../libos/web/streams/index.ts";
import { TextDecoderStream, TextEncoderStream } from "../../../libos/web/streams/text_streams.ts";
// @ts-expect-error: a plain JavaScript fixture
import { scenarios } from "../../fixtures/web_streams/scenarios.mjs";

const OURS = { ...ours, TextEncoderStream, TextDecoderStream };
const HOST = globalThis as unknown as typeof OURS;

type Scenario = (w: typeof OURS, ac: typeof AbortController) => Promise<unknown>;

describe("web streams: libos/web/streams against host Node 20", () => {
  for (const [name, run] of Object.entries(scenarios as Record<string, Scenario>)) {
    it(name, async () => {
      const expected = await run(HOST, AbortController);
      const got = await run(OURS, AbortController);
      expect(got).toEqual(expected);
    });
  }
});

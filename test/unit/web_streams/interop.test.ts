// test/unit/web_streams/interop.test.ts — node:stream ↔ web streams (fromWeb/toWeb), node:stream/consumers and
// node:stream/promises of unijs against host Node 20's: each scenario of test/fixtures/web_streams/interop.mjs
// runs over host Node's modules and over libos's, and the transcripts must be equal.
import * as hostStream from "node:stream";
import * as hostConsumers from "node:stream/consumers";
import * as hostPromises from "node:stream/promises";
import { describe, expect, it } from "vitest";
import * as ours from "../../../libos/web/streams/index.ts";
import { installStreamWebAdapters } from "../../../libos/web/streams/adapters.ts";
import { Duplex, PassThrough, Readable, Writable } from "../../../libos/stream/index.ts";
import * as consumers from "../../../libos/stream/consumers.ts";
import * as promises from "../../../libos/stream/promises.ts";
// @ts-expect-error: a plain JavaScript fixture
import { interop } from "../../fixtures/web_streams/interop.mjs";

installStreamWebAdapters();
const OURS = { W: ours, Readable, Writable, Duplex, PassThrough, consumers, promises };
const HOST = { W: globalThis, Readable: hostStream.Readable, Writable: hostStream.Writable, Duplex: hostStream.Duplex,
  PassThrough: hostStream.PassThrough, consumers: hostConsumers, promises: hostPromises };

describe("node:stream and web streams: libos against host Node 20", () => {
  for (const [name, run] of Object.entries(interop as Record<string, (m: unknown) => Promise<unknown>>)) {
    it(name, async () => {
      const expected = await run(HOST);
      const got = await run(OURS);
      expect(got).toEqual(expected);
    });
  }
});

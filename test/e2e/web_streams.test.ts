// test/e2e/web_streams.test.ts — WHATWG streams in booted images against host Node 20. The differential fixture
// (test/fixtures/web_streams/index.mjs) runs every stream scenario (readable/byte/BYOB/tee/pipe/writable/transform,
// text and compression streams) and the node:stream interop ones (fromWeb/toWeb, stream/consumers,
// stream/promises) under host Node and in a guest; the transcripts must be equal line for line. Then: an image
// that only uses ReadableStream links no zlib and carries neither compression nor node:stream code.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { boot, buildFixture, scratch } from "../helpers/guest.ts";

describe("web streams against host Node 20", () => {
  it("the differential transcript equals host Node's", async () => {
    const entry = join(ROOT, "test/fixtures/web_streams/index.mjs");
    const want = execFileSync(process.execPath, [entry], { encoding: "utf8" });
    expect(want).toContain("\ndone\n");
    const img = await buildFixture("web_streams");
    expect(img.nativeLibs).toContain("zlib");
    const r = await boot(img.path, { timeoutMs: 300_000 });
    expect(r.code, r.output).toBe(0);
    const a = want.split("\n"), b = r.output.split("\n");
    for (let i = 0; i < Math.max(a.length, b.length); i++) expect(`${i + 1}: ${b[i]}`).toBe(`${i + 1}: ${a[i]}`);
  });

  it("an image using only ReadableStream links no zlib and no node:stream", async () => {
    const entry = join(scratch(), "only_readable.mjs");
    writeFileSync(entry, `const rs = new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue("b"); c.close(); } });
let s = "";
for await (const x of rs) s += x;
console.log(s, typeof WritableStream);
`);
    const img = await buildFixture(entry);
    expect(img.nativeLibs).toEqual([]);
    const paths = img.modules.map((m) => m.path);
    expect(paths.filter((p) => /compression_streams|adapters|readable-stream|libos\/zlib/.test(p))).toEqual([]);
    expect(paths).toContain("libos/web/streams/readable_stream.ts");
    const r = await boot(img.path);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toBe(execFileSync(process.execPath, [entry], { encoding: "utf8" }));
  });
});

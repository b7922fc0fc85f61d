// test/e2e/zlib.test.ts — node:zlib in booted images against host Node 20. The differential fixture
// (test/fixtures/zlib/main.mjs) runs on the host and in the guest over one corpus of host-made streams (host Node's
// zlib and Brotli, the gzip tool; corrupt and truncated variants) and the transcripts must be equal, but for the
// "emit" lines: streams each side compressed, whose bytes may differ where Node's zlib (Chromium's fork of 1.3.1)
// differs from zlib 1.3.1 — the guest's are decoded by host Node instead. Then: which images link which library.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { makeStreams } from "../fixtures/zlib/host_streams.ts";
import { boot, buildFixture, scratch } from "../helpers/guest.ts";

/** Writes the fixture's entry (with the corpus beside it) into the scratch folder; returns its path. */
function fixtureEntry(): string {
  const dir = scratch();
  writeFileSync(join(dir, "zlib_streams.mjs"), `export default ${JSON.stringify(makeStreams())};\n`);
  const entry = join(dir, "zlib_main.mjs");
  writeFileSync(entry, `import { run } from ${JSON.stringify(join(ROOT, "test/fixtures/zlib/main.mjs"))};\n` +
    `import corpus from "./zlib_streams.mjs";\n` +
    `run(corpus).then(() => {}, (e) => { console.log("FAILED", e); process.exitCode = 1; });\n`);
  return entry;
}

const withoutEmits = (t: string) => t.split("\n").filter((l) => !l.startsWith("emit ")).join("\n");

/** Decodes one "emit <crc> <len> <format> <base64>" line with host Node; a description of what went wrong, or null. */
function checkEmit(line: string): string | null {
  const [, want, len, fmt, b64] = line.split(" ");
  const data = Buffer.from(b64, "base64");
  const largeWindow = { params: { [zlib.constants.BROTLI_DECODER_PARAM_LARGE_WINDOW]: 1 } };
  const decode = { deflate: zlib.inflateSync, gzip: zlib.gunzipSync, raw: zlib.inflateRawSync, brotli: zlib.brotliDecompressSync,
    "brotli-large": (b: Buffer) => zlib.brotliDecompressSync(b, largeWindow) }[fmt];
  if (!decode) return `unknown format ${fmt}`;
  try {
    const out = decode(data);
    const crc = zlib.crc32(out).toString(16).padStart(8, "0");
    return crc === want && out.length === Number(len) ? null : `${fmt}: decoded ${out.length} bytes crc ${crc}, expected ${len} ${want}`;
  } catch (e) {
    return `${fmt}: host Node failed: ${(e as Error).message}`;
  }
}

describe("node:zlib against host Node 20", () => {
  it("the differential transcript equals host Node's; host Node decodes every stream the guest made", async () => {
    const entry = fixtureEntry();
    const expected = execFileSync(process.execPath, [entry], { encoding: "utf8", maxBuffer: 64 << 20 });
    expect(expected).toContain("\ndone\n");
    const img = await buildFixture(entry);
    expect(img.nativeLibs).toEqual(["zlib", "brotli"]);
    const r = await boot(img.path, { timeoutMs: 600_000, memBytes: 512 << 20 });
    expect(r.code).toBe(0);
    const got = r.output;
    const a = withoutEmits(expected).split("\n"), b = withoutEmits(got).split("\n");
    // One differing line at a time reads better than a 1,000-line diff.
    for (let i = 0; i < Math.max(a.length, b.length); i++) expect(`${i}: ${b[i]}`).toBe(`${i}: ${a[i]}`);
    const emits = got.split("\n").filter((l) => l.startsWith("emit "));
    expect(emits.length).toBeGreaterThan(40);
    expect(emits.map(checkEmit).filter((x) => x !== null)).toEqual([]);
    // The byte-identical cases the transcript compares (Brotli; zlib's Huffman-only and RLE; tiny inputs).
    expect(b.filter((l) => l.includes(" bytes len=")).length).toBeGreaterThan(150);
  }, 900_000);
});

describe("the native primitives", () => {
  it("refuse bad ranges, numbers, detached buffers, wrong receivers and closed states; dropped states are freed", async () => {
    const img = await buildFixture("zlib-native");
    const r = await boot(img.path, { timeoutMs: 300_000 });
    expect(r.code).toBe(0);
    const lines = r.output.trim().split("\n");
    expect(lines.at(-1)).toBe("done");
    expect(lines.length).toBeGreaterThan(40);
    expect(lines.filter((l) => l !== "done" && !l.endsWith(": ok"))).toEqual([]);
  }, 400_000);
});

describe("linking", () => {
  it("zlib-less images link no zlib or Brotli; named zlib imports link zlib only; Brotli users link both", async () => {
    const hello = await buildFixture(join(ROOT, "examples/hello"));
    const named = await buildFixture("zlib-named");
    const both = await buildFixture("zlib-brotli");
    const syms = (img: { symbols: string }) => readFileSync(img.symbols, "utf8");
    expect(hello.nativeLibs).toEqual([]);
    expect(syms(hello)).not.toMatch(/hal_install_zlib|hal_install_brotli| (deflate|inflate|deflateInit2_|crc32_z)$|Brotli/m);
    expect(named.nativeLibs).toEqual(["zlib"]);
    expect(syms(named)).toMatch(/ hal_install_zlib$/m);
    expect(syms(named)).toMatch(/ deflate$/m);
    expect(syms(named)).toMatch(/ inflate$/m);
    expect(syms(named)).not.toMatch(/hal_install_brotli|Brotli/);
    expect(both.nativeLibs).toEqual(["zlib", "brotli"]);
    expect(syms(both)).toMatch(/ hal_install_brotli$/m);
    expect(syms(both)).toMatch(/ BrotliEncoderCompressStream$/m);
    expect(syms(both)).toMatch(/ BrotliDecoderDecompressStream$/m);
    // The named-import app runs, and says what it did.
    const r = await boot(named.path);
    expect(r.output).toBe(`zlib named imports: hello zlib ${zlib.crc32("hello zlib").toString(16)}\n`);
  }, 300_000);
});

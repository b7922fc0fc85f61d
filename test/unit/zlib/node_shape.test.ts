// test/unit/zlib/node_shape.test.ts — libos/zlib's TypeScript side, hosted (no native library: it is linked only into
// images), against the host's own node:zlib: the module object (keys, attributes, names, constants, codes), the class
// chain and ES5 calls, the state a fresh stream starts with, and every error Node raises before any byte is
// compressed (option validation, input types, Brotli params, crc32 and params() arguments, callbacks), compared by
// class, code, message, own keys and toString.
import * as nodeZlib from "node:zlib";
import { describe, expect, it } from "vitest";
import ours from "../../../libos/zlib/index.ts";

type Mod = typeof nodeZlib;
const node = (nodeZlib as unknown as { default: Mod }).default ?? nodeZlib;
const mine = ours as unknown as Mod;

/** What an error looks like from outside: class, code, errno, message, own enumerable keys, toString. */
function shape(fn: () => unknown): unknown {
  try {
    const r = fn();
    return { returned: typeof r };
  } catch (e) {
    const x = e as Error & { code?: string; errno?: number };
    return { name: x.name, ctor: x.constructor.name, code: x.code, errno: x.errno, message: x.message, keys: Object.keys(x), text: String(x) };
  }
}

const C = node.constants;

// Every case fails (or succeeds) before the native library would be needed; Brotli streams need it at construction,
// so their cases are the parameter checks that come first. An accepted case makes a stream and writes nothing.

const cases: [string, (z: Mod) => unknown][] = [
  ["level 10", (z) => z.createGzip({ level: 10 })],
  ["level -2", (z) => z.createDeflate({ level: -2 })],
  ["level string", (z) => z.createGzip({ level: "1" as unknown as number })],
  ["level Infinity", (z) => z.createGzip({ level: Infinity })],
  ["level -Infinity", (z) => z.createGzip({ level: -Infinity })],
  ["level NaN is the default", (z) => z.createGzip({ level: NaN })],
  ["level null", (z) => z.createGzip({ level: null as unknown as number })],
  ["level bigint", (z) => z.createGzip({ level: 1n as unknown as number })],
  ["windowBits 8 gzip", (z) => z.createGzip({ windowBits: 8 })],
  ["windowBits 7 deflate", (z) => z.createDeflate({ windowBits: 7 })],
  ["windowBits 16 inflate", (z) => z.createInflate({ windowBits: 16 })],
  ["windowBits 0 inflateRaw", (z) => z.createInflateRaw({ windowBits: 0 })],
  ["windowBits 0 unzip", (z) => z.createUnzip({ windowBits: 0 })],
  ["windowBits -1 gunzip", (z) => z.createGunzip({ windowBits: -1 })],
  ["windowBits 2**40", (z) => z.createDeflate({ windowBits: 2 ** 40 })],
  ["memLevel 0", (z) => z.createDeflateRaw({ memLevel: 0 })],
  ["memLevel 10", (z) => z.createDeflateRaw({ memLevel: 10 })],
  ["strategy 5", (z) => z.createDeflate({ strategy: 5 })],
  ["strategy -1", (z) => z.createDeflate({ strategy: -1 })],
  ["chunkSize 63", (z) => z.createGunzip({ chunkSize: 63 })],
  ["chunkSize -0", (z) => z.createGunzip({ chunkSize: -0 })],
  ["chunkSize string", (z) => z.createGunzip({ chunkSize: "100" as unknown as number })],
  ["chunkSize Infinity", (z) => z.createGunzip({ chunkSize: Infinity })],
  ["flush 6", (z) => z.createInflate({ flush: 6 })],
  ["flush -1", (z) => z.createInflate({ flush: -1 })],
  ["finishFlush 7", (z) => z.createInflate({ finishFlush: 7 })],
  ["maxOutputLength 0", (z) => z.createInflate({ maxOutputLength: 0 })],
  ["maxOutputLength 2**32+1", (z) => z.createInflate({ maxOutputLength: 2 ** 32 + 1 })],
  ["maxOutputLength 1e20", (z) => z.createInflate({ maxOutputLength: 1e20 })],
  ["dictionary string", (z) => z.createDeflate({ dictionary: "abc" as unknown as Buffer })],
  ["dictionary number", (z) => z.createDeflate({ dictionary: 5 as unknown as Buffer })],
  ["dictionary array", (z) => z.createInflate({ dictionary: [1, 2] as unknown as Buffer })],
  ["dictionary ArrayBuffer is fine", (z) => z.createInflate({ dictionary: new ArrayBuffer(4) as unknown as Buffer })],
  ["input number", (z) => z.gzipSync(5 as unknown as string)],
  ["input null", (z) => z.deflateSync(null as unknown as string)],
  ["input undefined", (z) => z.inflateRawSync(undefined as unknown as string)],
  ["input plain object", (z) => z.unzipSync({} as unknown as string)],
  ["input null-prototype object", (z) => z.gunzipSync(Object.create(null))],
  ["input null-prototype object with keys", (z) => z.gunzipSync(Object.assign(Object.create(null), { a: 1 }))],
  ["input array", (z) => z.inflateSync([1, 2] as unknown as string)],
  ["input boolean", (z) => z.inflateSync(true as unknown as string)],
  ["input symbol", (z) => z.inflateSync(Symbol("s") as unknown as string)],
  ["input function", (z) => z.inflateSync((() => 1) as unknown as string)],
  ["input class", (z) => z.inflateSync(class Foo {} as unknown as string)],
  ["callback missing", (z) => (z.gzip as unknown as (b: string) => void)("x")],
  ["callback number", (z) => (z.deflate as unknown as (b: string, o: object, c: number) => void)("x", {}, 5)],
  ["callback after bad options", (z) => (z.deflateRaw as unknown as (b: string, o: object) => void)("x", { level: 99 })],
  ["crc32 number", (z) => z.crc32(5 as unknown as string)],
  ["crc32 ArrayBuffer", (z) => z.crc32(new ArrayBuffer(3) as unknown as string)],
  ["crc32 bigint", (z) => z.crc32(10n as unknown as string)],
  ["crc32 value -1", (z) => z.crc32("x", -1)],
  ["crc32 value 2**32", (z) => z.crc32("x", 2 ** 32)],
  ["crc32 value 1.5", (z) => z.crc32("x", 1.5)],
  ["crc32 value string", (z) => z.crc32("x", "1" as unknown as number)],
  ["crc32 value NaN", (z) => z.crc32("x", NaN)],
  ["crc32 long string value", (z) => z.crc32("x", "it's a long string with a quote inside it" as unknown as number)],
  ["params level 10", (z) => z.createDeflate().params(10, 0, () => {})],
  ["params strategy 9", (z) => z.createDeflate().params(1, 9, () => {})],
  ["params level string", (z) => z.createDeflate().params("1" as unknown as number, 0, () => {})],
  ["reset after close", (z) => { const d = z.createDeflate(); d.close(); d.reset(); }],
  ["brotli param 99", (z) => z.createBrotliCompress({ params: { 99: 1 } })],
  ["brotli param name", (z) => z.createBrotliDecompress({ params: { foo: 1 } as unknown as Record<number, number> })],
  ["brotli param 1.5", (z) => z.createBrotliCompress({ params: { 1.5: 1 } })],
  ["brotli param -1", (z) => z.createBrotliCompress({ params: { [-1]: 1 } })],
  ["brotli param 9", (z) => z.createBrotliCompress({ params: { 9: 1 } })],
  ["brotli param twice", (z) => z.createBrotliCompress({ params: { 1: 5, "01": 5 } as unknown as Record<number, number> })],
  ["brotli value string", (z) => z.createBrotliCompress({ params: { [C.BROTLI_PARAM_QUALITY]: "5" as unknown as number } })],
  ["brotli value null", (z) => z.createBrotliCompress({ params: { [C.BROTLI_PARAM_MODE]: null as unknown as number } })],
  ["brotli value object", (z) => z.createBrotliDecompress({ params: { 0: {} as unknown as number } })],
];

describe("node:zlib errors before any byte is compressed", () => {
  for (const [name, fn] of cases) {
    it(name, () => {
      expect(shape(() => fn(mine))).toEqual(shape(() => fn(node)));
    });
  }
});

describe("node:zlib's module object", () => {
  it("has Node's keys in Node's order, with Node's property attributes and function names", () => {
    expect(Object.keys(mine)).toEqual(Object.keys(node));
    const attrs = (m: object) => Object.getOwnPropertyNames(m).filter((k) => k !== "default").sort().map((k) => {
      const d = Object.getOwnPropertyDescriptor(m, k)!;
      const v = d.value as { name?: string } | number;
      return [k, d.writable, d.enumerable, d.configurable, typeof v, typeof v === "function" ? v.name : typeof v === "number" ? v : ""];
    });
    expect(attrs(mine)).toEqual(attrs(node));
    for (const k of ["gzip", "gzipSync", "createGzip", "crc32", "Gzip", "BrotliCompress"] as const) {
      expect([mine[k].name, mine[k].length]).toEqual([node[k].name, node[k].length]);
    }
  });

  it("has Node 20's constants (same names, values and order, null prototype) and frozen codes", () => {
    expect(Object.entries(mine.constants)).toEqual(Object.entries(node.constants));
    expect(Object.getPrototypeOf(mine.constants)).toBe(null);
    const codes = (m: Mod) => (m as unknown as { codes: object }).codes;
    expect(Object.entries(codes(mine))).toEqual(Object.entries(codes(node)));
    expect(Object.isFrozen(codes(mine))).toBe(true);
  });

  it("has Node's class chain, ES5-callable constructors and a fresh stream's state", () => {
    const chain = (c: unknown) => {
      const names: string[] = [];
      for (let p = c as { name: string } | null; p && p !== Function.prototype; p = Object.getPrototypeOf(p)) names.push(p.name);
      return names.slice(0, 4);
    };
    for (const k of ["Deflate", "Inflate", "Gzip", "Gunzip", "DeflateRaw", "InflateRaw", "Unzip", "BrotliCompress", "BrotliDecompress"] as const) {
      expect(chain(mine[k])).toEqual(chain(node[k]));
    }
    const state = (z: Mod) => {
      const g = (z.Gzip as unknown as (o?: object) => nodeZlib.Gzip)({ level: 3, chunkSize: 1000, info: true, maxOutputLength: 77 }) as
        nodeZlib.Gzip & Record<string, unknown>;
      const out = [g instanceof z.Gzip, g instanceof z.Deflate, g.constructor.name, g._closed, g.bytesWritten, g._chunkSize,
        g._defaultFlushFlag, g._finishFlushFlag, g._defaultFullFlushFlag, g._level, g._strategy, g._maxOutputLength,
        g._info, g.writableHighWaterMark, g.readableHighWaterMark, g.readableObjectMode, g.writableObjectMode];
      g.close();
      return out;
    };
    expect(state(mine)).toEqual(state(node));
    // A subclass calls the base as a function on itself (util.inherits style).
    const sub = (z: Mod) => {
      function MyInflate(this: Record<string, unknown>, o?: object) { (z.Inflate as unknown as (o?: object) => void).call(this, o); this.mine = true; }
      Object.setPrototypeOf(MyInflate.prototype, z.Inflate.prototype);
      const s = new (MyInflate as unknown as new (o?: object) => nodeZlib.Inflate & Record<string, unknown>)({ windowBits: 9 });
      const out = [s instanceof z.Inflate, s.mine, s._chunkSize, s._closed];
      s.close();
      return out;
    };
    expect(sub(mine)).toEqual(sub(node));
  });

  it("gives the same close/flush callbacks before any data on a fresh stream", async () => {
    const order = async (z: Mod) => {
      const events: string[] = [];
      const s = z.createDeflate();
      s.on("close", () => events.push("close"));
      await new Promise<void>((resolve) => s.close(() => { events.push("close cb"); resolve(); }));
      events.push(`closed=${(s as unknown as { _closed: boolean })._closed} destroyed=${s.destroyed}`);
      await new Promise<void>((resolve) => s.flush(() => { events.push("flush cb"); resolve(); }));
      return events;
    };
    expect(await order(mine)).toEqual(await order(node));
  });
});

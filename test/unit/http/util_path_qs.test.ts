// node:util, node:path and node:querystring against Node 20's own modules: inspect/format output, promisify and
// friends, util.types, isDeepStrictEqual, TextEncoder/TextDecoder, path.posix, querystring parse/stringify.
import * as nodePath from "node:path";
import * as nodeQs from "node:querystring";
import * as nodeUtil from "node:util";
import { describe, expect, it, vi } from "vitest";
import * as path from "../../../libos/path/index.ts";
import * as qs from "../../../libos/querystring/index.ts";
import * as util from "../../../libos/util/index.ts";

class Point { constructor(public x: number, public y: number) {} }
const circular: Record<string, unknown> = { name: "c" };
circular.self = circular;

const VALUES: [string, unknown][] = [
  ["string", "it's \"quoted\"\n"], ["number", -0], ["bigint", 10n], ["symbol", Symbol("s")], ["undefined", undefined], ["null", null],
  ["array", [1, "two", [3, [4, [5, [6]]]]]], ["sparse array", [1, , 3]], ["long array", Array.from({ length: 120 }, (_, i) => i)],
  ["object", { a: 1, "b-c": "x", nested: { deep: { deeper: { deepest: 1 } } } }], ["empty object", {}], ["class instance", new Point(1, 2)],
  ["null prototype", Object.assign(Object.create(null), { k: 1 })], ["map", new Map<unknown, unknown>([["k", 1], [{ o: 1 }, [2]]])],
  ["set", new Set([1, "a", { b: 2 }])], ["date", new Date(0)], ["invalid date", new Date(NaN)], ["regexp", /ab+c/gi],
  ["function", function named() {}], ["arrow", () => 1], ["class", Point], ["circular", circular], ["boxed", [new Number(3), new String("s")]],
  ["typed arrays", [new Uint8Array([1, 2]), new Float64Array(2), new ArrayBuffer(3)]], ["symbol keys", { [Symbol("k")]: 1, a: 2 }],
  ["getter", Object.defineProperty({}, "g", { get: () => 1, enumerable: true })], ["long string", "x".repeat(200)],
  ["multiline object", { aaaaaaaaaa: "aaaaaaaaaaaaaaaaaaaa", bbbbbbbbbb: "bbbbbbbbbbbbbbbbbbbb", cccccccccc: "cccccccccccccccccccc", d: [1, 2, 3] }],
  ["error-free object with toString", { toString() { return "x"; } }], ["weak map", new WeakMap()],
];

describe("util.inspect and util.format match Node's", () => {
  it.each(VALUES)("inspect(%s)", (_name, value) => {
    expect(util.inspect(value)).toBe(nodeUtil.inspect(value));
    expect(util.inspect(value, { depth: 0, compact: false, breakLength: 40, sorted: true })).toBe(nodeUtil.inspect(value, { depth: 0, compact: false, breakLength: 40, sorted: true }));
  });

  it("known gap: a promise's state is not visible from JavaScript, so every promise shows as <pending>", () => {
    expect(util.inspect(Promise.resolve(4))).toBe("Promise { <pending> }");
    expect(nodeUtil.inspect(Promise.resolve(4))).toBe("Promise { 4 }");
  });

  it("format with every placeholder", () => {
    const args: unknown[][] = [["%s %d %i %f %j %o %O %%", "s", 42.5, 42.5, "1.5", { a: 1 }, [1], { b: { c: {} } }], ["no placeholders", 1, "x", { y: 2 }],
      ["%s", null], ["%s", Symbol("q")], ["%d", "abc"], ["%c%s", "color: red", "after"], [{ a: 1 }, "str"], ["%s", 12345678901234567890n], ["%i", 3.9]];
    for (const a of args) expect(util.format(...a)).toBe(nodeUtil.format(...a));
    expect(util.inspect.custom).toBe(nodeUtil.inspect.custom);
    const custom = { [nodeUtil.inspect.custom]: () => "CUSTOM" };
    expect(util.inspect({ x: custom })).toBe(nodeUtil.inspect({ x: custom }));
  });
});

describe("util functions", () => {
  it("promisify: callback style, the custom symbol, errors, and properties kept", async () => {
    function add(a: number, b: number, cb: (e: Error | null, v?: number) => void) { setImmediate(() => (a < 0 ? cb(new Error("neg")) : cb(null, a + b))); }
    const p = util.promisify(add as never) as (a: number, b: number) => Promise<number>;
    expect(await p(1, 2)).toBe(3);
    await expect(p(-1, 2)).rejects.toThrow("neg");
    expect(p.name).toBe("add");
    const special = Object.assign(() => {}, { [util.promisify.custom]: () => Promise.resolve("custom") });
    expect(util.promisify(special)).toBe(special[util.promisify.custom]);
    expect(util.promisify.custom).toBe(nodeUtil.promisify.custom);
    expect(() => util.promisify(1 as never)).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
  });

  it("callbackify: resolves and rejects (falsy rejections wrapped) through a callback", async () => {
    const ok = util.callbackify(async (x: unknown) => (x as number) * 2);
    const bad = util.callbackify(async () => { throw null; });
    const r1 = await new Promise((res) => ok(21, (e: unknown, v: unknown) => res([e, v])));
    const r2 = await new Promise((res) => bad((e: { code?: string; reason?: unknown }) => res([e.code, e.reason])));
    expect(r1).toEqual([null, 42]);
    expect(r2).toEqual(["ERR_FALSY_VALUE_REJECTION", null]);
    expect(ok.name).toBe(nodeUtil.callbackify(async function anonymous() {}).name.replace("anonymous", ""));
  });

  it("inherits sets super_ and the prototype chain", () => {
    function A(this: { a: number }) { this.a = 1; }
    A.prototype.hello = function () { return "hi"; };
    function B(this: { a: number }) { A.call(this); }
    util.inherits(B as never, A as never);
    const b = new (B as unknown as new () => { a: number; hello(): string })();
    expect([b.a, b.hello(), (B as unknown as { super_: unknown }).super_ === A]).toEqual([1, "hi", true]);
  });

  it("deprecate warns once per code and still calls through", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const f = util.deprecate((x: number) => x + 1, "f is old", "DEP_TEST_1");
    const g = util.deprecate((x: number) => x + 2, "g is old", "DEP_TEST_1");
    expect([f(1), f(1), g(1)]).toEqual([2, 2, 3]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith("f is old", "DeprecationWarning", "DEP_TEST_1");
    warn.mockRestore();
  });

  it("debuglog prints only for NODE_DEBUG sections", () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const before = process.env.NODE_DEBUG;
    process.env.NODE_DEBUG = "alpha,be*";
    util.debuglog("alpha")("x=%d", 1);
    util.debuglog("beta")("y");
    util.debuglog("gamma")("z");
    process.env.NODE_DEBUG = before;
    expect(write.mock.calls.map((c) => String(c[0]))).toEqual([`ALPHA ${process.pid}: x=1\n`, `BETA ${process.pid}: y\n`]);
    expect(util.debuglog("gamma").enabled).toBe(false);
    write.mockRestore();
  });

  it("util.types agrees with Node's for every predicate and many values", () => {
    const values: unknown[] = [new Date(), /x/, new Map(), new Set(), new WeakMap(), new WeakSet(), Promise.resolve(), new Uint8Array(1),
      new Float32Array(1), new BigInt64Array(1), new ArrayBuffer(1), new DataView(new ArrayBuffer(1)), new SharedArrayBuffer(1),
      new Map().entries(), new Set().values(), (function* () {})(), async () => {}, function* () {}, async function* () {}, new Error("e"),
      new TypeError("t"), new Number(1), new String("s"), new Boolean(false), Object(1n), Object(Symbol()), {}, [], null, 1, "s",
      (function () { return arguments; })(), Object.create(Date.prototype), { [Symbol.toStringTag]: "Map" }];
    for (const key of Object.keys(nodeUtil.types) as (keyof typeof nodeUtil.types)[]) {
      if (key === "isProxy" || key === "isExternal" || key === "isKeyObject" || key === "isCryptoKey") continue;
      const mine = (util.types as Record<string, (v: unknown) => boolean>)[key];
      expect(typeof mine, key).toBe("function");
      for (const [i, v] of values.entries()) expect([key, i, mine(v)]).toEqual([key, i, (nodeUtil.types[key] as (v: unknown) => boolean)(v)]);
    }
  });

  it("isDeepStrictEqual agrees with Node's", () => {
    const a = { x: [1, { y: new Map([[{ k: 1 }, new Set([1, 2])]]) }], d: new Date(5), r: /a/g };
    const pairs: [unknown, unknown][] = [
      [a, structuredClone(a)], [[0], [-0]], [NaN, NaN], [{ a: 1 }, { a: 1, b: undefined }], [[1, 2], [2, 1]], [new Set([1, 2]), new Set([2, 1])],
      [new Map([[1, "a"]]), new Map([[1, "b"]])], [new Uint8Array([1]), new Uint8Array([1])], [new Uint8Array([1]), new Int8Array([1])],
      [new Error("a"), new Error("a")], [new Error("a"), new Error("b")], [Object.create(null), {}], [new Number(1), new Number(1)],
      [new Number(1), 1], [circular, circular], [{ [Symbol.for("s")]: 1 }, { [Symbol.for("s")]: 2 }], [new Date(1), new Date(2)],
      [/a/g, /a/i], [[, 1], [undefined, 1]], [new Set([{ a: 1 }]), new Set([{ a: 1 }])], [new Map([[{ a: 1 }, 1]]), new Map([[{ a: 1 }, 1]])],
    ];
    for (const [i, [x, y]] of pairs.entries()) expect([i, util.isDeepStrictEqual(x, y)]).toEqual([i, nodeUtil.isDeepStrictEqual(x, y)]);
  });

  it("TextEncoder and TextDecoder agree with Node's (UTF-8, streaming, fatal, BOM, UTF-16LE, latin1)", () => {
    const s = "héllo €😀 \ud800 end";
    expect([...new util.TextEncoder().encode(s)]).toEqual([...new TextEncoder().encode(s)]);
    const dest = new Uint8Array(5), dest2 = new Uint8Array(5);
    expect(new util.TextEncoder().encodeInto("a€b", dest)).toEqual(new TextEncoder().encodeInto("a€b", dest2));
    expect([...dest]).toEqual([...dest2]);
    const bytes = [[0xef, 0xbb, 0xbf, 0x61], [0xe2, 0x82], [0xac, 0xf0, 0x9f], [0x98, 0x80, 0xc3], [0x28, 0xff, 0x80, 0xed, 0xa0, 0x80]];
    for (const opts of [{}, { ignoreBOM: true }]) {
      const mine = new util.TextDecoder("utf-8", opts), node = new TextDecoder("utf-8", opts);
      for (const b of bytes) expect(mine.decode(new Uint8Array(b), { stream: true })).toBe(node.decode(new Uint8Array(b), { stream: true }));
      expect(mine.decode()).toBe(node.decode());
      for (const b of bytes) expect(mine.decode(new Uint8Array(b))).toBe(node.decode(new Uint8Array(b)));
    }
    expect(() => new util.TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff]))).toThrow(TypeError);
    const u16 = new Uint8Array([0x61, 0, 0x3d, 0xd8, 0, 0xde]);
    expect(new util.TextDecoder("utf-16le").decode(u16)).toBe(new TextDecoder("utf-16le").decode(u16));
    const high = new Uint8Array([0x41, 0x80, 0x9f, 0xe9]);
    expect(new util.TextDecoder("latin1").decode(high)).toBe(new TextDecoder("latin1").decode(high));
    expect(new util.TextDecoder("latin1").encoding).toBe(new TextDecoder("latin1").encoding);
  });

  it("toUSVString and stripVTControlCharacters", () => {
    expect(util.toUSVString("a\ud800b\udc00")).toBe(nodeUtil.toUSVString("a\ud800b\udc00"));
    expect(util.stripVTControlCharacters("\u001b[31mred\u001b[0m")).toBe("red");
  });
});

describe("path and querystring match Node's", () => {
  const P = ["", ".", "/", "//", "/a/b/../c/./d", "a/b/", "a//b", "../a", "/..", "/a/b.c.d", ".hidden", "a/.b.", "/foo/bar/", "x.tar.gz", "a\\b"];
  it("posix functions over many paths", () => {
    for (const p of P) {
      for (const f of ["normalize", "basename", "dirname", "extname", "isAbsolute"] as const) {
        expect([f, p, (path as unknown as Record<string, (s: string) => unknown>)[f](p)]).toEqual([f, p, (nodePath.posix as unknown as Record<string, (s: string) => unknown>)[f](p)]);
      }
      expect(path.parse(p)).toEqual(nodePath.posix.parse(p));
      expect(path.format(path.parse(p))).toBe(nodePath.posix.format(nodePath.posix.parse(p)));
      expect(path.basename(p, ".d")).toBe(nodePath.posix.basename(p, ".d"));
      for (const q of P.slice(0, 6)) {
        expect(path.join(p, q)).toBe(nodePath.posix.join(p, q));
        expect(path.relative("/" + p, "/" + q)).toBe(nodePath.posix.relative("/" + p, "/" + q));
        expect(path.resolve("/base", p, q)).toBe(nodePath.posix.resolve("/base", p, q));
      }
    }
    expect([path.sep, path.delimiter, path.posix.sep]).toEqual([nodePath.posix.sep, nodePath.posix.delimiter, "/"]);
  });

  it("querystring parse/stringify/escape/unescape over many inputs and options", () => {
    const inputs = ["a=1&b=2&a=3", "=", "=x", "a", "a=", "&&a=1&&", "a=%zz&b=%E4%B8%AD", "a+b=c+d", "a=1;b=2", "__proto__=1", "a=%F0%9F",
      "x=%41%42%43", "%=%", "a=b=c", "k=" + "v".repeat(10)];
    for (const s of inputs) {
      expect({ ...qs.parse(s) }).toEqual({ ...nodeQs.parse(s) });
      expect({ ...qs.parse(s, ";", ":") }).toEqual({ ...nodeQs.parse(s, ";", ":") });
      expect({ ...qs.parse(s, null, null, { maxKeys: 1 }) }).toEqual({ ...nodeQs.parse(s, undefined, undefined, { maxKeys: 1 }) });
      expect(qs.unescape(s)).toBe(nodeQs.unescape(s));
      expect(qs.escape(s)).toBe(nodeQs.escape(s));
    }
    expect({ ...qs.parse("a=1&b=2", null, null, { decodeURIComponent: (x: string) => x.toUpperCase() }) })
      .toEqual({ ...nodeQs.parse("a=1&b=2", undefined, undefined, { decodeURIComponent: (x: string) => x.toUpperCase() }) });
    const objs: Record<string, unknown>[] = [{ a: [1, 2], b: true, c: 1e21, d: 10n, e: null, f: "x y/ü", g: [], h: NaN }, {}, { "k k": "v&v" }];
    for (const o of objs) {
      expect(qs.stringify(o)).toBe(nodeQs.stringify(o as never));
      expect(qs.stringify(o, ";", ":")).toBe(nodeQs.stringify(o as never, ";", ":"));
      expect(qs.stringify(o, null, null, { encodeURIComponent: (x: string) => `<${x}>` })).toBe(nodeQs.stringify(o as never, undefined, undefined, { encodeURIComponent: (x: string) => `<${x}>` }));
    }
    const nodeUnescapeBuffer = (nodeQs as unknown as { unescapeBuffer: (s: string, d: boolean) => Buffer }).unescapeBuffer;
    expect(qs.unescapeBuffer("%41+%zz", true).toString()).toBe(nodeUnescapeBuffer("%41+%zz", true).toString());
    expect(() => qs.escape("\ud800")).toThrow(URIError);
  });
});

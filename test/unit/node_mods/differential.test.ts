// Pure modules against host Node 20, hosted: punycode, path/win32, perf_hooks histograms, v8's wire format,
// node:constants and module's lists, on fixed cases and seeded random ones (the same inputs every run).
import hostConstants from "node:constants";
import hostModule from "node:module";
import hostPath from "node:path";
import hostPerf from "node:perf_hooks";
import hostPunycode from "node:punycode";
import { isDeepStrictEqual } from "node:util";
import hostV8 from "node:v8";
import { describe, expect, it } from "vitest";
import constants from "../../../libos/constants/index.ts";
import { builtinModules, isBuiltin } from "../../../libos/module/index.ts";
import win32 from "../../../libos/path/win32.ts";
import { createHistogram } from "../../../libos/perf_hooks/histogram.ts";
import punycode from "../../../libos/punycode/index.ts";
import { deserialize, serialize } from "../../../libos/v8/index.ts";
import { SeededRandom } from "../../sim/prng.ts";

/** What f returns (as JSON) or throws (class and message). */
function outcome(f: () => unknown): string {
  try {
    return `= ${JSON.stringify(f())}`;
  } catch (e) {
    return `! ${(e as Error).name}: ${(e as Error).message}`;
  }
}

function randomString(rng: SeededRandom, pool: readonly string[], maxParts: number): string {
  let s = "";
  for (let i = rng.int(maxParts + 1); i > 0; i--) s += pool[rng.int(pool.length)];
  return s;
}

describe("punycode", () => {
  it("encode, decode, toASCII, toUnicode and ucs2 match host Node on 20,000 seeded inputs, errors included", () => {
    const rng = new SeededRandom(11);
    const pool = ["a", "b", "-", "0", "9", "Z", "ñ", "ü", "中", "😀", "\u3002", ".", "@", "x", "n", "\uD800", "\uDC00", "!", "\u0080"];
    const diffs: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = randomString(rng, pool, 10);
      const label = randomString(rng, [..."abcdefghijklmnopqrstuvwxyz0123456789-!A"], 9);
      const pairs: [string, () => unknown, () => unknown][] = [
        ["encode", () => punycode.encode(s), () => hostPunycode.encode(s)],
        ["toASCII", () => punycode.toASCII(s), () => hostPunycode.toASCII(s)],
        ["decode", () => punycode.decode(label), () => hostPunycode.decode(label)],
        ["toUnicode", () => punycode.toUnicode(`xn--${label}`), () => hostPunycode.toUnicode(`xn--${label}`)],
        ["ucs2", () => punycode.ucs2.decode(s), () => hostPunycode.ucs2.decode(s)],
      ];
      for (const [name, mine, host] of pairs) {
        const a = outcome(mine), b = outcome(host);
        if (a !== b) diffs.push(`${name}(${JSON.stringify(s)} / ${label}): ${a} vs ${b}`);
      }
    }
    expect(diffs.slice(0, 5)).toEqual([]);
  });

  it("known vectors (RFC 3492 sample, IDNA domains, e-mail)", () => {
    expect(punycode.encode("ü")).toBe("tda");
    expect(punycode.decode("egbpdaj6bu4bxfgehfvwxn")).toBe("ليهمابتكلموشعربي؟");
    expect(punycode.toASCII("mañana.com")).toBe("xn--maana-pta.com");
    expect(punycode.toUnicode("user@xn--ls8h.la")).toBe("user@💩.la");
    expect(() => punycode.decode("\u0081")).toThrow(new RangeError("Invalid input"));
  });
});

describe("path/win32", () => {
  it("every function matches host Node's path.win32 on 25,000 seeded path triples", () => {
    const rng = new SeededRandom(23);
    const pool = ["\\", "/", "\\\\", "C:", "c:", "C:\\", "D:", "a", "b", "..", ".", "foo", "bar.txt", ".x", "x.", "srv", "share",
      ":", "CON", "con:", "\\\\?\\", "\\\\.\\", "UNC", " ", "a.b.c", "?", "nul"];
    const w = hostPath.win32;
    const diffs: string[] = [];
    for (let i = 0; i < 25_000; i++) {
      const [a, b, c] = [randomString(rng, pool, 5), randomString(rng, pool, 5), randomString(rng, pool, 5)];
      const pairs: [string, () => unknown, () => unknown][] = [
        ["normalize", () => win32.normalize(a), () => w.normalize(a)],
        ["join", () => win32.join(a, b, c), () => w.join(a, b, c)],
        ["resolve", () => win32.resolve(a, b), () => w.resolve(a, b)],
        ["relative", () => win32.relative(a, b), () => w.relative(a, b)],
        ["dirname", () => win32.dirname(a), () => w.dirname(a)],
        ["basename", () => win32.basename(a, b), () => w.basename(a, b)],
        ["extname", () => win32.extname(a), () => w.extname(a)],
        ["parse", () => win32.parse(a), () => w.parse(a)],
        ["format", () => win32.format({ root: a, dir: b, name: c, ext: "e" }), () => w.format({ root: a, dir: b, name: c, ext: "e" })],
        ["isAbsolute", () => win32.isAbsolute(a), () => w.isAbsolute(a)],
        ["toNamespacedPath", () => win32.toNamespacedPath(a), () => w.toNamespacedPath(a)],
      ];
      for (const [name, mine, host] of pairs) {
        const x = outcome(mine), y = outcome(host);
        if (x !== y) diffs.push(`${name}(${JSON.stringify([a, b, c])}): ${x} vs ${y}`);
      }
    }
    expect(diffs.slice(0, 5)).toEqual([]);
  });

  it("argument errors are Node's", () => {
    expect(outcome(() => win32.join("a", 1 as never))).toBe(outcome(() => hostPath.win32.join("a", 1 as never)).replace(/^! TypeError/, "! TypeError"));
    expect(() => win32.basename("a", 2 as never)).toThrow(/The "suffix" argument must be of type string/);
    expect(win32.sep).toBe("\\");
    expect(win32.delimiter).toBe(";");
  });
});

describe("perf_hooks histograms", () => {
  it("toJSON, percentile() and the percentiles map match host Node on 300 seeded data sets", () => {
    const rng = new SeededRandom(5);
    const diffs: string[] = [];
    for (let t = 0; t < 300; t++) {
      const mine = createHistogram(), host = hostPerf.createHistogram();
      for (let i = rng.int(40); i > 0; i--) {
        const v = 1 + Math.floor(rng.float() * 2 ** rng.int(50));
        mine.record(v);
        host.record(v);
      }
      const a = JSON.stringify([mine.toJSON(), [1, 25, 50, 90, 99.9, 100].map((p) => mine.percentile(p)), [...mine.percentiles]]);
      const b = JSON.stringify([(host as unknown as { toJSON(): unknown }).toJSON(), [1, 25, 50, 90, 99.9, 100].map((p) => host.percentile(p)), [...host.percentiles]]);
      if (a !== b) diffs.push(`${a}\n${b}`);
    }
    expect(diffs.slice(0, 2)).toEqual([]);
  });

  it("argument errors", () => {
    const h = createHistogram();
    expect(outcome(() => h.record(0))).toBe(outcome(() => hostPerf.createHistogram().record(0)));
    expect(outcome(() => h.record(1.5))).toBe(outcome(() => hostPerf.createHistogram().record(1.5)));
    expect(outcome(() => h.percentile(101))).toBe(outcome(() => hostPerf.createHistogram().percentile(101)));
    expect(outcome(() => createHistogram({ lowest: 0 }))).toBe(outcome(() => hostPerf.createHistogram({ lowest: 0 })));
  });
});

describe("v8 wire format", () => {
  const shared = { s: 1 };
  const cyc: Record<string, unknown> = { name: "cyc" };
  cyc.self = cyc;
  const sparse: unknown[] = [];
  sparse[4] = "x";
  const withProps = Object.assign([1, 2], { extra: true });
  const cases: [string, unknown][] = [
    ["int", 7], ["negative", -1], ["int32 max", 2 ** 31 - 1], ["2^31", 2 ** 31], ["-0", -0], ["NaN", NaN], ["double", 0.1],
    ["latin1", "ñandú"], ["two-byte", "😀 x"], ["long", "a".repeat(300)], ["true", true], ["null", null], ["undefined", undefined],
    ["dense", [1, "2", [3]]], ["sparse", sparse], ["array props", withProps], ["object", { a: 1, 2: "two", b: { c: [] } }],
    ["date", new Date(86_400_000)], ["regexp", /x+y/gimsuy], ["bigint", 2n ** 64n], ["negative bigint", -5n], ["map", new Map<unknown, unknown>([[1, "a"], ["k", { v: 1 }]])],
    ["set", new Set([1, "x"])], ["uint8", new Uint8Array([1, 2, 3])], ["float64", new Float64Array([1.5, -2])], ["int16", new Int16Array([1, -1])],
    ["dataview", new DataView(new ArrayBuffer(3))], ["bigint64", new BigInt64Array([1n])], ["arraybuffer", new ArrayBuffer(5)],
    ["Number", Object(3)], ["String", Object("s")], ["Boolean", Object(true)], ["cycle", cyc], ["shared", [shared, shared]],
  ];
  it.each(cases)("%s: serialize gives host Node's bytes; deserialize reads them back", (_name, value) => {
    const host = hostV8.serialize(value).toString("hex");
    expect(Buffer.from(serialize(value)).toString("hex")).toBe(host);
    const back = deserialize(hostV8.serialize(value));
    const hostBack = hostV8.deserialize(hostV8.serialize(value));
    if (ArrayBuffer.isView(value)) {
      expect(Object.prototype.toString.call(back)).toBe(Object.prototype.toString.call(hostBack));
      const v = back as ArrayBufferView, h = hostBack as ArrayBufferView;
      expect(Buffer.from(v.buffer, v.byteOffset, v.byteLength).equals(Buffer.from(h.buffer, h.byteOffset, h.byteLength))).toBe(true);
    } else {
      expect(isDeepStrictEqual(back, hostBack)).toBe(true);
    }
  });

  it("errors carry their class, message and cause; uncloneable values throw Node's message", () => {
    const e = deserialize(hostV8.serialize(new RangeError("r", { cause: 2 }))) as RangeError;
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("r");
    expect(e.cause).toBe(2);
    expect(outcome(() => serialize(Symbol("s")))).toBe(outcome(() => hostV8.serialize(Symbol("s"))));
    expect(outcome(() => serialize(new WeakMap()))).toBe(outcome(() => hostV8.serialize(new WeakMap())));
    expect(outcome(() => deserialize(Buffer.from("ff0f6f", "hex")))).toBe(outcome(() => hostV8.deserialize(Buffer.from("ff0f6f", "hex"))));
  });
});

describe("node:constants and node:module's lists", () => {
  it("constants equals host Node's, but for OpenSSL's (there is no OpenSSL), and is frozen", () => {
    const openssl = /^(OPENSSL_|SSL_OP_|ENGINE_|default(Core)?CipherList)/;
    const host = Object.entries({ ...hostConstants }).filter(([k]) => k !== "default" && !openssl.test(k));
    expect(Object.entries(constants)).toEqual(host);
    expect(Object.isFrozen(constants)).toBe(true);
  });

  it("builtinModules and isBuiltin are Node 20's", () => {
    expect(builtinModules).toEqual(hostModule.builtinModules);
    for (const n of ["fs", "node:fs", "node:test", "test", "fs/promises", "node:foo", "", "path/win32", "node:sea"]) {
      expect([n, isBuiltin(n)]).toEqual([n, hostModule.isBuiltin(n)]);
    }
  });
});

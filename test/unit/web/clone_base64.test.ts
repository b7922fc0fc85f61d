// test/unit/web/clone_base64.test.ts — libos/web's structuredClone, atob and btoa against host Node 20's: one
// scenario runs over both, and the transcripts (util.inspect of every result, or the error's name/code/message)
// must be equal.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { atob, btoa } from "../../../libos/web/base64.ts";
import { DOMException } from "../../../libos/web/dom_exception.ts";
import { navigator, Navigator } from "../../../libos/web/navigator.ts";
import { structuredClone } from "../../../libos/web/structured_clone.ts";

type Impl = { structuredClone: typeof globalThis.structuredClone; atob: typeof atob; btoa: typeof btoa; DOMException: unknown };
const ours: Impl = { structuredClone: structuredClone as typeof globalThis.structuredClone, atob, btoa, DOMException };
const node: Impl = { structuredClone: globalThis.structuredClone, atob: globalThis.atob, btoa: globalThis.btoa, DOMException: globalThis.DOMException };

function show(I: Impl, f: () => unknown): string {
  try {
    return inspect(f(), { depth: 5 });
  } catch (e) {
    const x = e as { name: string; code?: unknown; message: string };
    return `${x.name} ${String(x.code)} ${x.message} dom=${e instanceof (I.DOMException as typeof Error)}`;
  }
}

function cloneScenario(I: Impl): string[] {
  const sc = I.structuredClone;
  const log: string[] = [];
  const t = (f: () => unknown) => log.push(show(I, f));
  t(() => sc(() => 1));
  t(() => sc(function foo() {}));
  t(() => sc(Symbol("x")));
  t(() => sc({ a: Symbol("x") }));
  t(() => sc(new WeakMap()));
  t(() => sc(new WeakSet()));
  t(() => sc(Promise.resolve()));
  t(() => (sc as () => unknown)());
  t(() => sc(1, 5 as never));
  t(() => sc(1, { transfer: 5 } as never));
  t(() => sc(1, { transfer: [5] } as never));
  t(() => sc(1, null as never));
  t(() => sc(1, { transfer: null } as never));
  const ab = new ArrayBuffer(4);
  t(() => sc(1, { transfer: [ab, ab] }));
  const e = new TypeError("boom", { cause: { deep: [1] } }) as TypeError & { extra?: number };
  e.extra = 1;
  const c = sc(e);
  log.push(`${c.constructor.name} ${c.name} ${c.message} ${inspect(c.cause)} ${c.extra} ${c.stack === e.stack}`);
  class MyErr extends RangeError { constructor(m: string) { super(m); this.name = "MyErr"; } }
  log.push(sc(new MyErr("x")).constructor.name);
  const e3 = new Error("y"); e3.name = "TypeError"; log.push(sc(e3).constructor.name);
  const e4 = new Error("y"); e4.name = "Foo"; log.push(`${sc(e4).constructor.name} ${sc(e4).name}`);
  log.push(sc(Object.create(Error.prototype)).constructor.name);
  const o = { get g() { return 5; }, [Symbol("s")]: 1 };
  Object.defineProperty(o, "h", { value: 1, enumerable: false });
  t(() => sc(o));
  // eslint-disable-next-line no-sparse-arrays
  const arr = [1, , 3] as unknown[] & { x?: number }; arr.x = 2;
  const ca = sc(arr); log.push(`${inspect(ca)} ${1 in ca} ${ca.length}`);
  const r = /a/gi; r.lastIndex = 3; const cr = sc(r); log.push(`${cr} ${cr.lastIndex}`);
  t(() => [sc(new Number(3)), sc(Object(1n)), sc(new String("s")), sc(new Boolean(false))]);
  t(() => [sc(-0), Object.is(sc(-0), -0), sc(NaN), sc(10n), sc(undefined), sc(null), sc("s"), sc(true)]);
  const cyc: Record<string, unknown> = { a: 1 }; cyc.self = cyc;
  const m = new Map<unknown, unknown>([[cyc, new Set([cyc])]]); cyc.m = m;
  const cc = sc(cyc) as typeof cyc;
  const cm = cc.m as Map<unknown, Set<unknown>>;
  log.push(`${cc.self === cc} ${[...cm.keys()][0] === cc} ${[...[...cm.values()][0]][0] === cc}`);
  const buf = new ArrayBuffer(8); const u8 = new Uint8Array(buf, 2, 4); const dv = new DataView(buf, 1, 2); u8[0] = 9;
  const cv = sc({ u8, dv, buf });
  log.push(`${cv.u8.buffer === cv.buf} ${cv.dv.buffer === cv.buf} ${cv.u8.byteOffset} ${inspect(cv.u8)} ${cv.dv.byteOffset} ${cv.dv.byteLength}`);
  const tr = new ArrayBuffer(4); new Uint8Array(tr)[0] = 7;
  const ct = sc({ tr, v: new Uint8Array(tr, 1) }, { transfer: [tr] });
  log.push(`${tr.byteLength} ${ct.tr.byteLength} ${new Uint8Array(ct.tr)[0]} ${ct.v.buffer === ct.tr} ${ct.v.length}`);
  t(() => sc(tr));
  t(() => sc(1, { transfer: [tr] }));
  t(() => [sc(new Date(0)), sc(new Date(NaN))]);
  t(() => sc(Buffer.from("hi")));
  class K { x = 1; m() {} }
  t(() => sc(new K()));
  t(() => sc({ f() {} }));
  t(() => [sc(new Float64Array([1.5])), sc(new BigInt64Array([1n])), sc(new Int16Array([-2])), sc(new Uint8ClampedArray([3]))]);
  t(() => sc(Object.create(null)));
  class A extends Map {}
  t(() => sc(new (A as unknown as MapConstructor)([[1, 2]])));
  t(() => sc(function* g() {}()));
  t(() => sc(new Map().keys()));
  t(() => sc([new Map([[1, { a: [new Set([1])] }]])]));
  return log;
}

function base64Scenario(I: Impl): string[] {
  const log: string[] = [];
  for (const s of ["YQ==", "YQ", "Y", " Y Q = = ", "YQ=", "YQ===", "Y===", "ab$c", "YWJj\n", "=YQ", "YQ==YQ==", "\u00ff", "",
    "Zm9vYmFy", "Zg===", "Zm9v\tYmE=", "////", "+/+/", "\u0100AAA", "AAAA=", "AA==\f"]) {
    log.push(`${JSON.stringify(s)} ${show(I, () => I.atob(s))}`);
  }
  for (const s of ["abc", "\u00ff\u0000", "\u0100", 123, null, undefined, "", "a", "ab", "\u0080\u00fe"]) {
    log.push(show(I, () => I.btoa(s as string)));
  }
  log.push(show(I, () => (I.atob as () => string)()), show(I, () => (I.btoa as () => string)()), show(I, () => I.atob(Symbol() as never)));
  let all = "";
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  log.push(I.btoa(all), String(I.atob(I.btoa(all)) === all));
  return log;
}

describe("structuredClone, atob, btoa against host Node 20", () => {
  it("structuredClone", () => {
    // Node 20's V8 has no ArrayBuffer#transfer (the image detaches through the platform): lend it one for the run.
    const proto = ArrayBuffer.prototype as { transfer?: () => ArrayBuffer };
    const had = "transfer" in proto;
    if (!had) proto.transfer = function (this: ArrayBuffer) { return globalThis.structuredClone(this, { transfer: [this] }); };
    try {
      expect(cloneScenario(ours)).toEqual(cloneScenario(node));
    } finally {
      if (!had) delete proto.transfer;
    }
  });
  it("atob and btoa", () => expect(base64Scenario(ours)).toEqual(base64Scenario(node)));
});

describe("navigator (Node 21's, on Node 20's terms)", () => {
  it("reports one CPU, Node.js/<major>, en-US and Linux x86_64, and cannot be constructed", () => {
    expect(navigator.hardwareConcurrency).toBe(1);
    expect(navigator.userAgent).toBe(`Node.js/${process.versions.node.split(".")[0]}`);
    expect(navigator.language).toMatch(/^[a-z]{2}(-[A-Z]{2})?$/);
    expect(navigator.languages).toEqual([navigator.language]);
    expect(navigator.platform).toBe(process.arch === "x64" ? "Linux x86_64" : `Linux ${process.arch}`);
    expect(Object.prototype.toString.call(navigator)).toBe("[object Navigator]");
    expect(() => new Navigator()).toThrow(expect.objectContaining({ code: "ERR_ILLEGAL_CONSTRUCTOR" }));
  });
});

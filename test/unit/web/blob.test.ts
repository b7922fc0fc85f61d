// test/unit/web/blob.test.ts — libos/web's Blob and File against host Node 20's: one scenario over both, the
// transcripts (util.inspect of results, error name/code/message) must be equal.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Blob, File } from "../../../libos/web/blob.ts";
import { structuredClone } from "../../../libos/web/structured_clone.ts";

type Impl = { Blob: typeof globalThis.Blob; File: typeof globalThis.File; structuredClone: typeof globalThis.structuredClone };
const ours = { Blob, File, structuredClone } as unknown as Impl;
const node: Impl = { Blob: globalThis.Blob, File: globalThis.File, structuredClone: globalThis.structuredClone };

async function show(f: () => unknown): Promise<string> {
  try {
    const v = await f();
    return inspect(v instanceof ArrayBuffer ? new Uint8Array(v) : v);
  } catch (e) {
    const x = e as { name: string; code?: unknown; message: string };
    return `${x.name} ${String(x.code)} ${x.message}`;
  }
}

async function scenario(I: Impl): Promise<string[]> {
  const { Blob: B, File: F } = I;
  const log: string[] = [];
  const t = async (f: () => unknown) => log.push(await show(f));
  const b = new B(["a\r\nb", new Uint8Array([65, 66]), "é", new Uint16Array([0x4443]).buffer, new DataView(new Uint8Array([1, 2, 3]).buffer, 1)], { type: "Text/Plain" });
  await t(() => b);
  await t(() => [b.size, b.type, Object.keys(B.prototype), Object.prototype.toString.call(b)]);
  await t(() => b.text());
  await t(() => b.arrayBuffer());
  await t(() => b.bytes());
  await t(() => new B([b, "-", b.slice(1, 3)]).text());
  for (const [s, e] of [[undefined, undefined], [2, undefined], [-3, -1], [5, 2], [-100, 100], [0, -100]] as const) {
    await t(async () => { const x = b.slice(s, e); return [x.size, x.type, await x.text()]; });
  }
  await t(() => [b.slice(0, 1, "FOO/Bar").type, b.slice(0, 1, "a\u00e9").type, new B([], { type: "a\u00e9" }).type, new B([], { type: "x\u0019" }).type]);
  await t(() => [new B([{}] as never).size, new B([1, null, undefined, true] as never).size, new (B as unknown as new () => Blob)().size, new B([], undefined).type, new B([], null as never).type]);
  await t(() => [new B(["a\r\nb\rc\n"], { endings: "native" }).size, new B(["a\r\nb"], { endings: "transparent" }).size]);
  await t(() => new B("abc" as never));
  await t(() => new B(5 as never));
  await t(() => new B(null as never));
  await t(() => new B([], 5 as never));
  await t(() => new B([], { endings: "x" as never }));
  await t(() => B.prototype.text.call({}));
  await t(() => Object.getOwnPropertyDescriptor(B.prototype, "size")!.get!.call({}));
  const f = new F(["xy"], "n.txt", { lastModified: 5, type: "A/B" });
  await t(() => f);
  await t(() => [f.name, f.lastModified, f.size, f.type, f instanceof B, Object.keys(F.prototype), Object.prototype.toString.call(f)]);
  await t(() => [new F([], "x", { lastModified: "nope" as never }).lastModified, new F([], 12 as never).name, typeof new F([], "y").lastModified]);
  await t(() => new (F as unknown as new (b: unknown) => unknown)(["x"]));
  await t(() => f.slice(1).constructor.name);
  const c = I.structuredClone(b);
  await t(async () => [c.constructor.name, c.size, c.type, await c.text(), I.structuredClone(f).constructor.name]);
  const chunks: number[] = [];
  for await (const chunk of b.stream() as unknown as AsyncIterable<Uint8Array>) chunks.push(...chunk);
  log.push(inspect(chunks));
  const empty: unknown[] = [];
  for await (const chunk of new B([]).stream() as unknown as AsyncIterable<Uint8Array>) empty.push(chunk);
  log.push(inspect(empty));
  return log;
}

describe("Blob and File against host Node 20", () => {
  it("construct, slice, read, stream, clone, and the errors", async () => {
    expect(await scenario(ours)).toEqual(await scenario(node));
  });
});

// test/unit/web/fetch_classes.test.ts — libos/web/fetch's Headers, Request, Response and FormData against host
// Node 20's (undici): one scenario over both sets of classes; the transcripts (util.inspect of results, or the
// error's name and message and its cause's) must be equal. fetch() itself talks to a network and is compared in the
// e2e test (test/e2e/web_globals.test.ts).
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { URLSearchParams as OurParams } from "../../../libos/url/index.ts";
import { Blob, File } from "../../../libos/web/blob.ts";
import { ReadableStream as OurStream } from "../../../libos/web/streams/index.ts";
import { FormData, Headers, Request, Response } from "../../../libos/web/fetch/index.ts";
import { AbortController } from "../../../libos/web/abort.ts";

const ours = { Headers, Request, Response, FormData, Blob, File, URLSearchParams: OurParams, ReadableStream: OurStream, AbortController } as unknown as typeof node;
const node = {
  Headers: globalThis.Headers, Request: globalThis.Request, Response: globalThis.Response, FormData: globalThis.FormData,
  Blob: globalThis.Blob, File: globalThis.File, URLSearchParams: globalThis.URLSearchParams, ReadableStream: globalThis.ReadableStream,
  AbortController: globalThis.AbortController,
};

async function show(f: () => unknown): Promise<string> {
  try {
    const r = await f();
    return typeof r === "string" ? JSON.stringify(r) : inspect(r, { depth: 4 });
  } catch (e) {
    const x = e as { name: string; message: string; cause?: { name: string; message: string } };
    return `!! ${x.name} ${JSON.stringify(x.message)}${x.cause ? ` cause=${x.cause.name}:${x.cause.message}` : ""}`;
  }
}

// The classes are typed loosely: the scenario passes them wrong arguments on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function scenario(G: typeof node): Promise<string[]> {
  const { Headers: H, Request: Rq, Response: Rs, FormData: FD, Blob: B, File: F, URLSearchParams: USP, ReadableStream: RS } = G as Loose;
  const log: string[] = [];
  const t = async (label: string, f: () => unknown) => log.push(`${label} ${await show(f)}`);
  await t("h1", () => new H([["a"]] as never));
  await t("h2", () => new H({ "a b": "x" }));
  await t("h3", () => new H({ a: "x\ny" }));
  await t("h4", () => new H(5 as never));
  await t("h5", () => new H("abc" as never));
  await t("h6", () => new H().append("a b", "1"));
  await t("h7", () => new H().set("x", "\0"));
  await t("h8", () => new H().get("a b"));
  await t("h9", () => new H().has("a b"));
  await t("h10", () => new H().delete("a b"));
  await t("h11", () => (new H().append as () => void)());
  await t("h11b", () => (new H().get as () => void)());
  await t("h12", () => {
    const h = new H({ B: " 2 ", a: "1", "set-cookie": "x=1" });
    h.append("Set-Cookie", "y=2");
    h.append("a", "3");
    const each: string[] = [];
    h.forEach((v: string, k: string, p: unknown) => each.push(`${k}=${v}:${p === h}`));
    return [[...h], h.get("a"), h.get("set-cookie"), h.getSetCookie(), h.get("nope"), [...h.keys()], [...h.values()], each];
  });
  await t("h13", () => new H({ a: "1", "set-cookie": "x" }));
  await t("h14", () => Object.getOwnPropertyNames(H.prototype));
  await t("h15", () => Rs.error().headers.set("a", "b"));
  await t("h16", () => new Rs().headers.set("a", "b"));
  await t("h17", () => H.prototype.get.call({}, "a"));
  await t("h18", () => { const h = new H([["x", "1"]]); h.set("X", "2"); h.delete("x"); return [...new H(new H({ q: "\t v \t" }))].concat([...h]); });
  await t("h19", () => [Object.prototype.toString.call(new H()), Object.prototype.toString.call(new H().entries()), typeof new H()[Symbol.iterator]]);
  await t("h20", () => new H({ "x": "é" }).get("x"));
  await t("h21", () => new H({ "x": "\u0100" }));
  await t("r1", () => new Rq("nope"));
  await t("r2", () => new Rq("http://u:p@x/"));
  await t("r3", () => new Rq("http://x/", { method: "CONNECT" }));
  await t("r4", () => new Rq("http://x/", { method: "a b" }));
  await t("r5", () => new Rq("http://x/", { body: "a" }));
  await t("r6", () => new Rq("http://x/", { method: "POST", body: new RS() as never }));
  await t("r7", () => {
    const r = new Rq("http://x/a?b#c", { method: "post", body: "hi" });
    return [r.method, r.url, r.headers.get("content-type"), r.destination, r.referrer, r.referrerPolicy, r.mode, r.credentials,
      r.cache, r.redirect, r.integrity, r.keepalive, r.isReloadNavigation, r.isHistoryNavigation, r.duplex, r.signal.aborted,
      typeof r.body, r.bodyUsed];
  });
  await t("r8", () => [new Rq("http://x", { method: "delete" }).method, new Rq("http://x", { method: "Options" }).method, new Rq("http://x", { method: "MKCOL" }).method]);
  await t("r10", () => new Rq("http://x/", { redirect: "nope" as never }));
  await t("r11", () => new Rq("http://x/", { mode: "navigate" as never }));
  await t("r12", async () => { const r = new Rq("http://x/", { method: "POST", body: "x" }); await r.text(); return r.clone(); });
  await t("r13", async () => { const r = new Rq("http://x/", { method: "POST", body: "x" }); await r.text(); return r.text(); });
  await t("r14", () => new Rq("http://x/", { signal: 5 as never }));
  await t("r15", () => new (Rq as unknown as new () => unknown)());
  await t("r16", () => new Rq("http://x/"));
  await t("r17", async () => {
    const a = new Rq("http://x/p", { method: "PUT", body: "data", headers: { "x-a": "1" }, redirect: "manual" });
    const b = new Rq(a);
    const c = new Rq(b, { method: "POST", headers: { "x-b": "2" } });
    return [b.method, b.url, [...b.headers], b.redirect, a.bodyUsed, c.method, [...c.headers], await c.text()];
  });
  await t("r18", async () => { const a = new Rq("http://x/", { method: "POST", body: "z" }); const c = a.clone(); return [await a.text(), await c.text(), [...c.headers]]; });
  await t("r19", () => { const ac = new G.AbortController(); const r = new Rq("http://x/", { signal: ac.signal }); ac.abort("why"); return [r.signal.aborted, r.signal.reason]; });
  await t("r20", () => new Rq("http://x/", { method: "POST", body: new RS() as never, duplex: "half" }).body !== null);
  await t("r21", () => new Rq("http://x", { method: "HEAD", body: "" }));
  await t("r22", () => new Rq("/relative"));
  await t("s1", () => new Rs("x", { status: 99 }));
  await t("s2", () => new Rs("x", { status: 204 }));
  await t("s3", () => new Rs("x", { statusText: "a\nb" }));
  await t("s4", () => Rs.redirect("http://x/", 200));
  await t("s5", () => Rs.redirect("nope"));
  await t("s6", () => { const r = Rs.redirect("http://x/a", 301); return [r.status, r.headers.get("location"), r.type, r.url, r.redirected, r.ok, r.statusText]; });
  await t("s7", () => { const r = Rs.error(); return [r.status, r.type, r.ok, r.body, r.statusText]; });
  await t("s8", async () => { const r = Rs.json({ a: 1 }, { status: 201, headers: { x: "y" } }); return [r.status, r.headers.get("content-type"), r.headers.get("x"), await r.text()]; });
  await t("s9", () => Rs.json(10n));
  await t("s10", async () => { const r = new Rs("x"); await r.text(); return r.clone(); });
  await t("s11", async () => { const r = new Rs("x"); await r.text(); return r.text(); });
  await t("s12", async () => new Rs("{bad").json().then(() => "parsed", (e: Error) => e.name));
  await t("s13", () => Object.getOwnPropertyNames(Rs.prototype).filter((n) => n !== "bytes").sort());
  await t("s14", () => Object.getOwnPropertyNames(Rs).sort());
  await t("s15", async () => { const r = new Rs(new USP("a=1&b= 2") as never); return [r.headers.get("content-type"), await r.text()]; });
  await t("s16", async () => { const r = new Rs(new B(["ab"], { type: "X/Y" }) as never); return [r.headers.get("content-type"), await r.text()]; });
  await t("s17", async () => { const r = new Rs(new Uint8Array([65, 66])); return [r.headers.get("content-type"), await r.text()]; });
  await t("s18", async () => { const r = new Rs(); return [r.body, await r.text(), r.bodyUsed]; });
  await t("s19", async () => { const r = new Rs("x"); const c = r.clone(); return [await r.text(), await c.text(), r.bodyUsed, c.bodyUsed]; });
  await t("s20", async () => {
    const fd = new FD();
    fd.append("a", "1\n2");
    fd.append("q\"n", new B(["zz"], { type: "text/plain" }) as never, "f.txt");
    fd.append("e", new B([]) as never);
    const r = new Rs(fd as never);
    const ct = r.headers.get("content-type")!;
    const text = await r.text();
    const boundary = ct.slice(ct.indexOf("boundary=") + 9);
    return [ct.replace(/\d+$/, "N"), text.split(boundary).join("B")];
  });
  await t("s21", async () => { const r = new Rs("a=1&b=%20x", { headers: { "content-type": "application/x-www-form-urlencoded" } }); return [...(await r.formData())]; });
  await t("s22", async () => new Rs("x", { headers: { "content-type": "text/plain" } }).formData());
  await t("s23", async () => { const r = new Rs("ab"); const b = await r.blob(); return [b.size, b.type, r.bodyUsed]; });
  await t("s24", async () => { const r = new Rs("ab"); return [typeof r.bytes, r.body!.locked]; });
  await t("s25", () => new Rs(null, { status: 204 }).status);
  await t("s26", () => new Rs("x", { headers: [["a", "b", "c"]] as never }));
  await t("s27", () => new Rs(5 as never).text());
  await t("s28", () => new Rs({} as never).text());
  await t("s29", async () => {
    const fd = new FD();
    fd.append("k", "v");
    fd.append("f", new F(["hello"], "h.txt", { type: "text/x" }) as never);
    const back = await new Rs(fd as never).formData();
    const f = back.get("f") as unknown as File;
    return [back.get("k"), f.name, f.type, await f.text(), [...back.keys()]];
  });
  await t("s30", async () => {
    const enc = new TextEncoder();
    const stream = new RS({ start(c: Loose) { c.enqueue(enc.encode("ab")); c.enqueue(enc.encode("cd")); c.close(); } });
    const r = new Rs(stream as never);
    const c = r.clone();
    return [await r.text(), await c.arrayBuffer().then((b: ArrayBuffer) => b.byteLength), r.bodyUsed];
  });
  await t("s31", async () => { const r = new Rs("x"); const reader = r.body!.getReader(); await reader.read(); return [r.bodyUsed, await r.text().catch((e: Error) => e.message)]; });
  await t("s32", async () => { const r = new Rs("x"); r.body!.getReader(); return r.text(); });
  await t("s33", () => new Rs("hi"));
  await t("f1", () => new FD(5 as never));
  await t("f2", () => (new FD().append as (a: string) => void)("a"));
  await t("f3", () => new FD().append("a", "x", "n"));
  await t("f4", () => {
    const f = new FD();
    f.append("a", "1");
    f.append("a", "2");
    f.set("b", new B(["x"]) as never);
    f.append("c", new F(["y"], "c.txt") as never);
    f.append("d", 5 as never);
    f.set("a", "3");
    const each: string[] = [];
    f.forEach((v: unknown, k: string) => each.push(`${k}=${typeof v}`));
    return [f.get("a"), f.getAll("a"), f.has("a"), (f.get("b") as unknown as File).name, (f.get("c") as unknown as File).name, [...f.keys()], f.get("zz"), each];
  });
  await t("f5", () => Object.getOwnPropertyNames(FD.prototype));
  await t("i1", () => {
    const f = new FD();
    f.append("a", "1");
    const it = f.entries();
    const h = new H({ a: "1" });
    const live = f.keys();
    f.append("b", "2");
    return [Object.prototype.toString.call(it), Object.getOwnPropertyNames(Object.getPrototypeOf(it)), Object.prototype.toString.call(h.values()),
      Object.getOwnPropertyNames(Object.getPrototypeOf(h.keys())), [...live], it[Symbol.iterator]() === it];
  });
  await t("f6", () => { const f = new FD(); f.append("a", "1"); f.delete("a"); f.append("b", "2"); return f; });
  return log;
}

describe("fetch classes against host Node 20 (undici)", () => {
  it("Headers, Request, Response, FormData: behaviour and messages", async () => {
    const a = await scenario(ours), b = await scenario(node);
    const diffs = a.map((line, i) => (line === b[i] ? null : `ours: ${line}\nnode: ${b[i]}`)).filter((x) => x !== null);
    expect(diffs).toEqual([]);
    expect(a.length).toBe(b.length);
  });
});

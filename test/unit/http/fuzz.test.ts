// Seeded fuzzing of the server core: 10,000 mutated requests (bit flips, inserted delimiters, bogus lengths and
// chunk sizes, huge headers, random splits, half-closes and resets) must never throw out of the server, every
// reply must be an HTTP/1.1 response (or nothing), and the server must still answer a valid request afterwards.
// Then 5,000 mutated requests go to Node 20's own server too: both must reply byte for byte the same.
import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../sim/prng.ts";
import { HttpServerCore } from "../../../libos/http/server_core.ts";
import { both, type Handler } from "./_diff.ts";
import { mutate, pieces } from "./_mutate.ts";
import { collect, exchange, settle, socketPair } from "./_pipe.ts";

const handler: Handler = (q, s) => {
  let n = 0;
  q.on("data", (d: Uint8Array) => { n += d.length; });
  q.on("end", () => {
    if (q.url === "/chunked") { s.write("a"); s.end("b"); return; }
    s.end(`${q.method} ${q.url} ${n}`);
  });
};

describe("fuzzing the server core", () => {
  it("survives 10,000 mutated requests and still answers a valid one", async () => {
    const core = new HttpServerCore(handler as never);
    core.on("upgrade", (_q: unknown, s: { destroy(): void }) => s.destroy());
    core.on("connect", (_q: unknown, s: { destroy(): void }) => s.destroy());
    const r = new SeededRandom(20240501);
    const replies: (() => string)[] = [];
    const statuses = new Map<string, number>();
    for (let batch = 0; batch < 40; batch++) {
      const sends: Promise<void>[] = [];
      for (let i = 0; i < 250; i++) {
        const [client, server] = socketPair({ socketLike: r.int(2) === 0 });
        const out = collect(client);
        replies.push(out.text);
        client.on("error", () => {});
        core.emit("connection", server);
        const parts = pieces(r, mutate(r));
        const how = r.int(10);
        sends.push((async () => {
          for (const part of parts) { client.write(Buffer.from(part, "latin1")); await settle(1); }
          if (how < 4) client.end();
          else if (how === 4) client.destroy();
        })());
      }
      await Promise.all(sends);
      await settle(5);
    }
    for (const text of replies) {
      const t = text();
      expect(t === "" || t.startsWith("HTTP/1.1 ")).toBe(true);
      const status = t.slice(9, 12) || "none";
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    // The mutations reach both the happy path and the error answers.
    expect(statuses.get("200")).toBeGreaterThan(500);
    expect(statuses.get("400")).toBeGreaterThan(500);
    expect(statuses.get("431")).toBeGreaterThan(10);
    const ok = await exchange(core, "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
    expect(ok).toBe("HTTP/1.1 200 OK\r\nDate: D\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 12\r\n\r\nGET /after 0");
  }, 300_000);
});

describe("fuzzing against Node's own server", () => {
  it("5,000 mutated requests get byte-identical replies from Node's http and ours", async () => {
    const r = new SeededRandom(7);
    const diffs: string[] = [];
    const on = { upgrade: (_q: unknown, s: { end(t: string): void }) => s.end("UP"), connect: (_q: unknown, s: { end(t: string): void }) => s.end("CONNECTED") };
    for (let i = 0; i < 5000; i++) {
      const raw = mutate(r);
      const end = r.int(2) === 0;
      const res = await both(handler, raw, { end, on: on as never });
      if (res.mine !== res.node) diffs.push(JSON.stringify({ raw: raw.slice(0, 300), end, node: res.node.slice(0, 200), mine: res.mine.slice(0, 200) }));
    }
    expect(diffs).toEqual([]);
  }, 300_000);
});

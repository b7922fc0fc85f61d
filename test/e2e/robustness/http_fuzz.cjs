// test/e2e/robustness/http_fuzz.cjs — seeded malformed and hostile HTTP/1.1 requests over real TCP, for
// test/e2e/robustness.test.ts (run inside its network namespace with `require(this file).main(options)`).
// Each case is a list of steps (write bytes, wait, half-close, reset) on a fresh connection; its outcome is the
// first status line the server sent (if any) and how the connection ended: "closed" (the server ended it),
// "reset", "abandoned" (we reset it on purpose), "timeout" (nothing ended it within timeoutMs: a hang) or a
// connect error. Cases in families marked `own` never half-close: the bytes are invalid whatever follows, so the
// server must answer and close on its own. Progress lines every 100 cases; the last stdout line is a JSON summary
// with every case's outcome.
"use strict";
const net = require("node:net");

/** mulberry32: a small seeded PRNG (the same cases for the same seed, on any machine). */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
  return { next, int, pick, bytes };
}

const GET = "GET / HTTP/1.1\r\nHost: guest\r\n\r\n";
const post = (body, type = "application/json") =>
  `POST /echo HTTP/1.1\r\nHost: guest\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const head = (line, headers) => `${line}\r\nHost: guest\r\n${headers.map((h) => h + "\r\n").join("")}\r\n`;

/** Case generators by family: (rng) → { steps, own? }. A step: { write } | { wait: ms } | { end: true } | { reset: true }. */
const FAMILIES = {
  method: (r) => ({ own: true, steps: [{ write: head(`${r.pick(["FOO", "get", "G\x00ET", "GE(T", "G@T", "\x16\x03\x01", "GET\x7f",
    "Ä", "A".repeat(r.int(30, 3000))])} / HTTP/1.1`, []) }] }),
  version: (r) => ({ own: true, steps: [{ write: head(`GET / ${r.pick(["HTTP/1.2", "HTTP/3.0", "HTTP/1.1.1", "HTTP/x.y", "HTTPS/1.1",
    "http/1.1", "HTTP/11", "HTTP/ 1.1", "HTTP/1.", "HTTP/9.9", "HTTP/1.1x", "HTTP\\1.1"])}`, []) }] }),
  requestLine: (r) => ({ own: true, steps: [{ write: head(r.pick(["GET HTTP/1.1", "GET / HTTP/1.1 extra", "GET /a b HTTP/1.1",
    "GET /\x01 HTTP/1.1", "GET\t/\tHTTP/1.1", " GET / HTTP/1.1", "GET / \x00HTTP/1.1", "GET foo HTTP/1.1", "GET /\x7f HTTP/1.1",
    "GET /%00%zz\xff HTTP/1.1"]), []) }] }),
  headerSyntax: (r) => ({ own: true, steps: [{ write: head("GET / HTTP/1.1", [r.pick(["NoColonHere", "Foo : bar", ": novalue",
    "Fo o: bar", "Foo\x00: bar", "Foo: b\x00ar", "Foo: bar\rbaz", "Foo: \x01\x02", "(Foo): bar", "Foo: bar\x7f", "X:\x1b[31m"]),
    ...(r.next() < 0.5 ? ["X-Ok: 1"] : [])]) }] }),
  obsFold: () => ({ own: true, steps: [{ write: head("GET / HTTP/1.1", ["X-Folded: a", " continued"]) }] }),
  oversize: (r) => {
    const big = r.int(16_400, 64_000);
    const which = r.pick(["value", "many", "url"]);
    const bytes = which === "value" ? head("GET / HTTP/1.1", [`X-Big: ${"v".repeat(big)}`])
      // (Node counts names and values only: 8 bytes each is past the limit however the names are numbered)
      : which === "many" ? head("GET / HTTP/1.1", Array.from({ length: Math.ceil(big / 8) }, (_, i) => `X-${i}: ${"h".repeat(6)}`))
      : head(`GET /${"u".repeat(big)} HTTP/1.1`, []);
    return { own: true, steps: [{ write: bytes }] };
  },
  contentLength: (r) => ({ own: true, steps: [{ write: head("POST /echo HTTP/1.1", [r.pick(["Content-Length: 5\r\nTransfer-Encoding: chunked",
    "Transfer-Encoding: chunked\r\nContent-Length: 5", "Content-Length: 5\r\nContent-Length: 6", "Content-Length: -1",
    "Content-Length: abc", "Content-Length: 1,2", "Content-Length: 5 5", "Content-Length: 0x10", "Content-Length: +3",
    "Transfer-Encoding: gzip", "Transfer-Encoding: chunked, gzip", "Transfer-Encoding: identity"])]) + "hello" }] }),
  chunked: (r) => {
    const body = r.pick(["zz\r\nabc\r\n0\r\n\r\n", "-1\r\nabc\r\n0\r\n\r\n", "fffffffffffffffff\r\nx\r\n0\r\n\r\n", "5\r\nabc\r\n0\r\n\r\n",
      "3\r\nabcdef\r\n0\r\n\r\n", "3;\x01\r\nabc\r\n0\r\n\r\n", "3 ;x\r\nabc\r\n0\r\n\r\n", "3\r\nabc0\r\n\r\n", "3\nabc\n0\n\n",
      "0\r\nBad Trailer\r\n\r\n", "0\r\nX: \x00\r\n\r\n", "\r\n\r\n", "ffffffff\r\n" + "x".repeat(100)]);
    const type = r.pick(["application/json", "text/plain"]);
    return { steps: [{ write: head("POST /echo HTTP/1.1", [`Content-Type: ${type}`, "Transfer-Encoding: chunked"]) + body }, { wait: r.int(0, 200) }, { end: true }] };
  },
  control: (r) => {
    const b = Buffer.from(r.next() < 0.5 ? GET : post('{"a":1}'));
    for (let n = r.int(1, 4); n > 0; n--) b[r.int(0, b.length - 1)] = r.pick([0, 1, 8, 9, 10, 11, 12, 13, 27, 127, 255]);
    return { steps: [{ write: b }, { wait: r.int(0, 100) }, { end: true }] };
  },
  bareLf: (r) => ({ steps: [{ write: (r.next() < 0.5 ? GET : post('{"lf":true}')).replace(/\r\n/g, r.pick(["\n", "\r", "\n\r"])) }, { wait: 50 }, { end: true }] }),
  slowAbandon: (r) => {
    const text = Buffer.from(r.next() < 0.5 ? GET : post(JSON.stringify({ slow: "x".repeat(r.int(0, 300)) })));
    const cut = r.int(1, text.length - 1), steps = [];
    for (let at = 0; at < cut;) {
      const n = Math.min(cut - at, r.int(1, 8));
      steps.push({ write: text.subarray(at, at + n) }, { wait: r.int(20, 150) });
      at += n;
      if (steps.length > 40) break;
    }
    steps.push(r.next() < 0.5 ? { end: true } : { reset: true });
    return { steps };
  },
  pipelinedGarbage: (r) => ({ own: true, pipelined: true, steps: [{ write: Buffer.concat([Buffer.from(GET),
    Buffer.from(r.pick(["\x01\x02\x03", "@@@ / HTTP/1.1\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n"])),
    r.bytes(r.int(0, 64))]) }] }),
  resetMidRequest: (r) => {
    const body = JSON.stringify({ big: "y".repeat(r.int(100, 20_000)) });
    const text = Buffer.from(post(body));
    return { steps: [{ write: text.subarray(0, r.int(1, text.length - 1)) }, { wait: r.int(0, 300) }, { reset: true }] };
  },
  random: (r) => ({ steps: [{ write: r.bytes(r.int(1, 4096)) }, { wait: r.int(0, 100) }, { end: true }] }),
  mutated: (r) => {
    const b = Buffer.from(r.next() < 0.5 ? GET : post(JSON.stringify({ m: r.int(0, 1e9) })));
    const out = [];
    for (const byte of b) {
      const p = r.next();
      if (p < 0.02) continue;                                               // delete
      if (p < 0.04) out.push(r.int(0, 255));                                // insert before
      out.push(p < 0.07 ? byte ^ (1 << r.int(0, 7)) : byte);                // flip
    }
    return { steps: [{ write: Buffer.from(out) }, { wait: r.int(0, 100) }, { end: true }] };
  },
};

/** The cases for a seed: `count` of them, families in turn so each gets its share. */
function makeCases(seed, count) {
  const r = prng(seed), names = Object.keys(FAMILIES), cases = [];
  for (let i = 0; i < count; i++) {
    const family = names[i % names.length];
    cases.push({ i, family, ...FAMILIES[family](r) });
  }
  return cases;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one case on a fresh connection; resolves with its outcome. */
function runCase(c, host, port, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect({ host, port });
    const chunks = [];
    let done = false;
    const finish = (end) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ i: c.i, family: c.family, own: !!c.own, end, status: statuses[0] ?? null, statuses, ms: Date.now() - t0,
        hello: text.includes("Hello from unijs!\n"), head: text.slice(0, 60) });
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    s.on("data", (d) => chunks.push(d));
    s.on("end", () => finish("closed"));
    s.on("close", () => finish("closed"));
    s.on("error", (e) => finish(e.code === "ECONNRESET" || e.code === "EPIPE" ? "reset" : "error:" + e.code));
    s.on("connect", async () => {
      for (const step of c.steps) {
        if (done) return;
        if (step.write !== undefined) s.write(step.write);
        else if (step.wait) await sleep(step.wait);
        else if (step.end) s.end();
        else if (step.reset) { s.resetAndDestroy(); return finish("abandoned"); }
      }
    });
  });
}

/** Runs `count` cases for `seed` against host:port, `concurrency` at a time; prints the JSON summary. */
async function main({ host, port, seed = 1, count = 2000, concurrency = 16, timeoutMs = 30_000 }) {
  const cases = makeCases(seed, count);
  const results = new Array(cases.length);
  const t0 = Date.now();
  let next = 0, finished = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < cases.length) {
      const c = cases[next++];
      results[c.i] = await runCase(c, host, port, timeoutMs);
      if (++finished % 100 === 0) console.log(`progress ${finished} cases in ${(Date.now() - t0) / 1000} s`);
    }
  }));
  // The summary is ~0.5 MB: exit only once it is all written (process.exit right after a large write to a pipe
  // cut it short).
  process.stdout.write(JSON.stringify({ seed, count, seconds: (Date.now() - t0) / 1000, results }) + "\n", () => process.exit(0));
}

module.exports = { main, makeCases };

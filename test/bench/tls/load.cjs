// test/bench/tls/load.cjs — the client of `npm run bench -- tls`, a plain Node script so that it can run inside a
// server's network namespace (`ip netns exec NAME node load.cjs '<json>'`). One mode per run, one JSON line out:
//   probe:      GET https://HOST:PORT/ until it answers 200 (limit ms); exit 1 with the last error otherwise.
//   handshakes: `connections` loops of tls.connect (TLS 1.3 only, P-256 key share, the server's certificate verified
//               against the CA, no session offered, so every handshake is a full one); each connection is destroyed
//               at secureConnect and the loop connects again. Counts the handshakes completed within `seconds`.
//   bulk:       one GET /bulk?bytes=N on a fresh connection; the time from the response head to the last byte, the
//               count checked. With `seconds`, the bytes received in that window after the response head instead,
//               then the connection is destroyed (a fixed time, whatever the server's rate; a download that ends
//               first is timed whole). With `plain`, over
//               plain HTTP to `plainPort`: what the same server's TCP path does without TLS.
// Layer: bench (host only).
"use strict";
const http = require("node:http");
const https = require("node:https");
const tls = require("node:tls");
const { readFileSync } = require("node:fs");

const opts = JSON.parse(process.argv[2]);
const ca = readFileSync(opts.ca);
const base = { host: opts.host, port: opts.port, ca, servername: "localhost" };

function probe() {
  const t0 = Date.now();
  let last = "no answer";
  const again = () => (Date.now() - t0 > opts.limit ? (console.log(JSON.stringify({ error: last })), process.exit(1)) : setTimeout(poll, 250));
  const poll = () => {
    const req = https.get({ ...base, path: "/", agent: false, timeout: 5000 }, (r) => {
      r.resume();
      r.on("end", () => (r.statusCode === 200 ? (console.log(JSON.stringify({ ok: true })), process.exit(0)) : ((last = `status ${r.statusCode}`), again())));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => ((last = e.message), again()));
  };
  poll();
}

function handshakes() {
  const t0 = performance.now(), end = t0 + opts.seconds * 1000;
  const times = [];
  let errors = 0, firstError, info;
  const one = () => new Promise((resolve) => {
    const t = performance.now();
    const s = tls.connect({ ...base, minVersion: "TLSv1.3", maxVersion: "TLSv1.3", ecdhCurve: "P-256" });
    s.setTimeout(30_000, () => s.destroy(new Error("no handshake within 30 s")));
    s.once("secureConnect", () => {
      const done = performance.now();
      if (done <= end) times.push(done - t);
      if (!info) {
        const k = s.getEphemeralKeyInfo();
        info = { protocol: s.getProtocol(), cipher: s.getCipher().standardName, group: k && k.name, reused: s.isSessionReused() };
      }
      s.destroy();
      resolve();
    });
    s.once("error", (e) => {
      errors++;
      firstError ??= `${e.code ?? ""} ${e.message}`.trim();
      s.destroy();
      resolve();
    });
  });
  const loop = async () => { while (performance.now() < end) await one(); };
  Promise.all(Array.from({ length: opts.connections }, loop)).then(() => {
    const sorted = times.sort((a, b) => a - b);
    const pick = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
    console.log(JSON.stringify({ count: sorted.length, rate: sorted.length / opts.seconds, p50: pick(0.5), p99: pick(0.99), errors, firstError, info }));
  });
}

function bulk() {
  const t0 = performance.now();
  const path = `/bulk?bytes=${opts.bytes}`;
  const req = (opts.plain ? http.get({ host: opts.host, port: opts.plainPort, path, agent: false }, got)
    : https.get({ ...base, path, agent: false }, got));
  function got(res) {
    const head = performance.now();
    let n = 0;
    res.on("data", (d) => (n += d.length));
    if (opts.seconds && res.statusCode === 200) {
      setTimeout(() => {
        const ms = performance.now() - head;
        console.log(JSON.stringify({ bytes: n, ms, headMs: head - t0, mbps: n / 1e6 / (ms / 1000) }));
        req.destroy();
        process.exit(0);
      }, opts.seconds * 1000);
    }
    res.on("end", () => {
      const ms = performance.now() - head;
      if (res.statusCode !== 200 || n !== opts.bytes) {
        console.log(JSON.stringify({ error: `status ${res.statusCode}, ${n} of ${opts.bytes} bytes` }));
        process.exit(1);
      }
      console.log(JSON.stringify({ bytes: n, ms, headMs: head - t0, mbps: n / 1e6 / (ms / 1000) }));
      process.exit(0);
    });
    res.on("error", (e) => { console.log(JSON.stringify({ error: e.message })); process.exit(1); });
  }
  req.setTimeout(opts.limit ?? 300_000, () => req.destroy(new Error("no progress")));
  req.on("error", (e) => { console.log(JSON.stringify({ error: e.message })); process.exit(1); });
}

({ probe, handshakes, bulk })[opts.mode]();

// e2e: node:http in an image parses heads with the native scanner (hal.httpHead, boot/native/http_head.c) and
// answers as host Node does: the same raw request bytes (one head, pipelined heads, a head split across writes,
// obs-text, malformed heads) go to test/fixtures/native-head in the guest and to the same handler in host Node;
// the replies' status lines and JSON bodies (what the handler saw) must match, and the guest reports that its
// scanner took the heads whole (requests, and the response of a request it made to itself). One boot, ~30 s TCG.
import { connect } from "node:net";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGuest, type Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { ACCEL, buildFixture } from "../helpers/guest.ts";
import { freeTcpPort } from "../helpers/ports.ts";

let guest: Guest;
let host: Server;
let guestPort = 0, hostPort = 0;
let console = "";

/** Writes `parts` (latin1) to port, 200 ms apart, and returns everything read until the peer closes. */
function exchange(port: number, parts: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1");
    let got = "";
    s.setEncoding("latin1");
    s.on("data", (d: string) => (got += d));
    s.on("end", () => { s.end(); resolve(got); });
    s.on("error", reject);
    s.setTimeout(60_000, () => { s.destroy(); reject(new Error(`no close after ${JSON.stringify(got)}`)); });
    let i = 0;
    const next = () => { if (i < parts.length) { s.write(Buffer.from(parts[i++], "latin1")); setTimeout(next, 200); } };
    s.on("connect", next);
  });
}

/** Status lines and bodies of the replies in `raw` (Date and other per-server headers dropped). */
function replies(raw: string): { status: string; body: string }[] {
  const out: { status: string; body: string }[] = [];
  let rest = raw;
  while (rest.length) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) { out.push({ status: "partial", body: rest }); break; }
    const head = rest.slice(0, end);
    const len = /\r\ncontent-length: *(\d+)/i.exec(head);
    const n = len ? +len[1] : 0;
    out.push({ status: head.split("\r\n")[0], body: rest.slice(end + 4, end + 4 + n) });
    rest = rest.slice(end + 4 + n);
  }
  return out.map((r) => ({ ...r, body: r.body.replace(/,"taken":\{[^}]*\}/, "") }));
}

beforeAll(async () => {
  guestPort = await freeTcpPort();
  const img = await buildFixture(join(ROOT, "test/fixtures/native-head"));
  guest = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 300_000, onOutput: (t) => { console += t; },
    net: { kind: "user", hostfwd: [{ proto: "tcp", hostPort: guestPort, guestPort: 8080 }] } });
  host = createServer((req, res) => {
    let body = "";
    req.setEncoding("latin1");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method, url: req.url, httpVersion: req.httpVersion, rawHeaders: req.rawHeaders, body }));
    });
  });
  await new Promise<void>((r) => host.listen(0, "127.0.0.1", r));
  hostPort = (host.address() as { port: number }).port;
  for (let i = 0; i < 600 && !/native-head ready/.test(console); i++) await new Promise((r) => setTimeout(r, 100));
}, 120_000);
afterAll(() => { guest?.kill(); host?.close(); });

const CASES: [string, string[]][] = [
  ["one head", ["GET /a?b=c HTTP/1.1\r\nHost: x\r\nX-Obs: caf\xe9 \t\r\nAccept:  */*  \r\nConnection: close\r\n\r\n"]],
  ["pipelined heads and a body", ["GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /3 HTTP/1.0\r\n\r\n"]],
  ["a head split across writes", ["GET /split HTTP/1.1\r\nHo", "st: x\r\nX-Long: " + "v".repeat(3000), "\r\nConnection: close\r\n\r\n"]],
  ["empty lines before a request, HTTP/1.0", ["\r\n\r\nOPTIONS * HTTP/1.0\r\nHost: x\r\n\r\n"]],
  ["a space before the colon", ["GET / HTTP/1.1\r\nHost : x\r\n\r\n"]],
  ["a control character in a value", ["GET / HTTP/1.1\r\nHost: x\x01y\r\n\r\n"]],
  ["obs-fold", ["GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n"]],
  ["LF without CR", ["GET / HTTP/1.1\r\nHost: x\n\r\n"]],
  ["Content-Length beside Transfer-Encoding", ["POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"]],
  ["a bad method and an unknown version", ["GETS / HTTP/1.1\r\n\r\n"]],
  ["HTTP/3.0", ["GET / HTTP/3.0\r\n\r\n"]],
  ["a head over 16 KiB", ["GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(17000) + "\r\n\r\n"]],
];

describe("node:http heads through the native scanner in an image", () => {
  for (const [name, parts] of CASES) {
    it(`answers as host Node: ${name}`, async () => {
      const [want, got] = await Promise.all([exchange(hostPort, parts), exchange(guestPort, parts)]);
      expect(replies(got)).toEqual(replies(want));
      expect(replies(want).length).toBeGreaterThan(0);
    });
  }

  it("the scanner took the heads whole: requests, and the response the guest read from itself", async () => {
    expect(console).toMatch(/native-head ready: httpHead function, self 200 application\/json/);
    const raw = await exchange(guestPort, ["GET /taken HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]);
    const taken = JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)).taken as { request: number; response: number };
    expect(taken.response).toBe(1);
    expect(taken.request).toBeGreaterThanOrEqual(5);   // one head, the pipelined three (one segment), /self, /taken
  });
});

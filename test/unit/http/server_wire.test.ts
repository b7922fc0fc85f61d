// Server responses on the wire, byte for byte against Node 20's own http server fed the same request bytes:
// status line, header order and framing (Content-Length vs chunked), keep-alive vs close, HEAD, 204/304,
// HTTP/1.0, writeHead forms, trailers, Expect: 100-continue, pipelining, and the canned 400/431 answers.
import { describe, expect, it } from "vitest";
import { both, type Handler } from "./_diff.ts";

/** Runs `fn` after `n` turns of the event loop (an asynchronous handler without timers). */
const later = (n: number, fn: () => void): void => { if (n <= 0) fn(); else setImmediate(() => later(n - 1, fn)); };
const GET = (path = "/", extra = "") => `GET ${path} HTTP/1.1\r\nHost: example\r\n${extra}\r\n`;

const cases: [string, Handler, string | string[], object?][] = [
  ["end(string) sets Content-Length and keep-alive", (_q, s) => s.end("hello"), GET()],
  ["end() with no body: Content-Length: 0", (_q, s) => s.end(), GET()],
  ["write() then end(): chunked encoding", (_q, s) => { s.write("ab"); s.write(Buffer.from("cde")); s.end("f"); }, GET()],
  ["empty write() chunks are not framed", (_q, s) => { s.write(""); s.write("x"); s.end(""); }, GET()],
  ["utf-8 body length in bytes", (_q, s) => s.end("héllo €"), GET()],
  ["statusCode and custom statusMessage", (_q, s) => { s.statusCode = 404; s.statusMessage = "Nope"; s.end("x"); }, GET()],
  ["writeHead(status, headers object)", (_q, s) => { s.writeHead(201, { "Content-Type": "text/plain", "X-A": ["1", "2"] }); s.end("ok"); }, GET()],
  ["writeHead(status, reason, flat array)", (_q, s) => { s.writeHead(200, "Fine", ["X-B", "1", "X-B", "2", "Content-Type", "a/b"]); s.end(); }, GET()],
  ["setHeader merged with writeHead headers", (_q, s) => { s.setHeader("X-Set", "1"); s.setHeader("X-Over", "old"); s.writeHead(200, { "X-Over": "new" }); s.end("b"); }, GET()],
  ["set-cookie array repeats the field", (_q, s) => { s.setHeader("Set-Cookie", ["a=1", "b=2"]); s.end(); }, GET()],
  ["cookie array joins with '; '", (_q, s) => { s.setHeader("Cookie", ["a=1", "b=2"]); s.end(); }, GET()],
  ["appendHeader adds values", (_q, s) => { s.setHeader("X-L", "1"); s.appendHeader("x-l", ["2", "3"]); s.end(); }, GET()],
  ["explicit Content-Length with writes", (_q, s) => { s.setHeader("Content-Length", "6"); s.write("abc"); s.end("def"); }, GET()],
  ["explicit Transfer-Encoding: chunked", (_q, s) => { s.setHeader("Transfer-Encoding", "chunked"); s.end("abc"); }, GET()],
  ["removeHeader('Date') and sendDate", (_q, s) => { s.removeHeader("Date"); s.end("x"); }, GET()],
  ["sendDate = false", (_q, s) => { s.sendDate = false; s.end("x"); }, GET()],
  ["user Date header is kept", (_q, s) => { s.setHeader("Date", "yesterday"); s.end("x"); }, GET()],
  ["Connection: close from the handler", (_q, s) => { s.setHeader("Connection", "close"); s.end("bye"); }, GET()],
  ["request Connection: close → response closes", (_q, s) => s.end("x"), GET("/", "Connection: close\r\n")],
  ["removeHeader('Connection') closes without a header", (_q, s) => { s.removeHeader("Connection"); s.end("x"); }, GET()],
  ["removed Content-Length and Transfer-Encoding: close-delimited", (_q, s) => { s.removeHeader("content-length"); s.removeHeader("transfer-encoding"); s.write("a"); s.end("b"); }, GET()],
  ["HEAD: headers without a body", (_q, s) => s.end("body not sent"), "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"],
  ["HEAD with write(): no chunk framing", (_q, s) => { s.write("x"); s.end(); }, "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"],
  ["204 has no body", (_q, s) => { s.statusCode = 204; s.end("ignored"); }, GET()],
  ["304 has no body", (_q, s) => { s.statusCode = 304; s.end("ignored"); }, GET()],
  ["204 with chunked set: connection closes", (_q, s) => { s.statusCode = 204; s.setHeader("Transfer-Encoding", "chunked"); s.end(); }, GET()],
  ["HTTP/1.0 request: close, no Content-Length", (_q, s) => s.end("old"), "GET / HTTP/1.0\r\n\r\n"],
  ["HTTP/1.0 keep-alive request with explicit length", (_q, s) => { s.setHeader("Content-Length", 2); s.end("ok"); }, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"],
  ["HTTP/1.0 with write(): body until close", (_q, s) => { s.write("a"); s.end("b"); }, "GET / HTTP/1.0\r\n\r\n"],
  ["flushHeaders then end", (_q, s) => { s.flushHeaders(); s.end("late"); }, GET()],
  ["trailers after a chunked body", (_q, s) => { s.setHeader("Trailer", "X-T"); s.write("a"); s.addTrailers({ "X-T": "v", "X-U": ["1", "2"] }); s.end(); }, GET()],
  ["missing Host on HTTP/1.1 → 400", (_q, s) => s.end("x"), "GET / HTTP/1.1\r\n\r\n"],
  ["Expect: 100-continue is answered before the request event", (q, s) => { let n = 0; q.on("data", (d) => { n += d.length; }); q.on("end", () => s.end(String(n))); },
    ["POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", "abc"]],
  ["unknown Expect → 417", (_q, s) => s.end("x"), "GET / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\n\r\n"],
  ["pipelined requests answered in order (later ones answered first)", (q, s) => later(q.url === "/1" ? 6 : 1, () => s.end(q.url)),
    GET("/1") + GET("/2") + GET("/3")],
  ["request body read before answering", (q, s) => { let b = ""; q.setEncoding("utf8"); q.on("data", (d) => { b += d; }); q.on("end", () => s.end(b.toUpperCase())); },
    "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"],
  ["chunked request body with extensions and trailers", (q, s) => { let b = ""; q.on("data", (d) => { b += d; }); q.on("end", () => s.end(`${b}|${JSON.stringify(q.trailers)}`)); },
    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trail: t\r\n\r\n"],
  ["unread request body is discarded, next request served", (q, s) => s.end(q.url), ["POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody", GET("/b")]],
  ["headers folded as Node folds them", (q, s) => s.end(JSON.stringify([q.headers, q.rawHeaders])),
    "GET / HTTP/1.1\r\nHost: h\r\nX-Dup: 1\r\nx-dup: 2\r\nSet-Cookie: a\r\nSet-Cookie: b\r\nCookie: c=1\r\nCookie: d=2\r\nContent-Type: a\r\nContent-Type: b\r\nAuthorization: x\r\nAuthorization: y\r\n\r\n"],
  ["request line fields", (q, s) => s.end(JSON.stringify([q.method, q.url, q.httpVersion, q.httpVersionMajor, q.httpVersionMinor])),
    "DELETE /a/b?c=d%20e HTTP/1.1\r\nHost: h\r\n\r\n"],
  ["header values trimmed, empty values kept", (q, s) => s.end(JSON.stringify(q.rawHeaders)), "GET / HTTP/1.1\r\nHost:   h  \r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n"],
  ["invalid header name → 400", (_q, s) => s.end("x"), "GET / HTTP/1.1\r\nHost: h\r\nBad Name: v\r\n\r\n"],
  ["header line without colon → 400", (_q, s) => s.end("x"), "GET / HTTP/1.1\r\nHost: h\r\nnocolon\r\n\r\n"],
  ["unknown method → 400", (_q, s) => s.end("x"), "FETCH / HTTP/1.1\r\nHost: h\r\n\r\n"],
  ["lower-case method → 400", (_q, s) => s.end("x"), "get / HTTP/1.1\r\nHost: h\r\n\r\n"],
  ["HTTP/2.0 request line is served as llhttp does", (q, s) => s.end(q.httpVersion), "GET / HTTP/2.0\r\nHost: h\r\n\r\n"],
  ["HTTP/0.9 version is served as llhttp does", (q, s) => s.end(q.httpVersion), "GET / HTTP/0.9\r\nHost: h\r\n\r\n"],
  ["HTTP/1.2 → 400", (_q, s) => s.end("x"), "GET / HTTP/1.2\r\nHost: h\r\n\r\n"],
  ["garbage → 400", (_q, s) => s.end("x"), "\x00\x01\x02 hello\r\n\r\n"],
  ["Content-Length and Transfer-Encoding together → 400", (_q, s) => s.end("x"), "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
  ["non-numeric Content-Length → 400", (_q, s) => s.end("x"), "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3x\r\n\r\nabc"],
  ["conflicting Content-Lengths → 400", (_q, s) => s.end("x"), "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"],
  ["bad chunk size → 400", (q, s) => { q.resume(); q.on("end", () => s.end("x")); }, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"],
  ["non-chunked Transfer-Encoding in a request → 400", (q, s) => q.on("end", () => s.end("x")), "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"],
  ["non-chunked Transfer-Encoding fails after a synchronous answer", (_q, s) => s.end("x"), "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"],
  ["'gzip, chunked' request body is read as chunked", (q, s) => { let b = ""; q.on("data", (d) => { b += d; }); q.on("end", () => s.end(b)); },
    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"],
  ["header block over 16 KiB → 431", (_q, s) => s.end("x"), GET("/", `X-Big: ${"a".repeat(17000)}\r\n`)],
  ["many headers over 16 KiB → 431", (_q, s) => s.end("x"), GET("/", "X-H: 0123456789\r\n".repeat(1300))],
  ["many headers under 16 KiB of names and values are fine", (q, s) => s.end(String(q.rawHeaders.length)), GET("/", "X-H: 0123456789\r\n".repeat(1100))],
  ["the limit: 16383 bytes of URL, names and values pass", (q, s) => s.end(String(q.rawHeaders.length)), `GET / HTTP/1.1\r\nHost: h\r\nX-Big: ${"a".repeat(16372)}\r\n\r\n`],
  ["the limit: 16384 bytes → 431", (q, s) => s.end(String(q.rawHeaders.length)), `GET / HTTP/1.1\r\nHost: h\r\nX-Big: ${"a".repeat(16373)}\r\n\r\n`],
  ["the limit applies to a head arriving in pieces", (q, s) => s.end(String(q.rawHeaders.length)),
    ["GET / HTTP/1.1\r\nHost: h\r\n", `X-Big: ${"a".repeat(9000)}\r\n`, `X-Big2: ${"a".repeat(9000)}\r\n`, "\r\n"]],
  ["16 KiB limit counts the URL → 431", (_q, s) => s.end("x"), GET("/" + "u".repeat(17000))],
  ["headers just under the limit are fine", (q, s) => s.end(String(q.headers["x-big"]?.length)), GET("/", `X-Big: ${"a".repeat(15000)}\r\n`)],
  ["header bytes arriving one at a time", (q, s) => s.end(q.url), Array.from(GET("/slow"))],
  ["valid request then garbage: answered, then 400", (q, s) => s.end(q.url), GET("/ok") + "BROKEN\r\n\r\n"],
  ["error response after a request was answered keeps its bytes", (_q, s) => s.end("first"), [GET("/"), "GET / HTTP/1.1\r\nHost: h\r\nX: \x01\r\n\r\n"]],
];

describe("server responses match Node's byte for byte", () => {
  for (const [name, handler, raw, opts] of cases) {
    it(name, async () => {
      const { mine, node } = await both(handler, raw, opts as never);
      expect(mine).toBe(node);
      expect(mine.length).toBeGreaterThan(0);
    });
  }
});

describe("server options and limits match Node", () => {
  it("maxHeadersCount limits the headers object (rawHeaders keeps all)", async () => {
    const r = await both((q, s) => s.end(JSON.stringify([q.headers, q.rawHeaders.length])), GET("/", "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n"), { fields: { maxHeadersCount: 2 } });
    expect(r.mine).toBe(r.node);
    expect(r.mine).toContain('[{"host":"example","a":"1"},10]');
  });

  it("maxHeaderSize option raises the limit", async () => {
    const r = await both((q, s) => s.end(String(q.headers["x-big"]?.length)), GET("/", `X-Big: ${"a".repeat(20000)}\r\n`), { server: { maxHeaderSize: 32768 } });
    expect(r.mine).toBe(r.node);
    expect(r.mine).toContain("\r\n\r\n20000");
  });

  it("requireHostHeader: false serves HTTP/1.1 without Host", async () => {
    const r = await both((_q, s) => s.end("x"), "GET / HTTP/1.1\r\n\r\n", { server: { requireHostHeader: false } });
    expect(r.mine).toBe(r.node);
    expect(r.mine.startsWith("HTTP/1.1 200 OK")).toBe(true);
  });

  it("keepAliveTimeout 0 sends no Keep-Alive header", async () => {
    const r = await both((_q, s) => s.end("x"), GET(), { fields: { keepAliveTimeout: 0 } });
    expect(r.mine).toBe(r.node);
    expect(r.mine).not.toContain("Keep-Alive:");
  });

  it("maxRequestsPerSocket: the last allowed response closes, extras get 503", async () => {
    const r = await both((q, s) => s.end(q.url), GET("/1") + GET("/2") + GET("/3"), { fields: { maxRequestsPerSocket: 2 } });
    expect(r.mine).toBe(r.node);
  });

  it("a 'clientError' listener replaces the default 400", async () => {
    const on = { clientError: (err: Error & { code?: string }, socket: { end(s: string): void }) => socket.end(`HTTP/1.1 418 ${err.code}\r\n\r\n`) };
    const r = await both((_q, s) => s.end("x"), "GET / HTTP/1.1\r\nHost: h\r\nBad Name: v\r\n\r\n", { on: on as never });
    expect(r.mine).toBe(r.node);
    expect(r.mine).toBe("HTTP/1.1 418 HPE_INVALID_HEADER_TOKEN\r\n\r\n");
  });

  it("a 'checkContinue' listener decides about 100 Continue", async () => {
    const on = { checkContinue: (_q: unknown, s: { writeHead(n: number): void; end(b: string): void }) => { s.writeHead(413); s.end("too big"); } };
    const r = await both((_q, s) => s.end("x"), "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\n", { on: on as never });
    expect(r.mine).toBe(r.node);
  });

  it("half-closed client: the response still goes out for a synchronous handler", async () => {
    const r = await both((q, s) => s.end(q.url), GET("/half"), { end: true });
    expect(r.mine).toBe(r.node);
  });

  it("incomplete request then EOF → 400", async () => {
    const r = await both((_q, s) => s.end("x"), "GET / HTTP/1.1\r\nHost: h\r\nX-Partial", { end: true });
    expect(r.mine).toBe(r.node);
  });
});

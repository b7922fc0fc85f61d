// test/bench/http_head_app — a guest micro-benchmark for issue 14: the HTTP parser's cost per request inside an
// image (TCG), with heads through the native scanner (hal.httpHead) and through the TypeScript rules alone, on a
// wrk-like and a browser-like request; best of 5 rounds of 1000, rounds interleaved so host load hits both alike.
// `npx tsx boot/cli.ts boot test/bench/http_head_app/index.ts --tcg --timeout 300s`. Layer: bench (guest app).
import { HttpParser } from "../../../libos/http/parser.ts";
import { setHeadScanner } from "../../../libos/http/native_head.ts";

const REQUESTS: Record<string, string> = {
  wrk: "GET / HTTP/1.1\r\nHost: 10.0.3.2:8080\r\n\r\n",
  browser: "GET /path/to/page?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n" +
    "Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\n" +
    "Connection: keep-alive\r\nCookie: a=1; b=2\r\nUpgrade-Insecure-Requests: 1\r\n\r\n",
};
const N = 1000;
console.log(`hal.httpHead: ${typeof (globalThis as unknown as { hal: { httpHead?: unknown } }).hal.httpHead}`);
for (const [name, text] of Object.entries(REQUESTS)) {
  const buf = Buffer.from(text, "latin1");
  const best: Record<string, number> = { ts: Infinity, native: Infinity };
  for (let round = 0; round < 5; round++) {
    for (const v of ["ts", "native"]) {
      setHeadScanner(v === "native" ? undefined : null);
      let heads = 0;
      const p = new HttpParser("request", { onHead() { heads++; return 0; }, onBody() {}, onComplete() {} }, 16384);
      const t = performance.now();
      for (let i = 0; i < N; i++) p.execute(buf);
      best[v] = Math.min(best[v], (performance.now() - t) / N * 1000);
      if (heads !== N) throw new Error(`${v}: ${heads} heads of ${N}`);
    }
  }
  console.log(`${name}: µs per request, TypeScript heads ${best.ts.toFixed(1)}, native heads ${best.native.toFixed(1)}`);
}

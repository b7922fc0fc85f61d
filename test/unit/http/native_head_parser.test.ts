// test/unit/http/native_head_parser.test.ts — HttpParser with the native head scanner inside (the host build of
// boot/native/http_head.c, as images have it) against HttpParser without (the TypeScript rules alone): the same
// input split the same way across execute() calls must give the same events — heads, body chunks, trailers,
// completions, return values, errors (code, message, bytesParsed), idle/inHead, finish(). Requests (the fuzz
// mutations of _mutate.ts, generated heads with bodies, pipelined) and responses (with and without expectNoBody).
import { beforeAll, describe, expect, it } from "vitest";
import { Buffer } from "../../../libos/buffer/index.ts";
import { HttpParser } from "../../../libos/http/parser.ts";
import { setHeadScanner, type HeadScanner } from "../../../libos/http/native_head.ts";
import { SeededRandom } from "../../sim/prng.ts";
import { mutate, pieces } from "./_mutate.ts";
import { buildHostScanner, mutateResponse, RESPONSES, validRequest, validResponse } from "./_native_head.ts";

let native: HeadScanner;
/** Heads the native scanner took whole (so the comparison is not between two TypeScript runs). */
let taken = 0;
beforeAll(() => {
  const s = buildHostScanner();
  native = {
    httpHead(...a) { const r = s.httpHead(...a); if (r > 0) taken++; return r; },
    httpHeadStrings: (b, o) => s.httpHeadStrings(b, o),
  };
});

function events(parts: string[], kind: "request" | "response", limit: number, scanner: HeadScanner | null, noBody: boolean): string {
  setHeadScanner(scanner);
  const log: unknown[] = [];
  try {
    const p = new HttpParser(kind, {
      onHead(h) { log.push(["head", h]); return h.upgrade ? 2 : 0; },
      onBody(c) { log.push(["body", c.toString("latin1")]); },
      onComplete(t) { log.push(["done", t]); if (noBody) p.expectNoBody(true); },
    }, limit);
    if (noBody) p.expectNoBody(true);
    for (const part of parts) {
      const r = p.execute(Buffer.from(part, "latin1"));
      if (typeof r !== "number") {
        log.push(["error", r.code, r.message, r.bytesParsed, (r.rawPacket as Buffer).toString("latin1")]);
        return JSON.stringify(log);
      }
      log.push(["n", r, p.idle, p.inHead]);
      if (r < part.length) return JSON.stringify(log);
    }
    log.push(["finish", p.finish()?.code ?? null]);
    return JSON.stringify(log);
  } finally {
    setHeadScanner(undefined);
  }
}

function compare(cases: Iterable<[string[], "request" | "response", number, boolean]>): { bad: unknown[]; n: number } {
  const bad: unknown[] = [];
  let n = 0;
  for (const [parts, kind, limit, noBody] of cases) {
    n++;
    const want = events(parts, kind, limit, null, noBody);
    const got = events(parts, kind, limit, native, noBody);
    if (want !== got && bad.length < 3) bad.push({ parts, kind, limit, noBody, want, got });
  }
  return { bad, n };
}

/** A generated request with a body that fits its head (or none), sometimes followed by more. */
function requestStream(r: SeededRandom): string {
  let s = "";
  for (let k = 1 + r.int(3); k > 0; k--) {
    const head = validRequest(r);
    const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
    s += head + (cl ? "b".repeat(Math.min(+cl[1], 40)) : "");
  }
  return s;
}

describe("HttpParser with the native head scanner = HttpParser without", () => {
  it("requests: fuzz mutations and generated streams, split at random (8,000)", () => {
    const r = new SeededRandom(14101);
    taken = 0;
    const res = compare((function* () {
      for (let i = 0; i < 5000; i++) yield [pieces(r, mutate(r)), "request", 16384, false] as [string[], "request", number, boolean];
      for (let i = 0; i < 3000; i++) {
        const s = requestStream(r);
        yield [r.int(3) ? [s] : pieces(r, s), "request", r.int(4) ? 16384 : 40 + r.int(300), false] as [string[], "request", number, boolean];
      }
    })());
    expect(res.bad).toEqual([]);
    expect(taken).toBeGreaterThan(2000);
  });

  it("responses: mutations and generated heads, split at random, with and without a body (4,000)", () => {
    const r = new SeededRandom(14102);
    taken = 0;
    const res = compare((function* () {
      for (let i = 0; i < 2000; i++) {
        const s = r.int(2) ? mutateResponse(r) : RESPONSES[r.int(RESPONSES.length)] + RESPONSES[r.int(RESPONSES.length)];
        yield [r.int(2) ? [s] : pieces(r, s), "response", 16384, r.int(4) === 0] as [string[], "response", number, boolean];
      }
      for (let i = 0; i < 2000; i++) {
        const s = validResponse(r) + "body";
        yield [r.int(2) ? [s] : pieces(r, s), "response", r.int(4) ? 16384 : 20 + r.int(200), r.int(4) === 0] as [string[], "response", number, boolean];
      }
    })());
    expect(res.bad).toEqual([]);
    expect(taken).toBeGreaterThan(1000);
  });

  it("one byte at a time and all at once give the same heads with the scanner (it takes only whole heads)", () => {
    const s = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 0\r\n\r\nGET /c HTTP/1.0\r\n\r\n";
    taken = 0;
    const whole = events([s], "request", 16384, native, false);
    expect(taken).toBe(3);
    expect(events([...s], "request", 16384, native, false).replace(/\["n",1,(true|false),(true|false)\],?/g, "").replace(/,\]$/, "]"))
      .toBe(whole.replace(/\["n",\d+,(true|false),(true|false)\],?/g, "").replace(/,\]$/, "]"));
  });
});

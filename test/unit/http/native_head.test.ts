// test/unit/http/native_head.test.ts — the native head scanner (boot/native/http_head.c, built for the host)
// against the TypeScript rules (libos/http/parser_rules.ts, the definition) on the same bytes fed at once: valid
// heads, the fuzz mutations of _mutate.ts, responses, heads against small and default limits, every prefix of
// sample heads and every single-byte change of a few. Same head fields, or the same error (code, reason and where),
// or both incomplete. Splits across calls and the parser with the scanner inside: native_head_parser.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { METHODS } from "../../../libos/http/constants.ts";
import { HEAD_ERRORS, HH, type HeadScanner } from "../../../libos/http/native_head.ts";
import { SeededRandom } from "../../sim/prng.ts";
import { CORPUS, mutate } from "./_mutate.ts";
import { buildHostScanner, latin1, mutateResponse, RESPONSES, tsOutcome, validRequest, validResponse, type HeadOutcome } from "./_native_head.ts";

let native: HeadScanner;
beforeAll(() => { native = buildHostScanner(); });

const out = new Int32Array(HH.FIELDS + 4 * 4096);

function nativeOutcome(bytes: Uint8Array, response: boolean, limit: number): HeadOutcome {
  const r = native.httpHead(bytes, 0, bytes.length, response ? 1 : 0, limit, out);
  if (r === 0) return { kind: "incomplete" };
  if (r < 0) {
    const [code, reason] = HEAD_ERRORS[-r];
    return { kind: "error", code, message: `Parse Error: ${reason}`, bytesParsed: out[HH.END] };
  }
  const fields = native.httpHeadStrings(bytes, out);
  const text = fields.pop() as string;
  return { kind: "head", method: response ? null : METHODS[out[HH.METHOD]], url: response ? "" : text,
    statusCode: response ? out[HH.METHOD] : null, statusMessage: response ? text : null,
    versionMajor: out[HH.MAJOR], versionMinor: out[HH.MINOR], rawHeaders: fields };
}

/** Runs every case; returns the first mismatches (empty when the two agree everywhere) and outcome counts. */
function differ(cases: Iterable<[string, boolean, number]>): { bad: unknown[]; n: number; kinds: Record<string, number> } {
  const bad: unknown[] = [];
  const kinds: Record<string, number> = {};
  let n = 0;
  for (const [s, response, limit] of cases) {
    n++;
    const bytes = latin1(s);
    const want = tsOutcome(bytes, response, limit);
    const got = nativeOutcome(bytes, response, limit);
    const k = want.kind === "error" ? want.code : want.kind;
    kinds[k] = (kinds[k] ?? 0) + 1;
    if (JSON.stringify(want) !== JSON.stringify(got) && bad.length < 5) bad.push({ input: JSON.stringify(s), response, limit, want, got });
  }
  return { bad, n, kinds };
}

const SAMPLES: [string, boolean][] = [
  ["GET /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n", false],
  ["CONNECT h:1 HTTP/1.0\r\nX: \t v \r\n\r\n", false],
  ["POST * HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", false],
  ["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true],
];

describe("native head scanner = TypeScript rules (one call)", () => {
  it("agrees on valid requests and responses (6,000)", () => {
    const r = new SeededRandom(14001);
    const res = differ((function* () {
      for (let i = 0; i < 4000; i++) yield [validRequest(r), false, 16384] as [string, boolean, number];
      for (let i = 0; i < 2000; i++) yield [validResponse(r), true, 16384] as [string, boolean, number];
    })());
    expect(res.bad).toEqual([]);
    expect(res.kinds.head).toBeGreaterThan(3000);
  });

  it("agrees on fuzz mutations of requests and responses (14,000)", () => {
    const r = new SeededRandom(14002);
    const res = differ((function* () {
      for (let i = 0; i < 10000; i++) yield [mutate(r), false, 16384] as [string, boolean, number];
      for (let i = 0; i < 4000; i++) yield [mutateResponse(r), true, 16384] as [string, boolean, number];
    })());
    expect(res.bad).toEqual([]);
    if (process.env.SHOW_KINDS) console.log(res.kinds);
    expect(Object.keys(res.kinds).length).toBeGreaterThan(8);   // many distinct errors reached, not only heads
  });

  it("agrees on the head-size limit: small limits, and heads near and past 16 KiB (4,050)", () => {
    const r = new SeededRandom(14003);
    const res = differ((function* () {
      for (let i = 0; i < 4000; i++) {
        const response = r.int(3) === 0;
        yield [response ? validResponse(r) : validRequest(r), response, 1 + r.int(r.int(2) ? 60 : 400)] as [string, boolean, number];
      }
      for (let i = 0; i < 50; i++) {
        const big = "v".repeat(16300 + r.int(200));
        const s = `GET /${"p".repeat(r.int(60))} HTTP/1.1\r\nHost: a\r\nX-Big: ${big}\r\n\r\n`;
        yield [r.int(2) ? s : s.slice(0, 16200 + r.int(400)), false, 16384] as [string, boolean, number];
      }
    })());
    expect(res.bad).toEqual([]);
    expect(res.kinds.HPE_HEADER_OVERFLOW).toBeGreaterThan(500);
  });

  it("agrees on every prefix of the corpus heads and of generated ones (partial lines)", () => {
    const r = new SeededRandom(14004);
    const res = differ((function* () {
      for (const s of CORPUS) for (let n = 0; n <= s.length; n++) yield [s.slice(0, n), false, 16384] as [string, boolean, number];
      for (const s of RESPONSES) for (let n = 0; n <= s.length; n++) yield [s.slice(0, n), true, 16384] as [string, boolean, number];
      for (let i = 0; i < 40; i++) {
        const response = i % 4 === 0;
        const s = response ? validResponse(r) : validRequest(r);
        for (let n = 0; n <= s.length; n++) yield [s.slice(0, n), response, 16384] as [string, boolean, number];
      }
    })());
    expect(res.bad).toEqual([]);
    expect(res.n).toBeGreaterThan(2000);
  });

  it("agrees on every single-byte change of sample heads (every position, every byte value)", () => {
    const res = differ((function* () {
      for (const [s, response] of SAMPLES) {
        for (let at = 0; at < s.length; at++) {
          for (let b = 0; b < 256; b++) {
            if (b === s.charCodeAt(at)) continue;
            yield [s.slice(0, at) + String.fromCharCode(b) + s.slice(at + 1), response, 16384] as [string, boolean, number];
          }
        }
      }
    })());
    expect(res.bad).toEqual([]);
    expect(res.n).toBeGreaterThan(40000);
  });

  it("agrees with no limit (maxHeaderSize Infinity) and with the least limits", () => {
    const r = new SeededRandom(14005);
    const res = differ((function* () {
      for (let i = 0; i < 300; i++) {
        const response = r.int(3) === 0;
        const s = response ? validResponse(r) : validRequest(r);
        for (const limit of [Infinity, 1, 2, 0]) yield [s, response, limit] as [string, boolean, number];
      }
      yield [`GET / HTTP/1.1\r\nX: ${"v".repeat(100000)}\r\n\r\n`, false, Infinity] as [string, boolean, number];
    })());
    expect(res.bad).toEqual([]);
  });

  it("knows every method of http.METHODS, and no other", () => {
    for (const m of METHODS) {
      const s = `${m} ${m === "CONNECT" ? "h:1" : "/"} HTTP/1.1\r\n\r\n`;
      expect(nativeOutcome(latin1(s), false, 100)).toMatchObject({ kind: "head", method: m });
      expect(nativeOutcome(latin1(m.toLowerCase() + s.slice(m.length)), false, 100)).toMatchObject({ code: "HPE_INVALID_METHOD" });
    }
  });

  it("hands over spans of the caller's buffer (offsets are absolute) and says when out is too small", () => {
    const s = "junk|GET /x HTTP/1.1\r\nA: 1\r\nB:2\r\n\r\nrest";
    const b = latin1(s);
    const small = new Int32Array(HH.FIELDS + 4);
    expect(native.httpHead(b, 5, b.length, 0, 16384, small)).toBe(-1);       // two headers, room for one
    const r = native.httpHead(b, 5, b.length, 0, 16384, out);
    expect(r).toBe(s.indexOf("rest"));
    expect([...out.slice(0, HH.FIELDS + 8)]).toEqual([r, METHODS.indexOf("GET"), 9, 11, 1, 1, 2, 2 + 4, 0,
      22, 23, 25, 26, 28, 29, 30, 31]);
    expect(native.httpHeadStrings(b, out)).toEqual(["A", "1", "B", "2", "/x"]);
    expect(() => native.httpHead(b, 5, b.length + 1, 0, 16384, out)).toThrow(RangeError);
    const flags = (h: string) => { const b = latin1(`POST / HTTP/1.1\r\n${h}\r\n`); native.httpHead(b, 0, b.length, 0, 100, out); return out[HH.FLAGS]; };
    expect([flags(""), flags("Content-Length: 000\r\n"), flags("content-length: 010\r\n"), flags("Transfer-Encoding: x\r\n"),
      flags("X: 1\r\n")]).toEqual([0, 1, 3, 4, 0]);
  });
});

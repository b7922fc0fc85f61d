// test/unit/http/_native_head.ts — the native head scanner (boot/native/http_head.c) built for the host as a Node
// addon (boot/native/host/http_head_napi.c, with gcc and Node's own headers), and the TypeScript rules' answer for
// the same bytes, for the differential tests in native_head*.test.ts.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Buffer } from "../../../libos/buffer/index.ts";
import { HttpParser, type ParsedHead } from "../../../libos/http/parser.ts";
import { setHeadScanner, type HeadScanner } from "../../../libos/http/native_head.ts";
import { METHODS } from "../../../libos/http/constants.ts";
import { SeededRandom } from "../../sim/prng.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Compiles the scanner for this host (a fresh folder per test file: workers never share one). */
export function buildHostScanner(): HeadScanner {
  const dir = mkdtempSync(join(tmpdir(), "unijs-http-head-"));
  const out = join(dir, "http_head.node");
  const include = join(dirname(process.execPath), "..", "include", "node");
  execFileSync("gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-I", include,
    join(ROOT, "boot/native/host/http_head_napi.c"), join(ROOT, "boot/native/http_head.c"), "-o", out]);
  return createRequire(import.meta.url)(out) as HeadScanner;
}

/** What the TypeScript rules make of `bytes` fed at once as one message's beginning: the head, an error, or neither. */
export type HeadOutcome =
  | { kind: "head"; method: string | null; url: string; statusCode: number | null; statusMessage: string | null;
      versionMajor: number; versionMinor: number; rawHeaders: string[] }
  | { kind: "error"; code: string; message: string; bytesParsed: number }
  | { kind: "incomplete" };

export function tsOutcome(bytes: Uint8Array, response: boolean, limit: number): HeadOutcome {
  setHeadScanner(null);
  let head: ParsedHead | undefined;
  const p = new HttpParser(response ? "response" : "request", {
    onHead(h) { head = h; return 2; },
    onBody() {},
    onComplete() {},
  }, limit);
  const r = p.execute(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  setHeadScanner(undefined);
  if (head) {
    return { kind: "head", method: head.method, url: head.url, statusCode: head.statusCode, statusMessage: head.statusMessage,
      versionMajor: head.versionMajor, versionMinor: head.versionMinor, rawHeaders: head.rawHeaders };
  }
  if (typeof r !== "number") return { kind: "error", code: r.code, message: r.message, bytesParsed: r.bytesParsed };
  return { kind: "incomplete" };
}

/** The bytes of a latin1 string. */
export function latin1(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}


// Generators of heads for the differential tests.
const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const NAMES = ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "content-length", "X-A", "Accept",
  "Cookie", "TRANSFER-ENCODING", "Set-Cookie"];

function pick<T>(r: SeededRandom, a: readonly T[]): T { return a[r.int(a.length)]; }

function token(r: SeededRandom, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += TCHARS[r.int(TCHARS.length)];
  return s;
}

/** A header value: visible ASCII, blanks, obs-text, sometimes padded. */
function value(r: SeededRandom): string {
  let v = "";
  for (let k = r.int(r.int(8) === 0 ? 200 : 25); k > 0; k--) {
    const c = r.int(10);
    v += c === 0 ? " " : c === 1 ? "\t" : c === 2 ? String.fromCharCode(0x80 + r.int(128)) : String.fromCharCode(0x21 + r.int(94));
  }
  return pick(r, ["", " ", "  ", "\t"]) + v + pick(r, ["", "", " ", " \t"]);
}

function headers(r: SeededRandom, response: boolean): string {
  let h = "";
  for (let k = r.int(r.int(10) === 0 ? 40 : 8); k > 0; k--) {
    const name = r.int(3) === 0 ? token(r, 1 + r.int(12)) : pick(r, NAMES);
    const v = /^content-length$/i.test(name) ? pick(r, ["0", "12", " 7 ", "", "18446744073709551615", "18446744073709551616", "007"])
      : /^transfer-encoding$/i.test(name) ? pick(r, ["chunked", "gzip, chunked", "identity"]) : value(r);
    h += `${name}:${v}\r\n`;
    if (response && r.int(20) === 0) h += "Content-Length: 5\r\n";
  }
  return h;
}

export function validRequest(r: SeededRandom): string {
  const method = r.int(3) === 0 ? pick(r, METHODS) : pick(r, ["GET", "POST", "GET"]);
  const target = method === "CONNECT" ? pick(r, ["host:443", "a.b:80", ""]) :
    pick(r, ["/", "*", "/a/b?c=d&e=%20", "http://h/x", "HTTPS://h:1/", "/" + token(r, r.int(40)), "h2c+x.y-z://q"]);
  const version = pick(r, [" HTTP/1.1", " HTTP/1.1", " HTTP/1.0", " HTTP/2.0", " HTTP/0.9", ""]);
  const lead = r.int(8) === 0 ? pick(r, ["\r\n", "\n", "\r\r\n", "\r"]) : "";
  const eol = version === "" && r.int(2) === 0 ? "\n" : "\r\n";
  return `${lead}${method}${" ".repeat(1 + (r.int(6) === 0 ? r.int(3) : 0))}${target}${version}${eol}${headers(r, false)}\r\n`;
}

export function validResponse(r: SeededRandom): string {
  const v = pick(r, ["1.1", "1.1", "1.0", "2.0", "0.9", "3.7"]);
  const code = pick(r, ["200", "204", "101", "304", "404", "999", "000", String(100 + r.int(500))]);
  const reason = pick(r, ["", " OK", " Not Found", "  two", " x\x01y", " \xe9t\xe9", "OK", " " + token(r, r.int(30))]);
  return `${r.int(10) === 0 ? "\r\n" : ""}HTTP/${v} ${code}${reason}\r\n${headers(r, true)}\r\n`;
}

export const RESPONSES = ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok",
  "HTTP/1.0 404 Not Found\r\nServer: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"];

/** A response mutated as _mutate.ts mutates requests: flips, inserted delimiters, deletions, random bytes. */
export function mutateResponse(r: SeededRandom): string {
  let s = pick(r, RESPONSES);
  for (let i = 1 + r.int(3); i > 0; i--) {
    const at = r.int(s.length + 1);
    switch (r.int(4)) {
      case 0: if (s.length) { const p = r.int(s.length); s = s.slice(0, p) + String.fromCharCode(s.charCodeAt(p) ^ (1 << r.int(8))) + s.slice(p + 1); } break;
      case 1: s = s.slice(0, at) + pick(r, ["\r", "\n", "\r\n", ":", " ", "\t", "\0", "\x7f", "\xff", "0", "HTTP/1.1 "]) + s.slice(at); break;
      case 2: s = s.slice(0, at) + s.slice(at + 1 + r.int(8)); break;
      default: s = s.slice(0, at) + String.fromCharCode(r.int(256)) + s.slice(at);
    }
  }
  return s;
}


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

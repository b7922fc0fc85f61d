// libos/buffer/index.ts — `node:buffer`: the `buffer` npm package (Node's Buffer for other runtimes) plus the
// helpers Node's module has around it. The global `Buffer` is injected by the builder only into images whose code
// mentions it (esbuild `inject`, see boot/image/bundle.ts). Layer: libos.
// The path with "/index.js" reaches the npm package itself (the bare name "buffer" resolves to this file).
import * as pkg from "buffer/index.js";
import { platformOrNull } from "../../kernel/platform.ts";

type NodeBuffer = typeof import("node:buffer");

/** Node's Buffer. */
export const Buffer = (pkg as unknown as { Buffer: NodeBuffer["Buffer"] }).Buffer;

/** The engine's text mode for a Node encoding name it converts natively (see boot/native/text.c), or -1. */
function textMode(encoding: unknown): number {
  switch (encoding) {
    case undefined: case "": case "utf8": case "utf-8": return 0;
    case "latin1": case "binary": return 1;
    case "ascii": return 2;
    default: return -1;
  }
}

/**
 * Inside an image, the package's string conversions (a JS loop per character, and an array per string for UTF-8)
 * are replaced by the engine's: Buffer.from(string), Buffer.byteLength, buf.write and buf.toString for UTF-8,
 * Latin-1 and ASCII, with the package's own argument handling. Other encodings, and every call in hosted tests
 * (no platform there), stay with the package.
 */
function useNativeText(B: typeof Buffer): void {
  const hal = platformOrNull();
  if (!hal?.textEncode || !hal.textEncodeInto || !hal.textLength || !hal.textDecode) return;
  const { textEncode, textEncodeInto, textLength, textDecode } = hal;
  type Any = (...args: unknown[]) => unknown;
  const proto = B.prototype as unknown as { [k: string]: Any; toString: Any; toLocaleString: Any };
  const from = B.from as unknown as Any;
  (B as unknown as Record<string, Any>).from = function (this: unknown, value: unknown, encodingOrOffset?: unknown, length?: unknown) {
    if (typeof value === "string") {
      const mode = textMode(encodingOrOffset);
      if (mode >= 0) {
        const ab = textEncode(value, mode === 0 ? 0 : 1);
        return from.call(B, ab, 0, ab.byteLength);
      }
    }
    return from.call(B, value, encodingOrOffset, length);
  };
  const byteLength = B.byteLength as unknown as Any;
  (B as unknown as Record<string, Any>).byteLength = function (value: unknown, encoding?: unknown) {
    if (typeof value === "string") {
      const mode = textMode(encoding);
      if (mode === 0) return textLength(value);
      if (mode > 0) return value.length;
    }
    return byteLength(value, encoding);
  };
  const write = proto.write;
  proto.write = function (this: Uint8Array, string: unknown, offset?: unknown, length?: unknown, encoding?: unknown) {
    if (typeof string !== "string") return write.apply(this, arguments as unknown as unknown[]);
    let off: number, len: number | undefined, enc: unknown;
    if (offset === undefined) { off = 0; len = undefined; enc = "utf8"; }
    else if (length === undefined && typeof offset === "string") { off = 0; len = undefined; enc = offset; }
    else if (isFinite(offset as number)) {
      off = (offset as number) >>> 0;
      if (isFinite(length as number)) { len = (length as number) >>> 0; enc = encoding; }
      else { len = undefined; enc = length; }
    } else return write.apply(this, arguments as unknown as unknown[]);   // the package's error
    const mode = textMode(enc);
    const remaining = this.length - off;
    if (mode < 0 || (string.length > 0 && (remaining < 0 || off > this.length))) return write.apply(this, arguments as unknown as unknown[]);
    if (len === undefined || len > remaining) len = remaining;
    return textEncodeInto(string, this, off, off + len, mode === 0 ? 0 : 1);
  };
  const toString: Any = proto.toString;
  proto.toString = function (this: Uint8Array, encoding?: unknown, start?: unknown, end?: unknown) {
    const mode = textMode(encoding);
    if (mode < 0) return toString.apply(this, arguments as unknown as unknown[]);
    const n = this.length;
    let s = start === undefined || (start as number) < 0 ? 0 : (start as number);
    if (s > n) return "";
    let e = end === undefined || (end as number) > n ? n : (end as number);
    if (e <= 0) return "";
    e >>>= 0;
    s >>>= 0;
    if (e <= s) return "";
    return textDecode(this, s, e, mode);
  };
  proto.toLocaleString = proto.toString;
}
useNativeText(Buffer);
export const SlowBuffer = (pkg as unknown as { SlowBuffer: NodeBuffer["SlowBuffer"] }).SlowBuffer;
export const INSPECT_MAX_BYTES = 50;
export const kMaxLength = (pkg as unknown as { kMaxLength: number }).kMaxLength;
export const kStringMaxLength = (1 << 29) - 24;
export const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };

/** Base64 of a Latin-1 string (the web's btoa; throws on code points above 255, as Node does). */
export function btoa(input: string): string {
  const s = String(input);
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 255) throw Object.assign(new Error("Invalid character"), { name: "InvalidCharacterError" });
  }
  return Buffer.from(s, "latin1").toString("base64");
}

/** Decodes base64 to a Latin-1 string (the web's atob). */
export function atob(input: string): string {
  const s = String(input).replace(/[\t\n\f\r ]/g, "");
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/=]/.test(s)) {
    throw Object.assign(new Error("The string to be decoded is not correctly encoded."), { name: "InvalidCharacterError" });
  }
  return Buffer.from(s, "base64").toString("latin1");
}

export default { Buffer, SlowBuffer, INSPECT_MAX_BYTES, kMaxLength, kStringMaxLength, constants, atob, btoa };

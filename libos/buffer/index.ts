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

/** The engine's encoder once useNativeText found it (null in hosted runs). */
let engineEncode: ((s: string, mode: number) => ArrayBuffer) | null = null;

/**
 * `s` encoded by the engine as Buffer.from(s, encoding) would encode it, as a plain Uint8Array without the Buffer
 * layers (a socket's write path), or null when the engine does not convert that encoding or there is no engine.
 */
export function encodeTextNative(s: string, encoding: unknown): Uint8Array | null {
  if (engineEncode === null) return null;
  const mode = textMode(encoding);
  return mode < 0 ? null : new Uint8Array(engineEncode(s, mode === 0 ? 0 : 1));
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
  engineEncode = textEncode;
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
completeBuffer(Buffer);

/**
 * What Node 20's Buffer has and the package lacks: the `base64url` encoding, the `readBigUint64*` spellings, the
 * `*Slice`/`*Write` methods some libraries call, `Buffer.of`/`copyBytesFrom` returning Buffers, and comparisons at
 * native speed inside an image (two Latin-1 strings compare byte for byte in the engine; the package loops in JS).
 */
function completeBuffer(B: typeof Buffer): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Any = (this: any, ...args: any[]) => any;
  const proto = B.prototype as unknown as Record<string, Any>;
  const statics = B as unknown as Record<string, Any>;
  const hal = platformOrNull();
  const decode = hal?.textDecode?.bind(hal);

  // base64url: RFC 4648 §5 without padding, as Node writes it (it accepts either alphabet and padding on input).
  const toB64 = (s: string) => s.replace(/-/g, "+").replace(/_/g, "/");
  const toB64url = (s: string) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const isUrl = (e: unknown) => typeof e === "string" && e.toLowerCase() === "base64url";
  const from = statics.from;
  statics.from = function (this: unknown, value: unknown, enc?: unknown, len?: unknown) {
    return typeof value === "string" && isUrl(enc) ? from.call(B, toB64(value), "base64") : from.call(B, value, enc, len);
  };
  const byteLength = statics.byteLength;
  statics.byteLength = function (value: unknown, enc?: unknown) {
    return typeof value === "string" && isUrl(enc) ? byteLength(toB64(value), "base64") : byteLength(value, enc);
  };
  const isEncoding = statics.isEncoding;
  statics.isEncoding = (enc: unknown) => isUrl(enc) || (isEncoding(enc) as boolean);
  const toString = proto["toString"] as Any;
  proto.toString = function (this: Uint8Array, enc?: unknown, start?: unknown, end?: unknown) {
    return isUrl(enc) ? toB64url(toString.call(this, "base64", start, end) as string) : toString.apply(this, arguments as unknown as unknown[]);
  };
  const write = proto.write;
  proto.write = function (this: Uint8Array, str: unknown, a?: unknown, b?: unknown, c?: unknown) {
    if (typeof str === "string") {
      if (isUrl(a)) return write.call(this, toB64(str), "base64");
      if (isUrl(b)) return write.call(this, toB64(str), a, "base64");
      if (isUrl(c)) return write.call(this, toB64(str), a, b, "base64");
    }
    return write.apply(this, arguments as unknown as unknown[]);
  };

  for (const [alias, name] of [["readBigUint64LE", "readBigUInt64LE"], ["readBigUint64BE", "readBigUInt64BE"],
    ["writeBigUint64LE", "writeBigUInt64LE"], ["writeBigUint64BE", "writeBigUInt64BE"]]) proto[alias] ??= proto[name];
  for (const enc of ["ascii", "base64", "base64url", "latin1", "hex", "ucs2", "utf8"]) {
    proto[`${enc}Slice`] ??= function (this: Uint8Array, start?: number, end?: number) {
      return (proto["toString"] as Any).call(this, enc, start, end);
    };
    proto[`${enc}Write`] ??= function (this: Uint8Array, str: string, offset?: number, length?: number) {
      return proto.write.call(this, str, offset ?? 0, length ?? this.length - (offset ?? 0), enc);
    };
  }
  statics.of = function (...items: number[]) {
    return from.call(B, items);
  };
  statics.copyBytesFrom = function (view: ArrayBufferView, offset = 0, length?: number) {
    const bpe = (view as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
    const count = length ?? (view as unknown as { length: number }).length - offset;
    const bytes = new Uint8Array(view.buffer, view.byteOffset + offset * bpe, Math.max(0, count) * bpe);
    return from.call(B, bytes.slice());
  };

  // Byte comparison through Latin-1 strings: code units are the byte values, so string order is byte order.
  const bytesCompare = (a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number => {
    if (decode && ae - as + be - bs > 64) {
      const x = decode(a, as, ae, 1), y = decode(b, bs, be, 1);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const n = Math.min(ae - as, be - bs);
    for (let i = 0; i < n; i++) if (a[as + i] !== b[bs + i]) return a[as + i] < b[bs + i] ? -1 : 1;
    return ae - as < be - bs ? -1 : ae - as > be - bs ? 1 : 0;
  };
  const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
  const compare = statics.compare;
  statics.compare = function (a: unknown, b: unknown) {
    if (!isBytes(a) || !isBytes(b)) return compare(a, b);          // the package's argument errors
    return a === b ? 0 : bytesCompare(a, 0, a.length, b, 0, b.length);
  };
  const equals = proto.equals;
  proto.equals = function (this: Uint8Array, b: unknown) {
    if (!isBytes(b)) return equals.call(this, b);
    return this === b || (this.length === b.length && bytesCompare(this, 0, this.length, b, 0, b.length) === 0);
  };
  const protoCompare = proto.compare;
  proto.compare = function (this: Uint8Array, target: unknown) {
    if (!isBytes(target) || arguments.length > 1) return protoCompare.apply(this, arguments as unknown as unknown[]);
    return bytesCompare(this, 0, this.length, target, 0, target.length);
  };
}
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

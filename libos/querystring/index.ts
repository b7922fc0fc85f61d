// libos/querystring/index.ts — `node:querystring`, written to Node 20's behaviour (querystring-es3 is an old copy
// that throws on "%zz", has no escape/unescape and no options.encodeURIComponent): parse/decode with maxKeys,
// custom separators and a decoder that never throws on bad escapes; stringify/encode; escape; unescape;
// unescapeBuffer. Layer: libos. Depends on libos/buffer, libos/util/utf8.ts.

import { Buffer } from "../buffer/index.ts";
import { utf8Decode } from "../util/utf8.ts";

export interface ParseOptions {
  /** Pairs read at most (default 1000; 0 for no limit). */
  maxKeys?: number;
  /** Decoder for names and values (default unescape). */
  decodeURIComponent?: (s: string) => string;
}

export interface StringifyOptions {
  /** Encoder for names and values (default escape). */
  encodeURIComponent?: (s: string) => string;
}

export type ParsedUrlQuery = Record<string, string | string[]>;

const hexVal = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/** Percent-decodes `s` byte by byte ("%zz" stays); `decodeSpaces` turns "+" into a space. */
export function unescapeBuffer(s: string, decodeSpaces = false): Buffer {
  const src = Buffer.from(String(s));
  const out = Buffer.alloc(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === 0x25 && i + 2 < src.length) {
      const h = hexVal(src[i + 1]), l = hexVal(src[i + 2]);
      if (h >= 0 && l >= 0) { out[n++] = h * 16 + l; i += 2; continue; }
    }
    out[n++] = decodeSpaces && b === 0x2b ? 0x20 : b;
  }
  return out.subarray(0, n) as Buffer;
}

/** decodeURIComponent, falling back to byte-wise decoding (invalid UTF-8 → U+FFFD) instead of throwing. */
export function unescape(s: string, decodeSpaces = false): string {
  try {
    return decodeURIComponent(s);
  } catch {
    const b = unescapeBuffer(s, decodeSpaces);
    return utf8Decode(b).text;
  }
}

/** encodeURIComponent as Node's querystring does it (throws URIError for lone surrogates). */
export function escape(s: unknown): string {
  const str = typeof s === "string" ? s : String(s);
  try {
    return encodeURIComponent(str);
  } catch {
    throw Object.assign(new URIError("URI malformed"), { code: "ERR_INVALID_URI" });
  }
}

function decodeStr(s: string, decoder: (s: string) => string): string {
  try { return decoder(s); } catch { return unescape(s, true); }
}

/**
 * Parses "a=1&b=2&a=3" into { a: ["1", "3"], b: "2" } (a null-prototype object). Never throws on bad escapes.
 * @example parse("w=%D6%D0&foo=bar") // { w: "中", foo: "bar" } (with a suitable decoder)
 */
export function parse(qs: unknown, sep?: string | null, eq?: string | null, options?: ParseOptions): ParsedUrlQuery {
  const obj = Object.create(null) as ParsedUrlQuery;
  if (typeof qs !== "string" || qs.length === 0) return obj;
  const s = sep ? String(sep) : "&";
  const e = eq ? String(eq) : "=";
  const maxKeys = options && typeof options.maxKeys === "number" ? options.maxKeys : 1000;
  const decode = options && typeof options.decodeURIComponent === "function" ? options.decodeURIComponent : unescape;
  let pairs = qs.split(s);
  if (maxKeys > 0 && pairs.length > maxKeys) pairs = pairs.slice(0, maxKeys);
  for (const pair of pairs) {
    if (pair.length === 0) continue;
    const at = pair.indexOf(e);
    let key = at === -1 ? pair : pair.slice(0, at);
    let value = at === -1 ? "" : pair.slice(at + e.length);
    key = key.replace(/\+/g, " ");
    value = value.replace(/\+/g, " ");
    if (decode !== unescape || key.indexOf("%") !== -1) key = decodeStr(key, decode);
    if (decode !== unescape || value.indexOf("%") !== -1) value = decodeStr(value, decode);
    const prev = obj[key];
    if (prev === undefined) obj[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else obj[key] = [prev, value];
  }
  return obj;
}

function stringifyPrimitive(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" && isFinite(v)) return "" + v;
  if (typeof v === "bigint") return "" + v;
  if (typeof v === "boolean") return v ? "true" : "false";
  return "";
}

/**
 * Serialises an object as "a=1&a=2&b=x%20y" (arrays repeat the key; other non-primitives become "").
 * @example stringify({ foo: "bar", baz: ["qux", "quux"] }) // "foo=bar&baz=qux&baz=quux"
 */
export function stringify(obj: unknown, sep?: string | null, eq?: string | null, options?: StringifyOptions): string {
  const s = sep || "&";
  const e = eq || "=";
  const custom = options && typeof options.encodeURIComponent === "function" ? options.encodeURIComponent : null;
  const convert = (v: unknown): string => {
    if (custom) return custom(stringifyPrimitive(v));
    if (typeof v === "string") return v.length ? escape(v) : "";
    if (typeof v === "number" && isFinite(v)) return Math.abs(v) < 1e21 ? "" + v : escape("" + v);
    return stringifyPrimitive(v);
  };
  if (obj === null || typeof obj !== "object") return "";
  let fields = "";
  for (const k of Object.keys(obj)) {
    const v = (obj as Record<string, unknown>)[k];
    const ks = convert(k) + e;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      if (fields) fields += s;
      for (let j = 0; j < v.length; j++) fields += (j ? s : "") + ks + convert(v[j]);
    } else {
      if (fields) fields += s;
      fields += ks + convert(v);
    }
  }
  return fields;
}

export const decode = parse;
export const encode = stringify;

export default { parse, stringify, decode, encode, escape, unescape, unescapeBuffer };

// libos/url/percent.ts — the WHATWG URL standard's percent-encode sets and UTF-8 percent-encoding/decoding.
// Layer: libos. Depends on libos/util/utf8.ts.

import { utf8Decode, utf8Encode } from "../util/utf8.ts";

/** A percent-encode set: true for the code points (< 128) that are encoded; all of 128+ are always encoded. */
export type EncodeSet = (c: number) => boolean;

const isC0 = (c: number) => c < 0x20 || c > 0x7e;
/** C0 controls and everything above U+007E. */
export const C0_CONTROL: EncodeSet = isC0;
/** The fragment set: C0 + space " < > `. */
export const FRAGMENT: EncodeSet = (c) => isC0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
/** The query set: C0 + space " # < >. */
export const QUERY: EncodeSet = (c) => isC0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
/** The special-query set: query + '. */
export const SPECIAL_QUERY: EncodeSet = (c) => QUERY(c) || c === 0x27;
/** The path set: query + ? ` { } (Node 20 leaves ^ as is). */
export const PATH: EncodeSet = (c) => QUERY(c) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d;
/** The userinfo set: path + / : ; = @ [ \ ] | ^. */
export const USERINFO: EncodeSet = (c) => PATH(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 ||
  (c >= 0x5b && c <= 0x5e) || c === 0x7c;
/** The component set: userinfo + $ % & + ,. */
export const COMPONENT: EncodeSet = (c) => USERINFO(c) || (c >= 0x24 && c <= 0x26) || c === 0x2b || c === 0x2c;
/** The application/x-www-form-urlencoded set: component + ! ' ( ) ~. */
export const FORM: EncodeSet = (c) => COMPONENT(c) || c === 0x21 || (c >= 0x27 && c <= 0x29) || c === 0x7e;

const HEX = "0123456789ABCDEF";

/** "%XX" for a byte. */
export const pct = (b: number) => "%" + HEX[b >> 4] + HEX[b & 15];

/** Percent-encodes the characters of `s` that are in `set` (non-ASCII as their UTF-8 bytes). */
export function percentEncode(s: string, set: EncodeSet, spaceAsPlus = false): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80 && !set(c) && !(spaceAsPlus && c === 0x20)) continue;
    out += s.slice(start, i);
    if (c < 0x80) {
      out += spaceAsPlus && c === 0x20 ? "+" : pct(c);
      start = i + 1;
      continue;
    }
    let j = i + 1;
    if (c >= 0xd800 && c <= 0xdbff && j < s.length && (s.charCodeAt(j) & 0xfc00) === 0xdc00) j++;
    for (const b of utf8Encode(s.slice(i, j))) out += pct(b);
    i = j - 1;
    start = j;
  }
  return start === 0 ? s : out + s.slice(start);
}

const hexVal = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/** Percent-decodes `s` to bytes ("%zz" and a lone "%" stay as they are); `plus` turns + into space first. */
export function percentDecodeBytes(s: string, plus = false): Uint8Array {
  const bytes = utf8Encode(s);
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < bytes.length) {
      const h = hexVal(bytes[i + 1]), l = hexVal(bytes[i + 2]);
      if (h >= 0 && l >= 0) { out[n++] = (h << 4) | l; i += 2; continue; }
    }
    out[n++] = plus && b === 0x2b ? 0x20 : b;
  }
  return out.subarray(0, n);
}

/** Percent-decodes `s` and reads the bytes as UTF-8 (invalid sequences become U+FFFD). */
export function percentDecode(s: string, plus = false): string {
  if (s.indexOf("%") === -1 && !(plus && s.indexOf("+") !== -1)) return s;
  const b = percentDecodeBytes(s, plus);
  return utf8Decode(b).text;
}

// libos/util/utf8.ts — UTF-8 encoding and decoding by hand (QuickJS has no TextEncoder/TextDecoder): encode
// turns lone surrogates into U+FFFD; decode replaces each maximal invalid subsequence with U+FFFD (the WHATWG
// Encoding standard's rule, so results match Node's TextDecoder). Inside an image the engine's native conversions
// (hal.textEncode/textLength/textDecode, boot/native/text.c: the same rules) do the common cases.
// Layer: libos. Depends on kernel/platform.ts.
import { platformOrNull } from "../../kernel/platform.ts";

type Native = { encode(s: string, mode: number): ArrayBuffer; length(s: string): number; decode(b: Uint8Array, s: number, e: number, mode: number): string };
let native: Native | null | undefined;

function nativeText(): Native | null {
  if (native !== undefined) return native;
  const p = platformOrNull();
  return (native = p?.textEncode && p.textLength && p.textDecode
    ? { encode: p.textEncode.bind(p), length: p.textLength.bind(p), decode: p.textDecode.bind(p) } : null);
}

/** UTF-8 bytes of `s` (lone surrogates become EF BF BD). */
export function utf8Encode(s: string): Uint8Array {
  const n = nativeText();
  return n ? new Uint8Array(n.encode(s, 0)) : utf8EncodeTs(s);
}

/** The UTF-8 length of `s` in bytes. */
export function utf8Length(s: string): number {
  const nt = nativeText();
  return nt ? nt.length(s) : utf8LengthTs(s);
}

/** utf8Encode's TypeScript definition (what the native conversion is checked against). */
export function utf8EncodeTs(s: string): Uint8Array {
  const out = new Uint8Array(utf8LengthTs(s));
  utf8EncodeInto(s, out);
  return out;
}

/** utf8Length's TypeScript definition. */
export function utf8LengthTs(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** Writes as much of `s` as fits whole into `dest`; returns code units read and bytes written. */
export function utf8EncodeInto(s: string, dest: Uint8Array): { read: number; written: number } {
  let w = 0;
  let i = 0;
  for (; i < s.length; i++) {
    let c = s.charCodeAt(i);
    let units = 1;
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (d & 0xfc00) === 0xdc00) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); units = 2; }
      else c = 0xfffd;
    }
    const need = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (w + need > dest.length) break;
    if (need === 1) dest[w++] = c;
    else if (need === 2) { dest[w++] = 0xc0 | (c >> 6); dest[w++] = 0x80 | (c & 63); }
    else if (need === 3) { dest[w++] = 0xe0 | (c >> 12); dest[w++] = 0x80 | ((c >> 6) & 63); dest[w++] = 0x80 | (c & 63); }
    else {
      dest[w++] = 0xf0 | (c >> 18); dest[w++] = 0x80 | ((c >> 12) & 63);
      dest[w++] = 0x80 | ((c >> 6) & 63); dest[w++] = 0x80 | (c & 63);
    }
    i += units - 1;
  }
  return { read: i, written: w };
}

/**
 * Decodes UTF-8 `bytes[start, end)`. Returns the text and, when `stream` is set, how many trailing bytes form an
 * incomplete sequence (left for the next call). With `fatal`, invalid input throws a TypeError instead.
 */
export function utf8Decode(bytes: Uint8Array, start = 0, end = bytes.length, fatal = false, stream = false): { text: string; pending: number } {
  const nt = !fatal && !stream ? nativeText() : null;
  return nt ? { text: nt.decode(bytes, start, end, 0), pending: 0 } : utf8DecodeTs(bytes, start, end, fatal, stream);
}

/** utf8Decode's TypeScript definition (what the native conversion is checked against). */
export function utf8DecodeTs(bytes: Uint8Array, start = 0, end = bytes.length, fatal = false, stream = false): { text: string; pending: number } {
  let out = "";
  const parts: string[] = [];
  let codes: number[] = [];
  const bad = () => {
    if (fatal) throw Object.assign(new TypeError("The encoded data was not valid for encoding utf-8"), { code: "ERR_ENCODING_INVALID_ENCODED_DATA" });
    codes.push(0xfffd);
  };
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) { codes.push(b); i++; }
    else {
      let need = 0, cp = 0, lo = 0x80, hi = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0xf; if (b === 0xe0) lo = 0xa0; if (b === 0xed) hi = 0x9f; }
      else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 0x7; if (b === 0xf0) lo = 0x90; if (b === 0xf4) hi = 0x8f; }
      else { bad(); i++; continue; }
      let j = 1;
      for (; j <= need; j++) {
        if (i + j >= end) break;
        const c = bytes[i + j];
        if (c < lo || c > hi) break;
        lo = 0x80; hi = 0xbf;
        cp = (cp << 6) | (c & 0x3f);
      }
      if (j > need) {
        if (cp >= 0x10000) { cp -= 0x10000; codes.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff)); }
        else codes.push(cp);
        i += need + 1;
      } else if (i + j >= end && stream) {
        break;                                             // incomplete at the end: keep for the next chunk
      } else {
        bad();
        i += j;
      }
    }
    if (codes.length > 8192) { parts.push(String.fromCharCode.apply(null, codes)); codes = []; }
  }
  parts.push(String.fromCharCode.apply(null, codes));
  out = parts.join("");
  return { text: out, pending: end - i };
}

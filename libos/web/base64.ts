// libos/web/base64.ts — Node 20's atob and btoa (forgiving base64 as the HTML spec defines it): ASCII whitespace
// ignored, padding optional, DOMException InvalidCharacterError with Node's two messages, ERR_MISSING_ARGS.
// Layer: libos (web). Depends on libos/web/{_util,dom_exception}.ts.
import { missingArgs } from "./_util.ts";
import { DOMException } from "./dom_exception.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

const invalid = () => new DOMException("Invalid character", "InvalidCharacterError");

/** Decodes base64 into a "binary string" (one char per byte), checking as Node 20 does (forgiving-base64). */
export function atob(input: string): string {
  if (arguments.length === 0) throw missingArgs("input");
  const s = `${input}`;
  let significant = 0, equals = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20) continue;
    significant++;
    if (c === 0x3d) {
      if (++equals > 2) throw invalid();                 // at most two "="
    } else if ((c < 128 ? VALUE[c] : -1) < 0 || equals) {
      throw invalid();                                   // not base64, or a character after "="
    }
  }
  let rest = significant % 4;
  if (rest === 0) rest = (significant - equals) % 4;
  else if (equals) throw invalid();
  if (rest === 1) throw new DOMException("The string to be decoded is not correctly encoded.", "InvalidCharacterError");
  let out = "";
  let acc = 0, bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? VALUE[c] : -1;
    if (v < 0) continue;                                 // whitespace and "="
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 0xff);
    }
  }
  return out;
}

/** Encodes a "binary string" (every char ≤ U+00FF) as base64. */
export function btoa(input: string): string {
  if (arguments.length === 0) throw missingArgs("input");
  const s = `${input}`;
  let out = "";
  for (let i = 0; i < s.length; i += 3) {
    const a = s.charCodeAt(i), b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0, c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
    if (a > 255 || b > 255 || c > 255) throw invalid();
    const n = (a << 16) | (b << 8) | c;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] +
      (i + 1 < s.length ? ALPHABET[(n >> 6) & 63] : "=") + (i + 2 < s.length ? ALPHABET[n & 63] : "=");
  }
  return out;
}

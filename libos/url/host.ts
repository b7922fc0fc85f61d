// libos/url/host.ts — the WHATWG URL host parser and serializer: domains (IDNA to ASCII, simplified: NFKC +
// lower case + Punycode, no UTS 46 mapping table), IPv4 in all its legacy forms (0x7f.1, 2130706433, 0177.0.0.1),
// IPv6 with compression and embedded IPv4, and opaque hosts of non-special schemes. Layer: libos.

import { C0_CONTROL, percentDecode, percentEncode } from "./percent.ts";
import { punycodeDecode, punycodeEncode } from "./punycode.ts";

/** Host parsing failed (the URL is invalid). */
export const HOST_FAILURE = null;

const FORBIDDEN_HOST = /[\x00\t\n\r #/:<>?@[\\\]^|]/;
const FORBIDDEN_DOMAIN = /[\x00-\x20#%/:<>?@[\\\]^|\x7f]/;

/** Serialises an IPv4 address (a 32-bit number). */
export function serializeIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function parseIpv4Number(s: string): number | null {
  if (s === "") return null;
  let radix = 10;
  if (s.length >= 2 && (s.slice(0, 2) === "0x" || s.slice(0, 2) === "0X")) { s = s.slice(2); radix = 16; }
  else if (s.length >= 2 && s[0] === "0") { s = s.slice(1); radix = 8; }
  if (s === "") return 0;
  const re = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!re.test(s)) return null;
  return parseInt(s, radix);
}

/** True if the last label of `domain` is a number (then the host must parse as IPv4). */
function endsInNumber(domain: string): boolean {
  const parts = domain.split(".");
  if (parts[parts.length - 1] === "") {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1];
  if (/^[0-9]+$/.test(last)) return true;
  return /^0[xX][0-9a-fA-F]*$/.test(last);
}

/** Parses an IPv4 host; null if invalid. */
export function parseIpv4(input: string): number | null {
  const parts = input.split(".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
  if (parts.length > 4) return null;
  const nums: number[] = [];
  for (const p of parts) {
    const n = parseIpv4Number(p);
    if (n === null) return null;
    nums.push(n);
  }
  for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) return null;
  if (nums[nums.length - 1] >= Math.pow(256, 5 - nums.length)) return null;
  let ipv4 = nums[nums.length - 1];
  for (let i = 0; i < nums.length - 1; i++) ipv4 += nums[i] * Math.pow(256, 3 - i);
  return ipv4;
}

/** Parses an IPv6 address (without brackets) to 8 pieces; null if invalid. */
export function parseIpv6(input: string): number[] | null {
  const a = [0, 0, 0, 0, 0, 0, 0, 0];
  let piece = 0, compress = -1, p = 0;
  const c = (i: number) => (i < input.length ? input.charCodeAt(i) : -1);
  const isHex = (x: number) => (x >= 48 && x <= 57) || (x >= 65 && x <= 70) || (x >= 97 && x <= 102);
  if (c(p) === 58) {
    if (c(p + 1) !== 58) return null;
    p += 2;
    compress = ++piece;
  }
  while (c(p) !== -1) {
    if (piece === 8) return null;
    if (c(p) === 58) {
      if (compress !== -1) return null;
      p++;
      compress = ++piece;
      continue;
    }
    let value = 0, length = 0;
    while (length < 4 && isHex(c(p))) { value = value * 16 + parseInt(input[p], 16); p++; length++; }
    if (c(p) === 46) {
      if (length === 0) return null;
      p -= length;
      if (piece > 6) return null;
      let seen = 0;
      while (c(p) !== -1) {
        let v4: number | null = null;
        if (seen > 0) {
          if (c(p) === 46 && seen < 4) p++;
          else return null;
        }
        if (!(c(p) >= 48 && c(p) <= 57)) return null;
        while (c(p) >= 48 && c(p) <= 57) {
          const n = c(p) - 48;
          if (v4 === null) v4 = n;
          else if (v4 === 0) return null;
          else v4 = v4 * 10 + n;
          if (v4 > 255) return null;
          p++;
        }
        a[piece] = a[piece] * 256 + (v4 as number);
        seen++;
        if (seen === 2 || seen === 4) piece++;
      }
      if (seen !== 4) return null;
      break;
    } else if (c(p) === 58) {
      p++;
      if (c(p) === -1) return null;
    } else if (c(p) !== -1) {
      return null;
    }
    a[piece] = value;
    piece++;
  }
  if (compress !== -1) {
    let swaps = piece - compress;
    piece = 7;
    while (piece !== 0 && swaps > 0) {
      const t = a[compress + swaps - 1];
      a[compress + swaps - 1] = a[piece];
      a[piece] = t;
      piece--;
      swaps--;
    }
  } else if (piece !== 8) {
    return null;
  }
  return a;
}

/** Serialises 8 IPv6 pieces: lower-case hex, the first longest run (2+) of zeros compressed to "::". */
export function serializeIpv6(a: number[]): string {
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (a[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && a[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  let out = "";
  let ignore0 = false;
  for (let i = 0; i < 8; i++) {
    if (ignore0 && a[i] === 0) continue;
    ignore0 = false;
    if (best === i) {
      out += i === 0 ? "::" : ":";
      ignore0 = true;
      continue;
    }
    out += a[i].toString(16);
    if (i !== 7) out += ":";
  }
  return out;
}

/** Domain to ASCII (simplified UTS 46): NFKC, lower case, IDEOGRAPHIC/FULLWIDTH dots, Punycode; null if invalid. */
export function domainToAscii(domain: string): string | null {
  let d = domain;
  if (/[^\x00-\x7f]/.test(d)) {
    d = d.normalize("NFKC").toLowerCase().replace(/[\u3002\uff0e\uff61]/g, ".");
    // Default-ignorable code points UTS 46 maps to nothing.
    d = d.replace(/[\u00ad\u200b\u2060\ufeff\u200c\u200d\u034f\u180b-\u180d\ufe00-\ufe0f]/g, "");
  } else {
    d = d.toLowerCase();
  }
  const labels = d.split(".");
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label.slice(0, 4) === "xn--") {
      try {
        const u = punycodeDecode(label.slice(4));
        if (u === "" || !/[^\x00-\x7f]/.test(u) || u !== u.normalize("NFC") || u.toLowerCase() !== u) return null;
      } catch {
        return null;
      }
    } else if (/[^\x00-\x7f]/.test(label)) {
      try { labels[i] = "xn--" + punycodeEncode(label); } catch { return null; }
    }
  }
  const out = labels.join(".");
  return out === "" && domain !== "" ? null : out;
}

/** Domain to Unicode: decodes "xn--" labels (invalid ones are kept as they are). */
export function domainToUnicode(domain: string): string {
  return domain.toLowerCase().split(".").map((label) => {
    if (label.slice(0, 4) !== "xn--") return label;
    try { return punycodeDecode(label.slice(4)); } catch { return label; }
  }).join(".");
}

/** The WHATWG host parser: a serialised host, or null on failure. `special`: the scheme is special. */
export function parseHost(input: string, special: boolean): string | null {
  if (input[0] === "[") {
    if (input[input.length - 1] !== "]") return null;
    const v6 = parseIpv6(input.slice(1, -1));
    return v6 ? "[" + serializeIpv6(v6) + "]" : null;
  }
  if (!special) {
    if (FORBIDDEN_HOST.test(input)) return null;
    return percentEncode(input, C0_CONTROL);
  }
  const domain = percentDecode(input);
  const ascii = domainToAscii(domain);
  if (ascii === null || ascii === "" || FORBIDDEN_DOMAIN.test(ascii)) return null;
  if (endsInNumber(ascii)) {
    const v4 = parseIpv4(ascii);
    return v4 === null ? null : serializeIpv4(v4);
  }
  return ascii;
}

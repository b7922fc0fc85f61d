// libos/punycode/index.ts — node:punycode (deprecated in Node, still imported by older URL and e-mail packages):
// RFC 3492 Punycode with IDNA's label handling as Node 20's bundled punycode.js 2.x behaves: encode/decode of
// one label, toASCII/toUnicode of whole domains or e-mail addresses (the part before "@" is kept; IDNA's dot
// separators U+3002, U+FF0E, U+FF61 become "."), ucs2 decode/encode, and its RangeError messages.
// Written from RFC 3492. Layer: libos. No dependencies.

const maxInt = 2147483647;
const base = 36;
const tMin = 1;
const tMax = 26;
const skew = 38;
const damp = 700;
const initialBias = 72;
const initialN = 128;
const delimiter = "-";

const regexPunycode = /^xn--/;
const regexNonASCII = /[^\0-\x7F]/;
const regexSeparators = /[\x2E\u3002\uFF0E\uFF61]/g;

const errors = {
  overflow: "Overflow: input needs wider integers to process",
  "not-basic": "Illegal input >= 0x80 (not a basic code point)",
  "invalid-input": "Invalid input",
};

function error(type: keyof typeof errors): never {
  throw new RangeError(errors[type]);
}

/** Applies fn to each label of a domain (or of the domain part of an e-mail address). */
function mapDomain(domain: string, fn: (label: string) => string): string {
  const parts = domain.split("@");
  let result = "";
  if (parts.length > 1) {
    result = parts[0] + "@";
    domain = parts[1];
  }
  const labels = domain.replace(regexSeparators, "\x2E").split(".");
  return result + labels.map(fn).join(".");
}

/** The code points of a JS string (a lone surrogate stays one code point). */
function ucs2decode(string: string): number[] {
  const output: number[] = [];
  for (let i = 0; i < string.length; ) {
    const value = string.charCodeAt(i++);
    if (value >= 0xd800 && value <= 0xdbff && i < string.length) {
      const extra = string.charCodeAt(i++);
      if ((extra & 0xfc00) === 0xdc00) {
        output.push(((value & 0x3ff) << 10) + (extra & 0x3ff) + 0x10000);
      } else {
        output.push(value);                 // unmatched: keep the high surrogate, read the next unit again
        i--;
      }
    } else {
      output.push(value);
    }
  }
  return output;
}

/** The string of some code points. */
function ucs2encode(codePoints: number[]): string {
  return String.fromCodePoint(...codePoints);
}

/** A basic code point's digit value (0–35), or `base` when it is none. */
function basicToDigit(codePoint: number): number {
  if (codePoint >= 0x30 && codePoint < 0x3a) return 26 + (codePoint - 0x30);
  if (codePoint >= 0x41 && codePoint < 0x5b) return codePoint - 0x41;
  if (codePoint >= 0x61 && codePoint < 0x7b) return codePoint - 0x61;
  return base;
}

/** A digit's basic code point: a–z for 0–25, 0–9 for 26–35 (upper case when flag is set). */
function digitToBasic(digit: number, flag: number): number {
  return digit + 22 + 75 * (digit < 26 ? 1 : 0) - ((flag !== 0 ? 1 : 0) << 5);
}

/** RFC 3492 §6.1 bias adaptation. */
function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  let k = 0;
  delta = firstTime ? Math.floor(delta / damp) : delta >> 1;
  delta += Math.floor(delta / numPoints);
  for (; delta > ((base - tMin) * tMax) >> 1; k += base) delta = Math.floor(delta / (base - tMin));
  return Math.floor(k + ((base - tMin + 1) * delta) / (delta + skew));
}

/** Decodes one Punycode label (without "xn--") to Unicode. */
export function decode(input: string): string {
  const output: number[] = [];
  const inputLength = input.length;
  let i = 0;
  let n = initialN;
  let bias = initialBias;
  let basic = input.lastIndexOf(delimiter);
  if (basic < 0) basic = 0;
  for (let j = 0; j < basic; ++j) {
    if (input.charCodeAt(j) >= 0x80) error("not-basic");
    output.push(input.charCodeAt(j));
  }
  for (let index = basic > 0 ? basic + 1 : 0; index < inputLength; ) {
    const oldi = i;
    for (let w = 1, k = base; ; k += base) {
      if (index >= inputLength) error("invalid-input");
      const digit = basicToDigit(input.charCodeAt(index++));
      if (digit >= base) error("invalid-input");
      if (digit > Math.floor((maxInt - i) / w)) error("overflow");
      i += digit * w;
      const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
      if (digit < t) break;
      const baseMinusT = base - t;
      if (w > Math.floor(maxInt / baseMinusT)) error("overflow");
      w *= baseMinusT;
    }
    const out = output.length + 1;
    bias = adapt(i - oldi, out, oldi === 0);
    if (Math.floor(i / out) > maxInt - n) error("overflow");
    n += Math.floor(i / out);
    i %= out;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

/** Encodes one label of Unicode to Punycode (without "xn--"). */
export function encode(input: string): string {
  const output: string[] = [];
  const codePoints = ucs2decode(input);
  const inputLength = codePoints.length;
  let n = initialN;
  let delta = 0;
  let bias = initialBias;
  for (const c of codePoints) if (c < 0x80) output.push(String.fromCharCode(c));
  const basicLength = output.length;
  let handledCPCount = basicLength;
  if (basicLength) output.push(delimiter);
  while (handledCPCount < inputLength) {
    let m = maxInt;
    for (const c of codePoints) if (c >= n && c < m) m = c;
    const handledCPCountPlusOne = handledCPCount + 1;
    if (m - n > Math.floor((maxInt - delta) / handledCPCountPlusOne)) error("overflow");
    delta += (m - n) * handledCPCountPlusOne;
    n = m;
    for (const c of codePoints) {
      if (c < n && ++delta > maxInt) error("overflow");
      if (c === n) {
        let q = delta;
        for (let k = base; ; k += base) {
          const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
          if (q < t) break;
          const qMinusT = q - t;
          const baseMinusT = base - t;
          output.push(String.fromCharCode(digitToBasic(t + (qMinusT % baseMinusT), 0)));
          q = Math.floor(qMinusT / baseMinusT);
        }
        output.push(String.fromCharCode(digitToBasic(q, 0)));
        bias = adapt(delta, handledCPCountPlusOne, handledCPCount === basicLength);
        delta = 0;
        ++handledCPCount;
      }
    }
    ++delta;
    ++n;
  }
  return output.join("");
}

/** A domain (or e-mail address) with its "xn--" labels decoded. */
export function toUnicode(input: string): string {
  return mapDomain(input, (s) => (regexPunycode.test(s) ? decode(s.slice(4).toLowerCase()) : s));
}

/** A domain (or e-mail address) with its non-ASCII labels encoded as "xn--" labels. */
export function toASCII(input: string): string {
  return mapDomain(input, (s) => (regexNonASCII.test(s) ? "xn--" + encode(s) : s));
}

export const ucs2 = { decode: ucs2decode, encode: ucs2encode };
export const version = "2.1.0";

export default { version, ucs2, decode, encode, toASCII, toUnicode };

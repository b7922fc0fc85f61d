// libos/net/wire/dns_name.ts — DNS domain names (RFC 1035 §3.1, §4.1.4): reading a possibly compressed name out of
// a message, with loop protection, and writing a name uncompressed. Names are strings of dot-separated labels
// without the trailing dot; the root is "". Label bytes map to chars 0..255 (Latin-1); the case is kept.
// Layer: libos/net/wire. Depends on ./_util.ts.

import { malformed, truncated } from "./_util.ts";

/** Longest encoded name (labels with their length bytes and the final zero). */
export const DNS_MAX_NAME_LENGTH = 255;
/** Longest label. */
export const DNS_MAX_LABEL_LENGTH = 63;

/** Most compression pointers followed in one name (a name has at most 127 labels). */
export const DNS_MAX_POINTERS = 127;

/** Where the name that `readDnsName` last read ended in the message (the byte after it, or after its first pointer). */
export let dnsNameEnd = 0;

/**
 * Reads the name at `bytes[pos]` of the message `bytes[base..end)`; compression pointers are offsets from `base`.
 * Sets `dnsNameEnd`. Throws WireError: "truncated" when the name runs past `end`; "malformed" for a pointer that
 * does not point before the part of the name that contains it (which also rules out loops), more than 127
 * pointers, a reserved label type, or a name longer than 255 bytes.
 */
export function readDnsName(bytes: Uint8Array, base: number, end: number, pos: number): string {
  let name = "";
  let encoded = 1;
  let resume = -1;
  let floor = pos; // every pointer must go below the start of the run of labels it ends
  let jumps = 0;
  let p = pos;
  for (;;) {
    if (p >= end) throw truncated("a DNS name", p - base + 1, end - base);
    const len = bytes[p];
    if (len === 0) {
      p++;
      break;
    }
    const tag = len & 0xc0;
    if (tag === 0xc0) {
      if (p + 1 >= end) throw truncated("a DNS compression pointer", p - base + 2, end - base);
      const target = base + (((len & 0x3f) << 8) | bytes[p + 1]);
      if (target >= floor) {
        throw malformed(`expected a DNS compression pointer to an offset below ${floor - base}, found one to ` +
          `${target - base} at offset ${p - base}`);
      }
      if (++jumps > DNS_MAX_POINTERS) {
        throw malformed(`expected at most ${DNS_MAX_POINTERS} compression pointers in a DNS name, found more`);
      }
      if (resume < 0) resume = p + 2;
      floor = target;
      p = target;
      continue;
    }
    if (tag !== 0) {
      throw malformed(`expected a DNS label length or pointer, found reserved label type 0x${len.toString(16)}`);
    }
    if (p + 1 + len > end) throw truncated("a DNS label", p - base + 1 + len, end - base);
    encoded += len + 1;
    if (encoded > DNS_MAX_NAME_LENGTH) {
      throw malformed(`expected a DNS name of at most ${DNS_MAX_NAME_LENGTH} bytes, found a longer one`);
    }
    if (name.length > 0) name += ".";
    for (let k = p + 1; k <= p + len; k++) name += String.fromCharCode(bytes[k]);
    p += 1 + len;
  }
  dnsNameEnd = resume >= 0 ? resume : p;
  return name;
}

/**
 * Bytes `writeDnsName` uses for `name` (a trailing dot is allowed). Throws WireError ("malformed") for an empty
 * label, a label over 63 bytes, a name over 255 bytes or a character above U+00FF.
 */
export function dnsNameLength(name: string): number {
  const text = stripDot(name);
  if (text.length === 0) return 1;
  let labelStart = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text.charCodeAt(i) === 46) {
      const len = i - labelStart;
      if (len === 0) throw malformed(`expected DNS labels of 1 to 63 bytes, found an empty label in "${name}"`);
      if (len > DNS_MAX_LABEL_LENGTH) {
        throw malformed(`expected DNS labels of 1 to 63 bytes, found one of ${len} bytes in "${name}"`);
      }
      labelStart = i + 1;
    } else if (text.charCodeAt(i) > 0xff) {
      throw malformed(`expected a DNS name of Latin-1 characters (use punycode), found "${name}"`);
    }
  }
  const n = text.length + 2;
  if (n > DNS_MAX_NAME_LENGTH) throw malformed(`expected a DNS name of at most 255 bytes, found ${n} in "${name}"`);
  return n;
}

/** Writes `name` uncompressed at `bytes[at..]`; returns the position after it. Validates as `dnsNameLength`. */
export function writeDnsName(name: string, bytes: Uint8Array, at: number): number {
  dnsNameLength(name);
  const text = stripDot(name);
  let lenAt = at;
  let p = at + 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      bytes[lenAt] = p - lenAt - 1;
      lenAt = p++;
    } else {
      bytes[p++] = c;
    }
  }
  if (text.length > 0) {
    bytes[lenAt] = p - lenAt - 1;
    lenAt = p++;
  }
  bytes[lenAt] = 0;
  return p;
}

function stripDot(name: string): string {
  return name.length > 0 && name.charCodeAt(name.length - 1) === 46 ? name.slice(0, -1) : name;
}

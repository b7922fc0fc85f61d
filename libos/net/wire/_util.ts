// libos/net/wire/_util.ts — private helpers of the wire formats: big-endian byte access, 48-bit MAC numbers and
// WireError shorthands. Not part of the public index. Layer: libos/net/wire. Depends on ./error.ts.

import { WireError } from "./error.ts";

/** Reads a big-endian 16-bit unsigned integer. */
export function get16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

/** Reads a big-endian 32-bit unsigned integer. */
export function get32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** Writes the low 16 bits of `v` big-endian. */
export function set16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

/** Writes the low 32 bits of `v` big-endian. */
export function set32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** Reads a 6-byte MAC as a 48-bit integer number. */
export function getMac(b: Uint8Array, o: number): number {
  return ((b[o] << 8) | b[o + 1]) * 0x100000000 + get32(b, o + 2);
}

/** Writes a 48-bit integer MAC as 6 bytes. */
export function setMac(b: Uint8Array, o: number, mac: number): void {
  set16(b, o, Math.floor(mac / 0x100000000));
  set32(b, o + 2, mac >>> 0);
}

/** A "truncated" WireError: `what` needed `expected` bytes, `found` were there. */
export function truncated(what: string, expected: number, found: number): WireError {
  return new WireError("truncated", `expected at least ${plural(expected, "byte")} for ${what}, found ${found}`);
}

/** "1 byte", "2 bytes". */
export function plural(n: number, word: string): string {
  return n === 1 ? `1 ${word}` : `${n} ${word}s`;
}

/** A "truncated" WireError for an emit whose buffer is too small. */
export function noRoom(what: string, expected: number, found: number): WireError {
  return new WireError("truncated", `expected a buffer of at least ${expected} bytes to emit ${what}, found ${found}`);
}

/** A "malformed" WireError with the given sentence. */
export function malformed(message: string): WireError {
  return new WireError("malformed", message);
}

/** A "checksum" WireError for `what`. */
export function badChecksum(what: string, found: number, expected: number): WireError {
  return new WireError("checksum", `expected ${what} checksum 0x${hex16(expected)}, found 0x${hex16(found)}`);
}

/** A "unsupported" WireError with the given sentence. */
export function unsupported(message: string): WireError {
  return new WireError("unsupported", message);
}

/** Four lowercase hex digits. */
export function hex16(v: number): string {
  const s = v.toString(16);
  return "0000".slice(s.length) + s;
}

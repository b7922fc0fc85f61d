// libos/fs/ext4/le.ts — little- and big-endian integer access on byte arrays for the on-disk views (ext4 is
// little-endian, jbd2 big-endian). Plain functions over Uint8Array: no DataView per access, no allocation.
// Values are unsigned; 64-bit ones are returned as numbers (exact up to 2^53).
// Layer: libos/fs/ext4. Depends on nothing.

/** Unsigned 16-bit little-endian at `o`. */
export function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

/** Unsigned 32-bit little-endian at `o`. */
export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

/** Signed 32-bit little-endian at `o`. */
export function s32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

/** Unsigned 64-bit little-endian at `o` as a number (callers bound it; above 2^53 it loses precision). */
export function u64(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 0x100000000;
}

export function set16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}

export function set32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/** Stores a non-negative number below 2^53 as 64-bit little-endian. */
export function set64(b: Uint8Array, o: number, v: number): void {
  set32(b, o, v % 0x100000000);
  set32(b, o + 4, Math.floor(v / 0x100000000));
}

/** Unsigned 32-bit big-endian at `o` (jbd2). */
export function be32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

export function setBe32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** Unsigned 64-bit big-endian at `o` as a number. */
export function be64(b: Uint8Array, o: number): number {
  return be32(b, o) * 0x100000000 + be32(b, o + 4);
}

export function setBe64(b: Uint8Array, o: number, v: number): void {
  setBe32(b, o, Math.floor(v / 0x100000000));
  setBe32(b, o + 4, v % 0x100000000);
}

/** A 32-bit value as its four little-endian bytes (checksum seeds are computed over such words). */
export function le32Bytes(v: number): Uint8Array {
  const b = new Uint8Array(4);
  set32(b, 0, v);
  return b;
}

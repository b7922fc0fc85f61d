// libos/fs/crc32c.ts — CRC-32C (Castagnoli, reflected polynomial 0x82f63b78) as ext4 and jbd2 use it: the raw
// register update, no inversion in or out (Linux's ext4_chksum / e2fsprogs' ext2fs_crc32c_le). The standard
// CRC-32C of some bytes is `~crc32c(~0, bytes) >>> 0`. Inside an image the native primitive (hal.crc32c) does
// the work; this table-driven definition is the fallback and the reference the guest test checks it against.
// Layer: libos/fs. Depends on kernel/platform.ts.
import { platformOrNull } from "../../kernel/platform.ts";

let table: Uint32Array | undefined;

function tables(): Uint32Array {
  const t = new Uint32Array(4 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 4; s++) t[s * 256 + i] = (t[(s - 1) * 256 + i] >>> 8) ^ t[t[(s - 1) * 256 + i] & 0xff];
  }
  return t;
}

/** The CRC-32C register update over bytes[start..end) in TypeScript (slicing-by-4). */
export function crc32cTs(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = (table ??= tables());
  let c = crc >>> 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24];
  }
  for (; i < end; i++) c = (c >>> 8) ^ t[(c ^ bytes[i]) & 0xff];
  return c >>> 0;
}

type Crc = (crc: number, bytes: Uint8Array, start: number, end: number) => number;
let impl: Crc | undefined;

/**
 * The CRC-32C register update over bytes[start..end) (default: all of `bytes`), from `crc`; no inversions.
 * @example crc32c(0xffffffff, new TextEncoder().encode("123456789")) === 0x1cf96d7c  // ~0xe3069283
 */
export function crc32c(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  impl ??= platformOrNull()?.crc32c?.bind(platformOrNull()) ?? crc32cTs;
  return impl(crc >>> 0, bytes, start, end);
}

// libos/fs/ext4/htree_hash.ts — directory-index name hashes: legacy (dx_hack), half-MD4 and TEA, each in the signed-
// and unsigned-char variants (the superblock's flags say which the volume was made with), seeded by the
// superblock's hash seed. Written from the algorithms' descriptions (ext4 disk-layout documentation); checked
// against debugfs's dx_hash in the tests.
// Layer: libos/fs/ext4. Depends on errors.ts.

import { corrupt } from "./errors.ts";

export const HASH_LEGACY = 0;
export const HASH_HALF_MD4 = 1;
export const HASH_TEA = 2;
export const HASH_LEGACY_UNSIGNED = 3;
export const HASH_HALF_MD4_UNSIGNED = 4;
export const HASH_TEA_UNSIGNED = 5;

const DEFAULT_SEED = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

/** A name's major and minor hash. */
export interface NameHash {
  hash: number;
  minor: number;
}

function charAt(name: Uint8Array, i: number, signed: boolean): number {
  const c = name[i];
  return signed && c >= 128 ? c - 256 : c;
}

/** Packs up to `num` words of the name (with the length-derived padding) as ext4's str2hashbuf does. */
function toWords(name: Uint8Array, start: number, len: number, out: Uint32Array, num: number, signed: boolean): void {
  let pad = (len | (len << 8)) >>> 0;
  pad = (pad | (pad << 16)) >>> 0;
  let val = pad;
  const n = Math.min(len, num * 4);
  let w = 0;
  for (let i = 0; i < n; i++) {
    val = (charAt(name, start + i, signed) + ((val << 8) >>> 0)) >>> 0;
    if (i % 4 === 3) {
      out[w++] = val;
      val = pad;
    }
  }
  if (w < num) out[w++] = val;
  while (w < num) out[w++] = pad;
}

function rol(x: number, s: number): number {
  return ((x << s) | (x >>> (32 - s))) >>> 0;
}

const K2 = 0x5a827999, K3 = 0x6ed9eba1;

function halfMd4(buf: Uint32Array, x: Uint32Array): void {
  let a = buf[0], b = buf[1], c = buf[2], d = buf[3];
  const F = (p: number, q: number, r: number) => (r ^ (p & (q ^ r))) >>> 0;
  const G = (p: number, q: number, r: number) => (((p & q) >>> 0) + (((p ^ q) & r) >>> 0)) >>> 0;
  const H = (p: number, q: number, r: number) => (p ^ q ^ r) >>> 0;
  // round 1
  a = rol((a + F(b, c, d) + x[0]) >>> 0, 3); d = rol((d + F(a, b, c) + x[1]) >>> 0, 7);
  c = rol((c + F(d, a, b) + x[2]) >>> 0, 11); b = rol((b + F(c, d, a) + x[3]) >>> 0, 19);
  a = rol((a + F(b, c, d) + x[4]) >>> 0, 3); d = rol((d + F(a, b, c) + x[5]) >>> 0, 7);
  c = rol((c + F(d, a, b) + x[6]) >>> 0, 11); b = rol((b + F(c, d, a) + x[7]) >>> 0, 19);
  // round 2
  a = rol((a + G(b, c, d) + x[1] + K2) >>> 0, 3); d = rol((d + G(a, b, c) + x[3] + K2) >>> 0, 5);
  c = rol((c + G(d, a, b) + x[5] + K2) >>> 0, 9); b = rol((b + G(c, d, a) + x[7] + K2) >>> 0, 13);
  a = rol((a + G(b, c, d) + x[0] + K2) >>> 0, 3); d = rol((d + G(a, b, c) + x[2] + K2) >>> 0, 5);
  c = rol((c + G(d, a, b) + x[4] + K2) >>> 0, 9); b = rol((b + G(c, d, a) + x[6] + K2) >>> 0, 13);
  // round 3
  a = rol((a + H(b, c, d) + x[3] + K3) >>> 0, 3); d = rol((d + H(a, b, c) + x[7] + K3) >>> 0, 9);
  c = rol((c + H(d, a, b) + x[2] + K3) >>> 0, 11); b = rol((b + H(c, d, a) + x[6] + K3) >>> 0, 15);
  a = rol((a + H(b, c, d) + x[1] + K3) >>> 0, 3); d = rol((d + H(a, b, c) + x[5] + K3) >>> 0, 9);
  c = rol((c + H(d, a, b) + x[0] + K3) >>> 0, 11); b = rol((b + H(c, d, a) + x[4] + K3) >>> 0, 15);
  buf[0] = (buf[0] + a) >>> 0;
  buf[1] = (buf[1] + b) >>> 0;
  buf[2] = (buf[2] + c) >>> 0;
  buf[3] = (buf[3] + d) >>> 0;
}

function tea(buf: Uint32Array, x: Uint32Array): void {
  let sum = 0, b0 = buf[0], b1 = buf[1];
  const a = x[0], b = x[1], c = x[2], d = x[3];
  for (let n = 0; n < 16; n++) {
    sum = (sum + 0x9e3779b9) >>> 0;
    b0 = (b0 + ((((b1 << 4) >>> 0) + a) ^ (b1 + sum) ^ ((b1 >>> 5) + b))) >>> 0;
    b1 = (b1 + ((((b0 << 4) >>> 0) + c) ^ (b0 + sum) ^ ((b0 >>> 5) + d))) >>> 0;
  }
  buf[0] = (buf[0] + b0) >>> 0;
  buf[1] = (buf[1] + b1) >>> 0;
}

function legacy(name: Uint8Array, signed: boolean): number {
  let h0 = 0x12a3fe2d, h1 = 0x37abe8f9;
  for (let i = 0; i < name.length; i++) {
    let h = (h1 + ((h0 ^ Math.imul(charAt(name, i, signed), 7152373)) >>> 0)) >>> 0;
    if (h & 0x80000000) h = (h - 0x7fffffff) >>> 0;
    h1 = h0;
    h0 = h;
  }
  return (h0 << 1) >>> 0;
}

/**
 * The hash of `name` with hash `version` (0–5: the signed variants 0–2, unsigned 3–5) and the superblock's seed
 * (all zero: the default). The low bit of `hash` is always clear (it marks continuation in index entries).
 * Throws FsError EUCLEAN for an unknown version.
 */
export function nameHash(name: Uint8Array, version: number, seed: Uint32Array): NameHash {
  const buf = new Uint32Array(4);
  const seeded = seed[0] | seed[1] | seed[2] | seed[3];
  for (let i = 0; i < 4; i++) buf[i] = seeded ? seed[i] : DEFAULT_SEED[i];
  let hash: number, minor = 0;
  const signed = version < 3;
  switch (version) {
    case HASH_LEGACY:
    case HASH_LEGACY_UNSIGNED:
      hash = legacy(name, signed);
      break;
    case HASH_HALF_MD4:
    case HASH_HALF_MD4_UNSIGNED: {
      const x = new Uint32Array(8);
      for (let p = 0, len = name.length; len > 0; p += 32, len -= 32) {
        toWords(name, p, len, x, 8, signed);
        halfMd4(buf, x);
      }
      hash = buf[1];
      minor = buf[2];
      break;
    }
    case HASH_TEA:
    case HASH_TEA_UNSIGNED: {
      const x = new Uint32Array(4);
      for (let p = 0, len = name.length; len > 0; p += 16, len -= 16) {
        toWords(name, p, len, x, 4, signed);
        tea(buf, x);
      }
      hash = buf[0];
      minor = buf[1];
      break;
    }
    default:
      throw corrupt(`directory index: hash version ${version} is not supported`);
  }
  hash = (hash & ~1) >>> 0;
  if (hash === 0xfffffffe) hash = 0xfffffffc;
  return { hash, minor };
}

// libos/crypto/kdf.ts — the key derivation functions: pbkdf2(Sync) (RFC 8018, PBKDF2 with HMAC over any hash, the
// loop native), scrypt(Sync) (RFC 7914: PBKDF2-HMAC-SHA-256 around ROMix, whose Salsa20/8 core runs natively),
// hkdf(Sync) (RFC 5869, extract and expand over the native HMAC). Node 20's checks and errors, including OpenSSL's
// scrypt parameter limits. Callback forms deliver in the poll phase. Layer: libos.
import { Buffer } from "../buffer/index.ts";
import {
  invalidArgType, invalidDigest, invalidKeyLength, invalidScryptParams, outOfRange, scryptInvalidParameter,
} from "./_errors.ts";
import { findHash, type HashInfo } from "./_hashes.ts";
import { HashId, native } from "./_native.ts";
import {
  toBytes, validateFunction, validateInt32, validateInteger, validateString, validateUint32,
} from "./_validate.ts";
import { isCryptoKey } from "./keys/crypto_key.ts";
import { isKeyObject, prepareSecretKey } from "./keys/key_object.ts";
import { deliverLater } from "./random.ts";

type NodeBuffer = import("node:buffer").Buffer;
type Callback<T> = (err: Error | null, value?: T) => void;

// --- PBKDF2 ---

function pbkdf2Check(password: unknown, salt: unknown, iterations: unknown, keylen: unknown, digest: unknown) {
  validateString(digest, "digest");
  const pw = toBytes(password, "password");
  const s = toBytes(salt, "salt");
  validateInt32(iterations, "iterations", 1);
  validateInt32(keylen, "keylen", 0);
  return { pw, s, iterations, keylen, digest };
}

function pbkdf2Run(pw: Uint8Array, salt: Uint8Array, iterations: number, keylen: number, digest: string): NodeBuffer {
  const h = findHash(digest);
  if (!h) throw invalidDigest(digest);
  if (h.xof) throw new Error("Deriving bits failed");
  const out = Buffer.alloc(keylen);
  if (keylen > 0) native().cryptoPbkdf2(h.id, pw, salt, iterations, out);
  return out;
}

/** crypto.pbkdf2Sync(password, salt, iterations, keylen, digest). */
export function pbkdf2Sync(password: unknown, salt: unknown, iterations: unknown, keylen: unknown, digest: unknown): NodeBuffer {
  const c = pbkdf2Check(password, salt, iterations, keylen, digest);
  return pbkdf2Run(c.pw, c.s, c.iterations, c.keylen, c.digest);
}

/** crypto.pbkdf2(password, salt, iterations, keylen, digest, callback). */
export function pbkdf2(password: unknown, salt: unknown, iterations: unknown, keylen: unknown, digest: unknown,
                       callback?: unknown): void {
  if (typeof digest === "function") {
    callback = digest;
    digest = undefined;
  }
  const c = pbkdf2Check(password, salt, iterations, keylen, digest);
  validateFunction(callback, "callback");
  const h = findHash(c.digest);
  if (!h) throw invalidDigest(c.digest);
  deliverLater(() => pbkdf2Run(c.pw, c.s, c.iterations, c.keylen, c.digest), callback as Callback<NodeBuffer>);
}

// --- scrypt ---

const SCRYPT_DEFAULTS = { N: 16384, r: 8, p: 1, maxmem: 32 << 20 };

interface ScryptParams { pw: Uint8Array; salt: Uint8Array; keylen: number; N: number; r: number; p: number; maxmem: number }

function scryptCheck(password: unknown, salt: unknown, keylen: unknown, options: unknown): ScryptParams {
  const pw = toBytes(password, "password");
  const s = toBytes(salt, "salt");
  validateInt32(keylen, "keylen", 0);
  let { N, r, p, maxmem } = SCRYPT_DEFAULTS;
  if (options && options !== SCRYPT_DEFAULTS) {
    const o = options as Record<string, unknown>;
    const hasN = o.N !== undefined;
    if (hasN) { validateUint32(o.N, "N"); N = o.N; }
    if (o.cost !== undefined) {
      if (hasN) throw scryptInvalidParameter();
      validateUint32(o.cost, "cost");
      N = o.cost;
    }
    const hasR = o.r !== undefined;
    if (hasR) { validateUint32(o.r, "r"); r = o.r; }
    if (o.blockSize !== undefined) {
      if (hasR) throw scryptInvalidParameter();
      validateUint32(o.blockSize, "blockSize");
      r = o.blockSize;
    }
    const hasP = o.p !== undefined;
    if (hasP) { validateUint32(o.p, "p"); p = o.p; }
    if (o.parallelization !== undefined) {
      if (hasP) throw scryptInvalidParameter();
      validateUint32(o.parallelization, "parallelization");
      p = o.parallelization;
    }
    if (o.maxmem !== undefined) { validateInteger(o.maxmem, "maxmem", 0); maxmem = o.maxmem; }
    if (N === 0) N = SCRYPT_DEFAULTS.N;
    if (r === 0) r = SCRYPT_DEFAULTS.r;
    if (p === 0) p = SCRYPT_DEFAULTS.p;
    if (maxmem === 0) maxmem = SCRYPT_DEFAULTS.maxmem;
  }
  checkScryptLimits(N, r, p, maxmem);
  return { pw, salt: s, keylen, N, r, p, maxmem };
}

/** OpenSSL's parameter checks (EVP_PBE_scrypt), with its errors as Node reports them. */
function checkScryptLimits(N: number, r: number, p: number, maxmem: number): void {
  if (r === 0 || p === 0 || N < 2 || (N & (N - 1)) !== 0 || N > 2 ** 32) throw invalidScryptParams();
  const memoryExceeded = () => invalidScryptParams("error:030000AC:digital envelope routines::memory limit exceeded");
  if (p > Math.floor((2 ** 30 - 1) / r)) throw memoryExceeded();
  if (16 * r <= 63 && N >= 2 ** (16 * r)) throw memoryExceeded();
  const blen = p * 128 * r;
  if (blen > 2 ** 31 - 1) throw memoryExceeded();
  const vlen = 32 * r * (N + 2) * 4;
  if (blen + vlen > maxmem) throw memoryExceeded();
}

function scryptRun(c: ScryptParams): NodeBuffer {
  const n = native();
  const block = new Uint8Array(c.p * 128 * c.r);
  n.cryptoPbkdf2(HashId.SHA256, c.pw, c.salt, 1, block);
  try {
    n.cryptoScryptMix(block, c.N, c.r);
  } catch {
    throw invalidScryptParams("error:030000AC:digital envelope routines::memory limit exceeded");
  }
  const out = Buffer.alloc(c.keylen);
  if (c.keylen > 0) n.cryptoPbkdf2(HashId.SHA256, c.pw, block, 1, out);
  block.fill(0);
  return out;
}

/** crypto.scryptSync(password, salt, keylen[, options]). */
export function scryptSync(password: unknown, salt: unknown, keylen: unknown, options?: unknown): NodeBuffer {
  return scryptRun(scryptCheck(password, salt, keylen, options ?? SCRYPT_DEFAULTS));
}

/** crypto.scrypt(password, salt, keylen[, options], callback): with four arguments the fourth is the callback. */
export function scrypt(password: unknown, salt: unknown, keylen: unknown, options: unknown, ...rest: unknown[]): void {
  let callback = rest[0];
  if (rest.length === 0) {
    callback = options;
    options = SCRYPT_DEFAULTS;
  }
  const c = scryptCheck(password, salt, keylen, options ?? SCRYPT_DEFAULTS);
  validateFunction(callback, "callback");
  deliverLater(() => scryptRun(c), callback as Callback<NodeBuffer>);
}

// --- HKDF ---

const MAX_LENGTH = 2 ** 32;

function hkdfKey(key: unknown): Uint8Array {
  if (isKeyObject(key) || isCryptoKey(key)) return prepareSecretKey(key);
  if (key instanceof ArrayBuffer) return new Uint8Array(key);
  if (typeof key !== "string" && !ArrayBuffer.isView(key)) {
    throw invalidArgType("ikm", ["string", "SecretKeyObject", "ArrayBuffer", "TypedArray", "DataView", "Buffer"], key);
  }
  return toBytes(key, "ikm");
}

function byteSource(v: unknown, name: string): Uint8Array {
  if (typeof v === "string" || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return toBytes(v, name);
  throw invalidArgType(name, ["string", "ArrayBuffer", "TypedArray", "DataView", "Buffer"], v);
}

function hkdfCheck(hash: unknown, key: unknown, salt: unknown, info: unknown, length: unknown) {
  validateString(hash, "digest");
  const ikm = hkdfKey(key);
  const s = byteSource(salt, "salt");
  const i = byteSource(info, "info");
  validateInteger(length, "length", 0, MAX_LENGTH);
  if (i.length > 1024) throw outOfRange("info", "must not contain more than 1024 bytes", i.length);
  return { hash, ikm, salt: s, info: i, length };
}

/** HKDF-Extract then -Expand (RFC 5869) with the native HMAC. */
export function hkdfBytes(h: HashInfo, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const n = native();
  const ext = n.cryptoDigest(h.id, salt);
  ext.update(ikm);
  const prk = new Uint8Array(ext.digest());
  const out = new Uint8Array(length);
  let t = new Uint8Array(0);
  for (let at = 0, i = 1; at < length; i++) {
    const m = n.cryptoDigest(h.id, prk);
    m.update(t);
    m.update(info);
    m.update(Uint8Array.of(i));
    t = new Uint8Array(m.digest());
    out.set(t.subarray(0, Math.min(t.length, length - at)), at);
    at += t.length;
  }
  prk.fill(0);
  return out;
}

function hkdfRun(c: ReturnType<typeof hkdfCheck>): ArrayBuffer {
  const h = findHash(c.hash);
  if (!h || h.xof) throw invalidDigest(c.hash);
  if (c.length > 255 * h.size) throw invalidKeyLength();
  return hkdfBytes(h, c.ikm, c.salt, c.info, c.length).buffer as ArrayBuffer;
}

/** crypto.hkdfSync(digest, ikm, salt, info, keylen) → ArrayBuffer. */
export function hkdfSync(hash: unknown, key: unknown, salt: unknown, info: unknown, length: unknown): ArrayBuffer {
  return hkdfRun(hkdfCheck(hash, key, salt, info, length));
}

/** crypto.hkdf(digest, ikm, salt, info, keylen, callback(err, ArrayBuffer)). */
export function hkdf(hash: unknown, key: unknown, salt: unknown, info: unknown, length: unknown, callback?: unknown): void {
  const c = hkdfCheck(hash, key, salt, info, length);
  validateFunction(callback, "callback");
  const h = findHash(c.hash);
  if (!h || h.xof) throw invalidDigest(c.hash);
  if (c.length > 255 * h.size) throw invalidKeyLength();
  deliverLater(() => hkdfRun(c), callback as Callback<ArrayBuffer>);
}

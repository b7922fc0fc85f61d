// libos/crypto/webcrypto/operations.ts — what Web Crypto keys do: sign/verify (RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA
// with IEEE P1363 signatures, Ed25519, HMAC), encrypt/decrypt (AES-GCM, AES-CBC, AES-CTR with its counter length,
// RSA-OAEP), deriveBits (HKDF, PBKDF2, ECDH, X25519), over the same native primitives as node:crypto. Failures of
// the primitives become OperationError, as in Node. Layer: libos (private to libos/crypto/webcrypto).
import { domException } from "../_dom_exception.ts";
import { opensslError, outOfRange } from "../_errors.ts";
import { findWebHash, type HashInfo } from "../_hashes.ts";
import { CipherMode, native, RsaPadding, u8 } from "../_native.ts";
import { cipherOnce } from "../cipher.ts";
import { hkdfBytes } from "../kdf.ts";
import type { CryptoKey } from "../keys/crypto_key.ts";
import type { KeyData } from "../keys/key_data.ts";
import { ensureSeeded } from "../random.ts";
import { sharedSecret } from "../rsa_crypt.ts";
import { internal } from "../sign.ts";
import type { Algorithm } from "./_webidl.ts";
import { bytesOf, keyDataOf, rsaParts, secretOf } from "./keys.ts";

const operationFailed = (cause?: unknown) =>
  domException("The operation failed for an operation-specific reason", "OperationError", cause);
const opError = (m: string) => domException(m, "OperationError");

const webHash = (name: string): HashInfo => findWebHash(name)!;
const buffer = (b: Uint8Array): ArrayBuffer => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer) as ArrayBuffer;

function hmac(h: HashInfo, key: Uint8Array, data: Uint8Array): Uint8Array {
  const d = native().cryptoDigest(h.id, key);
  d.update(data);
  return u8(d.digest());
}

/** sign (signature undefined) or verify. */
export function signVerify(algorithm: Algorithm, key: CryptoKey, dataV: ArrayBuffer | ArrayBufferView,
                           signatureV?: ArrayBuffer | ArrayBufferView): ArrayBuffer | boolean {
  const data = bytesOf(dataV);
  const signature = signatureV === undefined ? undefined : bytesOf(signatureV);
  const want = signature === undefined ? "private" : "public";
  const keyAlg = key.algorithm as Algorithm;
  switch (algorithm.name) {
    case "HMAC": {
      const mac = hmac(webHash(keyAlg.hash.name), secretOf(key), data);
      if (signature === undefined) return buffer(mac);
      if (signature.length !== mac.length) return false;
      let diff = 0;
      for (let i = 0; i < mac.length; i++) diff |= mac[i] ^ signature[i];
      return diff === 0;
    }
    case "Ed25519": {
      if (key.type !== want) throw domException(`Key must be a ${want} key`, "InvalidAccessError");
      const k = keyDataOf(key) as { d?: Uint8Array; x: Uint8Array };
      if (signature === undefined) return native().cryptoEd25519Sign(k.d!, data);
      return native().cryptoEd25519Verify(k.x, data, signature);
    }
    case "ECDSA": {
      if (key.type !== want) throw domException(`Key must be a ${want} key`, "InvalidAccessError");
      const h = webHash(algorithm.hash.name);
      const digest = internal.digestOf(h, data);
      const opts = { p1363: true };
      try {
        if (signature === undefined) return buffer(internal.signDigest(keyDataOf(key), h, digest, opts));
        return internal.verifyDigest(keyDataOf(key), h, digest, signature, opts);
      } catch (err) {
        throw operationFailed(err);
      }
    }
    case "RSASSA-PKCS1-v1_5": case "RSA-PSS": {
      if (key.type !== want) throw domException(`Key must be a ${want} key`, "InvalidAccessError");
      const h = webHash(keyAlg.hash.name);
      const pss = algorithm.name === "RSA-PSS";
      let salt = 0;
      if (pss) {
        const max = Math.ceil((keyAlg.modulusLength - 1) / 8) - h.size - 2;
        salt = algorithm.saltLength;
        if (!Number.isInteger(salt) || salt < 0 || salt > max) throw operationFailed(outOfRange("algorithm.saltLength", `>= 0 && <= ${max}`, salt));
      }
      const digest = internal.digestOf(h, data);
      const opts = { padding: pss ? RsaPadding.PSS : RsaPadding.PKCS1, saltLength: pss ? salt : undefined, p1363: false };
      try {
        if (signature === undefined) return buffer(internal.signDigest(keyDataOf(key), h, digest, opts));
        return internal.verifyDigest(keyDataOf(key), h, digest, signature, opts);
      } catch (err) {
        throw operationFailed(err);
      }
    }
  }
  throw domException("Unrecognized algorithm name", "NotSupportedError");
}

const GCM_TAG_BITS = [32, 64, 96, 104, 112, 120, 128];

function aesName(key: CryptoKey, mode: string): string {
  return `aes-${(key.algorithm as Algorithm).length}-${mode}`;
}

function aesGcm(encrypt: boolean, key: CryptoKey, data: Uint8Array, algorithm: Algorithm): ArrayBuffer {
  const tagLength = algorithm.tagLength ?? 128;
  if (!GCM_TAG_BITS.includes(tagLength)) throw opError(`${tagLength} is not a valid AES-GCM tag length`);
  const tagBytes = Math.floor(tagLength / 8);
  const iv = algorithm.iv as Uint8Array;
  let body = data, tag: Uint8Array | undefined;
  if (!encrypt) {
    if (data.length < tagBytes) throw opError("The provided data is too small.");
    body = data.subarray(0, data.length - tagBytes);
    tag = data.subarray(data.length - tagBytes);
  }
  const n = native();
  let c;
  try {
    c = n.cryptoCipher(CipherMode.GCM, encrypt, secretOf(key), iv, tagBytes);
  } catch (err) {
    throw operationFailed(err);
  }
  if (algorithm.additionalData) c.setAAD(algorithm.additionalData);
  if (tag) c.setTag(tag);
  const out = u8(c.update(body));
  const fin = c.final();
  if (typeof fin === "number") throw operationFailed(new Error("Cipher job failed"));
  if (!encrypt) return buffer(out);
  const t = u8(c.tag());
  const result = new Uint8Array(out.length + t.length);
  result.set(out, 0);
  result.set(t, out.length);
  return result.buffer as ArrayBuffer;
}

/** AES-CTR with Web Crypto's counter: only the rightmost `length` bits count, wrapping to zero. */
function aesCtr(key: CryptoKey, data: Uint8Array, algorithm: Algorithm): ArrayBuffer {
  const counter = algorithm.counter as Uint8Array;
  if (counter.length !== 16) throw opError("algorithm.counter must contain exactly 16 bytes");
  const length = algorithm.length as number;
  if (length === 0 || length > 128) throw opError("AES-CTR algorithm.length must be between 1 and 128");
  const name = aesName(key, "ctr");
  const blocks = BigInt(Math.ceil(data.length / 16));
  let low = 0n;
  for (const b of counter) low = (low << 8n) | BigInt(b);
  const modulus = 1n << BigInt(length);
  low %= modulus;
  if (blocks > modulus) throw opError("The provided data is too large for the counter length");
  const untilWrap = modulus - low;
  if (blocks <= untilWrap) return buffer(cipherOnce(name, false, secretOf(key), counter, data));
  const first = Number(untilWrap) * 16;
  const wrapped = counter.slice();
  let v = BigInt.asUintN(128, 0n);
  for (const b of counter) v = (v << 8n) | BigInt(b);
  v -= low;                                                  // the counter bits back to zero
  for (let i = 15; i >= 0; i--) { wrapped[i] = Number(v & 0xffn); v >>= 8n; }
  const a = cipherOnce(name, false, secretOf(key), counter, data.subarray(0, first));
  const b = cipherOnce(name, false, secretOf(key), wrapped, data.subarray(first));
  const out = new Uint8Array(data.length);
  out.set(a, 0);
  out.set(b, first);
  return out.buffer as ArrayBuffer;
}

export function cipher(encrypt: boolean, algorithm: Algorithm, key: CryptoKey, dataV: ArrayBuffer | ArrayBufferView): ArrayBuffer {
  const data = bytesOf(dataV);
  switch (algorithm.name) {
    case "AES-GCM": return aesGcm(encrypt, key, data, algorithm);
    case "AES-CTR": return aesCtr(key, data, algorithm);
    case "AES-CBC": {
      const iv = algorithm.iv as Uint8Array;
      if (iv.length !== 16) throw opError("algorithm.iv must contain exactly 16 bytes");
      try {
        return buffer(cipherOnce(aesName(key, "cbc"), !encrypt, secretOf(key), iv, data));
      } catch (err) {
        throw operationFailed(err);
      }
    }
    case "RSA-OAEP": {
      const want = encrypt ? "public" : "private";
      if (key.type !== want) throw domException("The requested operation is not valid for the provided key", "InvalidAccessError");
      const h = webHash((key.algorithm as Algorithm).hash.name);
      const label = (algorithm.label as Uint8Array | undefined) ?? new Uint8Array(0);
      ensureSeeded();
      const n = native();
      const r = encrypt ? n.cryptoRsaEncrypt(rsaParts(key, false), false, RsaPadding.OAEP, h.id, label, data)
        : n.cryptoRsaDecrypt(rsaParts(key, true), true, RsaPadding.OAEP, h.id, label, data);
      if (typeof r === "number") {
        throw operationFailed(encrypt ? opensslError("0200006E", "rsa routines", "data too large for key size")
          : opensslError("02000079", "rsa routines", "oaep decoding error"));
      }
      return r;
    }
  }
  throw domException("Unrecognized algorithm name", "NotSupportedError");
}

export function deriveBits(algorithm: Algorithm, baseKey: CryptoKey, length: number | null): ArrayBuffer {
  switch (algorithm.name) {
    case "HKDF": case "PBKDF2": {
      if (algorithm.name === "PBKDF2" && algorithm.iterations === 0) throw opError("iterations cannot be zero");
      if (length === 0) return new ArrayBuffer(0);
      if (length === null) throw opError("length cannot be null");
      if (length % 8) throw opError("length must be a multiple of 8");
      const h = webHash(algorithm.hash.name);
      const secret = secretOf(baseKey);
      try {
        if (algorithm.name === "HKDF") {
          if (length / 8 > 255 * h.size) throw Object.assign(new RangeError("Invalid key length"), { code: "ERR_CRYPTO_INVALID_KEYLEN" });
          return buffer(hkdfBytes(h, secret, algorithm.salt, algorithm.info, length / 8));
        }
        const out = new Uint8Array(length / 8);
        native().cryptoPbkdf2(h.id, secret, algorithm.salt, algorithm.iterations, out);
        return out.buffer as ArrayBuffer;
      } catch (err) {
        throw operationFailed(err);
      }
    }
    case "ECDH": case "X25519": {
      const pub = algorithm.public as CryptoKey;
      if (pub.type !== "public") throw domException("algorithm.public must be a public key", "InvalidAccessError");
      if (baseKey.type !== "private") throw domException("baseKey must be a private key", "InvalidAccessError");
      const pubAlg = pub.algorithm as Algorithm, baseAlg = baseKey.algorithm as Algorithm;
      if (pubAlg.name !== "ECDH" && pubAlg.name !== "X25519") {
        throw domException("Keys must be ECDH, X25519, or X448 keys", "InvalidAccessError");
      }
      if (pubAlg.name !== baseAlg.name) throw domException("The public and private keys must be of the same type", "InvalidAccessError");
      if (pubAlg.name === "ECDH" && pubAlg.namedCurve !== baseAlg.namedCurve) throw domException("Named curve mismatch", "InvalidAccessError");
      let bits: Uint8Array;
      try {
        bits = sharedSecret(keyDataOf(baseKey) as KeyData, keyDataOf(pub) as KeyData);
      } catch (err) {
        throw operationFailed(err);
      }
      if (length === null) return buffer(bits);
      const slice = Math.ceil(length / 8);
      if (bits.length < slice) throw opError("derived bit length is too small");
      const out = bits.slice(0, slice);
      const mod = length % 8;
      if (mod) out[slice - 1] &= (0xff << (8 - mod)) & 0xff;
      return out.buffer as ArrayBuffer;
    }
  }
  throw domException("Unrecognized algorithm name", "NotSupportedError");
}

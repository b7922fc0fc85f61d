// libos/crypto/rsa_crypt.ts — publicEncrypt/privateDecrypt (OAEP by default, oaepHash, oaepLabel; PKCS#1 v1.5
// encryption, whose private decryption Node 20 refuses since CVE-2023-46809), privateEncrypt/publicDecrypt (PKCS#1
// type 1), RSA_NO_PADDING for all four; and diffieHellman({ privateKey, publicKey }) for ECDH and X25519.
// Layer: libos.
import { Buffer } from "../buffer/index.ts";
import { codedError, incompatibleKey, invalidArgValue, invalidKeyObjectType, opensslError } from "./_errors.ts";
import { findHash } from "./_hashes.ts";
import { CurveId, HashId, native, PkFailure, RsaPadding } from "./_native.ts";
import { toBytes, validateObject, validateString } from "./_validate.ts";
import type { KeyData } from "./keys/key_data.ts";
import { handleOf, KeyContext, KeyObject, prepareAsymmetricKey } from "./keys/key_object.ts";
import { ensureSeeded } from "./random.ts";

type NodeBuffer = import("node:buffer").Buffer;

const rsaError = (hex: string, reason: string) => opensslError(hex, "rsa routines", reason);
const notForKeyType = () => opensslError("03000096", "digital envelope routines", "operation not supported for this keytype");

function failure(f: PkFailure, padding: number): Error {
  switch (f) {
    case PkFailure.TooLargeForKey: return rsaError("0200006E", "data too large for key size");
    case PkFailure.TooLargeForModulus: return rsaError("02000084", "data too large for modulus");
    case PkFailure.GreaterThanModLen: return rsaError("0200006C", "data greater than mod len");
    case PkFailure.BadLength: return rsaError("0200007A", "data too small for key size");
    default:
      if (padding === RsaPadding.OAEP) return rsaError("02000079", "oaep decoding error");
      return rsaError("02000072", "padding check failed");
  }
}

/** The data inside a PKCS#1 type 1 block (publicDecrypt), with OpenSSL's errors for each flaw. Public data: no
 *  need for constant time. */
function unpadType1(em: Uint8Array): Uint8Array {
  if (em[0] !== 0) throw rsaError("0200008A", "invalid padding");
  if (em[1] !== 1) throw rsaError("0200006A", "block type is not 01");
  let i = 2;
  for (; i < em.length; i++) {
    if (em[i] === 0) break;
    if (em[i] !== 0xff) throw rsaError("02000066", "bad fixed header decrypt");
  }
  if (i === em.length) throw rsaError("02000071", "null before block missing");
  if (i - 2 < 8) throw rsaError("02000067", "bad pad byte count");
  return em.subarray(i + 1);
}

function rsaFunction(usePrivate: boolean, decrypt: boolean, defaultPadding: RsaPadding) {
  return (options: unknown, buffer: unknown): NodeBuffer => {
    const key = prepareAsymmetricKey(options, usePrivate ? KeyContext.ConsumePrivate : KeyContext.ConsumePublic);
    const o = (typeof options === "object" && options !== null ? options : {}) as Record<string, unknown>;
    const padding = (o.padding as number) || defaultPadding;
    const { oaepHash, encoding } = o;
    let label: Uint8Array = new Uint8Array(0);
    if (oaepHash !== undefined) validateString(oaepHash, "key.oaepHash");
    if (o.oaepLabel !== undefined) label = toBytes(o.oaepLabel, "key.oaepLabel", encoding);
    const data = toBytes(buffer, "buffer", encoding);
    if (key.type !== "rsa" && key.type !== "rsa-pss") throw notForKeyType();
    if (decrypt && usePrivate && padding === RsaPadding.PKCS1) {
      throw codedError(TypeError, "ERR_INVALID_ARG_VALUE", "RSA_PKCS1_PADDING is no longer supported for private decryption, " +
        "this can be reverted with --security-revert=CVE-2023-46809");
    }
    if (padding !== RsaPadding.PKCS1 && padding !== RsaPadding.None && padding !== RsaPadding.OAEP) {
      throw opensslError("1C8000A8", "Provider routines", "invalid padding mode");
    }
    let hash = HashId.SHA1;
    if (oaepHash !== undefined) {
      const h = findHash(oaepHash);
      if (!h || h.xof) throw codedError(Error, "ERR_OSSL_EVP_INVALID_DIGEST", "Invalid digest used");
      hash = h.id;
    }
    ensureSeeded();
    const parts = usePrivate ? [key.n, key.e, key.d!, key.p!, key.q!] : [key.n, key.e];
    const n = native();
    const type1 = decrypt && !usePrivate && padding === RsaPadding.PKCS1;
    const r = decrypt ? n.cryptoRsaDecrypt(parts, usePrivate, type1 ? RsaPadding.None : padding, hash, label, data)
      : n.cryptoRsaEncrypt(parts, usePrivate, padding, hash, label, data);
    if (typeof r === "number") throw failure(r, padding);
    return Buffer.from(type1 ? unpadType1(new Uint8Array(r)) : new Uint8Array(r));
  };
}

/** crypto.publicEncrypt(key, buffer): OAEP (SHA-1 unless oaepHash) by default. */
export const publicEncrypt = rsaFunction(false, false, RsaPadding.OAEP);
/** crypto.privateDecrypt(key, buffer). */
export const privateDecrypt = rsaFunction(true, true, RsaPadding.OAEP);
/** crypto.privateEncrypt(key, buffer): PKCS#1 type 1 by default. */
export const privateEncrypt = rsaFunction(true, false, RsaPadding.PKCS1);
/** crypto.publicDecrypt(key, buffer). */
export const publicDecrypt = rsaFunction(false, true, RsaPadding.PKCS1);

/** The shared secret of two keys (ECDH on the same curve, or X25519). */
export function sharedSecret(priv: KeyData, pub: KeyData): Uint8Array {
  let curve: CurveId, d: Uint8Array, q: Uint8Array;
  if (priv.type === "ec" && pub.type === "ec") {
    if (priv.curve !== pub.curve) throw opensslError("1C8000CB", "Provider routines", "mismatching domain parameters");
    curve = priv.curve.id; d = priv.d!; q = pub.q;
  } else if (priv.type === "x25519" && pub.type === "x25519") {
    curve = CurveId.X25519; d = priv.d!; q = pub.x;
  } else {
    throw notForKeyType();
  }
  ensureSeeded();
  const r = native().cryptoEcdh(curve, d, q);
  if (typeof r === "number") throw codedError(Error, "ERR_CRYPTO_OPERATION_FAILED", "Failed to derive shared secret");
  return new Uint8Array(r);
}

/** crypto.diffieHellman({ privateKey, publicKey }) (KeyObjects of the same type: ec on one curve, or x25519). */
export function diffieHellman(options: unknown): NodeBuffer {
  validateObject(options, "options");
  const { privateKey, publicKey } = options;
  if (!(privateKey instanceof KeyObject)) throw invalidArgValue("options.privateKey", privateKey);
  if (!(publicKey instanceof KeyObject)) throw invalidArgValue("options.publicKey", publicKey);
  if (privateKey.type !== "private") throw invalidKeyObjectType(privateKey.type, "private");
  if (publicKey.type !== "public" && publicKey.type !== "private") throw invalidKeyObjectType(publicKey.type, "private or public");
  const priv = handleOf(privateKey).key!, pub = handleOf(publicKey).key!;
  if (priv.type !== pub.type || (priv.type !== "ec" && priv.type !== "x25519")) {
    throw incompatibleKey("key types for Diffie-Hellman", `${priv.type} and ${pub.type}`);
  }
  return Buffer.from(sharedSecret(priv, pub));
}

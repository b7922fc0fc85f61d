// libos/crypto/index.ts — `node:crypto` (Node 20's API) over Mbed TLS 3.6 and libsodium's Ed25519, linked natively
// into images whose bundle reaches this folder (boot/native/libs/mbedtls.mk, boot/image/native_libs.ts): hashes and
// HMAC, random bytes from the kernel's entropy pool, PBKDF2/scrypt/HKDF, AES and ChaCha20 ciphers, RSA/ECDSA/Ed25519
// keys and signatures, RSA encryption, ECDH/X25519, and Web Crypto (crypto.webcrypto, crypto.subtle). What is not
// here (DSA, DH groups, Ed448/X448, primes, BLAKE2, legacy createCipher, ...) throws
// ERR_FEATURE_UNAVAILABLE_ON_PLATFORM when called. Layer: libos.
import { notSupported } from "./_errors.ts";
import { native } from "./_native.ts";
import { x509Slot } from "./_x509_slot.ts";
import {
  Cipher, Cipheriv, createCipher, createCipheriv, createDecipher, createDecipheriv, Decipher, Decipheriv, getCipherInfo, getCiphers,
} from "./cipher.ts";
import { constants } from "./constants.ts";
import { createECDH, ECDH } from "./ecdh.ts";
import { createHash, createHmac, getHashes, Hash, hash, Hmac } from "./hash.ts";
import { hkdf, hkdfSync, pbkdf2, pbkdf2Sync, scrypt, scryptSync } from "./kdf.ts";
import { CryptoKey } from "./keys/crypto_key.ts";
import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from "./keys/key_object.ts";
import { generateKey, generateKeyPair, generateKeyPairSync, generateKeySync } from "./keys/keygen.ts";
import { checkPrime, checkPrimeSync, generatePrime, generatePrimeSync } from "./prime.ts";
import { getRandomValues, randomBytes, randomFill, randomFillSync, randomInt, randomUUID } from "./random.ts";
import { diffieHellman, privateDecrypt, privateEncrypt, publicDecrypt, publicEncrypt } from "./rsa_crypt.ts";
import { createSign, createVerify, Sign, sign, Verify, verify } from "./sign.ts";
import { subtle, webcrypto } from "./webcrypto/index.ts";

/** crypto.timingSafeEqual(a, b): compares two equally long byte sequences in time independent of their contents. */
export function timingSafeEqual(buf1: unknown, buf2: unknown): boolean {
  const bytes = (v: unknown, name: string): Uint8Array => {
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    if (v instanceof ArrayBuffer) return new Uint8Array(v);
    throw Object.assign(new TypeError(`The "${name}" argument must be an instance of ArrayBuffer, Buffer, TypedArray, or DataView.`),
      { code: "ERR_INVALID_ARG_TYPE" });
  };
  const a = bytes(buf1, "buf1"), b = bytes(buf2, "buf2");
  if (a.length !== b.length) {
    throw Object.assign(new RangeError("Input buffers must have the same byte length"), { code: "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH" });
  }
  return native().cryptoEqual(a, b);
}

const unsupported = (name: string) => function unavailable(): never {
  throw notSupported(`crypto.${name}`);
};

export const createDiffieHellman = unsupported("createDiffieHellman");
export const createDiffieHellmanGroup = unsupported("createDiffieHellmanGroup");
export const getDiffieHellman = unsupported("getDiffieHellman");
export const setEngine = unsupported("setEngine");
/** crypto.X509Certificate: in images whose code names it (libos/crypto/x509_install.ts), else unavailable. */
export const X509Certificate = x509Slot.load?.().X509Certificate ?? unsupported("X509Certificate");
export const Certificate = unsupported("Certificate");
export const DiffieHellman = unsupported("DiffieHellman");
export const DiffieHellmanGroup = unsupported("DiffieHellmanGroup");

/** FIPS mode is never on. */
export function getFips(): number {
  return 0;
}

export function setFips(on: unknown): void {
  if (on) throw Object.assign(new Error("Cannot set FIPS mode in a non-FIPS build."), { code: "ERR_CRYPTO_FIPS_UNAVAILABLE" });
}

/** There is no secure heap (Node's default too). */
export function secureHeapUsed(): { total: number; min: number; used: number; utilization: number } {
  return { total: 0, min: 0, used: 0, utilization: 0 };
}

export {
  checkPrime, checkPrimeSync, Cipher, constants, createCipher, createCipheriv, createDecipher, createECDH, Decipher, ECDH,
  generatePrime, generatePrimeSync, createDecipheriv, createHash, createHmac, createPrivateKey,
  createPublicKey, createSecretKey, createSign, createVerify, Cipheriv, CryptoKey, Decipheriv, diffieHellman,
  generateKey, generateKeyPair, generateKeyPairSync, generateKeySync, getCipherInfo, getCiphers, getHashes,
  getRandomValues, Hash, hash, hkdf, hkdfSync, Hmac, KeyObject, pbkdf2, pbkdf2Sync, privateDecrypt, privateEncrypt,
  publicDecrypt, publicEncrypt, randomBytes, randomFill, randomFillSync, randomInt, randomUUID, scrypt, scryptSync,
  sign, Sign, subtle, verify, Verify, webcrypto,
};

export const getCurves = (): string[] => ["prime256v1", "secp256k1", "secp384r1", "secp521r1"];

/** Node's prng/pseudoRandomBytes/rng aliases of randomBytes. */
export const prng = randomBytes;
export const pseudoRandomBytes = randomBytes;
export const rng = randomBytes;

export default {
  checkPrime, checkPrimeSync, createCipheriv, createDecipheriv, createDiffieHellman, createDiffieHellmanGroup,
  createECDH, createHash, createHmac, createPrivateKey, createPublicKey, createSecretKey, createSign, createVerify,
  diffieHellman, generatePrime, generatePrimeSync, getCiphers, getCipherInfo, getCurves, getDiffieHellman,
  getHashes, hkdf, hkdfSync, pbkdf2, pbkdf2Sync, generateKeyPair, generateKeyPairSync, generateKey, generateKeySync,
  privateDecrypt, privateEncrypt, publicDecrypt, publicEncrypt, randomBytes, randomFill, randomFillSync, randomInt,
  randomUUID, scrypt, scryptSync, sign, setEngine, timingSafeEqual, getFips, setFips, verify, hash, Certificate,
  Cipher, Cipheriv, Decipher, Decipheriv, DiffieHellman, DiffieHellmanGroup, ECDH, Hash, Hmac,
  KeyObject, Sign, Verify, X509Certificate, secureHeapUsed, constants, webcrypto, subtle, getRandomValues,
  createCipher, createDecipher, prng, pseudoRandomBytes, rng,
};

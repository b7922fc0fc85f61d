// libos/crypto/webcrypto/keys.ts — Web Crypto key generation, import and export (Node 20's rules: usages per
// algorithm and key type, JWK checks of kty/use/key_ops/ext/alg/crv, DataError for bad key data):
// RSASSA-PKCS1-v1_5, RSA-PSS, RSA-OAEP (spki, pkcs8, jwk); ECDSA, ECDH on P-256/P-384/P-521 (also raw public
// points); Ed25519, X25519 (also raw public keys); HMAC, AES-CTR/CBC/GCM/KW (raw, jwk); HKDF, PBKDF2 (raw).
// Layer: libos (private to libos/crypto/webcrypto).
import { domException } from "../_dom_exception.ts";
import { stringBytes } from "../_validate.ts";
import { completeKey } from "../keys/complete.ts";
import { type CryptoKey, keyObjectOf, newCryptoKey } from "../keys/crypto_key.ts";
import { keyToJwk, secretToJwk } from "../keys/jwk.ts";
import { CURVES, type EcKey, type KeyData, type RsaKey, toPkcs8, toSpki } from "../keys/key_data.ts";
import {
  createPrivateKey, createPublicKey, handleOf, type KeyObject, keyObjectFor, PublicKeyObject,
} from "../keys/key_object.ts";
import { generateKeyPairSync } from "../keys/keygen.ts";
import { randomUint8 } from "../random.ts";
import type { Algorithm } from "./_webidl.ts";

type Usages = string[];
export type KeyPair = { publicKey: CryptoKey; privateKey: CryptoKey };

export const WEB_CURVES = ["P-256", "P-384", "P-521"];

const syntax = (m: string) => domException(m, "SyntaxError");
const dataError = (m: string, cause?: unknown) => domException(m, "DataError", cause);
const operationFailed = (cause?: unknown) =>
  domException("The operation failed for an operation-specific reason", "OperationError", cause);

function hasAnyNotIn(set: Set<string>, allowed: string[]): boolean {
  for (const s of set) if (!allowed.includes(s)) return true;
  return false;
}

function usagesUnion(set: Set<string>, ...usages: string[]): string[] {
  return usages.filter((u) => set.has(u));
}

/** The key material of a CryptoKey. */
export const keyDataOf = (k: CryptoKey): KeyData => handleOf(keyObjectOf(k)).key!;
export const secretOf = (k: CryptoKey): Uint8Array => handleOf(keyObjectOf(k)).secret!;
const alg = (k: CryptoKey) => k.algorithm as Algorithm;

const toArrayBuffer = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;
const bytesOf = (v: ArrayBuffer | ArrayBufferView): Uint8Array =>
  ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);

// --- usages ---

function asymmetricUsages(name: string, isPublic: boolean): string[] {
  switch (name) {
    case "RSA-OAEP": return isPublic ? ["encrypt", "wrapKey"] : ["decrypt", "unwrapKey"];
    case "ECDH": case "X25519": return isPublic ? [] : ["deriveKey", "deriveBits"];
    default: return isPublic ? ["verify"] : ["sign"];
  }
}

/** Node's import-time usage check ("an RSA-PSS key", "a ECDSA key", "a Ed25519 key": its wording). */
function checkAsymmetricUse(name: string, isPublic: boolean, usages: Set<string>): void {
  if (hasAnyNotIn(usages, asymmetricUsages(name, isPublic))) {
    throw syntax(`Unsupported key usage for ${name.startsWith("RSA") ? "an" : "a"} ${name} key`);
  }
}

// --- generateKey ---

export function generateKey(algorithm: Algorithm, extractable: boolean, usages: Usages): CryptoKey | KeyPair {
  const { name } = algorithm;
  const set = new Set(usages);
  switch (name) {
    case "RSASSA-PKCS1-v1_5": case "RSA-PSS": case "RSA-OAEP": {
      const pe = algorithm.publicExponent as Uint8Array;
      let e = 0;
      for (const b of pe) e = e * 256 + b;
      if (pe.length > 4 && pe.subarray(0, pe.length - 4).some((b) => b !== 0) || e > 0xffffffff) {
        throw domException("The publicExponent must be equivalent to an unsigned 32-bit value", "OperationError");
      }
      const allowed = name === "RSA-OAEP" ? ["encrypt", "decrypt", "wrapKey", "unwrapKey"] : ["sign", "verify"];
      if (hasAnyNotIn(set, allowed)) throw syntax("Unsupported key usage for a RSA key");
      let pair;
      try {
        pair = generateKeyPairSync("rsa", { modulusLength: algorithm.modulusLength, publicExponent: e });
      } catch (err) {
        throw operationFailed(err);
      }
      const keyAlg = { name, modulusLength: algorithm.modulusLength, publicExponent: pe, hash: { name: algorithm.hash.name } };
      const [pubU, privU] = name === "RSA-OAEP"
        ? [usagesUnion(set, "encrypt", "wrapKey"), usagesUnion(set, "decrypt", "unwrapKey")]
        : [usagesUnion(set, "verify"), usagesUnion(set, "sign")];
      return { publicKey: newCryptoKey(pair.publicKey, keyAlg, pubU, true), privateKey: newCryptoKey(pair.privateKey, keyAlg, privU, extractable) };
    }
    case "ECDSA": case "ECDH": {
      const namedCurve = algorithm.namedCurve as string;
      if (!WEB_CURVES.includes(namedCurve)) throw domException("Unrecognized namedCurve", "NotSupportedError");
      const allowed = name === "ECDSA" ? ["sign", "verify"] : ["deriveKey", "deriveBits"];
      if (hasAnyNotIn(set, allowed)) throw syntax(`Unsupported key usage for an ${name} key`);
      let pair;
      try {
        pair = generateKeyPairSync("ec", { namedCurve });
      } catch (err) {
        throw operationFailed(err);
      }
      const keyAlg = { name, namedCurve };
      const [pubU, privU] = name === "ECDSA" ? [usagesUnion(set, "verify"), usagesUnion(set, "sign")]
        : [[], usagesUnion(set, "deriveKey", "deriveBits")];
      return { publicKey: newCryptoKey(pair.publicKey, keyAlg, pubU, true), privateKey: newCryptoKey(pair.privateKey, keyAlg, privU, extractable) };
    }
    case "Ed25519": case "X25519": {
      const allowed = name === "Ed25519" ? ["sign", "verify"] : ["deriveKey", "deriveBits"];
      if (hasAnyNotIn(set, allowed)) throw syntax(`Unsupported key usage for an ${name} key`);
      const pair = generateKeyPairSync(name.toLowerCase());
      const keyAlg = { name };
      const [pubU, privU] = name === "Ed25519" ? [usagesUnion(set, "verify"), usagesUnion(set, "sign")]
        : [[], usagesUnion(set, "deriveKey", "deriveBits")];
      return { privateKey: newCryptoKey(pair.privateKey, keyAlg, privU, extractable), publicKey: newCryptoKey(pair.publicKey, keyAlg, pubU, true) };
    }
    case "HMAC": {
      let length = algorithm.length as number | undefined;
      if (length === undefined) length = blockBits(algorithm.hash.name);
      if (length! % 8 !== 0) {
        throw Object.assign(new TypeError(`The argument 'algorithm.length' must be a multiple of 8. Received ${length}`),
          { code: "ERR_INVALID_ARG_VALUE" });
      }
      if (hasAnyNotIn(set, ["sign", "verify"])) throw syntax("Unsupported key usage for an HMAC key");
      const ko = keyObjectFor("secret", randomUint8(length! / 8));
      return newCryptoKey(ko, { name, length, hash: { name: algorithm.hash.name } }, [...set], extractable);
    }
    case "AES-CTR": case "AES-CBC": case "AES-GCM": case "AES-KW": {
      const length = algorithm.length as number;
      if (![128, 192, 256].includes(length)) throw domException("AES key length must be 128, 192, or 256 bits", "OperationError");
      const allowed = name === "AES-KW" ? ["wrapKey", "unwrapKey"] : ["wrapKey", "unwrapKey", "encrypt", "decrypt"];
      if (hasAnyNotIn(set, allowed)) throw syntax("Unsupported key usage for an AES key");
      return newCryptoKey(keyObjectFor("secret", randomUint8(length / 8)), { name, length }, [...set], extractable);
    }
  }
  throw domException("Unrecognized algorithm name", "NotSupportedError");
}

export function blockBits(hashName: string): number | undefined {
  switch (hashName) {
    case "SHA-1": case "SHA-256": return 512;
    case "SHA-384": case "SHA-512": return 1024;
  }
  return undefined;
}

// --- importKey ---

const KEY_OPS = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];

function validateKeyOps(keyOps: unknown, usages: Set<string>): void {
  if (keyOps === undefined) return;
  if (!Array.isArray(keyOps)) {
    throw Object.assign(new TypeError(`The "keyData.key_ops" property must be an instance of Array. Received ${typeof keyOps}`),
      { code: "ERR_INVALID_ARG_TYPE" });
  }
  const seen = new Set<string>();
  for (const op of keyOps) {
    if (!KEY_OPS.includes(op)) continue;
    if (seen.has(op)) throw dataError("Duplicate key operation");
    seen.add(op);
  }
  for (const u of usages) if (!keyOps.includes(u)) throw dataError("Key operations and usage mismatch");
}

function checkJwkCommon(jwk: Record<string, any>, usages: Set<string>, extractable: boolean, use: string): void {
  if (usages.size > 0 && jwk.use !== undefined && jwk.use !== use) throw dataError('Invalid JWK "use" Parameter');
  validateKeyOps(jwk.key_ops, usages);
  if (jwk.ext !== undefined && jwk.ext === false && extractable === true) throw dataError('JWK "ext" Parameter and extractable mismatch');
}

function importDer(format: "spki" | "pkcs8", data: Uint8Array): KeyObject {
  try {
    return format === "spki" ? createPublicKey({ key: data, format: "der", type: "spki" })
      : createPrivateKey({ key: data, format: "der", type: "pkcs8" });
  } catch (err) {
    throw dataError("Invalid keyData", err);
  }
}

function importJwkKey(jwk: Record<string, any>, isPublic: boolean): KeyObject {
  try {
    return isPublic ? createPublicKey({ key: jwk, format: "jwk" }) : createPrivateKey({ key: jwk, format: "jwk" });
  } catch (err) {
    throw dataError("Invalid keyData", err);
  }
}

const RSA_JWK_ALG: Record<string, Record<string, string>> = {
  "RSASSA-PKCS1-v1_5": { RS1: "SHA-1", RS256: "SHA-256", RS384: "SHA-384", RS512: "SHA-512" },
  "RSA-PSS": { PS1: "SHA-1", PS256: "SHA-256", PS384: "SHA-384", PS512: "SHA-512" },
  "RSA-OAEP": { "RSA-OAEP": "SHA-1", "RSA-OAEP-256": "SHA-256", "RSA-OAEP-384": "SHA-384", "RSA-OAEP-512": "SHA-512" },
};

function importRsa(format: string, keyData: any, algorithm: Algorithm, extractable: boolean, usages: Usages): CryptoKey {
  const set = new Set(usages);
  let ko: KeyObject;
  switch (format) {
    case "spki": case "pkcs8":
      checkAsymmetricUse(algorithm.name, format === "spki", set);
      ko = importDer(format, bytesOf(keyData));
      break;
    case "jwk": {
      if (!keyData.kty) throw dataError("Invalid keyData");
      if (keyData.kty !== "RSA") throw dataError('Invalid JWK "kty" Parameter');
      checkAsymmetricUse(algorithm.name, keyData.d === undefined, set);
      checkJwkCommon(keyData, set, extractable, algorithm.name === "RSA-OAEP" ? "enc" : "sig");
      if (keyData.alg !== undefined) {
        const hash = RSA_JWK_ALG[algorithm.name][keyData.alg] ?? String(keyData.alg).toLowerCase();
        if (hash !== algorithm.hash.name) throw dataError('JWK "alg" does not match the requested algorithm');
      }
      ko = importJwkKey(keyData, keyData.d === undefined);
      break;
    }
    default:
      throw domException(`Unable to import RSA key with format ${format}`, "NotSupportedError");
  }
  const data = handleOf(ko).key!;
  if (data.type !== "rsa") throw dataError("Invalid key type");
  const details = (ko as PublicKeyObject).asymmetricKeyDetails as { modulusLength: number };
  return newCryptoKey(ko, {
    name: algorithm.name, modulusLength: details.modulusLength, publicExponent: Uint8Array.from(data.e),
    hash: algorithm.hash,
  }, usages, extractable);
}

function importEc(format: string, keyData: any, algorithm: Algorithm, extractable: boolean, usages: Usages): CryptoKey {
  const { name, namedCurve } = algorithm;
  if (!WEB_CURVES.includes(namedCurve)) throw domException("Unrecognized namedCurve", "NotSupportedError");
  const set = new Set(usages);
  const curve = CURVES.find((c) => c.jwk === namedCurve)!;
  let ko: KeyObject;
  switch (format) {
    case "spki": case "pkcs8":
      checkAsymmetricUse(name, format === "spki", set);
      ko = importDer(format, bytesOf(keyData));
      break;
    case "jwk": {
      if (!keyData.kty) throw dataError("Invalid keyData");
      if (keyData.kty !== "EC") throw dataError('Invalid JWK "kty" Parameter');
      if (keyData.crv !== namedCurve) throw dataError('JWK "crv" does not match the requested algorithm');
      checkAsymmetricUse(name, keyData.d === undefined, set);
      checkJwkCommon(keyData, set, extractable, name === "ECDH" ? "enc" : "sig");
      if (name === "ECDSA" && keyData.alg !== undefined) {
        const c = ({ ES256: "P-256", ES384: "P-384", ES512: "P-521" } as Record<string, string>)[keyData.alg];
        if (c !== namedCurve) throw dataError('JWK "alg" does not match the requested algorithm');
      }
      ko = importJwkKey(keyData, keyData.d === undefined);
      break;
    }
    case "raw": {
      checkAsymmetricUse(name, true, set);
      let key: KeyData;
      try {
        key = completeKey({ type: "ec", curve, q: Uint8Array.from(bytesOf(keyData)) });
      } catch {
        throw dataError("Invalid keyData");
      }
      ko = keyObjectFor("public", undefined, key);
      break;
    }
    default:
      throw domException(`Unable to import ${name} key with format ${format}`, "NotSupportedError");
  }
  const data = handleOf(ko).key!;
  if (data.type !== "ec") throw dataError("Invalid key type");
  if ((data as EcKey).curve !== curve) throw dataError("Named curve mismatch");
  return newCryptoKey(ko, { name, namedCurve }, usages, extractable);
}

function importOkp(format: string, keyData: any, algorithm: Algorithm, extractable: boolean, usages: Usages): CryptoKey {
  const { name } = algorithm;
  const set = new Set(usages);
  const type = name.toLowerCase() as "ed25519" | "x25519";
  const raw = (bytes: Uint8Array, isPublic: boolean): KeyObject => {
    if (bytes.length !== 32) throw dataError(`${name} raw keys must be exactly 32-bytes`);
    try {
      const key = completeKey(isPublic ? { type, x: Uint8Array.from(bytes) } : { type, d: Uint8Array.from(bytes), x: new Uint8Array(0) });
      return keyObjectFor(isPublic ? "public" : "private", undefined, key);
    } catch {
      throw dataError("Invalid keyData");
    }
  };
  let ko: KeyObject;
  switch (format) {
    case "spki": case "pkcs8":
      checkAsymmetricUse(name, format === "spki", set);
      ko = importDer(format, bytesOf(keyData));
      break;
    case "jwk": {
      if (!keyData.kty) throw dataError("Invalid keyData");
      if (keyData.kty !== "OKP") throw dataError('Invalid JWK "kty" Parameter');
      if (keyData.crv !== name) throw dataError('JWK "crv" Parameter and algorithm name mismatch');
      const isPublic = keyData.d === undefined;
      checkJwkCommon(keyData, set, extractable, name === "Ed25519" ? "sig" : "enc");
      if (keyData.alg !== undefined && name === "Ed25519" && keyData.alg !== name && keyData.alg !== "EdDSA") {
        throw dataError('JWK "alg" does not match the requested algorithm');
      }
      if (!isPublic && typeof keyData.x !== "string") throw dataError("Invalid JWK");
      checkAsymmetricUse(name, isPublic, set);
      const pub = raw(stringBytes(keyData.x, "base64url"), true);
      if (isPublic) ko = pub;
      else {
        ko = raw(stringBytes(keyData.d, "base64url"), false);
        if (!createPublicKey(ko).equals(pub)) throw dataError("Invalid keyData");
      }
      break;
    }
    case "raw":
      checkAsymmetricUse(name, true, set);
      ko = raw(bytesOf(keyData), true);
      break;
    default:
      throw domException(`Unable to import ${name} key with format ${format}`, "NotSupportedError");
  }
  if (handleOf(ko).key!.type !== type) throw dataError("Invalid key type");
  return newCryptoKey(ko, { name }, usages, extractable);
}

const HMAC_JWK_ALG: Record<string, string> = { "SHA-1": "HS1", "SHA-256": "HS256", "SHA-384": "HS384", "SHA-512": "HS512" };

function importSecretJwk(keyData: any): Uint8Array {
  if (typeof keyData.k !== "string") throw dataError("Invalid keyData", Object.assign(new TypeError("Invalid JWK secret key format"), { code: "ERR_CRYPTO_INVALID_JWK" }));
  return stringBytes(keyData.k, "base64url");
}

function importHmac(format: string, keyData: any, algorithm: Algorithm, extractable: boolean, usages: Usages): CryptoKey {
  const set = new Set(usages);
  if (hasAnyNotIn(set, ["sign", "verify"])) throw syntax("Unsupported key usage for an HMAC key");
  let bytes: Uint8Array;
  switch (format) {
    case "raw": {
      bytes = Uint8Array.from(bytesOf(keyData));
      const bits = bytes.length * 8;
      if (bits === 0 || algorithm.length === 0) throw dataError("Zero-length key is not supported");
      if (algorithm.length !== undefined && algorithm.length !== bits) throw dataError("Invalid key length");
      break;
    }
    case "jwk": {
      if (!keyData.kty) throw dataError("Invalid keyData");
      if (keyData.kty !== "oct") throw dataError('Invalid JWK "kty" Parameter');
      checkJwkCommon(keyData, set, extractable, "sig");
      if (keyData.alg !== undefined) {
        const expect = HMAC_JWK_ALG[algorithm.hash.name];
        if (!expect) throw dataError("Unsupported digest algorithm");
        if (keyData.alg !== expect) throw dataError('JWK "alg" does not match the requested algorithm');
      }
      bytes = importSecretJwk(keyData);
      break;
    }
    default:
      throw domException(`Unable to import HMAC key with format ${format}`, "Error");
  }
  return newCryptoKey(keyObjectFor("secret", bytes), { name: "HMAC", hash: algorithm.hash, length: bytes.length * 8 },
    usages, extractable);
}

function importAes(format: string, keyData: any, algorithm: Algorithm, extractable: boolean, usages: Usages): CryptoKey {
  const { name } = algorithm;
  const set = new Set(usages);
  const allowed = name === "AES-KW" ? ["wrapKey", "unwrapKey"] : ["wrapKey", "unwrapKey", "encrypt", "decrypt"];
  if (hasAnyNotIn(set, allowed)) throw syntax("Unsupported key usage for an AES key");
  const checkLength = (bits: number) => {
    if (bits !== 128 && bits !== 192 && bits !== 256) throw dataError("Invalid key length");
  };
  let bytes: Uint8Array;
  switch (format) {
    case "raw":
      bytes = Uint8Array.from(bytesOf(keyData));
      checkLength(bytes.length * 8);
      break;
    case "jwk": {
      if (!keyData.kty) throw dataError("Invalid keyData");
      if (keyData.kty !== "oct") throw dataError('Invalid JWK "kty" Parameter');
      checkJwkCommon(keyData, set, extractable, "enc");
      bytes = importSecretJwk(keyData);
      checkLength(bytes.length * 8);
      if (keyData.alg !== undefined && keyData.alg !== aesJwkAlg(name, bytes.length * 8)) {
        throw dataError('JWK "alg" does not match the requested algorithm');
      }
      break;
    }
    default:
      throw domException(`Unable to import AES key with format ${format}`, "NotSupportedError");
  }
  return newCryptoKey(keyObjectFor("secret", bytes), { name, length: bytes.length * 8 }, usages, extractable);
}

const aesJwkAlg = (name: string, bits: number) => `A${bits}${name.slice(4)}`;

function importGenericSecret(format: string, keyData: any, algorithm: Algorithm, extractable: boolean, usages: Usages): CryptoKey {
  const { name } = algorithm;
  if (extractable) throw syntax(`${name} keys are not extractable`);
  if (hasAnyNotIn(new Set(usages), ["deriveKey", "deriveBits"])) throw syntax(`Unsupported key usage for a ${name} key`);
  if (format !== "raw") throw domException(`Unable to import ${name} key with format ${format}`, "NotSupportedError");
  return newCryptoKey(keyObjectFor("secret", Uint8Array.from(bytesOf(keyData))), { name }, usages, false);
}

export function importKey(format: string, keyData: any, algorithm: Algorithm, extractable: boolean, usages: Usages): CryptoKey {
  switch (algorithm.name) {
    case "RSASSA-PKCS1-v1_5": case "RSA-PSS": case "RSA-OAEP": return importRsa(format, keyData, algorithm, extractable, usages);
    case "ECDSA": case "ECDH": return importEc(format, keyData, algorithm, extractable, usages);
    case "Ed25519": case "X25519": return importOkp(format, keyData, algorithm, extractable, usages);
    case "HMAC": return importHmac(format, keyData, algorithm, extractable, usages);
    case "AES-CTR": case "AES-CBC": case "AES-GCM": case "AES-KW": return importAes(format, keyData, algorithm, extractable, usages);
    case "HKDF": case "PBKDF2": return importGenericSecret(format, keyData, algorithm, extractable, usages);
  }
  throw domException("Unrecognized algorithm name", "NotSupportedError");
}

// --- exportKey ---

const RSA_NAMES = ["RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP"];
const EC_NAMES = ["ECDSA", "ECDH"];
const OKP_NAMES = ["Ed25519", "X25519"];
const SECRET_NAMES = ["AES-CTR", "AES-CBC", "AES-GCM", "AES-KW", "HMAC"];

export function exportKey(format: string, key: CryptoKey): ArrayBuffer | Record<string, unknown> {
  const { name } = alg(key);
  const asym = [...RSA_NAMES, ...EC_NAMES, ...OKP_NAMES].includes(name);
  switch (format) {
    case "spki":
      if (asym && key.type === "public") return toArrayBuffer(toSpki(keyDataOf(key)));
      throw domException(`Unable to export a raw ${name} ${key.type} key`, "InvalidAccessError");
    case "pkcs8":
      if (asym && key.type === "private") return toArrayBuffer(toPkcs8(keyDataOf(key)));
      throw domException(`Unable to export a pkcs8 ${name} ${key.type} key`, "InvalidAccessError");
    case "raw":
      if ((EC_NAMES.includes(name) || OKP_NAMES.includes(name)) && key.type === "public") {
        const d = keyDataOf(key);
        return toArrayBuffer(d.type === "ec" ? d.q : (d as { x: Uint8Array }).x);
      }
      if (SECRET_NAMES.includes(name)) return toArrayBuffer(secretOf(key));
      throw domException(`Unable to export a raw ${name} ${key.type} key`, "InvalidAccessError");
    case "jwk": {
      const head = { key_ops: key.usages, ext: key.extractable };
      if (SECRET_NAMES.includes(name)) {
        const jwk: Record<string, unknown> = { ...head, ...secretToJwk(secretOf(key)) };
        jwk.alg = name === "HMAC" ? hmacJwkAlg(alg(key).hash.name) : aesJwkAlg(name, alg(key).length);
        return jwk;
      }
      if (!asym) break;
      const jwk: Record<string, unknown> = { ...head, ...keyToJwk(keyDataOf(key)) };
      if (RSA_NAMES.includes(name)) {
        const h = alg(key).hash.name as string;
        const table = RSA_JWK_ALG[name];
        jwk.alg = Object.keys(table).find((k) => table[k] === h) ?? h.toLowerCase();
      } else if (name === "Ed25519") {
        jwk.alg = name;
      }
      return jwk;
    }
  }
  throw domException("Not yet supported", "NotSupportedError");
}

function hmacJwkAlg(hash: string): string {
  const a = HMAC_JWK_ALG[hash];
  if (!a) throw dataError("Unsupported digest algorithm");
  return a;
}

/** The public key of an RSA CryptoKey as key parts for the native primitives. */
export function rsaParts(k: CryptoKey, priv: boolean): Uint8Array[] {
  const d = keyDataOf(k) as RsaKey;
  return priv ? [d.n, d.e, d.d!, d.p!, d.q!] : [d.n, d.e];
}

export { bytesOf };

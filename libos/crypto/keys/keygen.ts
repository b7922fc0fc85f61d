// libos/crypto/keys/keygen.ts — generateKeyPair(Sync) for RSA, RSA-PSS (with or without parameters), EC (P-256,
// P-384, P-521, secp256k1), Ed25519 and X25519, with the keys' encodings as options; generateKey(Sync) for HMAC
// and AES secret keys. Key material comes from the native generator (Mbed TLS's RSA and ECP key generation over
// the CTR_DRBG; Ed25519/X25519 private keys are random bytes). DSA, DH, Ed448 and X448 are not available.
// Layer: libos.
import { codedError, invalidArgValue, invalidCurve, notSupported } from "../_errors.ts";
import { findHash } from "../_hashes.ts";
import { CurveId, native, u8 } from "../_native.ts";
import {
  validateFunction, validateInt32, validateInteger, validateObject, validateOneOf, validateString, validateUint32,
} from "../_validate.ts";
import { deliverLater, ensureSeeded, randomUint8 } from "../random.ts";
import { completeKey } from "./complete.ts";
import { findCurve, type KeyData, publicPart, type PssParams } from "./key_data.ts";
import { encodeKey, type KeyEncoding, type KeyObject, keyObjectFor, parseKeyEncoding } from "./key_object.ts";
import { promisifyCustom } from "../../util/functions.ts";

interface Encodings {
  pub?: KeyEncoding;
  priv?: KeyEncoding;
}

function keyEncodings(keyType: string, options: Record<string, unknown> = {}): Encodings {
  const { publicKeyEncoding, privateKeyEncoding } = options;
  const out: Encodings = {};
  if (publicKeyEncoding != null) {
    if (typeof publicKeyEncoding !== "object") throw invalidArgValue("options.publicKeyEncoding", publicKeyEncoding);
    out.pub = parseKeyEncoding(publicKeyEncoding, keyType, true, "publicKeyEncoding");
  }
  if (privateKeyEncoding != null) {
    if (typeof privateKeyEncoding !== "object") throw invalidArgValue("options.privateKeyEncoding", privateKeyEncoding);
    out.priv = parseKeyEncoding(privateKeyEncoding, keyType, false, "privateKeyEncoding");
  }
  return out;
}

const rsaError = (reason: string, hex: string) => new Error(`error:${hex}:${reason}`);

/** Checks the options now (Node's order: type, encodings, options); returns the work that makes the key. */
function keyPairJob(type: unknown, options: unknown): { run: () => KeyData; enc: Encodings } {
  validateString(type, "type");
  const enc = keyEncodings(type, (options ?? {}) as Record<string, unknown>);
  if (options !== undefined) validateObject(options, "options");
  return { run: keyPairWork(type, options), enc };
}

function keyPairWork(type: string, options: unknown): () => KeyData {
  switch (type) {
    case "rsa": case "rsa-pss": {
      validateObject(options, "options");
      const { modulusLength } = options;
      validateUint32(modulusLength, "options.modulusLength");
      let { publicExponent } = options;
      if (publicExponent == null) publicExponent = 0x10001;
      else validateUint32(publicExponent, "options.publicExponent");
      let pss: PssParams | undefined;
      if (type === "rsa-pss") {
        const { hash, mgf1Hash, hashAlgorithm, mgf1HashAlgorithm, saltLength } = options;
        if (saltLength !== undefined) validateInt32(saltLength, "options.saltLength", 0);
        if (hashAlgorithm !== undefined) validateString(hashAlgorithm, "options.hashAlgorithm");
        if (mgf1HashAlgorithm !== undefined) validateString(mgf1HashAlgorithm, "options.mgf1HashAlgorithm");
        if (hash !== undefined) {
          validateString(hash, "options.hash");
          if (hashAlgorithm && hash !== hashAlgorithm) throw invalidArgValue("options.hash", hash);
        }
        if (mgf1Hash !== undefined) {
          validateString(mgf1Hash, "options.mgf1Hash");
          if (mgf1HashAlgorithm && mgf1Hash !== mgf1HashAlgorithm) throw invalidArgValue("options.mgf1Hash", mgf1Hash);
        }
        const h = hashAlgorithm ?? hash, m = mgf1HashAlgorithm ?? mgf1Hash;
        if (h !== undefined || m !== undefined || saltLength !== undefined) {
          const hi = h === undefined ? findHash("sha1") : findHash(h);
          if (!hi) throw codedError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid MGF1 digest: ${h}`);
          const mi = m === undefined ? hi : findHash(m);
          if (!mi) throw codedError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid MGF1 digest: ${m}`);
          pss = { hashAlgorithm: hi.name, mgf1HashAlgorithm: mi.name, saltLength: (saltLength as number | undefined) ?? hi.size };
        }
      }
      const bits = modulusLength as number, e = publicExponent as number;
      return () => {
        if (bits < 512) throw rsaError("Provider routines::key size too small", "1C8000AB");
        if (e < 3 || e % 2 === 0) throw rsaError("rsa routines::pub exponent out of range", "020000B2");
        ensureSeeded();
        const [n, pe, d, p, q, dp, dq, qi] = native().cryptoRsaGenerate(bits, e).map(u8);
        return { type, n, e: pe, d, p, q, dp, dq, qi, ...(pss ? { pss } : {}) } as KeyData;
      };
    }
    case "ec": {
      validateObject(options, "options");
      const { namedCurve, paramEncoding } = options;
      validateString(namedCurve, "options.namedCurve");
      if (paramEncoding === "explicit") throw notSupported("explicit EC parameters");
      if (paramEncoding != null && paramEncoding !== "named") throw invalidArgValue("options.paramEncoding", paramEncoding);
      const curve = findCurve(namedCurve);
      if (!curve) throw invalidCurve();
      return () => {
        ensureSeeded();
        const [d, q] = native().cryptoEcGenerate(curve.id).map(u8);
        return { type: "ec", curve, d, q };
      };
    }
    case "ed25519": case "x25519":
      return () => {
        if (type === "ed25519") return completeKey({ type, d: randomUint8(32), x: new Uint8Array(0) });
        ensureSeeded();
        const [d, x] = native().cryptoEcGenerate(CurveId.X25519).map(u8);
        return { type, d, x };
      };
    case "dsa": case "dh": case "ed448": case "x448":
      throw notSupported(`${type} keys`);
  }
  throw invalidArgValue("type", type, "must be a supported key type");
}

function wrapPair(data: KeyData, enc: Encodings): { publicKey: unknown; privateKey: unknown } {
  const pub = keyObjectFor("public", undefined, publicPart(data));
  const priv = keyObjectFor("private", undefined, data);
  return { publicKey: encodeKey(pub, enc.pub), privateKey: encodeKey(priv, enc.priv) };
}

/** crypto.generateKeyPairSync(type, options) → { publicKey, privateKey }. */
export function generateKeyPairSync(type: string, options?: unknown): { publicKey: any; privateKey: any } {
  const { run, enc } = keyPairJob(type, options);
  return wrapPair(run(), enc);
}

/** crypto.generateKeyPair(type, options, callback(err, publicKey, privateKey)). */
export function generateKeyPair(type: string, options: unknown, callback?: unknown): void {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  validateFunction(callback, "callback");
  const { run, enc } = keyPairJob(type, options);
  const cb = callback as (err: Error | null, pub?: unknown, priv?: unknown) => void;
  deliverLater(() => wrapPair(run(), enc), (err, pair) => (err ? cb(err) : cb(null, pair!.publicKey, pair!.privateKey)));
}

Object.defineProperty(generateKeyPair, promisifyCustom, {
  value: (type: string, options?: unknown) => new Promise((resolve, reject) => {
    generateKeyPair(type, options, (err: Error | null, publicKey?: unknown, privateKey?: unknown) =>
      (err ? reject(err) : resolve({ publicKey, privateKey })));
  }),
  enumerable: false,
});

function secretKeyJob(type: unknown, options: unknown): () => Uint8Array {
  validateString(type, "type");
  validateObject(options, "options");
  const { length } = options;
  switch (type) {
    case "hmac": validateInteger(length, "options.length", 8, 2 ** 31 - 1); break;
    case "aes": validateOneOf(length, "options.length", [128, 192, 256]); break;
    default: throw invalidArgValue("type", type, "must be a supported key type");
  }
  return () => randomUint8(Math.floor((length as number) / 8));
}

/** crypto.generateKeySync(type, { length }) for "hmac" (bits, 8..2^31-1) and "aes" (128/192/256). */
export function generateKeySync(type: string, options: unknown): KeyObject {
  return keyObjectFor("secret", secretKeyJob(type, options)());
}

/** crypto.generateKey(type, { length }, callback(err, key)). */
export function generateKey(type: string, options: unknown, callback?: unknown): void {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  validateFunction(callback, "callback");
  const job = secretKeyJob(type, options);
  deliverLater(() => keyObjectFor("secret", job()), callback as (err: Error | null, key?: KeyObject) => void);
}

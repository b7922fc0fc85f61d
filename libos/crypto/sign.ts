// libos/crypto/sign.ts — createSign/Sign, createVerify/Verify (Writable streams over a running digest) and the one-shot
// sign()/verify(): RSA PKCS#1 v1.5 and PSS (padding, saltLength; RSA-PSS keys' restrictions), ECDSA (DER or
// IEEE P1363 signatures), Ed25519 (one-shot only, as in Node). The key arguments and Node 20's errors are the
// keys module's; the arithmetic is the glue's (mbedtls_pk.c, sodium_ed25519.c). Layer: libos.
import { Buffer } from "../buffer/index.ts";
import { Writable } from "../stream/index.ts";
import { codedError, invalidArgType, invalidArgValue, invalidDigest, opensslError, signKeyRequired } from "./_errors.ts";
import { findHash, type HashInfo } from "./_hashes.ts";
import { native, type NativeDigest, RsaPadding, u8 } from "./_native.ts";
import { dataBytes, toBytes, validateFunction, validateString, viewBytes } from "./_validate.ts";
import { DerError, DerReader, derInteger, derNull, derOctetString, derOid, derSequence, padStart } from "./keys/der.ts";
import type { EcKey, KeyData, RsaKey } from "./keys/key_data.ts";
import { KeyContext, prepareAsymmetricKey } from "./keys/key_object.ts";
import { deliverLater, ensureSeeded } from "./random.ts";

type NodeBuffer = import("node:buffer").Buffer;

const RSA_PSS_SALTLEN_DIGEST = -1;
const RSA_PSS_SALTLEN_MAX_SIGN = -2;
const RSA_PSS_SALTLEN_AUTO = -2;

interface SigOptions {
  padding?: number;
  saltLength?: number;
  p1363: boolean;
}

function intOption(name: string, options: Record<string, unknown>): number | undefined {
  const v = options[name];
  if (v !== undefined) {
    if (v === (v as number) >> 0) return v as number;
    throw invalidArgValue(`options.${name}`, v);
  }
  return undefined;
}

function sigOptions(options: unknown): SigOptions {
  const o = (typeof options === "object" && options !== null ? options : {}) as Record<string, unknown>;
  const padding = intOption("padding", o);
  let saltLength = intOption("saltLength", o);
  if (o.padding === RsaPadding.PSS && saltLength === undefined) saltLength = RSA_PSS_SALTLEN_MAX_SIGN;
  let p1363 = false;
  if (typeof options === "object" && options !== null) {
    const { dsaEncoding = "der" } = o;
    if (dsaEncoding === "ieee-p1363") p1363 = true;
    else if (dsaEncoding !== "der") throw invalidArgValue("options.dsaEncoding", dsaEncoding);
  }
  return { padding, saltLength, p1363 };
}

const providerError = (hex: string, reason: string) => opensslError(hex, "Provider routines", reason);
const rsaRoutines = (hex: string, reason: string) => opensslError(hex, "rsa routines", reason);
const notForKeyType = () => opensslError("03000096", "digital envelope routines", "operation not supported for this keytype");

/** The PKCS#1 v1.5 DigestInfo of a digest. */
function digestInfo(h: HashInfo, digest: Uint8Array): Uint8Array {
  return derSequence(derSequence(derOid(h.oid), derNull()), derOctetString(digest));
}

interface PssChoice {
  padding: RsaPadding;
  saltLength: number;
  mgf1: HashInfo;
}

/** Padding and salt for an RSA key: RSA-PSS keys always use PSS, within their restrictions. */
function rsaChoice(key: RsaKey, hash: HashInfo, opts: SigOptions, signing: boolean): PssChoice {
  if (key.type === "rsa-pss") {
    if (opts.padding !== undefined && opts.padding !== RsaPadding.PSS) {
      throw providerError("1C8000A5", "illegal or unsupported padding mode");
    }
    const p = key.pss;
    if (p) {
      if (hash.name !== p.hashAlgorithm) throw providerError("1C8000AE", "digest not allowed");
      let salt = opts.saltLength;
      if (salt === undefined || (!signing && salt === RSA_PSS_SALTLEN_AUTO)) salt = p.saltLength;
      else if (salt === RSA_PSS_SALTLEN_DIGEST) salt = hash.size;
      if (salt >= 0 && salt < p.saltLength) throw providerError("1C8000AC", "pss saltlen too small");
      return { padding: RsaPadding.PSS, saltLength: salt, mgf1: findHash(p.mgf1HashAlgorithm)! };
    }
    return { padding: RsaPadding.PSS, saltLength: opts.saltLength ?? RSA_PSS_SALTLEN_AUTO, mgf1: hash };
  }
  const padding = opts.padding ?? RsaPadding.PKCS1;
  if (padding !== RsaPadding.PKCS1 && padding !== RsaPadding.PSS) throw providerError("1C8000A8", "invalid padding mode");
  return { padding, saltLength: opts.saltLength ?? RSA_PSS_SALTLEN_AUTO, mgf1: hash };
}

function rsaKeyParts(k: RsaKey, priv: boolean): Uint8Array[] {
  return priv ? [k.n, k.e, k.d!, k.p!, k.q!] : [k.n, k.e];
}

/** A DER ECDSA-Sig-Value from r‖s. */
function ecdsaDer(rs: Uint8Array): Uint8Array {
  const half = rs.length / 2;
  return derSequence(derInteger(rs.subarray(0, half)), derInteger(rs.subarray(half)));
}

/** r‖s from a strict DER ECDSA-Sig-Value (re-encoding must give the same bytes), or undefined. */
function ecdsaFromDer(sig: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const r = new DerReader(sig).sequence();
    const a = r.integer(), b = r.integer();
    r.assertDone();
    const rs = new Uint8Array(2 * size);
    rs.set(padStart(a, size), 0);
    rs.set(padStart(b, size), size);
    const again = ecdsaDer(rs);
    if (again.length !== sig.length || again.some((x, i) => x !== sig[i])) return undefined;
    return rs;
  } catch (e) {
    if (e instanceof DerError) return undefined;
    throw e;
  }
}

const ecOrderSize = (k: EcKey) => k.curve.size;

/** Signs a digest with an RSA or EC key. */
function signDigest(key: KeyData, hash: HashInfo, digest: Uint8Array, opts: SigOptions): Uint8Array {
  ensureSeeded();
  if (key.type === "rsa" || key.type === "rsa-pss") {
    if (hash.xof) throw providerError("1C8000AE", "digest not allowed");
    const c = rsaChoice(key, hash, opts, true);
    const input = c.padding === RsaPadding.PKCS1 ? digestInfo(hash, digest) : digest;
    const r = native().cryptoRsaSign(rsaKeyParts(key, true), c.padding, input, hash.id, c.mgf1.id, c.saltLength);
    if (typeof r === "number") {
      if (c.padding === RsaPadding.PKCS1) throw rsaRoutines("02000070", "digest too big for rsa key");
      throw rsaRoutines("0200006E", "data too large for key size");
    }
    return u8(r);
  }
  if (key.type === "ec") {
    const rs = u8(native().cryptoEcSign(key.curve.id, key.d!, digest));
    return opts.p1363 ? rs : ecdsaDer(rs);
  }
  throw notForKeyType();
}

function verifyDigest(key: KeyData, hash: HashInfo, digest: Uint8Array, sig: Uint8Array, opts: SigOptions): boolean {
  if (key.type === "rsa" || key.type === "rsa-pss") {
    if (hash.xof) throw providerError("1C8000AE", "digest not allowed");
    const c = rsaChoice(key, hash, opts, false);
    const input = c.padding === RsaPadding.PKCS1 ? digestInfo(hash, digest) : digest;
    return native().cryptoRsaVerify(rsaKeyParts(key, false), c.padding, input, sig, hash.id, c.mgf1.id, c.saltLength);
  }
  if (key.type === "ec") {
    const rs = opts.p1363 ? (sig.length === 2 * ecOrderSize(key) ? sig : undefined) : ecdsaFromDer(sig, ecOrderSize(key));
    return rs !== undefined && native().cryptoEcVerify(key.curve.id, key.q, digest, rs);
  }
  throw notForKeyType();
}

const DEFAULT_HASH = "sha256";

function hashOf(algorithm: string | null | undefined): HashInfo {
  const h = findHash(algorithm ?? DEFAULT_HASH);
  if (!h) throw invalidDigest(algorithm);
  return h;
}

function digestOf(h: HashInfo, data: Uint8Array): Uint8Array {
  const d = native().cryptoDigest(h.id);
  d.update(data);
  return u8(d.digest());
}

// --- Sign / Verify streams ---

const kHandle = Symbol("kHandle");

interface SignLike {
  [kHandle]: { hash: HashInfo; digest: NativeDigest | undefined };
}

function update(this: SignLike, data: unknown, encoding?: unknown): SignLike {
  const bytes = dataBytes(data, encoding);
  const h = this[kHandle];
  if (!h.digest) throw codedError(Error, "ERR_CRYPTO_INVALID_STATE", "Not initialised");
  h.digest.update(bytes);
  return this;
}

function write(this: SignLike, chunk: unknown, encoding: unknown, callback: () => void): void {
  update.call(this, chunk, encoding);
  callback();
}

/** Finishes the running digest (a second sign/verify finds none: "Not initialised"). */
function takeDigest(self: SignLike): Uint8Array {
  const h = self[kHandle];
  if (!h.digest) throw codedError(Error, "ERR_CRYPTO_INVALID_STATE", "Not initialised");
  const d = u8(h.digest.digest());
  h.digest = undefined;
  return d;
}

function initSign(self: SignLike, algorithm: unknown): void {
  validateString(algorithm, "algorithm");
  const hash = findHash(algorithm);
  if (!hash) throw codedError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", "Invalid digest");
  self[kHandle] = { hash, digest: native().cryptoDigest(hash.id) };
}

const unsupportedOperation = () => codedError(Error, "ERR_CRYPTO_UNSUPPORTED_OPERATION", "Unsupported crypto operation");

export interface Sign extends SignLike {
  update(data: unknown, encoding?: unknown): Sign;
  sign(privateKey: unknown, outputEncoding?: string): NodeBuffer | string;
}

export interface Verify extends SignLike {
  update(data: unknown, encoding?: unknown): Verify;
  verify(key: unknown, signature: unknown, signatureEncoding?: string): boolean;
}

type Ctor<T> = { new (algorithm: string, options?: unknown): T; (algorithm: string, options?: unknown): T; prototype: T };

/** crypto.Sign (a Writable stream of the data to sign). */
export const Sign = function Sign(this: Sign, algorithm: unknown, options?: unknown) {
  if (!(this instanceof Sign)) return new (Sign as Ctor<Sign>)(algorithm as string, options);
  initSign(this, algorithm);
  (Writable as unknown as (this: unknown, o: unknown) => void).call(this, options);
} as unknown as Ctor<Sign>;

/** crypto.Verify. */
export const Verify = function Verify(this: Verify, algorithm: unknown, options?: unknown) {
  if (!(this instanceof Verify)) return new (Verify as Ctor<Verify>)(algorithm as string, options);
  initSign(this, algorithm);
  (Writable as unknown as (this: unknown, o: unknown) => void).call(this, options);
} as unknown as Ctor<Verify>;

for (const C of [Sign, Verify] as { prototype: object }[]) {
  Object.setPrototypeOf(C.prototype, Writable.prototype);
  Object.setPrototypeOf(C, Writable);
  Object.assign(C.prototype, { update, _write: write });
}

Object.assign(Sign.prototype, {
  sign(this: Sign, options: unknown, encoding?: string): NodeBuffer | string {
    if (!options) throw signKeyRequired();
    const key = prepareAsymmetricKey(options, KeyContext.ConsumePrivate);
    const opts = sigOptions(options);
    if (key.type === "ed25519") throw unsupportedOperation();
    if (key.type === "x25519") throw notForKeyType();
    const sig = Buffer.from(signDigest(key, this[kHandle].hash, takeDigest(this), opts));
    return encoding && encoding !== "buffer" ? sig.toString(encoding as BufferEncoding) : sig;
  },
});

Object.assign(Verify.prototype, {
  verify(this: Verify, options: unknown, signature: unknown, sigEncoding?: string): boolean {
    const key = prepareAsymmetricKey(options, KeyContext.ConsumePublic);
    const opts = sigOptions(options);
    const sig = toBytes(signature, "signature", sigEncoding);
    if (key.type === "ed25519") throw unsupportedOperation();
    if (key.type === "x25519") throw notForKeyType();
    return verifyDigest(key, this[kHandle].hash, takeDigest(this), sig, opts);
  },
});

/** crypto.createSign(algorithm[, options]). */
export function createSign(algorithm: string, options?: unknown): Sign {
  return new Sign(algorithm, options);
}

/** crypto.createVerify(algorithm[, options]). */
export function createVerify(algorithm: string, options?: unknown): Verify {
  return new Verify(algorithm, options);
}

// --- One-shot ---

function oneShotSign(algorithm: string | null | undefined, data: Uint8Array, key: KeyData, opts: SigOptions): NodeBuffer {
  if (key.type === "ed25519") {
    if (algorithm != null) throw providerError("1C80007A", "invalid digest");
    return Buffer.from(native().cryptoEd25519Sign(key.d!, data));
  }
  const hash = hashOf(algorithm);
  return Buffer.from(signDigest(key, hash, digestOf(hash, data), opts));
}

function oneShotVerify(algorithm: string | null | undefined, data: Uint8Array, key: KeyData, sig: Uint8Array,
                       opts: SigOptions): boolean {
  if (key.type === "ed25519") {
    if (algorithm != null) throw providerError("1C80007A", "invalid digest");
    return native().cryptoEd25519Verify(key.x, data, sig);
  }
  const hash = hashOf(algorithm);
  return verifyDigest(key, hash, digestOf(hash, data), sig, opts);
}

/** crypto.sign(algorithm, data, key[, callback]): algorithm null means the key type's default (SHA-256; none for Ed25519). */
export function sign(algorithm: unknown, data: unknown, key: unknown, callback?: unknown): NodeBuffer | undefined {
  if (algorithm != null) validateString(algorithm, "algorithm");
  if (callback !== undefined) validateFunction(callback, "callback");
  const bytes = toBytes(data, "data");
  if (!key) throw signKeyRequired();
  const opts = sigOptions(key);
  const keyData = prepareAsymmetricKey(key, KeyContext.ConsumePrivate);
  const alg = algorithm as string | null | undefined;
  if (!callback) return oneShotSign(alg, bytes, keyData, opts);
  deliverLater(() => oneShotSign(alg, bytes, keyData, opts), callback as (e: Error | null, s?: NodeBuffer) => void);
  return undefined;
}

/** crypto.verify(algorithm, data, key, signature[, callback]). */
export function verify(algorithm: unknown, data: unknown, key: unknown, signature: unknown, callback?: unknown): boolean | undefined {
  if (algorithm != null) validateString(algorithm, "algorithm");
  if (callback !== undefined) validateFunction(callback, "callback");
  const bytes = toBytes(data, "data");
  const opts = sigOptions(key);
  if (!ArrayBuffer.isView(signature)) throw invalidArgType("signature", ["Buffer", "TypedArray", "DataView"], signature);
  const keyData = prepareAsymmetricKey(key, KeyContext.ConsumePublic);
  const sig = viewBytes(signature);
  const alg = algorithm as string | null | undefined;
  if (!callback) return oneShotVerify(alg, bytes, keyData, sig, opts);
  deliverLater(() => oneShotVerify(alg, bytes, keyData, sig, opts), callback as (e: Error | null, ok?: boolean) => void);
  return undefined;
}

/** Signing and verification for Web Crypto (digest-level, and Ed25519 over the message). */
export const internal = { signDigest, verifyDigest, digestOf, ecdsaDer, ecdsaFromDer };

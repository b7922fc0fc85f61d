// libos/crypto/keys/key_data.ts — asymmetric key material and its DER forms: SubjectPublicKeyInfo (RFC 5280),
// PKCS#8 (RFC 5208/5958), PKCS#1 (RFC 8017), SEC 1 (RFC 5915) for RSA, RSA-PSS, EC (P-256, P-384, P-521, secp256k1),
// Ed25519 and X25519 (RFC 8410). Writers produce what OpenSSL 3 (so Node 20) writes, byte for byte. Parsers return
// material as found; keys/complete.ts derives missing public parts and checks points natively.
// Pure TypeScript (tested hosted). Layer: libos (private to libos/crypto).
import { CurveId } from "../_native.ts";
import { findHash, type HashInfo } from "../_hashes.ts";
import {
  der, DerError, DerReader, derBitString, derContext, derInteger, derNull, derOctetString, derOid, derSequence,
  padStart, stripZeros, TAG,
} from "./der.ts";

export const OID = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  mgf1: "1.2.840.113549.1.1.8",
  ecPublicKey: "1.2.840.10045.2.1",
  ed25519: "1.3.101.112",
  x25519: "1.3.101.110",
} as const;

export interface CurveInfo {
  id: CurveId;
  /** JWK/Web Crypto name ("P-256"). */
  jwk: string;
  /** OpenSSL's name (asymmetricKeyDetails.namedCurve). */
  openssl: string;
  oid: string;
  /** Field element and scalar bytes. */
  size: number;
}

export const CURVES: readonly CurveInfo[] = [
  { id: CurveId.P256, jwk: "P-256", openssl: "prime256v1", oid: "1.2.840.10045.3.1.7", size: 32 },
  { id: CurveId.P384, jwk: "P-384", openssl: "secp384r1", oid: "1.3.132.0.34", size: 48 },
  { id: CurveId.P521, jwk: "P-521", openssl: "secp521r1", oid: "1.3.132.0.35", size: 66 },
  { id: CurveId.SECP256K1, jwk: "secp256k1", openssl: "secp256k1", oid: "1.3.132.0.10", size: 32 },
];

/** The curve for a name Node accepts (the NIST name "P-256" or OpenSSL's "prime256v1"), or undefined. */
export function findCurve(name: string): CurveInfo | undefined {
  return CURVES.find((c) => c.jwk === name || c.openssl === name);
}

/** RSASSA-PSS key restrictions (an rsa-pss key with parameters). */
export interface PssParams {
  hashAlgorithm: string;
  mgf1HashAlgorithm: string;
  saltLength: number;
}

export interface RsaKey {
  type: "rsa" | "rsa-pss";
  /** Unsigned big-endian, no leading zeros. Private keys have d..qi. */
  n: Uint8Array; e: Uint8Array;
  d?: Uint8Array; p?: Uint8Array; q?: Uint8Array; dp?: Uint8Array; dq?: Uint8Array; qi?: Uint8Array;
  pss?: PssParams;
}

export interface EcKey {
  type: "ec";
  curve: CurveInfo;
  /** The private scalar, curve.size bytes. */
  d?: Uint8Array;
  /** The public point, uncompressed (04‖X‖Y); empty until completed when a private key came without it. */
  q: Uint8Array;
}

export interface OkpKey {
  type: "ed25519" | "x25519";
  /** The 32-byte private key (Ed25519: the seed). */
  d?: Uint8Array;
  /** The 32-byte public key; empty until completed. */
  x: Uint8Array;
}

export type KeyData = RsaKey | EcKey | OkpKey;

export const isPrivate = (k: KeyData): boolean => k.d !== undefined;

/** The key with its private parts left out. */
export function publicPart(k: KeyData): KeyData {
  if (k.type === "ec") return { type: "ec", curve: k.curve, q: k.q };
  if (k.type === "ed25519" || k.type === "x25519") return { type: k.type, x: (k as OkpKey).x };
  const r = k as RsaKey;
  return { type: r.type, n: r.n, e: r.e, ...(r.pss ? { pss: r.pss } : {}) };
}

/** Bits in the modulus. */
export function bitLength(b: Uint8Array): number {
  const v = stripZeros(b);
  if (v.length === 0 || v[0] === 0) return 0;
  return (v.length - 1) * 8 + (32 - Math.clz32(v[0]));
}

// --- AlgorithmIdentifiers ---

const SHA1 = findHash("sha1")!;

function hashAlgorithmId(h: HashInfo): Uint8Array {
  return derSequence(derOid(h.oid), derNull());
}

function pssParamsDer(p: PssParams): Uint8Array {
  const hash = findHash(p.hashAlgorithm)!, mgf1 = findHash(p.mgf1HashAlgorithm)!;
  const parts: Uint8Array[] = [];
  if (hash !== SHA1) parts.push(derContext(0, hashAlgorithmId(hash)));
  if (mgf1 !== SHA1) parts.push(derContext(1, derSequence(derOid(OID.mgf1), hashAlgorithmId(mgf1))));
  if (p.saltLength !== 20) parts.push(derContext(2, derInteger(p.saltLength)));
  return derSequence(...parts);
}

function readHashId(r: DerReader): HashInfo {
  const s = r.sequence();
  const oid = s.oid();
  if (!s.done) s.null();
  const h = findHashByOid(oid);
  if (!h) throw new DerError(`unsupported hash ${oid}`);
  return h;
}

function findHashByOid(oid: string): HashInfo | undefined {
  for (const name of ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512-224", "sha512-256"]) {
    const h = findHash(name)!;
    if (h.oid === oid) return h;
  }
  return undefined;
}

function parsePssParams(body: Uint8Array): PssParams {
  const r = new DerReader(body);
  let hash = SHA1, mgf1 = SHA1, salt = 20;
  if (r.peekTag() === 0xa0) hash = readHashId(r.sequence(0xa0));
  if (r.peekTag() === 0xa1) {
    const m = r.sequence(0xa1).sequence();
    if (m.oid() !== OID.mgf1) throw new DerError("unsupported mask generation");
    mgf1 = readHashId(m);
  }
  if (r.peekTag() === 0xa2) salt = r.sequence(0xa2).smallInteger();
  if (r.peekTag() === 0xa3 && r.sequence(0xa3).smallInteger() !== 1) throw new DerError("unsupported trailer field");
  r.assertDone();
  return { hashAlgorithm: hash.name, mgf1HashAlgorithm: mgf1.name, saltLength: salt };
}

function algorithmId(k: KeyData): Uint8Array {
  switch (k.type) {
    case "rsa": return derSequence(derOid(OID.rsaEncryption), derNull());
    case "rsa-pss": return k.pss ? derSequence(derOid(OID.rsassaPss), pssParamsDer(k.pss)) : derSequence(derOid(OID.rsassaPss));
    case "ec": return derSequence(derOid(OID.ecPublicKey), derOid(k.curve.oid));
    case "ed25519": return derSequence(derOid(OID.ed25519));
    case "x25519": return derSequence(derOid(OID.x25519));
  }
}

interface Algorithm {
  type: KeyData["type"];
  curve?: CurveInfo;
  pss?: PssParams;
}

function readAlgorithm(r: DerReader): Algorithm {
  const s = r.sequence();
  const oid = s.oid();
  switch (oid) {
    case OID.rsaEncryption:
      if (!s.done) s.null();
      s.assertDone();
      return { type: "rsa" };
    case OID.rsassaPss: {
      if (s.done) return { type: "rsa-pss" };
      const params = s.expect(TAG.SEQUENCE);
      s.assertDone();
      return { type: "rsa-pss", pss: parsePssParams(params) };
    }
    case OID.ecPublicKey: {
      if (s.peekTag() !== TAG.OID) throw new DerError("EC parameters other than a named curve");
      const curveOid = s.oid();
      s.assertDone();
      const curve = CURVES.find((c) => c.oid === curveOid);
      if (!curve) throw new DerError(`unsupported curve ${curveOid}`);
      return { type: "ec", curve };
    }
    case OID.ed25519: s.assertDone(); return { type: "ed25519" };
    case OID.x25519: s.assertDone(); return { type: "x25519" };
  }
  throw new DerError(`unsupported key algorithm ${oid}`);
}

// --- RSA (PKCS#1) ---

function rsaPublicDer(k: RsaKey): Uint8Array {
  return derSequence(derInteger(k.n), derInteger(k.e));
}

function rsaPrivateDer(k: RsaKey): Uint8Array {
  return derSequence(derInteger(0), derInteger(k.n), derInteger(k.e), derInteger(k.d!), derInteger(k.p!),
    derInteger(k.q!), derInteger(k.dp!), derInteger(k.dq!), derInteger(k.qi!));
}

function readRsaPublic(body: Uint8Array, type: "rsa" | "rsa-pss", pss?: PssParams): RsaKey {
  const r = new DerReader(body).sequence();
  const n = r.integer(), e = r.integer();
  r.assertDone();
  return { type, n, e, ...(pss ? { pss } : {}) };
}

function readRsaPrivate(body: Uint8Array, type: "rsa" | "rsa-pss", pss?: PssParams): RsaKey {
  const outer = new DerReader(body);
  const r = outer.sequence();
  if (r.smallInteger() !== 0) throw new DerError("multi-prime RSA keys are not supported");
  const n = r.integer(), e = r.integer(), d = r.integer(), p = r.integer(), q = r.integer();
  const dp = r.integer(), dq = r.integer(), qi = r.integer();
  r.assertDone();
  return { type, n, e, d, p, q, dp, dq, qi, ...(pss ? { pss } : {}) };
}

// --- EC (SEC 1) ---

/** ECPrivateKey; `withCurve`: the [0] parameters (SEC 1 files have them, PKCS#8 leaves them to the algorithm). */
function ecPrivateDer(k: EcKey, withCurve: boolean): Uint8Array {
  const parts = [derInteger(1), derOctetString(k.d!)];
  if (withCurve) parts.push(derContext(0, derOid(k.curve.oid)));
  parts.push(derContext(1, derBitString(k.q)));
  return derSequence(...parts);
}

function readEcPrivate(body: Uint8Array, curve?: CurveInfo): EcKey {
  const r = new DerReader(body).sequence();
  if (r.smallInteger() !== 1) throw new DerError("unknown ECPrivateKey version");
  const d = r.octetString();
  let q: Uint8Array = new Uint8Array(0);
  if (r.peekTag() === 0xa0) {
    const oid = r.sequence(0xa0).oid();
    const named = CURVES.find((c) => c.oid === oid);
    if (!named || (curve && named !== curve)) throw new DerError("EC parameters do not match");
    curve = named;
  }
  if (r.peekTag() === 0xa1) q = r.sequence(0xa1).bitString();
  r.assertDone();
  if (!curve) throw new DerError("EC private key without a curve");
  return { type: "ec", curve, d: padStart(d, curve.size), q };
}

// --- The formats ---

/** SubjectPublicKeyInfo. */
export function toSpki(k: KeyData): Uint8Array {
  let key: Uint8Array;
  if (k.type === "rsa" || k.type === "rsa-pss") key = rsaPublicDer(k);
  else if (k.type === "ec") key = k.q;
  else key = (k as OkpKey).x;
  return derSequence(algorithmId(k), derBitString(key));
}

export function fromSpki(bytes: Uint8Array): KeyData {
  const r = new DerReader(bytes).sequence();
  const alg = readAlgorithm(r);
  const key = r.bitString();
  r.assertDone();
  switch (alg.type) {
    case "rsa": case "rsa-pss": return readRsaPublic(key, alg.type, alg.pss);
    case "ec": return { type: "ec", curve: alg.curve!, q: key };
    default:
      if (key.length !== 32) throw new DerError("bad public key length");
      return { type: alg.type, x: key };
  }
}

/** PKCS#8 PrivateKeyInfo (version 0, as OpenSSL writes it). */
export function toPkcs8(k: KeyData): Uint8Array {
  let key: Uint8Array;
  if (k.type === "rsa" || k.type === "rsa-pss") key = rsaPrivateDer(k);
  else if (k.type === "ec") key = ecPrivateDer(k, false);
  else key = derOctetString(k.d!);
  return derSequence(derInteger(0), algorithmId(k), derOctetString(key));
}

export function fromPkcs8(bytes: Uint8Array): KeyData {
  const r = new DerReader(bytes).sequence();
  const version = r.smallInteger();
  if (version > 1) throw new DerError("unknown PKCS#8 version");
  const alg = readAlgorithm(r);
  const key = r.octetString();
  // Attributes [0] and (version 1) the public key [1] may follow; the public key is derived again.
  switch (alg.type) {
    case "rsa": case "rsa-pss": return readRsaPrivate(key, alg.type, alg.pss);
    case "ec": return readEcPrivate(key, alg.curve);
    default: {
      const seed = new DerReader(key).octetString();
      if (seed.length !== 32) throw new DerError("bad private key length");
      return { type: alg.type, d: seed, x: new Uint8Array(0) };
    }
  }
}

export const toPkcs1Private = (k: RsaKey) => rsaPrivateDer(k);
export const toPkcs1Public = (k: RsaKey) => rsaPublicDer(k);
export const fromPkcs1Private = (bytes: Uint8Array) => readRsaPrivate(bytes, "rsa");
export const fromPkcs1Public = (bytes: Uint8Array) => readRsaPublic(bytes, "rsa");
export const toSec1 = (k: EcKey) => ecPrivateDer(k, true);
export const fromSec1 = (bytes: Uint8Array) => readEcPrivate(bytes);

/** The SubjectPublicKeyInfo inside an X.509 certificate (createPublicKey accepts certificates). */
export function spkiOfCertificate(bytes: Uint8Array): Uint8Array {
  const tbs = new DerReader(bytes).sequence().sequence();
  if (tbs.peekTag() === 0xa0) tbs.read();                  // version
  tbs.read();                                              // serialNumber
  tbs.read();                                              // signature
  tbs.read();                                              // issuer
  tbs.read();                                              // validity
  tbs.read();                                              // subject
  const spki = tbs.read();
  if (spki.tag !== TAG.SEQUENCE) throw new DerError("no subjectPublicKeyInfo");
  return der(TAG.SEQUENCE, spki.body);
}

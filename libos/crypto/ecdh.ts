// libos/crypto/ecdh.ts — crypto.createECDH/ECDH (prime256v1, secp384r1, secp521r1, secp256k1): generateKeys,
// computeSecret, get/setPrivateKey, get/setPublicKey and ECDH.convertKey, with points uncompressed, compressed or
// hybrid, and Node 20's errors. Callable with or without `new`. Layer: libos.
import { Buffer } from "../buffer/index.ts";
import { codedError, ecdhInvalidFormat, ecdhInvalidPublicKey, invalidCurve, operationFailed } from "./_errors.ts";
import { native, u8 } from "./_native.ts";
import { bytesToString, normalizeEncoding, toBytes, validateString } from "./_validate.ts";
import { CURVES, type CurveInfo } from "./keys/key_data.ts";
import { ensureSeeded } from "./random.ts";

type NodeBuffer = import("node:buffer").Buffer;
type PointFormat = "uncompressed" | "compressed" | "hybrid";

function curveNamed(name: string): CurveInfo {
  const c = CURVES.find((x) => x.openssl === name);
  if (!c) throw invalidCurve();
  return c;
}

function pointFormat(format: unknown): PointFormat {
  if (format) {
    if (format === "compressed" || format === "hybrid") return format;
    if (format !== "uncompressed") throw ecdhInvalidFormat(format);
  }
  return "uncompressed";
}

/** A Buffer, or a string in `encoding` (as Node's Buffer#toString would give it). */
function encode(bytes: Uint8Array, encoding: unknown): NodeBuffer | string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!encoding || encoding === "buffer") return buf;
  const enc = normalizeEncoding(encoding);
  if (!enc) throw codedError(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${encoding}`);
  return bytesToString(buf, enc);
}

/** Reads a point in any of the three forms; undefined when it is not on the curve. */
function readPoint(curve: CurveInfo, bytes: Uint8Array): Uint8Array | undefined {
  let p = bytes;
  if ((p[0] === 6 || p[0] === 7) && p.length === 1 + 2 * curve.size) {
    if ((p[p.length - 1] & 1) !== (p[0] & 1)) return undefined;       // the hybrid form's parity byte must match y
    p = Uint8Array.from(p);
    p[0] = 4;
  }
  try {
    return u8(native().cryptoEcPoint(curve.id, p, false));
  } catch {
    return undefined;
  }
}

function writePoint(curve: CurveInfo, q: Uint8Array, format: PointFormat): Uint8Array {
  if (format === "compressed") return u8(native().cryptoEcPoint(curve.id, q, true));
  if (format === "hybrid") {
    const h = Uint8Array.from(q);
    h[0] = 6 | (q[q.length - 1] & 1);
    return h;
  }
  return q;
}

const kState = Symbol("kState");

interface State {
  curve: CurveInfo;
  d?: Uint8Array;
  q?: Uint8Array;
}

export interface ECDH {
  [kState]: State;
  generateKeys(encoding?: string, format?: string): NodeBuffer | string;
  computeSecret(key: unknown, inputEncoding?: string, outputEncoding?: string): NodeBuffer | string;
  getPrivateKey(encoding?: string): NodeBuffer | string;
  getPublicKey(encoding?: string | null, format?: string): NodeBuffer | string;
  setPrivateKey(key: unknown, encoding?: string): ECDH;
  setPublicKey(key: unknown, encoding?: string): ECDH;
}

type EcdhCtor = { new (curve: string): ECDH; (curve: string): ECDH; prototype: ECDH;
  convertKey(key: unknown, curve: string, inputEncoding?: string, outputEncoding?: string, format?: string): NodeBuffer | string };

/** crypto.ECDH (createECDH is the usual door). */
export const ECDH = function ECDH(this: ECDH, curve: unknown) {
  if (!(this instanceof ECDH)) return new (ECDH as EcdhCtor)(curve as string);
  validateString(curve, "curve");
  this[kState] = { curve: curveNamed(curve) };
} as unknown as EcdhCtor;

Object.assign(ECDH.prototype, {
  generateKeys(this: ECDH, encoding?: string, format?: string) {
    const s = this[kState];
    ensureSeeded();
    const [d, q] = native().cryptoEcGenerate(s.curve.id).map(u8);
    s.d = d;
    s.q = q;
    return this.getPublicKey(encoding, format);
  },
  computeSecret(this: ECDH, key: unknown, inEnc?: string, outEnc?: string) {
    const bytes = toBytes(key, "key", inEnc);
    const s = this[kState];
    if (!s.d) throw codedError(RangeError, "ERR_CRYPTO_INVALID_KEYPAIR", "Invalid key pair");
    const q = readPoint(s.curve, bytes);
    if (!q) throw ecdhInvalidPublicKey();
    ensureSeeded();
    const r = native().cryptoEcdh(s.curve.id, s.d, q);
    if (typeof r === "number") throw ecdhInvalidPublicKey();
    return encode(u8(r), outEnc);
  },
  getPrivateKey(this: ECDH, encoding?: string) {
    const s = this[kState];
    if (!s.d) throw operationFailed("Failed to get ECDH private key");
    let i = 0;
    while (i < s.d.length - 1 && s.d[i] === 0) i++;                   // a BIGNUM's bytes: no leading zeros
    return encode(s.d.subarray(i), encoding);
  },
  getPublicKey(this: ECDH, encoding?: string | null, format?: string) {
    const f = pointFormat(format);
    const s = this[kState];
    if (!s.q) throw operationFailed("Failed to get ECDH public key");
    return encode(writePoint(s.curve, s.q, f), encoding ?? undefined);
  },
  setPrivateKey(this: ECDH, key: unknown, encoding?: string) {
    const bytes = toBytes(key, "key", encoding);
    const s = this[kState];
    const invalid = () => codedError(RangeError, "ERR_CRYPTO_INVALID_KEYTYPE", "Private key is not valid for specified curve.");
    let i = 0;
    while (i < bytes.length && bytes[i] === 0) i++;
    if (bytes.length - i > s.curve.size) throw invalid();
    const d = new Uint8Array(s.curve.size);
    d.set(bytes.subarray(i), s.curve.size - (bytes.length - i));
    ensureSeeded();
    let q: Uint8Array;
    try {
      q = u8(native().cryptoEcPublic(s.curve.id, d));
    } catch {
      throw invalid();
    }
    s.d = d;
    s.q = q;
    return this;
  },
  setPublicKey(this: ECDH, key: unknown, encoding?: string) {
    const bytes = toBytes(key, "key", encoding);
    const s = this[kState];
    const q = readPoint(s.curve, bytes);
    if (!q) throw codedError(Error, "ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY", "Failed to convert Buffer to EC_POINT");
    s.q = q;
    return this;
  },
});

ECDH.convertKey = function convertKey(key: unknown, curve: string, inEnc?: string, outEnc?: string, format?: string) {
  validateString(curve, "curve");
  const bytes = toBytes(key, "key", inEnc);
  const f = pointFormat(format);
  const c = curveNamed(curve);
  const q = readPoint(c, bytes);
  if (!q) throw operationFailed("Failed to convert Buffer to EC_POINT");
  return encode(writePoint(c, q, f), outEnc);
};

/** crypto.createECDH(curveName). */
export function createECDH(curve: string): ECDH {
  return new ECDH(curve);
}

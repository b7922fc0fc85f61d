// libos/crypto/webcrypto/_webidl.ts — the WebIDL conversions Web Crypto's arguments go through (integers with
// [EnforceRange], DOMString, BufferSource, enums, sequences, dictionaries with required members), with Node 20's
// TypeErrors ("Failed to execute 'digest' on 'SubtleCrypto': 2nd argument is not instance of ..."), and Web Crypto's
// algorithm normalisation (names matched case-insensitively; the algorithm's parameter dictionary converted).
// Pure TypeScript. Layer: libos (private to libos/crypto/webcrypto).
import { domException } from "../_dom_exception.ts";
import { isCryptoKey } from "../keys/crypto_key.ts";

export interface Ctx {
  prefix?: string;
  context?: string;
  code?: string;
}

export function webidlError(message: string, opts: Ctx = {}): TypeError {
  const prefix = opts.prefix ? `${opts.prefix}: ` : "";
  const context = opts.context?.length === 0 ? "" : `${opts.context ?? "Value"} `;
  return Object.assign(new TypeError(`${prefix}${context}${message}`), { code: opts.code ?? "ERR_INVALID_ARG_TYPE" });
}

const typeOf = (v: unknown) => (v === null ? "Null" : typeof v === "object" || typeof v === "function" ? "Object" : typeof v);

function toNumber(v: unknown, opts: Ctx): number {
  if (typeof v === "bigint") throw webidlError("is a BigInt and cannot be converted to a number.", opts);
  if (typeof v === "symbol") throw webidlError("is a Symbol and cannot be converted to a number.", opts);
  return Number(v);
}

/** An unsigned integer of `bits` bits with [EnforceRange]. */
export function enforcedInteger(bits: number) {
  const upper = 2 ** bits - 1;
  return (v: unknown, opts: Ctx): number => {
    let x = toNumber(v, opts);
    if (!Number.isFinite(x)) throw webidlError("is not a finite number.", opts);
    x = Math.trunc(x);
    if (x < 0 || x > upper) {
      throw webidlError(`is outside the expected range of 0 to ${upper}.`, { ...opts, code: "ERR_OUT_OF_RANGE" });
    }
    return x;
  };
}

/** unsigned long without [EnforceRange] (deriveBits' length). */
export function unsignedLong(v: unknown, opts: Ctx): number {
  const x = toNumber(v, opts);
  if (!Number.isFinite(x) || x === 0) return 0;
  const t = Math.trunc(x);
  return t >= 0 && t <= 0xffffffff ? t : ((t % 2 ** 32) + 2 ** 32) % 2 ** 32;
}

export function domString(v: unknown, opts: Ctx): string {
  if (typeof v === "string") return v;
  if (typeof v === "symbol") throw webidlError("is a Symbol and cannot be converted to a string.", opts);
  return String(v);
}

export function bufferSource(v: unknown, opts: Ctx): ArrayBuffer | ArrayBufferView {
  if (ArrayBuffer.isView(v)) return v;
  if (!(v instanceof ArrayBuffer)) throw webidlError("is not instance of ArrayBuffer, Buffer, TypedArray, or DataView.", opts);
  return v;
}

export function uint8Array(v: unknown, opts: Ctx): Uint8Array {
  if (!(v instanceof Uint8Array)) throw webidlError("is not an Uint8Array object.", opts);
  return v;
}

export function cryptoKey(v: unknown, opts: Ctx): unknown {
  if (!isCryptoKey(v)) throw webidlError("is not of type CryptoKey.", opts);
  return v;
}

export function enumConverter(name: string, values: string[]) {
  return (v: unknown, opts: Ctx): string => {
    const s = String(v);
    if (!values.includes(s)) {
      throw webidlError(`value '${s}' is not a valid enum value of type ${name}.`, { ...opts, code: "ERR_INVALID_ARG_VALUE" });
    }
    return s;
  };
}

export function sequence<T>(convert: (v: unknown, opts: Ctx) => T) {
  return (v: unknown, opts: Ctx): T[] => {
    const iter = typeOf(v) === "Object" ? (v as { [Symbol.iterator]?: () => Iterator<unknown> })[Symbol.iterator]?.() : undefined;
    if (iter === undefined) throw webidlError("can not be converted to sequence.", opts);
    const out: T[] = [];
    for (;;) {
      const r = iter.next();
      if (r.done === true) break;
      out.push(convert(r.value, { ...opts, context: `${opts.context}, index ${out.length}` }));
    }
    return out;
  };
}

export const keyFormat = enumConverter("KeyFormat", ["raw", "pkcs8", "spki", "jwk"]);
export const keyUsages = sequence(enumConverter("KeyUsage",
  ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"]));

export function algorithmIdentifier(v: unknown, opts: Ctx): unknown {
  return typeOf(v) === "Object" ? v : domString(v, opts);
}

interface Member {
  key: string;
  convert: (v: unknown, opts: Ctx) => unknown;
  required?: boolean;
}

/** A dictionary converter: members in key order, each converted, required ones checked. */
export function dictionary(name: string, members: Member[]) {
  const all = [...members].sort((a, b) => (a.key === b.key ? 0 : a.key < b.key ? -1 : 1));
  const hasRequired = all.some((m) => m.required);
  return (v: unknown, opts: Ctx = {}): Record<string, unknown> => {
    const t = typeOf(v);
    if (t !== "undefined" && t !== "Null" && t !== "Object") throw webidlError("can not be converted to a dictionary", opts);
    const out: Record<string, unknown> = {};
    if (v == null && !hasRequired) return out;
    for (const m of all) {
      const value = v == null ? undefined : (v as Record<string, unknown>)[m.key];
      if (value !== undefined) {
        out[m.key] = m.convert(value, { ...opts, context: `'${m.key}' of '${name}'${opts.context ? ` (${opts.context})` : ""}` });
      } else if (m.required) {
        throw webidlError(`can not be converted to '${name}' because '${m.key}' is required in '${name}'.`,
          { ...opts, code: "ERR_MISSING_OPTION" });
      }
    }
    return out;
  };
}

export function requiredArguments(length: number, required: number, prefix: string): void {
  if (length < required) {
    throw webidlError(`${required} argument${required === 1 ? "" : "s"} required, but only ${length} present.`,
      { prefix, context: "", code: "ERR_MISSING_ARGS" });
  }
}

// --- Algorithm dictionaries ---

const name: Member = { key: "name", convert: domString, required: true };
const hash: Member = { key: "hash", convert: algorithmIdentifier, required: true };
const u32 = enforcedInteger(32), u16 = enforcedInteger(16), u8 = enforcedInteger(8);

/** The parameter dictionaries, each with its members whose values are normalised further. */
export const DICTIONARIES: Record<string, { convert: ReturnType<typeof dictionary>; buffers: string[]; hashes: string[] }> = {};

function dict(id: string, members: Member[], buffers: string[] = [], hashes: string[] = []): void {
  DICTIONARIES[id] = { convert: dictionary(id, [name, ...members]), buffers, hashes };
}

dict("RsaHashedKeyGenParams", [{ key: "modulusLength", convert: u32, required: true },
  { key: "publicExponent", convert: uint8Array, required: true }, hash], [], ["hash"]);
dict("RsaHashedImportParams", [hash], [], ["hash"]);
dict("EcKeyGenParams", [{ key: "namedCurve", convert: domString, required: true }]);
dict("EcKeyImportParams", [{ key: "namedCurve", convert: domString, required: true }]);
dict("AesKeyGenParams", [{ key: "length", convert: u16, required: true }]);
dict("HmacKeyGenParams", [hash, { key: "length", convert: u32 }], [], ["hash"]);
dict("HmacImportParams", [hash, { key: "length", convert: u32 }], [], ["hash"]);
dict("RsaPssParams", [{ key: "saltLength", convert: u32, required: true }]);
dict("RsaOaepParams", [{ key: "label", convert: bufferSource }], ["label"]);
dict("EcdsaParams", [hash], [], ["hash"]);
dict("HkdfParams", [hash, { key: "salt", convert: bufferSource, required: true },
  { key: "info", convert: bufferSource, required: true }], ["salt", "info"], ["hash"]);
dict("Pbkdf2Params", [hash, { key: "iterations", convert: u32, required: true },
  { key: "salt", convert: bufferSource, required: true }], ["salt"], ["hash"]);
dict("AesDerivedKeyParams", [{ key: "length", convert: u16, required: true }]);
dict("AesCbcParams", [{ key: "iv", convert: bufferSource, required: true }], ["iv"]);
dict("AesGcmParams", [{ key: "iv", convert: bufferSource, required: true }, { key: "tagLength", convert: u8 },
  { key: "additionalData", convert: bufferSource }], ["iv", "additionalData"]);
dict("AesCtrParams", [{ key: "counter", convert: bufferSource, required: true },
  { key: "length", convert: u8, required: true }], ["counter"]);
dict("EcdhKeyDeriveParams", [{ key: "public", convert: cryptoKey, required: true }]);

/** Which algorithms each operation knows, and the dictionary each takes (null: none). */
export const SUPPORTED: Record<string, Record<string, string | null>> = {
  digest: { "SHA-1": null, "SHA-256": null, "SHA-384": null, "SHA-512": null },
  generateKey: {
    "RSASSA-PKCS1-v1_5": "RsaHashedKeyGenParams", "RSA-PSS": "RsaHashedKeyGenParams", "RSA-OAEP": "RsaHashedKeyGenParams",
    ECDSA: "EcKeyGenParams", ECDH: "EcKeyGenParams", "AES-CTR": "AesKeyGenParams", "AES-CBC": "AesKeyGenParams",
    "AES-GCM": "AesKeyGenParams", "AES-KW": "AesKeyGenParams", HMAC: "HmacKeyGenParams", Ed25519: null, X25519: null,
  },
  sign: { "RSASSA-PKCS1-v1_5": null, "RSA-PSS": "RsaPssParams", ECDSA: "EcdsaParams", HMAC: null, Ed25519: null },
  verify: { "RSASSA-PKCS1-v1_5": null, "RSA-PSS": "RsaPssParams", ECDSA: "EcdsaParams", HMAC: null, Ed25519: null },
  importKey: {
    "RSASSA-PKCS1-v1_5": "RsaHashedImportParams", "RSA-PSS": "RsaHashedImportParams", "RSA-OAEP": "RsaHashedImportParams",
    ECDSA: "EcKeyImportParams", ECDH: "EcKeyImportParams", HMAC: "HmacImportParams", HKDF: null, PBKDF2: null,
    "AES-CTR": null, "AES-CBC": null, "AES-GCM": null, "AES-KW": null, Ed25519: null, X25519: null,
  },
  deriveBits: { HKDF: "HkdfParams", PBKDF2: "Pbkdf2Params", ECDH: "EcdhKeyDeriveParams", X25519: "EcdhKeyDeriveParams" },
  encrypt: { "RSA-OAEP": "RsaOaepParams", "AES-CBC": "AesCbcParams", "AES-GCM": "AesGcmParams", "AES-CTR": "AesCtrParams" },
  decrypt: { "RSA-OAEP": "RsaOaepParams", "AES-CBC": "AesCbcParams", "AES-GCM": "AesGcmParams", "AES-CTR": "AesCtrParams" },
  "get key length": {
    "AES-CBC": "AesDerivedKeyParams", "AES-CTR": "AesDerivedKeyParams", "AES-GCM": "AesDerivedKeyParams",
    "AES-KW": "AesDerivedKeyParams", HMAC: "HmacImportParams", HKDF: null, PBKDF2: null,
  },
  wrapKey: { "AES-KW": null },
  unwrapKey: { "AES-KW": null },
};

const algorithmDict = dictionary("Algorithm", [name]);

export type Algorithm = Record<string, any> & { name: string };

/** Web Crypto's "normalize an algorithm" for an operation. */
export function normalizeAlgorithm(algorithm: unknown, op: string): Algorithm {
  if (typeof algorithm === "string") return normalizeAlgorithm({ name: algorithm }, op);
  const registered = SUPPORTED[op];
  const initial = algorithmDict(algorithm, { prefix: "Failed to normalize algorithm", context: "passed algorithm" });
  let algName = initial.name as string;
  let desired: string | null | undefined;
  for (const key of Object.keys(registered)) {
    if (key.toUpperCase() === algName.toUpperCase()) {
      algName = key;
      desired = registered[key];
    }
  }
  if (desired === undefined) throw domException("Unrecognized algorithm name", "NotSupportedError");
  if (desired === null) return { name: algName };
  const d = DICTIONARIES[desired];
  const out = d.convert(algorithm, { prefix: "Failed to normalize algorithm", context: "passed algorithm" }) as Algorithm;
  out.name = algName;
  for (const m of d.buffers) {
    const v = out[m];
    if (v) out[m] = ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice()
      : new Uint8Array(v as ArrayBuffer).slice();
  }
  for (const m of d.hashes) out[m] = normalizeAlgorithm(out[m], "digest");
  return out;
}

// libos/crypto/hash.ts — crypto.createHash/Hash, createHmac/Hmac, hash() and getHashes(): streaming digests over
// the native states (boot/native/mbedtls_hash.c), with Node 20's argument handling, encodings and errors. Hash and
// Hmac are lazy Transform streams (writing data, reading the digest), callable with or without `new`.
// Layer: libos. Depends on _native.ts, _hashes.ts, keys (secret keys for HMAC).
import { Buffer } from "../buffer/index.ts";
import { hashFinalized, invalidArgType, invalidArgValue, invalidDigest, opensslError } from "./_errors.ts";
import { findHash, HASH_NAMES, type HashInfo } from "./_hashes.ts";
import { LazyTransform } from "./_lazy_transform.ts";
import { native, type NativeDigest } from "./_native.ts";
import { dataBytes, encodeOutput, normalizeEncoding, validateString, validateUint32 } from "./_validate.ts";
import { prepareSecretKey } from "./keys/key_object.ts";

const kHandle = Symbol("kHandle");
const kFinalized = Symbol("kFinalized");
const kXofLength = Symbol("kXofLength");
const kInfo = Symbol("kInfo");

type Encoded = import("node:buffer").Buffer | string;

interface HashLike {
  [kHandle]: NativeDigest;
  [kInfo]: HashInfo;
  [kFinalized]: boolean;
  [kXofLength]: number | undefined;
  push(chunk: unknown): boolean;
}

const unsupportedDigest = () => new Error("Digest method not supported");

/** The algorithm `name` means, or Node's "Digest method not supported". */
function hashFor(name: string): HashInfo {
  const info = findHash(name);
  if (!info) throw unsupportedDigest();
  return info;
}

/** The XOF output length from options (SHAKE only; other hashes accept only their own size). */
function xofLength(info: HashInfo, options: unknown): number | undefined {
  const len = typeof options === "object" && options !== null ? (options as { outputLength?: unknown }).outputLength : undefined;
  if (len === undefined) return undefined;
  validateUint32(len, "options.outputLength");
  if (!info.xof && len !== info.size) {
    throw opensslError("030000B2", "digital envelope routines", "not XOF or invalid length");
  }
  return len;
}

function update(this: HashLike, data: unknown, encoding?: unknown): HashLike {
  if (this[kFinalized]) throw hashFinalized();
  this[kHandle].update(dataBytes(data, encoding));
  return this;
}

function transform(this: HashLike, chunk: unknown, encoding: unknown, callback: () => void): void {
  this[kHandle].update(dataBytes(chunk, encoding));
  callback();
}

function flush(this: HashLike, callback: () => void): void {
  this.push(toBuffer(this[kHandle].digest(this[kXofLength])));
  this[kFinalized] = true;
  callback();
}

const toBuffer = (ab: ArrayBuffer) => Buffer.from(ab, 0, ab.byteLength);

export interface Hash extends HashLike {
  update(data: unknown, encoding?: unknown): Hash;
  digest(outputEncoding?: unknown): Encoded;
  copy(options?: unknown): Hash;
}

/** crypto.Hash: `new Hash(algorithm, options)` or `Hash(algorithm, options)`; createHash is the usual door. */
export const Hash = function Hash(this: Hash, algorithm: unknown, options?: unknown): Hash | void {
  if (!(this instanceof Hash)) return new (Hash as unknown as new (a: unknown, o?: unknown) => Hash)(algorithm, options);
  if (algorithm instanceof HashSource) {
    this[kInfo] = algorithm.info;
    this[kXofLength] = xofLength(algorithm.info, options);
    this[kHandle] = algorithm.handle;
  } else {
    validateString(algorithm, "algorithm");
    const info = hashFor(algorithm);
    this[kInfo] = info;
    this[kXofLength] = xofLength(info, options);
    this[kHandle] = native().cryptoDigest(info.id);
  }
  this[kFinalized] = false;
  LazyTransform.call(this, options);
} as unknown as { new (algorithm: string, options?: unknown): Hash; (algorithm: string, options?: unknown): Hash; prototype: Hash };

/** What copy() hands the constructor: a copied native state (its output length comes from the copy's options). */
class HashSource {
  constructor(readonly handle: NativeDigest, readonly info: HashInfo) {}
}

Object.setPrototypeOf(Hash.prototype, LazyTransform.prototype);
Object.setPrototypeOf(Hash, LazyTransform);

Object.assign(Hash.prototype, {
  update,
  _transform: transform,
  _flush: flush,
  copy(this: Hash, options?: unknown): Hash {
    if (this[kFinalized]) throw hashFinalized();
    return new Hash(new HashSource(this[kHandle].copy(), this[kInfo]) as unknown as string, options);
  },
  digest(this: Hash, outputEncoding?: unknown): Encoded {
    if (this[kFinalized]) throw hashFinalized();
    const ab = this[kHandle].digest(this[kXofLength]);
    this[kFinalized] = true;
    return encodeOutput(ab, outputEncoding ? `${outputEncoding}` : undefined);
  },
});

export interface Hmac extends HashLike {
  update(data: unknown, encoding?: unknown): Hmac;
  digest(outputEncoding?: unknown): Encoded;
}

/** crypto.Hmac: `new Hmac(algorithm, key, options)`; createHmac is the usual door. */
export const Hmac = function Hmac(this: Hmac, hmac: unknown, key: unknown, options?: unknown): Hmac | void {
  if (!(this instanceof Hmac)) return new (Hmac as unknown as new (a: unknown, k: unknown, o?: unknown) => Hmac)(hmac, key, options);
  validateString(hmac, "hmac");
  const encoding = typeof options === "object" && options !== null ? (options as { encoding?: unknown }).encoding : undefined;
  if (encoding !== undefined && typeof encoding !== "string") throw invalidArgType("options.encoding", "string", encoding);
  const secret = prepareSecretKey(key, encoding);
  const info = findHash(hmac);
  if (!info) throw invalidDigest(hmac);
  if (info.xof) throw new Error("error:00000000:lib(0)::reason(0)");
  this[kHandle] = native().cryptoDigest(info.id, secret);
  this[kInfo] = info;
  this[kXofLength] = undefined;
  this[kFinalized] = false;
  LazyTransform.call(this, options);
} as unknown as { new (hmac: string, key: unknown, options?: unknown): Hmac; (hmac: string, key: unknown, options?: unknown): Hmac; prototype: Hmac };

Object.setPrototypeOf(Hmac.prototype, LazyTransform.prototype);
Object.setPrototypeOf(Hmac, LazyTransform);

Object.assign(Hmac.prototype, {
  update,
  _transform: transform,
  _flush: flush,
  digest(this: Hmac, outputEncoding?: unknown): Encoded {
    if (this[kFinalized]) {
      const empty = Buffer.alloc(0);
      return outputEncoding && outputEncoding !== "buffer" ? encodeOutput(new ArrayBuffer(0), `${outputEncoding}`) : empty;
    }
    const ab = this[kHandle].digest();
    this[kFinalized] = true;
    return encodeOutput(ab, outputEncoding ? `${outputEncoding}` : undefined);
  },
});

/** crypto.createHash(algorithm[, options]): options.outputLength for SHAKE128/256, stream options otherwise. */
export function createHash(algorithm: string, options?: unknown): Hash {
  return new Hash(algorithm, options);
}

/** crypto.createHmac(algorithm, key[, options]). */
export function createHmac(algorithm: string, key: unknown, options?: unknown): Hmac {
  return new Hmac(algorithm, key, options);
}

/** crypto.hash(algorithm, data[, outputEncoding = "hex"]): a one-shot digest (Node 20.12+). */
export function hash(algorithm: unknown, input: unknown, outputEncoding: unknown = "hex"): Encoded {
  validateString(algorithm, "algorithm");
  if (typeof input !== "string" && !ArrayBuffer.isView(input)) {
    throw invalidArgType("input", ["Buffer", "TypedArray", "DataView", "string"], input);
  }
  let enc: string | undefined = "hex";
  if (outputEncoding !== "hex") {
    validateString(outputEncoding, "outputEncoding");
    enc = normalizeEncoding(outputEncoding);
    if (enc === undefined) {
      if (outputEncoding.toLowerCase() === "buffer") enc = "buffer";
      else throw invalidArgValue("outputEncoding", outputEncoding);
    }
  }
  const info = findHash(algorithm);
  if (!info) throw new Error(`Digest method ${algorithm} is not supported`);
  const d = native().cryptoDigest(info.id);
  d.update(dataBytes(input, "utf8", "input"));
  if (info.xof) return encodeOutput(d.digest(info.size), enc);
  return encodeOutput(d.digest(), enc);
}

/** crypto.getHashes(): the names createHash accepts (Node 20's list, less BLAKE2, SM3 and MD5-SHA1). */
export function getHashes(): string[] {
  return HASH_NAMES.slice();
}

/** A one-shot digest of bytes, for the other modules. */
export function digestBytes(info: HashInfo, data: Uint8Array): Uint8Array {
  const d = native().cryptoDigest(info.id);
  d.update(data);
  return new Uint8Array(d.digest());
}

// libos/crypto/webcrypto/subtle.ts — SubtleCrypto: Node 20's methods (digest, generateKey, importKey, exportKey,
// sign, verify, encrypt, decrypt, deriveBits, deriveKey, wrapKey, unwrapKey), each an async function that checks
// `this`, converts its arguments through WebIDL, normalises the algorithm and dispatches to keys.ts/operations.ts.
// AES-KW is recognised but not available (no key wrap primitive here). Layer: libos.
import { domException } from "../_dom_exception.ts";
import { illegalConstructor, invalidThis } from "../_errors.ts";
import { findWebHash } from "../_hashes.ts";
import { native } from "../_native.ts";
import type { CryptoKey } from "../keys/crypto_key.ts";
import {
  algorithmIdentifier, bufferSource, cryptoKey, type Ctx, dictionary, keyFormat, keyUsages, normalizeAlgorithm,
  requiredArguments, unsignedLong,
} from "./_webidl.ts";
import { blockBits, bytesOf, exportKey as exportKeyImpl, generateKey as generateKeyImpl, importKey as importKeyImpl } from "./keys.ts";
import { cipher, deriveBits as deriveBitsImpl, signVerify } from "./operations.ts";

const ARG = ["1st argument", "2nd argument", "3rd argument", "4th argument", "5th argument", "6th argument", "7th argument"];
const ctx = (method: string, i: number): Ctx => ({ prefix: `Failed to execute '${method}' on 'SubtleCrypto'`, context: ARG[i] });
const prefixOf = (method: string) => `Failed to execute '${method}' on 'SubtleCrypto'`;

const jsonWebKey = dictionary("JsonWebKey", ["kty", "use", "key_ops", "alg", "ext", "crv", "x", "y", "d", "n", "e", "p", "q",
  "dp", "dq", "qi", "oth", "k"].map((key) => ({
  key,
  convert: key === "ext" ? (v: unknown) => !!v : key === "key_ops" || key === "oth" ? (v: unknown) => v : (v: unknown) => String(v),
})));

export class SubtleCrypto {
  constructor() {
    throw illegalConstructor();
  }
}

function checkThis(self: unknown): void {
  if (self !== subtle) throw invalidThis("SubtleCrypto");
}

const notAvailable = (name: string) => domException(`${name} is not available in this runtime`, "NotSupportedError");

async function digest(this: unknown, algorithm: unknown, data: unknown): Promise<ArrayBuffer> {
  checkThis(this);
  requiredArguments(arguments.length, 2, prefixOf("digest"));
  const a = algorithmIdentifier(algorithm, ctx("digest", 0));
  const d = bufferSource(data, ctx("digest", 1));
  const alg = normalizeAlgorithm(a, "digest");
  const h = findWebHash(alg.name)!;
  const state = native().cryptoDigest(h.id);
  state.update(bytesOf(d));
  return state.digest();
}

async function generateKey(this: unknown, algorithm: unknown, extractable: unknown, usages: unknown): Promise<unknown> {
  checkThis(this);
  requiredArguments(arguments.length, 3, prefixOf("generateKey"));
  const a = algorithmIdentifier(algorithm, ctx("generateKey", 0));
  const ext = !!extractable;
  const u = keyUsages(usages, ctx("generateKey", 2));
  const alg = normalizeAlgorithm(a, "generateKey");
  if (alg.name === "AES-KW") throw notAvailable("AES-KW");
  const result = generateKeyImpl(alg, ext, u);
  const key = "privateKey" in result ? result.privateKey : result;
  if ((key.type === "secret" || key.type === "private") && key.usages.length === 0) {
    throw domException("Usages cannot be empty when creating a key.", "SyntaxError");
  }
  return result;
}

async function importKey(this: unknown, format: unknown, keyData: unknown, algorithm: unknown, extractable: unknown,
                         usages: unknown): Promise<CryptoKey> {
  checkThis(this);
  requiredArguments(arguments.length, 4, prefixOf("importKey"));
  const f = keyFormat(format, ctx("importKey", 0));
  const data = f === "jwk" ? jsonWebKey(keyData, ctx("importKey", 1)) : bufferSource(keyData, ctx("importKey", 1));
  const a = algorithmIdentifier(algorithm, ctx("importKey", 2));
  const ext = !!extractable;
  const u = keyUsages(usages, ctx("importKey", 4));
  const alg = normalizeAlgorithm(a, "importKey");
  const key = importKeyImpl(f, data, alg, ext, u);
  if ((key.type === "secret" || key.type === "private") && key.usages.length === 0) {
    throw domException(`Usages cannot be empty when importing a ${key.type} key.`, "SyntaxError");
  }
  return key;
}

async function exportKey(this: unknown, format: unknown, key: unknown): Promise<unknown> {
  checkThis(this);
  requiredArguments(arguments.length, 2, prefixOf("exportKey"));
  const f = keyFormat(format, ctx("exportKey", 0));
  const k = cryptoKey(key, ctx("exportKey", 1)) as CryptoKey;
  if (!k.extractable) throw domException("key is not extractable", "InvalidAccessException");
  return exportKeyImpl(f, k);
}

function signOrVerify(algorithm: unknown, key: CryptoKey, data: ArrayBuffer | ArrayBufferView,
                      signature?: ArrayBuffer | ArrayBufferView): ArrayBuffer | boolean {
  const usage = signature === undefined ? "sign" : "verify";
  const alg = normalizeAlgorithm(algorithm, usage);
  if (!key.usages.includes(usage) || alg.name !== (key.algorithm as { name: string }).name) {
    throw domException(`Unable to use this key to ${usage}`, "InvalidAccessError");
  }
  return signVerify(alg, key, data, signature);
}

async function sign(this: unknown, algorithm: unknown, key: unknown, data: unknown): Promise<ArrayBuffer> {
  checkThis(this);
  requiredArguments(arguments.length, 3, prefixOf("sign"));
  const a = algorithmIdentifier(algorithm, ctx("sign", 0));
  const k = cryptoKey(key, ctx("sign", 1)) as CryptoKey;
  const d = bufferSource(data, ctx("sign", 2));
  return signOrVerify(a, k, d) as ArrayBuffer;
}

async function verify(this: unknown, algorithm: unknown, key: unknown, signature: unknown, data: unknown): Promise<boolean> {
  checkThis(this);
  requiredArguments(arguments.length, 4, prefixOf("verify"));
  const a = algorithmIdentifier(algorithm, ctx("verify", 0));
  const k = cryptoKey(key, ctx("verify", 1)) as CryptoKey;
  const s = bufferSource(signature, ctx("verify", 2));
  const d = bufferSource(data, ctx("verify", 3));
  return signOrVerify(a, k, d, s) as boolean;
}

function cipherOrWrap(encrypt: boolean, algorithm: Record<string, any> & { name: string }, key: CryptoKey,
                      data: ArrayBuffer | ArrayBufferView, op: string): ArrayBuffer {
  if ((key.algorithm as { name: string }).name !== algorithm.name || !key.usages.includes(op)) {
    throw domException("The requested operation is not valid for the provided key", "InvalidAccessError");
  }
  if (algorithm.name === "AES-KW") throw notAvailable("AES-KW");
  return cipher(encrypt, algorithm, key, data);
}

async function encrypt(this: unknown, algorithm: unknown, key: unknown, data: unknown): Promise<ArrayBuffer> {
  checkThis(this);
  requiredArguments(arguments.length, 3, prefixOf("encrypt"));
  const a = algorithmIdentifier(algorithm, ctx("encrypt", 0));
  const k = cryptoKey(key, ctx("encrypt", 1)) as CryptoKey;
  const d = bufferSource(data, ctx("encrypt", 2));
  return cipherOrWrap(true, normalizeAlgorithm(a, "encrypt"), k, d, "encrypt");
}

async function decrypt(this: unknown, algorithm: unknown, key: unknown, data: unknown): Promise<ArrayBuffer> {
  checkThis(this);
  requiredArguments(arguments.length, 3, prefixOf("decrypt"));
  const a = algorithmIdentifier(algorithm, ctx("decrypt", 0));
  const k = cryptoKey(key, ctx("decrypt", 1)) as CryptoKey;
  const d = bufferSource(data, ctx("decrypt", 2));
  return cipherOrWrap(false, normalizeAlgorithm(a, "decrypt"), k, d, "decrypt");
}

function checkDeriveKey(algorithm: { name: string }, baseKey: CryptoKey, usage: string): void {
  if (!baseKey.usages.includes(usage)) throw domException(`baseKey does not have ${usage} usage`, "InvalidAccessError");
  if ((baseKey.algorithm as { name: string }).name !== algorithm.name) throw domException("Key algorithm mismatch", "InvalidAccessError");
}

async function deriveBits(this: unknown, algorithm: unknown, baseKey: unknown, length: unknown = null): Promise<ArrayBuffer> {
  checkThis(this);
  requiredArguments(arguments.length, 2, prefixOf("deriveBits"));
  const a = algorithmIdentifier(algorithm, ctx("deriveBits", 0));
  const k = cryptoKey(baseKey, ctx("deriveBits", 1)) as CryptoKey;
  const len = length === null ? null : unsignedLong(length, ctx("deriveBits", 2));
  const alg = normalizeAlgorithm(a, "deriveBits");
  checkDeriveKey(alg, k, "deriveBits");
  return deriveBitsImpl(alg, k, len);
}

function keyLength(alg: Record<string, any> & { name: string }): number | null {
  switch (alg.name) {
    case "AES-CTR": case "AES-CBC": case "AES-GCM": case "AES-KW":
      if (alg.length !== 128 && alg.length !== 192 && alg.length !== 256) throw domException("Invalid key length", "OperationError");
      return alg.length;
    case "HMAC":
      if (alg.length === undefined) return blockBits(alg.hash?.name) ?? null;
      if (typeof alg.length === "number" && alg.length !== 0) return alg.length;
      throw domException("Invalid key length", "OperationError");
  }
  return null;
}

async function deriveKey(this: unknown, algorithm: unknown, baseKey: unknown, derivedKeyAlgorithm: unknown,
                         extractable: unknown, usages: unknown): Promise<CryptoKey> {
  checkThis(this);
  requiredArguments(arguments.length, 5, prefixOf("deriveKey"));
  const a = algorithmIdentifier(algorithm, ctx("deriveKey", 0));
  const k = cryptoKey(baseKey, ctx("deriveKey", 1)) as CryptoKey;
  const d = algorithmIdentifier(derivedKeyAlgorithm, ctx("deriveKey", 2));
  const ext = !!extractable;
  const u = keyUsages(usages, ctx("deriveKey", 4));
  const alg = normalizeAlgorithm(a, "deriveBits");
  normalizeAlgorithm(d, "importKey");
  checkDeriveKey(alg, k, "deriveKey");
  const length = keyLength(normalizeAlgorithm(derivedKeyAlgorithm, "get key length"));
  const bits = deriveBitsImpl(alg, k, length);
  return importKey.call(subtle, "raw", bits, derivedKeyAlgorithm, ext, u);
}

async function wrapKey(this: unknown, format: unknown, key: unknown, wrappingKey: unknown, algorithm: unknown): Promise<ArrayBuffer> {
  checkThis(this);
  requiredArguments(arguments.length, 4, prefixOf("wrapKey"));
  const f = keyFormat(format, ctx("wrapKey", 0));
  const k = cryptoKey(key, ctx("wrapKey", 1)) as CryptoKey;
  const w = cryptoKey(wrappingKey, ctx("wrapKey", 2)) as CryptoKey;
  const a = algorithmIdentifier(algorithm, ctx("wrapKey", 3));
  let alg;
  try {
    alg = normalizeAlgorithm(a, "wrapKey");
  } catch {
    alg = normalizeAlgorithm(a, "encrypt");
  }
  const exported = await exportKey.call(subtle, f, k);
  const data = f === "jwk" ? new TextEncoder().encode(JSON.stringify(exported)) : exported as ArrayBuffer;
  return cipherOrWrap(true, alg, w, data, "wrapKey");
}

async function unwrapKey(this: unknown, format: unknown, wrappedKey: unknown, unwrappingKey: unknown, unwrapAlgo: unknown,
                         unwrappedKeyAlgo: unknown, extractable: unknown, usages: unknown): Promise<CryptoKey> {
  checkThis(this);
  requiredArguments(arguments.length, 7, prefixOf("unwrapKey"));
  const f = keyFormat(format, ctx("unwrapKey", 0));
  const wrapped = bufferSource(wrappedKey, ctx("unwrapKey", 1));
  const w = cryptoKey(unwrappingKey, ctx("unwrapKey", 2)) as CryptoKey;
  const a = algorithmIdentifier(unwrapAlgo, ctx("unwrapKey", 3));
  const ka = algorithmIdentifier(unwrappedKeyAlgo, ctx("unwrapKey", 4));
  const ext = !!extractable;
  const u = keyUsages(usages, ctx("unwrapKey", 6));
  let alg;
  try {
    alg = normalizeAlgorithm(a, "unwrapKey");
  } catch {
    alg = normalizeAlgorithm(a, "decrypt");
  }
  let keyData: unknown = cipherOrWrap(false, alg, w, wrapped, "unwrapKey");
  if (f === "jwk") {
    try {
      keyData = JSON.parse(new TextDecoder().decode(keyData as ArrayBuffer));
    } catch {
      throw domException("Invalid wrapped JWK key", "DataError");
    }
  }
  return importKey.call(subtle, f, keyData, ka, ext, u);
}

const methods = { encrypt, decrypt, sign, verify, digest, generateKey, deriveKey, deriveBits, importKey, exportKey, wrapKey, unwrapKey };
for (const [name, value] of Object.entries(methods)) {
  Object.defineProperty(SubtleCrypto.prototype, name, { value, enumerable: true, configurable: true, writable: true });
}
Object.defineProperty(SubtleCrypto.prototype, Symbol.toStringTag, { value: "SubtleCrypto", configurable: true });

export interface SubtleCrypto {
  digest: typeof digest; generateKey: typeof generateKey; importKey: typeof importKey; exportKey: typeof exportKey;
  sign: typeof sign; verify: typeof verify; encrypt: typeof encrypt; decrypt: typeof decrypt;
  deriveBits: typeof deriveBits; deriveKey: typeof deriveKey; wrapKey: typeof wrapKey; unwrapKey: typeof unwrapKey;
}

/** The one SubtleCrypto instance (crypto.subtle). */
export const subtle: SubtleCrypto = Object.create(SubtleCrypto.prototype);

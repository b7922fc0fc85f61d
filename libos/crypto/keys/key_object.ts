// libos/crypto/keys/key_object.ts — crypto.KeyObject (SecretKeyObject, PublicKeyObject, PrivateKeyObject),
// createSecretKey/createPublicKey/createPrivateKey, key export (PEM/DER as SPKI, PKCS#8, PKCS#1, SEC 1; JWK), and
// the key arguments every other node:crypto function takes (a KeyObject, a CryptoKey, PEM/DER bytes, a JWK, or an
// object naming format and type), with Node 20's checks and errors. Layer: libos.
import { Buffer } from "../../buffer/index.ts";
import {
  codedError, incompatibleKeyOptions, invalidArgType, invalidArgValue, invalidKeyObjectType, opensslError,
} from "../_errors.ts";
import { toBytes, validateObject, validateOneOf } from "../_validate.ts";
import { completeKey } from "./complete.ts";
import { isCryptoKey, keyObjectOf } from "./crypto_key.ts";
import { DerError, DerReader } from "./der.ts";
import { decryptPkcs8, decryptTraditional, encryptPkcs8, encryptTraditional } from "./encrypted.ts";
import { jwkToKey, keyToJwk, secretToJwk } from "./jwk.ts";
import {
  bitLength, fromPkcs1Private, fromPkcs1Public, fromPkcs8, fromSec1, fromSpki, isPrivate, type KeyData, publicPart,
  spkiOfCertificate, toPkcs1Private, toPkcs1Public, toPkcs8, toSec1, toSpki,
} from "./key_data.ts";
import { pemBlocks, pemEncode } from "./pem.ts";

type NodeBuffer = import("node:buffer").Buffer;

const kKeyType = Symbol("kKeyType");
const kHandle = Symbol("kHandle");

/** What a KeyObject holds: secret bytes, or asymmetric key material. */
export class KeyHandle {
  constructor(readonly secret: Uint8Array | undefined, readonly key: KeyData | undefined) {}
}

/** Where a key argument is used (Node's kConsumePublic ...). */
export const enum KeyContext { ConsumePublic, ConsumePrivate, CreatePublic, CreatePrivate }

// --- The classes ---

export class KeyObject {
  declare [kKeyType]: string;
  declare [kHandle]: KeyHandle;

  constructor(type: string, handle: KeyHandle) {
    if (type !== "secret" && type !== "public" && type !== "private") throw invalidArgValue("type", type);
    if (typeof handle !== "object" || !(handle instanceof KeyHandle)) throw invalidArgType("handle", "object", handle);
    this[kKeyType] = type;
    Object.defineProperty(this, kHandle, { value: handle, enumerable: false, configurable: false, writable: false });
  }

  get type(): string {
    return this[kKeyType];
  }

  static from(key: unknown): KeyObject {
    if (!isCryptoKey(key)) throw invalidArgType("key", "CryptoKey", key);
    return keyObjectOf(key);
  }

  equals(other: unknown): boolean {
    if (!isKeyObject(other)) throw invalidArgType("otherKeyObject", "KeyObject", other);
    if (other.type !== this.type) return false;
    const a = this[kHandle], b = other[kHandle];
    if (a.secret || b.secret) return !!a.secret && !!b.secret && bytesEqual(a.secret, b.secret);
    return bytesEqual(toSpki(a.key!), toSpki(b.key!)) && (!isPrivate(a.key!) || bytesEqual(toPkcs8(a.key!), toPkcs8(b.key!)));
  }
}
Object.defineProperty(KeyObject.prototype, Symbol.toStringTag, { value: "KeyObject", configurable: true });
/** A brand libos/util's types.isKeyObject can test without importing node:crypto (and its native library). */
Object.defineProperty(KeyObject.prototype, Symbol.for("unijs.crypto.KeyObject"), { value: true });

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export class SecretKeyObject extends KeyObject {
  constructor(handle: KeyHandle) {
    super("secret", handle);
  }

  get symmetricKeySize(): number {
    return this[kHandle].secret!.length;
  }

  export(options?: unknown): NodeBuffer | Record<string, string> {
    if (options !== undefined) {
      validateObject(options, "options");
      validateOneOf(options.format, "options.format", [undefined, "buffer", "jwk"]);
      if (options.format === "jwk") return secretToJwk(this[kHandle].secret!);
    }
    return Buffer.from(this[kHandle].secret!);
  }
}

const kDetails = Symbol("kDetails");

class AsymmetricKeyObject extends KeyObject {
  declare [kDetails]: Record<string, unknown> | undefined;

  get asymmetricKeyType(): string {
    return this[kHandle].key!.type;
  }

  get asymmetricKeyDetails(): Record<string, unknown> {
    return (this[kDetails] ??= keyDetails(this[kHandle].key!));
  }
}

function keyDetails(k: KeyData): Record<string, unknown> {
  switch (k.type) {
    case "rsa": case "rsa-pss": {
      let e = 0n;
      for (const b of k.e) e = (e << 8n) | BigInt(b);
      const details: Record<string, unknown> = { modulusLength: bitLength(k.n), publicExponent: e };
      if (k.pss) Object.assign(details, k.pss);
      return details;
    }
    case "ec": return { namedCurve: k.curve.openssl };
    default: return {};
  }
}

export class PublicKeyObject extends AsymmetricKeyObject {
  constructor(handle: KeyHandle) {
    super("public", handle);
  }

  export(options?: unknown): NodeBuffer | string | Record<string, string> {
    const key = this[kHandle].key!;
    if (options && (options as { format?: unknown }).format === "jwk") return keyToJwk(key);
    const { format, type } = parseKeyEncoding(options, key.type, true);
    let der: Uint8Array, label: string;
    if (type === "pkcs1") { der = toPkcs1Public(key as never); label = "RSA PUBLIC KEY"; }
    else { der = toSpki(key); label = "PUBLIC KEY"; }
    return format === "pem" ? pemEncode(label, der) : Buffer.from(der);
  }
}

export class PrivateKeyObject extends AsymmetricKeyObject {
  constructor(handle: KeyHandle) {
    super("private", handle);
  }

  export(options?: unknown): NodeBuffer | string | Record<string, string> {
    const key = this[kHandle].key!;
    if (options && (options as { format?: unknown }).format === "jwk") {
      if ((options as { passphrase?: unknown }).passphrase !== undefined) throw incompatibleKeyOptions("jwk", "does not support encryption");
      return keyToJwk(key);
    }
    const { format, type, cipher, passphrase } = parseKeyEncoding(options, key.type, false);
    let der: Uint8Array, label: string;
    if (type === "pkcs1") { der = toPkcs1Private(key as never); label = "RSA PRIVATE KEY"; }
    else if (type === "sec1") { der = toSec1(key as never); label = "EC PRIVATE KEY"; }
    else { der = toPkcs8(key); label = "PRIVATE KEY"; }
    if (cipher != null) {
      if (type === "pkcs8") {
        der = encryptPkcs8(der, cipher, passphrase!);
        label = "ENCRYPTED PRIVATE KEY";
      } else {
        const { headers, body } = encryptTraditional(der, cipher, passphrase!);
        return pemEncode(label, body, headers);
      }
    }
    return format === "pem" ? pemEncode(label, der) : Buffer.from(der);
  }
}

export function isKeyObject(v: unknown): v is KeyObject {
  return v != null && (v as { [kKeyType]?: string })[kKeyType] !== undefined;
}

/** The material behind a KeyObject. */
export function handleOf(k: KeyObject): KeyHandle {
  return k[kHandle];
}

/** A KeyObject over material (keygen and Web Crypto make keys this way). */
export function keyObjectFor(type: "secret" | "public" | "private", secret?: Uint8Array, key?: KeyData): KeyObject {
  const h = new KeyHandle(secret, key);
  return type === "secret" ? new SecretKeyObject(h) : type === "public" ? new PublicKeyObject(h) : new PrivateKeyObject(h);
}

// --- Encodings (options of export, of keygen, of key arguments) ---

export interface KeyEncoding {
  format: "pem" | "der" | "jwk";
  type?: "pkcs1" | "spki" | "pkcs8" | "sec1";
  cipher?: string;
  passphrase?: Uint8Array;
}

const option = (name: string, obj?: string) => (obj === undefined ? `options.${name}` : `options.${obj}.${name}`);

/**
 * Node's parseKeyEncoding: `keyType` is the key's type for an output encoding, undefined for an input one; `isPublic`
 * true (public only), false (private only) or undefined (either).
 */
export function parseKeyEncoding(enc: unknown, keyType: string | undefined, isPublic: boolean | undefined,
                                 objName?: string): KeyEncoding {
  validateObject(enc, "options");
  const input = keyType === undefined;
  const formatStr = enc.format, typeStr = enc.type;
  let format: KeyEncoding["format"];
  if (formatStr === undefined && input) format = "pem";
  else if (formatStr === "pem" || formatStr === "der" || formatStr === "jwk") format = formatStr;
  else throw invalidArgValue(option("format", objName), formatStr);
  const required = (!input || format === "der") && format !== "jwk";
  let type: KeyEncoding["type"];
  if (typeStr === undefined && !required) type = undefined;
  else if (typeStr === "pkcs1") {
    if (keyType !== undefined && keyType !== "rsa") throw incompatibleKeyOptions("pkcs1", "can only be used for RSA keys");
    type = "pkcs1";
  } else if (typeStr === "spki" && isPublic !== false) type = "spki";
  else if (typeStr === "pkcs8" && isPublic !== true) type = "pkcs8";
  else if (typeStr === "sec1" && isPublic !== true) {
    if (keyType !== undefined && keyType !== "ec") throw incompatibleKeyOptions("sec1", "can only be used for EC keys");
    type = "sec1";
  } else throw invalidArgValue(option("type", objName), typeStr);

  let cipher: unknown, passphrase: unknown;
  if (isPublic !== true) {
    cipher = enc.cipher;
    passphrase = enc.passphrase;
    if (!input) {
      if (cipher != null) {
        if (typeof cipher !== "string") throw invalidArgValue(option("cipher", objName), cipher);
        if (format === "der" && (type === "pkcs1" || type === "sec1")) throw incompatibleKeyOptions(type, "does not support encryption");
      } else if (passphrase !== undefined) {
        throw invalidArgValue(option("cipher", objName), cipher);
      }
    }
    if ((input && passphrase !== undefined && !isStringOrBuffer(passphrase)) ||
        (!input && cipher != null && !isStringOrBuffer(passphrase))) {
      throw invalidArgValue(option("passphrase", objName), passphrase);
    }
  }
  return {
    format, type, cipher: cipher as string | undefined,
    passphrase: passphrase !== undefined ? toBytes(passphrase, "key.passphrase", enc.encoding) : undefined,
  };
}

const isStringOrBuffer = (v: unknown) => typeof v === "string" || ArrayBuffer.isView(v) || v instanceof ArrayBuffer;

// --- Key arguments ---

const decoderUnsupported = () => opensslError("1E08010C", "DECODER routines", "unsupported");

function keyTypes(allowKeyObject: boolean, bufferOnly = false): string[] {
  const types = ["ArrayBuffer", "Buffer", "TypedArray", "DataView", "string", "KeyObject", "CryptoKey"];
  return bufferOnly ? types.slice(0, 4) : allowKeyObject ? types : types.slice(0, 5);
}

/** The secret bytes of a key argument (HMAC keys, cipher keys, HKDF input): a secret KeyObject/CryptoKey or bytes. */
export function prepareSecretKey(key: unknown, encoding?: unknown, bufferOnly = false): Uint8Array {
  if (!bufferOnly) {
    if (isKeyObject(key) || isCryptoKey(key)) {
      const ko = isKeyObject(key) ? key : keyObjectOf(key);
      if (ko.type !== "secret") throw invalidKeyObjectType(ko.type, "secret");
      return ko[kHandle].secret!;
    }
  }
  if (typeof key !== "string" && !ArrayBuffer.isView(key) && !(key instanceof ArrayBuffer)) {
    throw invalidArgType("key", keyTypes(!bufferOnly, bufferOnly), key);
  }
  return toBytes(key, "key", encoding);
}

function handleForContext(k: KeyObject, ctx: KeyContext): KeyData {
  if (ctx === KeyContext.CreatePrivate) throw invalidArgType("key", keyTypes(false), k);
  if (k.type !== "private") {
    if (ctx === KeyContext.ConsumePrivate || ctx === KeyContext.CreatePublic) throw invalidKeyObjectType(k.type, "private");
    if (k.type !== "public") throw invalidKeyObjectType(k.type, "private or public");
  }
  return k[kHandle].key!;
}

/** An asymmetric key argument, as key material (private keys keep their private parts). */
export function prepareAsymmetricKey(key: unknown, ctx: KeyContext): KeyData {
  if (isKeyObject(key)) return handleForContext(key, ctx);
  if (isCryptoKey(key)) return handleForContext(keyObjectOf(key), ctx);
  if (isStringOrBuffer(key)) return parseKeyBytes(toBytes(key, "key"), { format: "pem" }, ctx);
  if (typeof key === "object" && key !== null) {
    const { key: data, encoding, format } = key as { key?: unknown; encoding?: unknown; format?: unknown };
    if (isKeyObject(data)) return handleForContext(data, ctx);
    if (isCryptoKey(data)) return handleForContext(keyObjectOf(data), ctx);
    if (format === "jwk") {
      validateObject(data, "key.key");
      const isPublic = ctx === KeyContext.ConsumePublic || ctx === KeyContext.CreatePublic;
      const parsed = jwkToKey(data, isPublic);
      try {
        return completeKey(parsed);
      } catch {
        throw parsed.type === "ec" ? codedError(TypeError, "ERR_CRYPTO_INVALID_JWK", "Invalid JWK EC key") :
          codedError(TypeError, "ERR_CRYPTO_INVALID_JWK", "Invalid JWK data");
      }
    }
    if (!isStringOrBuffer(data)) throw invalidArgType("key.key", keyTypes(ctx !== KeyContext.CreatePrivate), data);
    const isPublic = ctx === KeyContext.ConsumePrivate || ctx === KeyContext.CreatePrivate ? false : undefined;
    const enc = parseKeyEncoding(key, undefined, isPublic);
    return parseKeyBytes(toBytes(data, "key", encoding), enc, ctx);
  }
  throw invalidArgType("key", keyTypes(ctx !== KeyContext.CreatePrivate), key);
}

/** Whether DER bytes are an RSAPrivateKey (PKCS#1 can hold either kind; its first INTEGER tells). */
function isRsaPrivateDer(der: Uint8Array): boolean {
  try {
    const r = new DerReader(der).sequence();
    return r.integer().length === 1 && !r.done;
  } catch {
    return false;
  }
}

function parseKeyBytes(data: Uint8Array, enc: { format: string; type?: string; passphrase?: Uint8Array }, ctx: KeyContext): KeyData {
  const wantPrivate = ctx === KeyContext.ConsumePrivate || ctx === KeyContext.CreatePrivate;
  try {
    if (enc.format === "pem") return completeKey(parsePem(data, wantPrivate, enc.passphrase));
    let parsed: KeyData;
    switch (enc.type) {
      case "spki": parsed = fromSpki(data); break;
      case "pkcs8": parsed = fromPkcs8MaybeEncrypted(data, enc.passphrase); break;
      case "sec1": parsed = fromSec1(data); break;
      default: {
        const priv = wantPrivate || isRsaPrivateDer(data);
        parsed = priv ? fromPkcs1Private(data) : fromPkcs1Public(data);
      }
    }
    if (wantPrivate && !isPrivate(parsed)) throw decoderUnsupported();
    return completeKey(parsed);
  } catch (e) {
    if (e instanceof DerError || e instanceof RangeError) throw decoderUnsupported();
    throw e;
  }
}

function fromPkcs8MaybeEncrypted(der: Uint8Array, passphrase: Uint8Array | undefined): KeyData {
  try {
    return fromPkcs8(der);
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    return fromPkcs8(decryptPkcs8(der, passphrase));       // an EncryptedPrivateKeyInfo, or DerError again
  }
}

const PUBLIC_LABELS = ["PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"];
const PRIVATE_LABELS = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"];

/** The first key PEM holds: a public key or certificate first (unless only private keys do), then a private key. */
function parsePem(data: Uint8Array, wantPrivate: boolean, passphrase: Uint8Array | undefined): KeyData {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
  const blocks = pemBlocks(text);
  if (!wantPrivate) {
    const pub = blocks.find((b) => PUBLIC_LABELS.includes(b.label));
    if (pub) {
      switch (pub.label) {
        case "PUBLIC KEY": return fromSpki(pub.body);
        case "RSA PUBLIC KEY": return fromPkcs1Public(pub.body);
        default: return fromSpki(spkiOfCertificate(pub.body));
      }
    }
  }
  const priv = blocks.find((b) => PRIVATE_LABELS.includes(b.label));
  if (!priv) throw decoderUnsupported();
  let body = priv.body;
  if (priv.headers["Proc-Type"]?.startsWith("4,ENCRYPTED")) body = decryptTraditional(body, priv.headers, passphrase);
  switch (priv.label) {
    case "PRIVATE KEY": return fromPkcs8(body);
    case "ENCRYPTED PRIVATE KEY":
      if (!passphrase) throw opensslError("07880109", "common libcrypto routines", "interrupted or cancelled");
      return fromPkcs8(decryptPkcs8(body, passphrase));
    case "RSA PRIVATE KEY": return fromPkcs1Private(body);
    default: return fromSec1(body);
  }
}

// --- The create functions ---

/** crypto.createSecretKey(key[, encoding]). */
export function createSecretKey(key: unknown, encoding?: unknown): KeyObject {
  const bytes = prepareSecretKey(key, encoding, true);
  return keyObjectFor("secret", Uint8Array.from(bytes));
}

/** crypto.createPublicKey(key): from a public key, a certificate, or (its public part) a private key. */
export function createPublicKey(key: unknown): KeyObject {
  const data = prepareAsymmetricKey(key, KeyContext.CreatePublic);
  return keyObjectFor("public", undefined, publicPart(data));
}

/** crypto.createPrivateKey(key). */
export function createPrivateKey(key: unknown): KeyObject {
  const data = prepareAsymmetricKey(key, KeyContext.CreatePrivate);
  if (!isPrivate(data)) throw decoderUnsupported();
  return keyObjectFor("private", undefined, data);
}

/** Output of keygen in the requested encoding (a KeyObject when none). */
export function encodeKey(ko: KeyObject, enc: KeyEncoding | undefined): unknown {
  if (!enc) return ko;
  if (enc.format === "jwk") return (ko as PublicKeyObject).export({ format: "jwk" });
  return (ko as PrivateKeyObject).export({ format: enc.format, type: enc.type, cipher: enc.cipher,
    passphrase: enc.passphrase });
}

// libos/crypto/cipher.ts — createCipheriv/Cipheriv, createDecipheriv/Decipheriv, getCiphers, getCipherInfo: AES-128/
// 192/256 in ECB, CBC (PKCS#7 padding, setAutoPadding), CTR, CFB, CFB8, OFB and GCM (setAAD, getAuthTag/setAuthTag,
// authTagLength), ChaCha20 and ChaCha20-Poly1305, over the native states of boot/native/mbedtls_cipher.c, with Node
// 20's checks, order of checks and errors (OpenSSL's "bad decrypt", "wrong final block length"; "Unsupported state
// or unable to authenticate data"). Lazy Transform streams, callable with or without `new`. Layer: libos.
import { StringDecoder } from "../string_decoder/index.ts";
import {
  codedError, invalidArgType, invalidArgValue, invalidAuthTag, invalidIv, invalidKeyLength, invalidState, opensslError,
  unknownCipher,
} from "./_errors.ts";
import { LazyTransform } from "./_lazy_transform.ts";
import { CipherFailure, CipherMode, HashId, native, type NativeCipher } from "./_native.ts";
import { dataBytes, normalizeEncoding, toBuffer, toBytes, validateInt32, validateObject } from "./_validate.ts";
import { prepareSecretKey } from "./keys/key_object.ts";

type NodeBuffer = import("node:buffer").Buffer;

export interface CipherInfo {
  /** getCipherInfo's name (OpenSSL's canonical, lower case). */
  name: string;
  nid: number;
  mode: CipherMode;
  /** "cbc", "gcm", "stream", ... as getCipherInfo reports it. */
  modeName: string;
  keyLength: number;
  ivLength: number;
  blockSize: number;
}

const CIPHERS = new Map<string, CipherInfo>();
const NAMES: string[] = [];

function add(names: string[], info: CipherInfo): void {
  for (const n of names) CIPHERS.set(n.toLowerCase(), info);
  NAMES.push(...names);
}

const AES_NIDS: Record<number, Record<string, number>> = {
  128: { ecb: 418, cbc: 419, ofb: 420, cfb: 421, cfb8: 653, ctr: 904, gcm: 895 },
  192: { ecb: 422, cbc: 423, ofb: 424, cfb: 425, cfb8: 654, ctr: 905, gcm: 898 },
  256: { ecb: 426, cbc: 427, ofb: 428, cfb: 429, cfb8: 655, ctr: 906, gcm: 901 },
};
for (const bits of [128, 192, 256]) {
  const k = bits / 8, nid = AES_NIDS[bits];
  const aes = (m: string) => `aes-${bits}-${m}`;
  add([aes("cbc"), `aes${bits}`], { name: aes("cbc"), nid: nid.cbc, mode: CipherMode.CBC, modeName: "cbc", keyLength: k, ivLength: 16, blockSize: 16 });
  add([aes("cfb")], { name: aes("cfb"), nid: nid.cfb, mode: CipherMode.CFB, modeName: "cfb", keyLength: k, ivLength: 16, blockSize: 1 });
  add([aes("cfb8")], { name: aes("cfb8"), nid: nid.cfb8, mode: CipherMode.CFB8, modeName: "cfb", keyLength: k, ivLength: 16, blockSize: 1 });
  add([aes("ctr")], { name: aes("ctr"), nid: nid.ctr, mode: CipherMode.CTR, modeName: "ctr", keyLength: k, ivLength: 16, blockSize: 1 });
  add([aes("ecb")], { name: aes("ecb"), nid: nid.ecb, mode: CipherMode.ECB, modeName: "ecb", keyLength: k, ivLength: 0, blockSize: 16 });
  add([aes("gcm"), `id-aes${bits}-GCM`], { name: `id-aes${bits}-gcm`, nid: nid.gcm, mode: CipherMode.GCM, modeName: "gcm", keyLength: k, ivLength: 12, blockSize: 1 });
  add([aes("ofb")], { name: aes("ofb"), nid: nid.ofb, mode: CipherMode.OFB, modeName: "ofb", keyLength: k, ivLength: 16, blockSize: 1 });
}
add(["chacha20"], { name: "chacha20", nid: 1019, mode: CipherMode.CHACHA20, modeName: "stream", keyLength: 32, ivLength: 16, blockSize: 0 });
add(["chacha20-poly1305"], { name: "chacha20-poly1305", nid: 1018, mode: CipherMode.CHACHA20_POLY1305, modeName: "stream", keyLength: 32, ivLength: 12, blockSize: 0 });

/** The cipher a name means (any case), or undefined. */
export function findCipher(name: string): CipherInfo | undefined {
  return CIPHERS.get(name.toLowerCase());
}

const isAead = (c: CipherInfo) => c.mode === CipherMode.GCM || c.mode === CipherMode.CHACHA20_POLY1305;
const validGcmTag = (n: number) => n === 4 || n === 8 || (n >= 12 && n <= 16);

/** crypto.getCiphers(): the names createCipheriv accepts (a subset of Node's: AES and ChaCha20 modes). */
export function getCiphers(): string[] {
  return NAMES.slice().sort();
}

/** crypto.getCipherInfo(nameOrNid[, options]). */
export function getCipherInfo(nameOrNid: unknown, options?: unknown): Record<string, unknown> | undefined {
  if (typeof nameOrNid !== "string" && typeof nameOrNid !== "number") throw invalidArgType("nameOrNid", ["string", "number"], nameOrNid);
  if (typeof nameOrNid === "number") validateInt32(nameOrNid, "nameOrNid");
  let keyLength: unknown, ivLength: unknown;
  if (options !== undefined) {
    validateObject(options, "options");
    ({ keyLength, ivLength } = options);
    if (keyLength !== undefined) validateInt32(keyLength, "options.keyLength");
    if (ivLength !== undefined) validateInt32(ivLength, "options.ivLength");
  }
  const info = typeof nameOrNid === "number" ? [...CIPHERS.values()].find((c) => c.nid === nameOrNid) : findCipher(nameOrNid);
  if (!info) return undefined;
  if (keyLength !== undefined && keyLength !== info.keyLength) return undefined;
  let iv = info.ivLength;
  if (ivLength !== undefined) {
    if (info.mode === CipherMode.GCM) { if ((ivLength as number) < 1) return undefined; iv = ivLength as number; }
    else if (ivLength !== info.ivLength) return undefined;
  }
  const out: Record<string, unknown> = { mode: info.modeName, name: info.name, nid: info.nid };
  if (info.blockSize) out.blockSize = info.blockSize;
  if (iv) out.ivLength = iv;
  out.keyLength = info.keyLength;
  return out;
}

function uintOption(options: unknown, key: string): number {
  const v = options ? (options as Record<string, unknown>)[key] : undefined;
  if (v != null) {
    if ((v as number) >>> 0 !== v) throw invalidArgValue(`options.${key}`, v);
    return v as number;
  }
  return -1;
}

function stringOption(options: unknown, key: string): string | undefined {
  const v = options != null && typeof options === "object" ? (options as Record<string, unknown>)[key] : undefined;
  if (v !== undefined && typeof v !== "string") throw invalidArgType(`options.${key}`, "string", v);
  return v as string | undefined;
}

const kHandle = Symbol("kHandle");
const kState = Symbol("kState");

interface State {
  info: CipherInfo;
  decrypt: boolean;
  /** The tag length fixed at creation or by setAuthTag (-1: not fixed yet). */
  tagLength: number;
  tagSet: boolean;
  finished: boolean;
  tag?: NodeBuffer;
  decoder?: InstanceType<typeof StringDecoder>;
}

interface CipherObject {
  [kHandle]: NativeCipher;
  [kState]: State;
  push(chunk: unknown): boolean;
}

function init(self: CipherObject, decrypt: boolean, cipher: unknown, key: unknown, iv: unknown, options: unknown): void {
  if (typeof cipher !== "string") throw invalidArgType("cipher", "string", cipher);
  const encoding = stringOption(options, "encoding");
  const keyBytes = prepareSecretKey(key, encoding);
  const ivBytes = iv === null ? null : toBytes(iv, "iv");
  const authTagLength = uintOption(options, "authTagLength");
  const info = findCipher(cipher);
  if (!info) throw unknownCipher();
  const hasIv = ivBytes !== null && ivBytes.length > 0;
  if (!hasIv && info.ivLength !== 0) throw invalidIv();
  if (!isAead(info) && hasIv && ivBytes!.length !== info.ivLength) throw invalidIv();
  if (info.mode === CipherMode.CHACHA20_POLY1305 && ivBytes!.length !== 12) throw invalidIv();   // unijs: 12 only
  let tagLength = -1;
  if (info.mode === CipherMode.GCM) {
    if (authTagLength !== -1) {
      if (!validGcmTag(authTagLength)) throw invalidAuthTag(`Invalid authentication tag length: ${authTagLength}`);
      tagLength = authTagLength;
    }
  } else if (info.mode === CipherMode.CHACHA20_POLY1305) {
    tagLength = authTagLength === -1 ? 16 : authTagLength;
    if (tagLength < 1 || tagLength > 16) throw invalidAuthTag(`Invalid authentication tag length: ${tagLength}`);
  }
  if (keyBytes.length !== info.keyLength) throw invalidKeyLength();
  self[kHandle] = native().cryptoCipher(info.mode, !decrypt, keyBytes, hasIv ? ivBytes : null,
    tagLength === -1 ? 16 : tagLength);
  self[kState] = { info, decrypt, tagLength, tagSet: false, finished: false };
}

function decoderFor(state: State, encoding: string): InstanceType<typeof StringDecoder> {
  const normalized = normalizeEncoding(encoding);
  if (!state.decoder) {
    if (normalized === undefined) throw codedError(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${encoding}`);
    state.decoder = new StringDecoder(normalized as BufferEncoding);
  }
  return state.decoder;
}

function update(this: CipherObject, data: unknown, inputEncoding?: unknown, outputEncoding?: unknown): NodeBuffer | string {
  const bytes = dataBytes(data, inputEncoding);
  const state = this[kState];
  if (state.finished) throw new Error("Trying to add data in unsupported state");
  const out = toBuffer(this[kHandle].update(bytes));
  if (outputEncoding && outputEncoding !== "buffer") return decoderFor(state, String(outputEncoding)).write(out);
  return out;
}

function final(this: CipherObject, outputEncoding?: unknown): NodeBuffer | string {
  const state = this[kState];
  if (state.finished) throw codedError(Error, "ERR_CRYPTO_INVALID_STATE", "Invalid state");
  state.finished = true;
  const r = this[kHandle].final();
  if (typeof r === "number") {
    if (r === CipherFailure.BadDecrypt) throw opensslError("1C800064", "Provider routines", "bad decrypt");
    if (r === CipherFailure.BlockLength) throw opensslError("1C80006B", "Provider routines", "wrong final block length");
    throw new Error("Unsupported state or unable to authenticate data");
  }
  if (!state.decrypt && isAead(state.info)) state.tag = toBuffer(this[kHandle].tag());
  const out = toBuffer(r);
  if (outputEncoding && outputEncoding !== "buffer") return decoderFor(state, String(outputEncoding)).end(out);
  return out;
}

function setAutoPadding(this: CipherObject, ap?: unknown): CipherObject {
  if (this[kState].finished) throw invalidState("setAutoPadding");
  this[kHandle].setPadding(!!ap);
  return this;
}

function setAAD(this: CipherObject, aad: unknown, options?: unknown): CipherObject {
  const encoding = stringOption(options, "encoding");
  uintOption(options, "plaintextLength");
  const bytes = toBytes(aad, "aadbuf", encoding);
  const state = this[kState];
  if (state.finished || !isAead(state.info)) throw invalidState("setAAD");
  try {
    this[kHandle].setAAD(bytes);
  } catch {
    throw invalidState("setAAD");
  }
  return this;
}

function getAuthTag(this: CipherObject): NodeBuffer {
  const state = this[kState];
  if (!state.finished || !state.tag) throw invalidState("getAuthTag");
  return state.tag;
}

function setAuthTag(this: CipherObject, tag: unknown, encoding?: unknown): CipherObject {
  const bytes = toBytes(tag, "buffer", encoding);
  const state = this[kState];
  if (state.finished || !isAead(state.info) || state.tagSet) throw invalidState("setAuthTag");
  const n = bytes.length;
  const valid = state.info.mode === CipherMode.GCM ? (state.tagLength === -1 || state.tagLength === n) && validGcmTag(n)
    : state.tagLength === n;
  if (!valid) throw invalidAuthTag(`Invalid authentication tag length: ${n}`);
  state.tagLength = n;
  state.tagSet = true;
  this[kHandle].setTag(bytes);
  return this;
}

function transform(this: CipherObject & { update: typeof update }, chunk: unknown, encoding: unknown, callback: () => void): void {
  this.push(this.update(chunk, encoding));
  callback();
}

function flush(this: CipherObject & { final: typeof final }, callback: (e?: Error) => void): void {
  try {
    this.push(this.final());
  } catch (e) {
    callback(e as Error);
    return;
  }
  callback();
}

export interface Cipheriv extends CipherObject {
  update(data: unknown, inputEncoding?: unknown, outputEncoding?: unknown): NodeBuffer | string;
  final(outputEncoding?: unknown): NodeBuffer | string;
  setAutoPadding(autoPadding?: boolean): this;
  setAAD(aad: unknown, options?: unknown): this;
  getAuthTag(): NodeBuffer;
}

export interface Decipheriv extends CipherObject {
  update(data: unknown, inputEncoding?: unknown, outputEncoding?: unknown): NodeBuffer | string;
  final(outputEncoding?: unknown): NodeBuffer | string;
  setAutoPadding(autoPadding?: boolean): this;
  setAAD(aad: unknown, options?: unknown): this;
  setAuthTag(tag: unknown, encoding?: unknown): this;
}

type Ctor<T> = { new (cipher: string, key: unknown, iv: unknown, options?: unknown): T;
  (cipher: string, key: unknown, iv: unknown, options?: unknown): T; prototype: T };

/** crypto.Cipheriv (Node's legacy-style constructor; createCipheriv is the usual door). */
export const Cipheriv = function Cipheriv(this: Cipheriv, cipher: unknown, key: unknown, iv: unknown, options?: unknown) {
  if (!(this instanceof Cipheriv)) return new (Cipheriv as Ctor<Cipheriv>)(cipher as string, key, iv, options);
  init(this, false, cipher, key, iv, options);
  LazyTransform.call(this, options);
} as unknown as Ctor<Cipheriv>;

/** crypto.Decipheriv. */
export const Decipheriv = function Decipheriv(this: Decipheriv, cipher: unknown, key: unknown, iv: unknown, options?: unknown) {
  if (!(this instanceof Decipheriv)) return new (Decipheriv as Ctor<Decipheriv>)(cipher as string, key, iv, options);
  init(this, true, cipher, key, iv, options);
  LazyTransform.call(this, options);
} as unknown as Ctor<Decipheriv>;

for (const C of [Cipheriv, Decipheriv] as { prototype: object }[]) {
  Object.setPrototypeOf(C.prototype, LazyTransform.prototype);
  Object.setPrototypeOf(C, LazyTransform);
  Object.assign(C.prototype, { _transform: transform, _flush: flush, update, final, setAutoPadding, setAAD });
}
Object.assign(Cipheriv.prototype, { getAuthTag });
Object.assign(Decipheriv.prototype, { setAuthTag });

/** crypto.createCipheriv(algorithm, key, iv[, options]). */
export function createCipheriv(cipher: string, key: unknown, iv: unknown, options?: unknown): Cipheriv {
  return new Cipheriv(cipher, key, iv, options);
}

/** crypto.createDecipheriv(algorithm, key, iv[, options]). */
export function createDecipheriv(cipher: string, key: unknown, iv: unknown, options?: unknown): Decipheriv {
  return new Decipheriv(cipher, key, iv, options);
}

// --- The legacy Cipher/Decipher (deprecated in Node 20, DEP0106): key and IV from the password ---

/** OpenSSL's EVP_BytesToKey with MD5, no salt and one round, as createCipher derives key and IV. */
function bytesToKeyIv(password: Uint8Array, keyLength: number, ivLength: number): { key: Uint8Array; iv: Uint8Array } {
  const out = new Uint8Array(keyLength + ivLength);
  let prev = new Uint8Array(0);
  for (let at = 0; at < out.length;) {
    const d = native().cryptoDigest(HashId.MD5);
    d.update(prev);
    d.update(password);
    prev = new Uint8Array(d.digest());
    out.set(prev.subarray(0, Math.min(prev.length, out.length - at)), at);
    at += prev.length;
  }
  return { key: out.subarray(0, keyLength), iv: out.subarray(keyLength) };
}

let warnedLegacy = false;

function emitWarning(message: string, type?: string, code?: string): void {
  const p = (globalThis as { process?: { emitWarning?: (m: string, t?: string, c?: string) => void } }).process;
  p?.emitWarning?.(message, type, code);
}

function legacyInit(self: CipherObject, decrypt: boolean, cipher: unknown, password: unknown, options: unknown): void {
  if (!warnedLegacy) {
    warnedLegacy = true;
    emitWarning(`crypto.create${decrypt ? "Decipher" : "Cipher"} is deprecated.`, "DeprecationWarning", "DEP0106");
  }
  if (typeof cipher !== "string") throw invalidArgType("cipher", "string", cipher);
  const pw = toBytes(password, "password");
  const info = findCipher(cipher);
  if (!info) throw unknownCipher();
  if (info.mode === CipherMode.CTR || info.mode === CipherMode.GCM) emitWarning(`Use Cipheriv for counter mode of ${cipher}`);
  const { key, iv } = bytesToKeyIv(pw, info.keyLength, info.ivLength);
  init(self, decrypt, cipher, key, info.ivLength ? iv : null, options);
}

/** crypto.Cipher: the legacy password-based cipher (createCipher). */
export const Cipher = function Cipher(this: Cipheriv, cipher: unknown, password: unknown, options?: unknown) {
  if (!(this instanceof Cipher)) return new (Cipher as Ctor<Cipheriv>)(cipher as string, password, options);
  legacyInit(this, false, cipher, password, options);
  LazyTransform.call(this, options);
} as unknown as Ctor<Cipheriv>;

/** crypto.Decipher (createDecipher). */
export const Decipher = function Decipher(this: Decipheriv, cipher: unknown, password: unknown, options?: unknown) {
  if (!(this instanceof Decipher)) return new (Decipher as Ctor<Decipheriv>)(cipher as string, password, options);
  legacyInit(this, true, cipher, password, options);
  LazyTransform.call(this, options);
} as unknown as Ctor<Decipheriv>;

for (const C of [Cipher, Decipher] as { prototype: object }[]) {
  Object.setPrototypeOf(C.prototype, LazyTransform.prototype);
  Object.setPrototypeOf(C, LazyTransform);
  Object.assign(C.prototype, { _transform: transform, _flush: flush, update, final, setAutoPadding, setAAD });
}
Object.assign(Cipher.prototype, { getAuthTag });
Object.assign(Decipher.prototype, { setAuthTag });

/** crypto.createCipher(algorithm, password[, options]) (deprecated: use createCipheriv). */
export function createCipher(cipher: string, password: unknown, options?: unknown): Cipheriv {
  return new Cipher(cipher, password, options);
}

/** crypto.createDecipher(algorithm, password[, options]) (deprecated: use createDecipheriv). */
export function createDecipher(cipher: string, password: unknown, options?: unknown): Decipheriv {
  return new Decipher(cipher, password, options);
}

/** A one-shot AES encryption or decryption (encrypted keys use it); throws Node's errors on bad padding. */
export function cipherOnce(name: string, decrypt: boolean, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Uint8Array {
  const c = decrypt ? new Decipheriv(name, key, iv) : new Cipheriv(name, key, iv);
  const a = c.update(data) as NodeBuffer, b = c.final() as NodeBuffer;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

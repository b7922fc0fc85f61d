// libos/crypto's argument checks against the host's Node: the same inputs must give the same error class, code and
// message (ERR_INVALID_ARG_TYPE's "Received ..." descriptions, ERR_OUT_OF_RANGE's number formatting, key
// encodings, hash names). Only the checks that run before any native primitive are exercised (hosted).
import * as nodeCrypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { findHash, HASH_NAMES } from "../../../libos/crypto/_hashes.ts";
import { dataBytes, encodeOutput, stringBytes, toBytes, validateInt32, validateUint32 } from "../../../libos/crypto/_validate.ts";
import { findCipher, getCipherInfo, getCiphers } from "../../../libos/crypto/cipher.ts";
import { KeyContext, parseKeyEncoding, prepareAsymmetricKey, prepareSecretKey } from "../../../libos/crypto/keys/key_object.ts";
import { getRandomValues } from "../../../libos/crypto/random.ts";
import { timingSafeEqual } from "../../../libos/crypto/index.ts";

interface Caught { name: string; code: unknown; message: string }

function caught(f: () => unknown): Caught | "no error" {
  try {
    f();
  } catch (e) {
    const err = e as Error & { code?: unknown };
    return { name: err.name, code: err.code, message: err.message };
  }
  return "no error";
}

const weird: unknown[] = [1, 0, -0, 1.5, NaN, Infinity, -Infinity, 2 ** 40, 10n, 2n ** 40n, true, false, null, undefined, {}, [],
  [1, 2], Symbol("s"), function named() {}, () => {}, new Date(0), new Map(), /re/, "a".repeat(40), "it's", Object.create(null)];

describe("ERR_INVALID_ARG_TYPE and ERR_OUT_OF_RANGE read as Node's", () => {
  it("hash and cipher data", () => {
    for (const v of weird) {
      if (typeof v === "string") continue;
      expect(caught(() => dataBytes(v, undefined))).toEqual(caught(() => nodeCrypto.createHash("sha1").update(v as never)));
    }
  });

  it("byte sources (keys, salts, passwords)", () => {
    for (const v of weird) {
      expect(caught(() => toBytes(v, "password"))).toEqual(caught(() => nodeCrypto.pbkdf2Sync(v as never, "s", 1, 1, "sha1")));
      expect(caught(() => prepareSecretKey(v))).toEqual(caught(() => nodeCrypto.createHmac("sha1", v as never)));
      expect(caught(() => prepareSecretKey(v, undefined, true))).toEqual(caught(() => nodeCrypto.createSecretKey(v as never)));
    }
  });

  it("integers", () => {
    for (const v of [...weird, -1, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 33), 2.5]) {
      const label = typeof v === "object" && v !== null ? Object.prototype.toString.call(v) : String(v);
      expect(caught(() => validateInt32(v, "iterations", 1)), label).toEqual(caught(() => nodeCrypto.pbkdf2Sync("p", "s", v as never, 1, "sha1")));
      const node = caught(() => nodeCrypto.scryptSync("p", "s", 1, { N: 2, r: v as never, maxmem: 2 ** 53 - 1 }));
      const checkedLater = node !== "no error" && node.code === "ERR_CRYPTO_INVALID_SCRYPT_PARAMS";   // OpenSSL's limits
      if (v !== undefined && !checkedLater) expect(caught(() => validateUint32(v, "r")), label).toEqual(node);
    }
  });

  it("asymmetric key arguments", () => {
    for (const v of [...weird.filter((x) => typeof x !== "string" && x !== null && x !== undefined && typeof x !== "object"), { key: 1 }, { key: null },
      { key: "k", format: "foo" }, { key: "k", format: "der" }, { key: "k", format: "der", type: "foo" }, { key: "k", type: "sec1", format: "der", passphrase: 5 },
      { key: "x", format: "jwk" }, { key: { kty: "EC" }, format: "jwk" }]) {
      const label = typeof v === "object" ? JSON.stringify(v) : String(v);
      expect(caught(() => prepareAsymmetricKey(v, KeyContext.CreatePublic)), label).toEqual(caught(() => nodeCrypto.createPublicKey(v as never)));
      expect(caught(() => prepareAsymmetricKey(v, KeyContext.CreatePrivate)), label).toEqual(caught(() => nodeCrypto.createPrivateKey(v as never)));
    }
  });

  it("key encodings of export and keygen", () => {
    const { privateKey, publicKey } = nodeCrypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const cases: unknown[] = [undefined, 1, "x", {}, { format: "der" }, { format: "pem" }, { format: "der", type: "pkcs1" }, { format: "pem", type: "spki" },
      { format: "pem", type: "sec1", cipher: "aes-128-cbc" }, { format: "der", type: "sec1", cipher: "aes-128-cbc", passphrase: "p" },
      { format: "pem", type: "pkcs8", passphrase: "p" }, { format: "pem", type: "pkcs8", cipher: 5, passphrase: "p" }, { format: "xml", type: "pkcs8" }];
    for (const c of cases) {
      const node = caught(() => privateKey.export(c as never));
      const ours = caught(() => parseKeyEncoding(c, "ec", false));
      if (node !== "no error") expect(ours, JSON.stringify(c)).toEqual(node);
      const nodePub = caught(() => publicKey.export(c as never));
      if (nodePub !== "no error") expect(caught(() => parseKeyEncoding(c, "ec", true)), JSON.stringify(c)).toEqual(nodePub);
    }
  });

  it("getRandomValues and timingSafeEqual", () => {
    for (const v of [new Float32Array(1), new Float64Array(1), new DataView(new ArrayBuffer(1)), new Uint8Array(65537), [1], null]) {
      const ours = caught(() => getRandomValues(v as never)), node = caught(() => nodeCrypto.getRandomValues(v as never));
      expect(ours).toEqual(node);
    }
    for (const [a, b] of [[Buffer.alloc(1), Buffer.alloc(2)], ["a", Buffer.alloc(1)], [Buffer.alloc(1), 5]] as [unknown, unknown][]) {
      expect(caught(() => timingSafeEqual(a, b))).toEqual(caught(() => nodeCrypto.timingSafeEqual(a as never, b as never)));
    }
  });
});

describe("names", () => {
  it("accepts every hash name Node lists, except the documented gaps", () => {
    const missing = nodeCrypto.getHashes().filter((n) => !findHash(n));
    expect(missing.sort()).toEqual(["RSA-SM3", "blake2b512", "blake2s256", "md5-sha1", "sm3", "sm3WithRSAEncryption"]);
    expect(HASH_NAMES.every((n) => nodeCrypto.getHashes().includes(n))).toBe(true);
    for (const n of ["SHA256", "sha-256", "SHA2-256", "RSA-SHA512/224", "SHA-512/256", "RIPEMD-160", "ShAkE256"]) expect(findHash(n), n).toBeDefined();
    for (const n of ["SHA512/224", "sha256 ", "md4", "KECCAK-256"]) expect(findHash(n), n).toBeUndefined();
  });

  it("describes its ciphers as getCipherInfo does", () => {
    for (const name of getCiphers()) {
      expect(getCipherInfo(name), name).toEqual(nodeCrypto.getCipherInfo(name));
      expect(findCipher(name.toUpperCase())).toBe(findCipher(name));
    }
    for (const [n, o] of [["aes-128-gcm", { ivLength: 8 }], ["aes-128-cbc", { ivLength: 8 }], ["aes-256-cbc", { keyLength: 32 }], [419, undefined], ["nope", undefined]] as const) {
      expect(getCipherInfo(n, o)).toEqual(nodeCrypto.getCipherInfo(n as never, o as never));
    }
  });
});

describe("encodings", () => {
  it("base64url both ways (the buffer package has none) and Node's output encodings", () => {
    const bytes = Uint8Array.from([0xfb, 0xff, 0xbf, 0x00, 0x3e]);
    expect(encodeOutput(bytes.buffer as ArrayBuffer, "base64url")).toBe(Buffer.from(bytes).toString("base64url"));
    expect(Buffer.from(stringBytes("-_-_AA", "base64url")).toString("hex")).toBe(Buffer.from("-_-_AA", "base64url").toString("hex"));
    for (const enc of ["hex", "base64", "latin1", "binary", "utf16le", "ucs2", "ascii", "utf8", "HEX"]) {
      expect(encodeOutput(bytes.buffer as ArrayBuffer, enc), enc).toBe(Buffer.from(bytes).toString(enc.toLowerCase() as BufferEncoding));
    }
    expect(encodeOutput(bytes.buffer as ArrayBuffer, "nope")).toBeInstanceOf(Uint8Array);
  });
});

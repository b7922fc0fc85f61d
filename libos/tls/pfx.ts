// libos/tls/pfx.ts — PKCS#12 (RFC 7292) files for createSecureContext's `pfx` option: the PFX's MAC is checked
// (HMAC with the PKCS#12 key derivation of appendix B over the password as BMPString, as OpenSSL tries it: empty
// and "" when none is given), its SafeContents are read from data and PBES2-encrypted ContentInfos (PBKDF2 with
// HMAC-SHA-1/224/256/384/512, AES-128/192/256-CBC: what OpenSSL 3's `pkcs12 -export` writes), and the result is
// the private key (PKCS#8 DER, decrypted from a pkcs8ShroudedKeyBag or a plain keyBag) with its certificate (the
// one whose localKeyId matches, else the first) and the other certificates. Legacy PBEs (RC2, 3DES with the
// PKCS#12 KDF) and BER's indefinite lengths are refused with a sentence. Node's errors: "mac verify failure" for a
// wrong passphrase, "not enough data" for bytes that are no PFX. Layer: libos (private to libos/tls). Hashes,
// HMAC, PBKDF2 and AES come from libos/crypto.
import { Buffer } from "../buffer/index.ts";
import { createDecipheriv } from "../crypto/cipher.ts";
import { createHmac, digestBytes } from "../crypto/hash.ts";
import { findHash } from "../crypto/_hashes.ts";
import { pbkdf2Sync } from "../crypto/kdf.ts";
import { DerError, DerReader, type DerElement } from "../crypto/keys/der.ts";

const OID = {
  data: "1.2.840.113549.1.7.1", encryptedData: "1.2.840.113549.1.7.6",
  keyBag: "1.2.840.113549.1.12.10.1.1", shroudedKeyBag: "1.2.840.113549.1.12.10.1.2", certBag: "1.2.840.113549.1.12.10.1.3",
  x509Certificate: "1.2.840.113549.1.9.22.1", localKeyId: "1.2.840.113549.1.9.21",
  pbes2: "1.2.840.113549.1.5.13", pbkdf2: "1.2.840.113549.1.5.12",
};
const DIGESTS: Record<string, string> = {
  "1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.4": "sha224", "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512",
};
const PRFS: Record<string, string> = {
  "1.2.840.113549.2.7": "sha1", "1.2.840.113549.2.8": "sha224", "1.2.840.113549.2.9": "sha256",
  "1.2.840.113549.2.10": "sha384", "1.2.840.113549.2.11": "sha512",
};
const CIPHERS: Record<string, [string, number]> = {
  "2.16.840.1.101.3.4.1.2": ["aes-128-cbc", 16], "2.16.840.1.101.3.4.1.22": ["aes-192-cbc", 24],
  "2.16.840.1.101.3.4.1.42": ["aes-256-cbc", 32],
};

export interface PfxContents {
  /** PKCS#8 PrivateKeyInfo (DER). */
  key: Uint8Array;
  /** The key's certificate (DER). */
  cert: Uint8Array;
  /** The other certificates in the file (DER): chain and CA certificates. */
  extra: Uint8Array[];
}

const mismatch = () => new Error("mac verify failure");

/** The password as PKCS#12 wants it for its own KDF: BMPString (UTF-16BE) with two zero bytes at the end. */
function bmpPassword(pass: string): Uint8Array {
  const out = new Uint8Array(pass.length * 2 + 2);
  for (let i = 0; i < pass.length; i++) { out[2 * i] = pass.charCodeAt(i) >> 8; out[2 * i + 1] = pass.charCodeAt(i) & 0xff; }
  return out;
}

/** RFC 7292 appendix B.2: n bytes of key material of purpose `id` (3: MAC key). */
function pkcs12Kdf(hashName: string, password: Uint8Array, salt: Uint8Array, iterations: number, id: number, n: number): Uint8Array {
  const info = findHash(hashName)!;
  const u = digestBytes(info, new Uint8Array(0)).length;
  const v = u > 32 ? 128 : 64;
  const fill = (src: Uint8Array) => {
    const len = src.length ? v * Math.ceil(src.length / v) : 0;
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length];
    return out;
  };
  const D = new Uint8Array(v).fill(id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out = new Uint8Array(n);
  for (let done = 0; done < n;) {
    let A = digestBytes(info, Buffer.concat([D, I]));
    for (let r = 1; r < iterations; r++) A = digestBytes(info, A);
    out.set(A.subarray(0, Math.min(u, n - done)), done);
    done += u;
    if (done >= n) break;
    const B = fill(A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k] + B[k] + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out;
}

/** PBES2 (PBKDF2 + AES-CBC) decryption of `data` with the algorithm's parameters. */
function pbes2Decrypt(alg: DerReader, data: Uint8Array, password: Uint8Array): Uint8Array {
  const oid = alg.oid();
  if (oid !== OID.pbes2) {
    throw new Error(`unsupported PKCS#12 encryption ${oid}: unijs reads PBES2 (PBKDF2 with AES-CBC), what OpenSSL 3 writes by ` +
      "default; re-export the file with `openssl pkcs12 -export` without -legacy");
  }
  const params = alg.sequence();
  const kdf = params.sequence();
  if (kdf.oid() !== OID.pbkdf2) throw new Error("unsupported PBES2 key derivation (unijs reads PBKDF2)");
  const kp = kdf.sequence();
  const salt = kp.octetString();
  const iterations = kp.smallInteger();
  let keyLength: number | undefined;
  if (kp.peekTag() === 0x02) keyLength = kp.smallInteger();
  let prf = "sha1";
  if (!kp.done) {
    const p = kp.sequence();
    const name = PRFS[p.oid()];
    if (!name) throw new Error("unsupported PBKDF2 pseudorandom function");
    prf = name;
  }
  const enc = params.sequence();
  const cipher = CIPHERS[enc.oid()];
  if (!cipher) throw new Error("unsupported PBES2 cipher (unijs reads AES-128/192/256-CBC)");
  const iv = enc.octetString();
  const key = pbkdf2Sync(password, salt, iterations, keyLength ?? cipher[1], prf);
  const d = createDecipheriv(cipher[0], key, iv);
  try {
    return Buffer.concat([d.update(data) as Uint8Array, d.final() as Uint8Array]);
  } catch {
    throw Object.assign(new Error("error:1C800064:Provider routines::bad decrypt"), { code: "ERR_OSSL_BAD_DECRYPT" });
  }
}

/** The contents octets of a ContentInfo of type data. */
function dataContent(ci: DerReader): Uint8Array {
  return ci.sequence(0xa0).octetString();
}

/** Reads a PFX; throws Node's errors for a wrong passphrase or bytes that are no PKCS#12 file. */
export function readPfx(bytes: Uint8Array, passphrase: string | undefined): PfxContents {
  try {
    return parse(bytes, passphrase);
  } catch (e) {
    if (e instanceof DerError) throw new Error("not enough data");
    throw e;
  }
}

function parse(bytes: Uint8Array, passphrase: string | undefined): PfxContents {
  const pfx = new DerReader(bytes).sequence();
  if (pfx.smallInteger() !== 3) throw new DerError("not version 3");
  const authSafe = pfx.sequence();
  if (authSafe.oid() !== OID.data) throw new Error("unsupported PKCS#12 file: its contents are signed with a public key, not under a password");
  const content = dataContent(authSafe);
  // The password: as given; without one, OpenSSL tries an empty one, then "" (as BMPString: two zero bytes).
  const candidates = passphrase === undefined || passphrase === "" ? [new Uint8Array(0), bmpPassword("")] : [bmpPassword(passphrase)];
  const password = Buffer.from(passphrase ?? "", "utf8") as Uint8Array;
  if (!pfx.done) {
    const mac = pfx.sequence();
    const digestInfo = mac.sequence();
    const hash = DIGESTS[digestInfo.sequence().oid()];
    if (!hash) throw new Error("unsupported PKCS#12 MAC digest");
    const expected = digestInfo.octetString();
    const salt = mac.octetString();
    const iterations = mac.done ? 1 : mac.smallInteger();
    const ok = candidates.some((pw) => {
      const key = pkcs12Kdf(hash, pw, salt, iterations, 3, expected.length);
      const got = createHmac(hash, key).update(content).digest() as Uint8Array;
      return got.length === expected.length && got.every((b: number, i: number) => b === expected[i]);
    });
    if (!ok) throw mismatch();
  }
  const keys: { key: Uint8Array; id?: string }[] = [];
  const certs: { der: Uint8Array; id?: string }[] = [];
  const safes = new DerReader(content).sequence();
  while (!safes.done) {
    const ci = safes.sequence();
    const type = ci.oid();
    let safeContents: Uint8Array;
    if (type === OID.data) safeContents = dataContent(ci);
    else if (type === OID.encryptedData) {
      const ed = ci.sequence(0xa0).sequence();
      ed.smallInteger();
      const eci = ed.sequence();
      eci.oid();
      const alg = eci.sequence();
      const encrypted = eci.read();
      if (encrypted.tag !== 0x80) throw new DerError("constructed encrypted content");
      safeContents = pbes2Decrypt(alg, encrypted.body, password);
    } else throw new Error(`unsupported PKCS#12 content type ${type}`);
    readBags(new DerReader(safeContents).sequence(), password, keys, certs);
  }
  if (!keys.length) throw new Error("the PFX holds no private key");
  if (!certs.length) throw new Error("the PFX holds no certificate");
  const key = keys[0];
  let leaf = key.id !== undefined ? certs.findIndex((c) => c.id === key.id) : -1;
  if (leaf < 0) leaf = 0;
  return { key: key.key, cert: certs[leaf].der, extra: certs.filter((_, i) => i !== leaf).map((c) => c.der) };

  function readBags(bags: DerReader, pw: Uint8Array, keyOut: typeof keys, certOut: typeof certs): void {
    while (!bags.done) {
      const bag = bags.sequence();
      const bagId = bag.oid();
      const value = bag.sequence(0xa0);
      let id: string | undefined;
      if (!bag.done) {
        const attrs = bag.sequence(0x31);
        while (!attrs.done) {
          const attr = attrs.sequence();
          if (attr.oid() === OID.localKeyId) id = Buffer.from(attr.sequence(0x31).octetString()).toString("hex");
        }
      }
      if (bagId === OID.keyBag) keyOut.push({ key: wholeElement(value.read()), id });
      else if (bagId === OID.shroudedKeyBag) {
        const epki = value.sequence();
        const alg = epki.sequence();
        keyOut.push({ key: pbes2Decrypt(alg, epki.octetString(), pw), id });
      } else if (bagId === OID.certBag) {
        const cb = value.sequence();
        if (cb.oid() !== OID.x509Certificate) continue;
        certOut.push({ der: cb.sequence(0xa0).octetString(), id });
      }
    }
  }
}

/** An element re-encoded whole (tag, length, contents). */
function wholeElement(e: DerElement): Uint8Array {
  const n = e.body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Uint8Array.from([e.tag, ...len]), e.body]);
}

/** DER certificates as one PEM chain (what the native side's chain parser takes). */
export function pemChain(ders: Uint8Array[]): Uint8Array {
  const text = ders.map((d) => {
    const b64 = Buffer.from(d).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
    return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
  }).join("");
  return Buffer.from(text, "utf8");
}

// libos/crypto/keys/encrypted.ts — passphrase-protected private keys, as OpenSSL 3 reads and writes them:
//   PKCS#8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018: PBKDF2 with HMAC-SHA-1/224/256/384/512, AES-CBC), written
//   with a random 8-byte salt, 2048 iterations and HMAC-SHA-256 as OpenSSL does;
//   "traditional" PEM encryption of PKCS#1/SEC 1 keys (Proc-Type: 4,ENCRYPTED; DEK-Info: AES-n-CBC,<IV>), the key
//   made from the passphrase with OpenSSL's EVP_BytesToKey (MD5, one round, the IV's first 8 bytes as salt).
// Other schemes (PBES1, DES/3DES, scrypt-based) are refused as unsupported. Layer: libos (private to libos/crypto).
import { Buffer } from "../../buffer/index.ts";
import { codedError, opensslError, unknownCipher } from "../_errors.ts";
import { findHash } from "../_hashes.ts";
import { HashId, native } from "../_native.ts";
import { cipherOnce, findCipher } from "../cipher.ts";
import { randomUint8 } from "../random.ts";
import { DerError, DerReader, derInteger, derNull, derOctetString, derOid, derSequence } from "./der.ts";

const PBES2 = "1.2.840.113549.1.5.13";
const PBKDF2 = "1.2.840.113549.1.5.12";
const HMAC_OIDS: Record<string, string> = {
  "1.2.840.113549.2.7": "sha1", "1.2.840.113549.2.8": "sha224", "1.2.840.113549.2.9": "sha256",
  "1.2.840.113549.2.10": "sha384", "1.2.840.113549.2.11": "sha512",
};
const AES_CBC_OIDS: Record<string, string> = {
  "2.16.840.1.101.3.4.1.2": "aes-128-cbc", "2.16.840.1.101.3.4.1.22": "aes-192-cbc", "2.16.840.1.101.3.4.1.42": "aes-256-cbc",
};

const missingPassphrase = () => codedError(TypeError, "ERR_MISSING_PASSPHRASE", "Passphrase required for encrypted key");
const badDecrypt = () => opensslError("1C800064", "Provider routines", "bad decrypt");

/** The AES-CBC cipher a name means, or Node's "Unknown cipher" (other ciphers cannot protect keys here). */
function keyCipher(name: string): string {
  const info = findCipher(name);
  if (!info) throw unknownCipher();
  if (!/^aes-(128|192|256)-cbc$/.test(info.name)) {
    throw codedError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM",
      `The feature key encryption with ${name} is unavailable on the current platform, which is being used to run Node.js`);
  }
  return info.name;
}

function pbkdf2(hash: HashId, pass: Uint8Array, salt: Uint8Array, iterations: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  native().cryptoPbkdf2(hash, pass, salt, iterations, out);
  return out;
}

/** An EncryptedPrivateKeyInfo (DER) of a PKCS#8 key. */
export function encryptPkcs8(pkcs8: Uint8Array, cipherName: string, passphrase: Uint8Array): Uint8Array {
  const name = keyCipher(cipherName);
  const keyLen = findCipher(name)!.keyLength;
  const salt = randomUint8(8), iv = randomUint8(16), iterations = 2048;
  const key = pbkdf2(HashId.SHA256, passphrase, salt, iterations, keyLen);
  const encrypted = cipherOnce(name, false, key, iv, pkcs8);
  const cipherOid = Object.keys(AES_CBC_OIDS).find((o) => AES_CBC_OIDS[o] === name)!;
  const kdf = derSequence(derOid(PBKDF2), derSequence(derOctetString(salt), derInteger(iterations),
    derSequence(derOid("1.2.840.113549.2.9"), derNull())));
  const scheme = derSequence(derOid(PBES2), derSequence(kdf, derSequence(derOid(cipherOid), derOctetString(iv))));
  return derSequence(scheme, derOctetString(encrypted));
}

/** The PKCS#8 key inside an EncryptedPrivateKeyInfo; DerError when the bytes are not one. */
export function decryptPkcs8(der: Uint8Array, passphrase: Uint8Array | undefined): Uint8Array {
  const r = new DerReader(der).sequence();
  const alg = r.sequence();
  if (alg.oid() !== PBES2) throw new DerError("unsupported key encryption");
  const params = alg.sequence();
  const kdf = params.sequence();
  if (kdf.oid() !== PBKDF2) throw new DerError("unsupported key derivation");
  const kp = kdf.sequence();
  const salt = kp.octetString();
  const iterations = kp.smallInteger();
  let keyLength = -1;
  if (kp.peekTag() === 0x02) keyLength = kp.smallInteger();
  let prf = "sha1";
  if (!kp.done) {
    const p = kp.sequence();
    prf = HMAC_OIDS[p.oid()] ?? "";
    if (!prf) throw new DerError("unsupported PRF");
  }
  const enc = params.sequence();
  const cipherName = AES_CBC_OIDS[enc.oid()];
  if (!cipherName) throw new DerError("unsupported cipher");
  const iv = enc.octetString();
  const data = r.octetString();
  if (!passphrase) throw missingPassphrase();
  const info = findCipher(cipherName)!;
  if (keyLength !== -1 && keyLength !== info.keyLength) throw badDecrypt();
  const key = pbkdf2(findHash(prf)!.id, passphrase, salt, Math.max(1, iterations), info.keyLength);
  return cipherOnce(cipherName, true, key, iv, data);
}

/** OpenSSL's EVP_BytesToKey with MD5 and one round: the key for traditional PEM encryption. */
function bytesToKey(passphrase: Uint8Array, salt: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let prev = new Uint8Array(0);
  for (let at = 0; at < len;) {
    const d = native().cryptoDigest(HashId.MD5);
    d.update(prev);
    d.update(passphrase);
    d.update(salt);
    prev = new Uint8Array(d.digest());
    const n = Math.min(prev.length, len - at);
    out.set(prev.subarray(0, n), at);
    at += n;
  }
  return out;
}

/** Traditional PEM encryption: the headers and the encrypted body. */
export function encryptTraditional(der: Uint8Array, cipherName: string, passphrase: Uint8Array):
    { headers: Record<string, string>; body: Uint8Array } {
  const name = keyCipher(cipherName);
  const iv = randomUint8(16);
  const key = bytesToKey(passphrase, iv.subarray(0, 8), findCipher(name)!.keyLength);
  const body = cipherOnce(name, false, key, iv, der);
  const ivHex = Buffer.from(iv).toString("hex").toUpperCase();
  return { headers: { "Proc-Type": "4,ENCRYPTED", "DEK-Info": `${name.toUpperCase()},${ivHex}` }, body };
}

/** The DER inside a traditionally encrypted PEM block. */
export function decryptTraditional(body: Uint8Array, headers: Record<string, string>, passphrase: Uint8Array | undefined): Uint8Array {
  const [cipherName, ivHex] = (headers["DEK-Info"] ?? "").split(",");
  const info = cipherName ? findCipher(cipherName) : undefined;
  if (!info || !/^aes-(128|192|256)-cbc$/.test(info.name) || !ivHex) throw new DerError("unsupported PEM encryption");
  if (!passphrase) throw opensslError("07880109", "common libcrypto routines", "interrupted or cancelled");
  const iv = Buffer.from(ivHex, "hex");
  const key = bytesToKey(passphrase, iv.subarray(0, 8), info.keyLength);
  return cipherOnce(info.name, true, key, iv, body);
}

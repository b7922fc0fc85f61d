// libos/crypto/_hashes.ts — the hash algorithms node:crypto offers: their names as OpenSSL (so Node) accepts them
// (case-insensitive, with the RSA-/WithRSAEncryption aliases), sizes, and the object identifiers RSA's PKCS#1 v1.5
// DigestInfo carries. Pure data (tested hosted). Private to libos/crypto. Layer: libos.
import { HashId } from "./_native.ts";

export interface HashInfo {
  id: HashId;
  /** Node's lower-case name (crypto.getHashes() spelling). */
  name: string;
  /** Digest bytes (SHAKE: the default output length). */
  size: number;
  /** Block bytes (HMAC's). */
  block: number;
  /** The algorithm's object identifier (dotted). */
  oid: string;
  /** Its Web Crypto name, for those Web Crypto has. */
  web?: string;
  xof?: boolean;
}

export const HASHES: readonly HashInfo[] = [
  { id: HashId.MD5, name: "md5", size: 16, block: 64, oid: "1.2.840.113549.2.5" },
  { id: HashId.SHA1, name: "sha1", size: 20, block: 64, oid: "1.3.14.3.2.26", web: "SHA-1" },
  { id: HashId.SHA224, name: "sha224", size: 28, block: 64, oid: "2.16.840.1.101.3.4.2.4" },
  { id: HashId.SHA256, name: "sha256", size: 32, block: 64, oid: "2.16.840.1.101.3.4.2.1", web: "SHA-256" },
  { id: HashId.SHA384, name: "sha384", size: 48, block: 128, oid: "2.16.840.1.101.3.4.2.2", web: "SHA-384" },
  { id: HashId.SHA512, name: "sha512", size: 64, block: 128, oid: "2.16.840.1.101.3.4.2.3", web: "SHA-512" },
  { id: HashId.SHA512_224, name: "sha512-224", size: 28, block: 128, oid: "2.16.840.1.101.3.4.2.5" },
  { id: HashId.SHA512_256, name: "sha512-256", size: 32, block: 128, oid: "2.16.840.1.101.3.4.2.6" },
  { id: HashId.SHA3_224, name: "sha3-224", size: 28, block: 144, oid: "2.16.840.1.101.3.4.2.7" },
  { id: HashId.SHA3_256, name: "sha3-256", size: 32, block: 136, oid: "2.16.840.1.101.3.4.2.8" },
  { id: HashId.SHA3_384, name: "sha3-384", size: 48, block: 104, oid: "2.16.840.1.101.3.4.2.9" },
  { id: HashId.SHA3_512, name: "sha3-512", size: 64, block: 72, oid: "2.16.840.1.101.3.4.2.10" },
  { id: HashId.RIPEMD160, name: "ripemd160", size: 20, block: 64, oid: "1.3.36.3.2.1" },
  { id: HashId.SHAKE128, name: "shake128", size: 16, block: 168, oid: "2.16.840.1.101.3.4.2.11", xof: true },
  { id: HashId.SHAKE256, name: "shake256", size: 32, block: 136, oid: "2.16.840.1.101.3.4.2.12", xof: true },
];

/** crypto.getHashes(): Node 20's list less what unijs lacks (BLAKE2, SM3, MD5-SHA1). */
export const HASH_NAMES: readonly string[] = [
  "RSA-MD5", "RSA-RIPEMD160", "RSA-SHA1", "RSA-SHA1-2", "RSA-SHA224", "RSA-SHA256", "RSA-SHA3-224", "RSA-SHA3-256",
  "RSA-SHA3-384", "RSA-SHA3-512", "RSA-SHA384", "RSA-SHA512", "RSA-SHA512/224", "RSA-SHA512/256",
  "id-rsassa-pkcs1-v1_5-with-sha3-224", "id-rsassa-pkcs1-v1_5-with-sha3-256", "id-rsassa-pkcs1-v1_5-with-sha3-384",
  "id-rsassa-pkcs1-v1_5-with-sha3-512", "md5", "md5WithRSAEncryption", "ripemd", "ripemd160", "ripemd160WithRSA",
  "rmd160", "sha1", "sha1WithRSAEncryption", "sha224", "sha224WithRSAEncryption", "sha256", "sha256WithRSAEncryption",
  "sha3-224", "sha3-256", "sha3-384", "sha3-512", "sha384", "sha384WithRSAEncryption", "sha512", "sha512-224",
  "sha512-224WithRSAEncryption", "sha512-256", "sha512-256WithRSAEncryption", "sha512WithRSAEncryption", "shake128",
  "shake256", "ssl3-md5", "ssl3-sha1",
];

const byName = new Map<string, HashInfo>();

function alias(target: string, ...names: string[]): void {
  const info = HASHES.find((h) => h.name === target)!;
  for (const n of [target, ...names]) byName.set(n.toLowerCase(), info);
}
alias("md5", "rsa-md5", "md5withrsaencryption", "ssl3-md5");
alias("sha1", "sha-1", "rsa-sha1", "rsa-sha1-2", "sha1withrsaencryption", "ssl3-sha1");
alias("sha224", "sha-224", "sha2-224", "rsa-sha224", "sha224withrsaencryption");
alias("sha256", "sha-256", "sha2-256", "rsa-sha256", "sha256withrsaencryption");
alias("sha384", "sha-384", "sha2-384", "rsa-sha384", "sha384withrsaencryption");
alias("sha512", "sha-512", "sha2-512", "rsa-sha512", "sha512withrsaencryption");
alias("sha512-224", "sha-512/224", "sha2-512/224", "rsa-sha512/224", "sha512-224withrsaencryption");
alias("sha512-256", "sha-512/256", "sha2-512/256", "rsa-sha512/256", "sha512-256withrsaencryption");
for (const bits of [224, 256, 384, 512]) {
  alias(`sha3-${bits}`, `rsa-sha3-${bits}`, `id-rsassa-pkcs1-v1_5-with-sha3-${bits}`);
}
alias("ripemd160", "ripemd", "rmd160", "ripemd-160", "rsa-ripemd160", "ripemd160withrsa");
alias("shake128", "shake-128");
alias("shake256", "shake-256");

/** The algorithm a name means (any case, any alias OpenSSL accepts), or undefined. */
export function findHash(name: unknown): HashInfo | undefined {
  return typeof name === "string" ? byName.get(name.toLowerCase()) : undefined;
}

/** The algorithm for an id. */
export function hashById(id: HashId): HashInfo {
  return HASHES[id];
}

/** The algorithm with a Web Crypto name ("SHA-256", case-insensitive), or undefined. */
export function findWebHash(name: string): HashInfo | undefined {
  const n = name.toUpperCase();
  return HASHES.find((h) => h.web === n);
}

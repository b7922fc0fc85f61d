// libos/crypto/_native.ts — the native primitives under node:crypto (boot/native/mbedtls_glue.c and the files beside
// it: Mbed TLS 3.6, libsodium's Ed25519), typed here and read from the platform. They exist only inside images whose
// bundle uses libos/crypto (boot/image/native_libs.ts links the library then); elsewhere (hosted tests) native()
// throws, and the pure-TypeScript parts (validation, encodings, DER/PEM/JWK) still work. Byte strings are
// Uint8Arrays in, ArrayBuffers out; numbers are big-endian. Layer: libos (private to libos/crypto).
import { platformOrNull } from "../../kernel/platform.ts";

/** Hash algorithms, numbered as the glue numbers them (mbedtls_glue.h, enum glue_hash). */
export const enum HashId {
  MD5, SHA1, SHA224, SHA256, SHA384, SHA512, SHA512_224, SHA512_256,
  SHA3_224, SHA3_256, SHA3_384, SHA3_512, RIPEMD160, SHAKE128, SHAKE256,
}

/** Cipher modes (mbedtls_cipher.c, enum mode). */
export const enum CipherMode { ECB, CBC, CTR, CFB, CFB8, OFB, GCM, CHACHA20, CHACHA20_POLY1305 }

/** What final() returns instead of bytes when the data is bad. */
export const enum CipherFailure { BlockLength = 1, BadDecrypt = 2, Auth = 3 }

/** RSA paddings (Node's constants: RSA_PKCS1_PADDING, RSA_NO_PADDING, RSA_PKCS1_OAEP_PADDING, RSA_PKCS1_PSS_PADDING). */
export const enum RsaPadding { PKCS1 = 1, None = 3, OAEP = 4, PSS = 6 }

/** What an RSA or ECDH primitive returns instead of bytes (mbedtls_pk.c). */
export const enum PkFailure { TooLargeForKey = 1, Decoding = 2, TooLargeForModulus = 3, BadLength = 4, Digest = 5, GreaterThanModLen = 6 }

/** Curves (mbedtls_pk.c). */
export const enum CurveId { P256, P384, P521, SECP256K1, X25519 }

/** A running hash or HMAC. digest() may be called once (SHAKE: with an output length). */
export interface NativeDigest {
  update(bytes: Uint8Array): void;
  digest(outputLength?: number): ArrayBuffer;
  copy(): NativeDigest;
}

/** A running cipher (see mbedtls_cipher.c). */
export interface NativeCipher {
  update(bytes: Uint8Array): ArrayBuffer;
  final(): ArrayBuffer | CipherFailure;
  setPadding(on: boolean): void;
  setAAD(bytes: Uint8Array): void;
  tag(): ArrayBuffer;
  setTag(bytes: Uint8Array): void;
}

export interface CryptoNative {
  /** (Re)seeds the random bit generator with 48 bytes from the kernel pool. */
  cryptoRandomSeed(seed: Uint8Array): void;
  /** Fills `into`; returns the bytes drawn since the last seeding. */
  cryptoRandomFill(into: Uint8Array): number;
  /** Bytes drawn since the last seeding, -1 before the first. */
  cryptoRandomDrawn(): number;

  /** Whether two equally long byte strings are equal (constant time). */
  cryptoEqual(a: Uint8Array, b: Uint8Array): boolean;

  cryptoDigest(alg: HashId, hmacKey?: Uint8Array): NativeDigest;
  cryptoPbkdf2(alg: HashId, password: Uint8Array, salt: Uint8Array, iterations: number, out: Uint8Array): void;
  /** scrypt's ROMix over each 128·r-byte chunk of block, in place; RangeError when memory is short. */
  cryptoScryptMix(block: Uint8Array, N: number, r: number): void;

  cryptoCipher(mode: CipherMode, encrypt: boolean, key: Uint8Array, iv: Uint8Array | null, tagLength: number): NativeCipher;

  /** → [n, e, d, p, q, dp, dq, qi] */
  cryptoRsaGenerate(bits: number, exponent: number): ArrayBuffer[];
  /** key [n, e, d, p, q]; PKCS1: input is the DigestInfo; PSS: the digest. */
  cryptoRsaSign(key: Uint8Array[], padding: RsaPadding, input: Uint8Array, hash: HashId, mgf1: HashId,
                saltLength: number): ArrayBuffer | PkFailure;
  cryptoRsaVerify(pub: Uint8Array[], padding: RsaPadding, input: Uint8Array, signature: Uint8Array, hash: HashId,
                  mgf1: HashId, saltLength: number): boolean;
  cryptoRsaEncrypt(key: Uint8Array[], usePrivate: boolean, padding: RsaPadding, hash: HashId, label: Uint8Array,
                   data: Uint8Array): ArrayBuffer | PkFailure;
  cryptoRsaDecrypt(key: Uint8Array[], usePrivate: boolean, padding: RsaPadding, hash: HashId, label: Uint8Array,
                   data: Uint8Array): ArrayBuffer | PkFailure;

  /** → [d, Q (uncompressed; X25519: the u-coordinate)] */
  cryptoEcGenerate(curve: CurveId): ArrayBuffer[];
  cryptoEcPublic(curve: CurveId, d: Uint8Array): ArrayBuffer;
  /** Checks a point is on the curve; returns it re-encoded (compressed or not). RangeError when it is not. */
  cryptoEcPoint(curve: CurveId, point: Uint8Array, compressed: boolean): ArrayBuffer;
  /** → r‖s, each the order's length */
  cryptoEcSign(curve: CurveId, d: Uint8Array, digest: Uint8Array): ArrayBuffer;
  cryptoEcVerify(curve: CurveId, q: Uint8Array, digest: Uint8Array, rs: Uint8Array): boolean;
  cryptoEcdh(curve: CurveId, d: Uint8Array, q: Uint8Array): ArrayBuffer | PkFailure;

  /** Miller-Rabin with `rounds` random bases (0: 64). */
  cryptoPrimeCheck(candidate: Uint8Array, rounds: number): boolean;
  /** A random prime of exactly `bits` bits (3..8192); `safe`: (p-1)/2 is prime too. */
  cryptoPrimeGenerate(bits: number, safe: boolean): ArrayBuffer;

  cryptoEd25519Public(seed: Uint8Array): ArrayBuffer;
  cryptoEd25519Sign(seed: Uint8Array, message: Uint8Array): ArrayBuffer;
  cryptoEd25519Verify(pub: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

let cached: CryptoNative | undefined;

/** The native primitives; throws (an Error naming what is missing) outside an image that links them. */
export function native(): CryptoNative {
  if (cached) return cached;
  const hal = platformOrNull() as unknown as Partial<CryptoNative> | null;
  if (!hal || typeof hal.cryptoDigest !== "function") {
    throw new Error("node:crypto: the native crypto library (Mbed TLS) is not linked: this runs only inside a unijs image");
  }
  return (cached = hal as CryptoNative);
}

/** An ArrayBuffer's bytes (or a view's) as a Uint8Array without copying. */
export function u8(b: ArrayBuffer | ArrayBufferView): Uint8Array {
  return b instanceof Uint8Array ? b : ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);
}

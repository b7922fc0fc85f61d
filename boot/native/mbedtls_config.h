/* boot/native/mbedtls_config.h — the Mbed TLS 3.6 configuration images are built with (-DMBEDTLS_CONFIG_FILE, see
 * libs/mbedtls.mk): the primitives node:crypto needs and nothing that reaches the outside world. No networking,
 * no file system, no clock, no platform entropy: the only randomness is the CTR_DRBG in mbedtls_glue.c, seeded and
 * reseeded with bytes the TypeScript side takes from the kernel's entropy pool (kernel/entropy.ts).
 * The library is an archive: an image links only the members its glue reaches (--gc-sections drops the rest),
 * so a module enabled here costs build time, not image size, until something calls it.
 * Layer: native core (configuration of a third-party library). */
#ifndef UNIJS_MBEDTLS_CONFIG_H
#define UNIJS_MBEDTLS_CONFIG_H

/* System support: x86_64 assembly for bignum multiplication; no time, no file I/O, no sockets, no entropy. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_DEPRECATED_REMOVED

/* Block ciphers and modes (AES-NI when the CPU has it: detected at run time, software tables otherwise). */
#define MBEDTLS_AES_C
#define MBEDTLS_AESNI_C
#define MBEDTLS_CIPHER_MODE_CBC
#define MBEDTLS_CIPHER_MODE_CFB
#define MBEDTLS_CIPHER_MODE_CTR
#define MBEDTLS_CIPHER_MODE_OFB
#define MBEDTLS_GCM_C
#define MBEDTLS_GCM_LARGE_TABLE
#define MBEDTLS_CCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C                 /* required by GCM/CCM (their block cipher goes through it) */

/* Hashes. */
#define MBEDTLS_MD_C
#define MBEDTLS_MD5_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_SHA3_C
#define MBEDTLS_RIPEMD160_C

/* Public keys: RSA (PKCS#1 v1.5 and v2.1: PSS, OAEP; key generation), elliptic curves (ECDSA, ECDH). */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_GENPRIME
#define MBEDTLS_RSA_GEN_KEY_MIN_BITS 512    /* OpenSSL's (so Node's) smallest generated modulus; Mbed TLS's is 1024 */
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_SECP521R1_ENABLED
#define MBEDTLS_ECP_DP_SECP256K1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED

/* Random bits: a CTR_DRBG (AES-256) fed only through the glue's entropy callback. */
#define MBEDTLS_CTR_DRBG_C

#endif

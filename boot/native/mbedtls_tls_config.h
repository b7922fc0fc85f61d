/* boot/native/mbedtls_tls_config.h — the Mbed TLS 3.6 configuration of images that use TLS (node:tls, node:https,
 * fetch of https URLs; libs/tls.mk): node:crypto's configuration (mbedtls_config.h) plus TLS 1.2 and 1.3 clients and
 * servers, X.509 certificates, PEM, and the PSA crypto core TLS 1.3's key schedule runs on. Images without TLS keep
 * the smaller build from mbedtls_config.h (boot/image/native_libs.ts: the "tls" library replaces "mbedtls").
 * What is offered follows Mozilla's "intermediate" profile: TLS 1.2 with ECDHE and AEAD ciphers only (AES-GCM,
 * ChaCha20-Poly1305), TLS 1.3's three AEAD suites, ECDSA and RSA(-PSS) certificates, X25519/P-256/P-384 groups.
 * Randomness: PSA's generator is the glue's CTR_DRBG (mbedtls_psa_external_get_random in tls_glue.c), seeded from
 * the kernel pool like node:crypto's. Time: certificate validity and session tickets read the guest's clock
 * (musl's time()/clock_gettime, from the CMOS RTC at boot plus the TSC).
 * Layer: native core (configuration of a third-party library). */
#ifndef UNIJS_MBEDTLS_TLS_CONFIG_H
#define UNIJS_MBEDTLS_TLS_CONFIG_H

#include "mbedtls_config.h"

/* Time: certificate validity (HAVE_TIME_DATE: gmtime_r) and ticket ages (mbedtls_ms_time: CLOCK_MONOTONIC). */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE

/* PSA crypto (TLS 1.3's HKDF key schedule, and its AEAD/ECDH/signature operations), random bits from our DRBG. */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG
#define MBEDTLS_HKDF_C
#define MBEDTLS_HMAC_DRBG_C                  /* deterministic ECDSA (RFC 6979) for the server's signatures */
#define MBEDTLS_ECDSA_DETERMINISTIC

/* Keys and certificates. */
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_PARSE_EC_EXTENDED
#define MBEDTLS_PK_PARSE_EC_COMPRESSED
#define MBEDTLS_PKCS5_C                      /* encrypted PKCS#8 keys (passphrase) */
#define MBEDTLS_PKCS12_C
#define MBEDTLS_CIPHER_PADDING_PKCS7
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_X509_MAX_INTERMEDIATE_CA 8

/* TLS. */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TICKET_C
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
#define MBEDTLS_SSL_KEYING_MATERIAL_EXPORT
#define MBEDTLS_SSL_MAX_CONTENT_LEN 16384
#define MBEDTLS_SSL_TLS1_3_DEFAULT_NEW_SESSION_TICKETS 1

#endif

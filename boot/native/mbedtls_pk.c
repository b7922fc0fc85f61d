/* boot/native/mbedtls_pk.c — RSA and elliptic-curve key operations for node:crypto (Mbed TLS's bignum, RSA, ECP,
 * ECDSA and ECDH). Stateless: keys live in TypeScript as big-endian byte strings (libos/crypto/keys) and come in
 * with each call, as arrays of typed arrays:
 *   RSA private [n, e, d, p, q], RSA public [n, e]; EC private d (the order's length), EC public: a point
 *   (SEC 1: 04‖X‖Y, or 02/03‖X compressed; X25519: the 32-byte little-endian u-coordinate).
 * Primitives (curves: 0 P-256, 1 P-384, 2 P-521, 3 secp256k1, 4 X25519):
 *   cryptoRsaGenerate(bits, e) → [n, e, d, p, q, dp, dq, qi]
 *   cryptoRsaSign(key, padding, input, hash, mgf1Hash, saltLength) → signature | error number
 *       padding 1: EMSA-PKCS1-v1_5 over input (the DigestInfo TypeScript built); 6: EMSA-PSS over input (a digest)
 *   cryptoRsaVerify(pub, padding, input, signature, hash, mgf1Hash, saltLength) → boolean
 *   cryptoRsaEncrypt(key, private, padding, hash, label, data), cryptoRsaDecrypt(...) → bytes | error number
 *       padding 1 PKCS#1 v1.5 (type 2 with the public key, type 1 with the private one; decrypting type 1 is
 *       TypeScript's, over padding 3), 3 none, 4 OAEP. A ciphertext shorter than the modulus is read as a number.
 *   cryptoEcGenerate(curve) → [d, Q]; cryptoEcPublic(curve, d) → Q; cryptoEcPoint(curve, point, compressed) → point
 *   cryptoEcSign(curve, d, digest) → r‖s; cryptoEcVerify(curve, Q, digest, r‖s) → boolean
 *   cryptoEcdh(curve, d, Q) → the shared secret
 *   cryptoPrimeCheck(bytes, rounds) → boolean; cryptoPrimeGenerate(bits, safe) → a prime
 * Saltlengths: -1 the digest's length, -2 the largest (signing) or any (verifying). Every input is checked here
 * (lengths, ranges, points on the curve) whatever TypeScript checked. Secrets are wiped before returning.
 * Layer: native core (library glue). */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <string.h>
#include "mbedtls_glue.h"
#include "mbedtls/bignum.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/rsa.h"

enum { PAD_PKCS1 = 1, PAD_NONE = 3, PAD_OAEP = 4, PAD_PSS = 6 };
/* Failures TypeScript turns into Node's errors. */
enum { E_TOO_LARGE_FOR_KEY = 1, E_DECODING = 2, E_TOO_LARGE_FOR_MODULUS = 3, E_BAD_LENGTH = 4, E_DIGEST = 5,
       E_GREATER_THAN_MOD_LEN = 6 };

/* The high-level part of an Mbed TLS error (they add a low-level module's code to it). */
static int high_level(int err) { return -((-err) & 0x7f80); }

#define MAX_PARTS 5
struct parts {
    JSValue values[MAX_PARTS];
    const uint8_t *p[MAX_PARTS];
    size_t len[MAX_PARTS];
    int count;
};

/* Reads `count` typed arrays from a JS array: every element is fetched before any is borrowed. */
static int parts_get(JSContext *ctx, JSValueConst arr, int count, struct parts *out) {
    out->count = 0;
    for (int i = 0; i < count; i++) {
        out->values[i] = JS_GetPropertyUint32(ctx, arr, (uint32_t)i);
        out->count = i + 1;
        if (JS_IsException(out->values[i])) return -1;
    }
    for (int i = 0; i < count; i++)
        if (!(out->p[i] = glue_bytes(ctx, out->values[i], &out->len[i]))) return -1;
    return 0;
}

static void parts_free(JSContext *ctx, struct parts *ps) {
    for (int i = 0; i < ps->count; i++) JS_FreeValue(ctx, ps->values[i]);
    ps->count = 0;
}

static int mpi_write(JSContext *ctx, JSValue arr, uint32_t index, const mbedtls_mpi *x, size_t len) {
    uint8_t *b = js_malloc(ctx, len ? len : 1);
    if (!b) return -1;
    if (mbedtls_mpi_write_binary(x, b, len)) { js_free(ctx, b); JS_ThrowInternalError(ctx, "crypto: number too long"); return -1; }
    JSValue ab = glue_buffer(ctx, b, len, 1);
    if (JS_IsException(ab)) return -1;
    return JS_SetPropertyUint32(ctx, arr, index, ab) < 0 ? -1 : 0;
}

/* --- RSA --- */
static int rsa_load(mbedtls_rsa_context *rsa, const struct parts *k, int private) {
    mbedtls_rsa_init(rsa);
    int err = private
        ? mbedtls_rsa_import_raw(rsa, k->p[0], k->len[0], k->p[3], k->len[3], k->p[4], k->len[4], k->p[2], k->len[2],
                                 k->p[1], k->len[1])
        : mbedtls_rsa_import_raw(rsa, k->p[0], k->len[0], NULL, 0, NULL, 0, NULL, 0, k->p[1], k->len[1]);
    if (!err) err = mbedtls_rsa_complete(rsa);
    /* The public key's sanity always; a private key is checked by its use (mbedtls_rsa_private verifies its
     * result with the public operation), not by the costly mbedtls_rsa_check_privkey on every call. */
    if (!err) err = mbedtls_rsa_check_pubkey(rsa);
    return err;
}

static JSValue hal_crypto_rsa_generate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t bits, e;
    if (glue_int(ctx, argv[0], 512, 16384, &bits, "modulus length") ||
        glue_int(ctx, argv[1], 3, INT32_MAX, &e, "public exponent")) return JS_EXCEPTION;
    if (!(e & 1)) return JS_ThrowRangeError(ctx, "crypto: the public exponent must be odd");
    if (glue_random_ready(ctx)) return JS_EXCEPTION;
    mbedtls_rsa_context rsa;
    mbedtls_rsa_init(&rsa);
    mbedtls_mpi m[8];
    for (int i = 0; i < 8; i++) mbedtls_mpi_init(&m[i]);
    JSValue arr = JS_UNDEFINED;
    int err = mbedtls_rsa_gen_key(&rsa, glue_random, NULL, (unsigned)bits, (int)e);
    if (!err) err = mbedtls_rsa_export(&rsa, &m[0], &m[3], &m[4], &m[2], &m[1]);
    if (!err) err = mbedtls_rsa_export_crt(&rsa, &m[5], &m[6], &m[7]);
    if (err) {
        glue_throw_mbedtls(ctx, "RSA key generation", err);
    } else {
        arr = JS_NewArray(ctx);
        for (uint32_t i = 0; i < 8 && !JS_IsException(arr); i++) {
            if (mpi_write(ctx, arr, i, &m[i], mbedtls_mpi_size(&m[i]))) { JS_FreeValue(ctx, arr); arr = JS_EXCEPTION; }
        }
    }
    for (int i = 0; i < 8; i++) mbedtls_mpi_free(&m[i]);
    mbedtls_rsa_free(&rsa);
    return err ? JS_EXCEPTION : arr;
}

/* MGF1 (RFC 8017 B.2.1): mask ^= MGF1(seed)[0..len). */
static void mgf1_xor(int alg, const uint8_t *seed, size_t seedlen, uint8_t *mask, size_t len) {
    uint8_t t[GLUE_MAX_DIGEST], c[4];
    size_t hlen = glue_hash_size(alg);
    struct glue_hash_state h;
    for (uint32_t counter = 0, off = 0; off < len; counter++) {
        c[0] = (uint8_t)(counter >> 24); c[1] = (uint8_t)(counter >> 16); c[2] = (uint8_t)(counter >> 8); c[3] = (uint8_t)counter;
        glue_hash_start(&h, alg);
        glue_hash_update(&h, seed, seedlen);
        glue_hash_update(&h, c, 4);
        glue_hash_finish(&h, t, hlen);
        for (size_t i = 0; i < hlen && off < len; i++) mask[off++] ^= t[i];
    }
    mbedtls_platform_zeroize(t, sizeof t);
}

/* H = Hash(0x00 * 8 ‖ mHash ‖ salt) (RFC 8017 9.1.1 steps 5-6). */
static void pss_hash(int alg, const uint8_t *mhash, size_t hlen, const uint8_t *salt, size_t slen, uint8_t *out) {
    static const uint8_t zeros[8];
    struct glue_hash_state h;
    glue_hash_start(&h, alg);
    glue_hash_update(&h, zeros, 8);
    glue_hash_update(&h, mhash, hlen);
    glue_hash_update(&h, salt, slen);
    glue_hash_finish(&h, out, hlen);
}

/* EMSA-PSS-ENCODE into em (k bytes: a leading zero byte when the encoded length is k - 1). */
static int pss_encode(int alg, int mgf1, const uint8_t *mhash, size_t hlen, int64_t slen, size_t modbits,
                      uint8_t *em, size_t k) {
    size_t embits = modbits - 1, emlen = (embits + 7) / 8;
    if (slen == -1) slen = (int64_t)hlen;
    if (slen == -2) slen = emlen >= hlen + 2 ? (int64_t)(emlen - hlen - 2) : -1;
    if (slen < 0 || emlen < hlen + (size_t)slen + 2) return E_TOO_LARGE_FOR_KEY;
    uint8_t *out = em + (k - emlen), salt[1024];
    if ((size_t)slen > sizeof salt) return E_TOO_LARGE_FOR_KEY;
    if (glue_random(NULL, salt, (size_t)slen)) return E_DIGEST;
    memset(em, 0, k);
    size_t dblen = emlen - hlen - 1;
    uint8_t *h = out + dblen;
    pss_hash(alg, mhash, hlen, salt, (size_t)slen, h);
    out[dblen - (size_t)slen - 1] = 0x01;
    memcpy(out + dblen - (size_t)slen, salt, (size_t)slen);
    mgf1_xor(mgf1, h, hlen, out, dblen);
    out[0] &= (uint8_t)(0xff >> (8 * emlen - embits));
    out[emlen - 1] = 0xbc;
    mbedtls_platform_zeroize(salt, sizeof salt);
    return 0;
}

/* EMSA-PSS-VERIFY over em (k bytes, the public operation's output). slen -2: any salt length. */
static int pss_verify(int alg, int mgf1, const uint8_t *mhash, size_t hlen, int64_t slen, size_t modbits,
                      uint8_t *em, size_t k) {
    size_t embits = modbits - 1, emlen = (embits + 7) / 8;
    if (slen == -1) slen = (int64_t)hlen;
    if (emlen < hlen + 2 || (k > emlen && em[0] != 0)) return 0;
    uint8_t *out = em + (k - emlen);
    if (out[emlen - 1] != 0xbc) return 0;
    size_t dblen = emlen - hlen - 1;
    uint8_t *h = out + dblen, check[GLUE_MAX_DIGEST];
    uint8_t topmask = (uint8_t)(0xff >> (8 * emlen - embits));
    if (out[0] & ~topmask) return 0;
    mgf1_xor(mgf1, h, hlen, out, dblen);
    out[0] &= topmask;
    size_t i = 0;
    while (i < dblen && out[i] == 0) i++;
    if (i == dblen || out[i] != 0x01) return 0;
    size_t found = dblen - i - 1;
    if (slen >= 0 && found != (size_t)slen) return 0;
    pss_hash(alg, mhash, hlen, out + i + 1, found, check);
    return memcmp(check, h, hlen) == 0;
}

/* EMSA-PKCS1-v1_5 (and RSAES type 1): 00 01 FF… 00 ‖ t into em (k bytes). */
static int pkcs1_type1(const uint8_t *t, size_t tlen, uint8_t *em, size_t k) {
    if (tlen + 11 > k) return E_TOO_LARGE_FOR_KEY;
    em[0] = 0;
    em[1] = 1;
    memset(em + 2, 0xff, k - tlen - 3);
    em[k - tlen - 1] = 0;
    memcpy(em + k - tlen, t, tlen);
    return 0;
}

static JSValue hal_crypto_rsa_sign(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t padding, alg, mgf1, slen;
    if (glue_int(ctx, argv[1], 0, 16, &padding, "padding") || glue_int(ctx, argv[3], 0, GH_COUNT - 1, &alg, "hash") ||
        glue_int(ctx, argv[4], 0, GH_COUNT - 1, &mgf1, "MGF1 hash") ||
        glue_int(ctx, argv[5], -2, 1 << 20, &slen, "salt length")) return JS_EXCEPTION;
    if (padding != PAD_PKCS1 && padding != PAD_PSS) return JS_ThrowRangeError(ctx, "crypto: RSA signature padding");
    if (glue_random_ready(ctx)) return JS_EXCEPTION;
    struct parts key;
    JSValue input_v = JS_DupValue(ctx, argv[2]);
    if (parts_get(ctx, argv[0], 5, &key)) { parts_free(ctx, &key); JS_FreeValue(ctx, input_v); return JS_EXCEPTION; }
    size_t ilen;
    const uint8_t *input = glue_bytes(ctx, input_v, &ilen);
    JSValue result = JS_EXCEPTION;
    mbedtls_rsa_context rsa;
    mbedtls_rsa_init(&rsa);
    uint8_t *em = NULL, *sig = NULL;
    size_t k = 0;
    int err = 0, fail = 0;
    if (!input) goto done;
    if ((err = rsa_load(&rsa, &key, 1))) goto done;
    k = mbedtls_rsa_get_len(&rsa);
    em = js_malloc(ctx, k);
    sig = js_malloc(ctx, k);
    if (!em || !sig) goto done;
    if (padding == PAD_PKCS1) fail = pkcs1_type1(input, ilen, em, k);
    else if (ilen != glue_hash_size((int)alg)) fail = E_DIGEST;
    else fail = pss_encode((int)alg, (int)mgf1, input, ilen, slen, mbedtls_mpi_bitlen(&rsa.N), em, k);
    if (fail) { result = JS_NewInt32(ctx, fail); goto done; }
    if ((err = mbedtls_rsa_private(&rsa, glue_random, NULL, em, sig))) goto done;
    result = glue_buffer(ctx, sig, k, 1);
    sig = NULL;
done:
    if (err) glue_throw_mbedtls(ctx, "RSA signing", err);
    if (em) glue_free_secret(JS_GetRuntime(ctx), em, k);
    if (sig) js_free(ctx, sig);
    mbedtls_rsa_free(&rsa);
    parts_free(ctx, &key);
    JS_FreeValue(ctx, input_v);
    return result;
}

static JSValue hal_crypto_rsa_verify(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t padding, alg, mgf1, slen;
    if (glue_int(ctx, argv[1], 0, 16, &padding, "padding") || glue_int(ctx, argv[4], 0, GH_COUNT - 1, &alg, "hash") ||
        glue_int(ctx, argv[5], 0, GH_COUNT - 1, &mgf1, "MGF1 hash") ||
        glue_int(ctx, argv[6], -2, 1 << 20, &slen, "salt length")) return JS_EXCEPTION;
    if (padding != PAD_PKCS1 && padding != PAD_PSS) return JS_ThrowRangeError(ctx, "crypto: RSA signature padding");
    struct parts key;
    JSValue input_v = JS_DupValue(ctx, argv[2]), sig_v = JS_DupValue(ctx, argv[3]);
    JSValue result = JS_EXCEPTION;
    mbedtls_rsa_context rsa;
    mbedtls_rsa_init(&rsa);
    uint8_t *em = NULL, *expect = NULL;
    size_t k = 0, ilen, siglen;
    int err = 0;
    if (parts_get(ctx, argv[0], 2, &key)) goto done;
    const uint8_t *input = glue_bytes(ctx, input_v, &ilen);
    const uint8_t *sig = input ? glue_bytes(ctx, sig_v, &siglen) : NULL;
    if (!sig) goto done;
    if ((err = rsa_load(&rsa, &key, 0))) goto done;
    k = mbedtls_rsa_get_len(&rsa);
    em = js_malloc(ctx, k);
    expect = js_malloc(ctx, k);
    if (!em || !expect) goto done;
    int ok = 0;
    if (siglen == k && mbedtls_rsa_public(&rsa, sig, em) == 0) {
        if (padding == PAD_PKCS1) ok = pkcs1_type1(input, ilen, expect, k) == 0 && memcmp(em, expect, k) == 0;
        else ok = ilen == glue_hash_size((int)alg) &&
                  pss_verify((int)alg, (int)mgf1, input, ilen, slen, mbedtls_mpi_bitlen(&rsa.N), em, k);
    }
    result = JS_NewBool(ctx, ok);
done:
    if (err) glue_throw_mbedtls(ctx, "reading the RSA public key", err);
    js_free(ctx, em);
    js_free(ctx, expect);
    mbedtls_rsa_free(&rsa);
    parts_free(ctx, &key);
    JS_FreeValue(ctx, input_v);
    JS_FreeValue(ctx, sig_v);
    return result;
}

static int md_type(int alg) {
    switch (alg) {
    case GH_MD5: return MBEDTLS_MD_MD5;
    case GH_SHA1: return MBEDTLS_MD_SHA1;
    case GH_SHA224: return MBEDTLS_MD_SHA224;
    case GH_SHA256: return MBEDTLS_MD_SHA256;
    case GH_SHA384: return MBEDTLS_MD_SHA384;
    case GH_SHA512: return MBEDTLS_MD_SHA512;
    case GH_RIPEMD160: return MBEDTLS_MD_RIPEMD160;
    case GH_SHA3_224: return MBEDTLS_MD_SHA3_224;
    case GH_SHA3_256: return MBEDTLS_MD_SHA3_256;
    case GH_SHA3_384: return MBEDTLS_MD_SHA3_384;
    case GH_SHA3_512: return MBEDTLS_MD_SHA3_512;
    default: return MBEDTLS_MD_NONE;
    }
}

/* cryptoRsaEncrypt / cryptoRsaDecrypt(key, private, padding, hash, label, data) */
static JSValue rsa_crypt(JSContext *ctx, JSValueConst *argv, int decrypt) {
    int64_t padding, alg;
    int private = JS_ToBool(ctx, argv[1]);
    if (private < 0 || glue_int(ctx, argv[2], 0, 16, &padding, "padding") ||
        glue_int(ctx, argv[3], 0, GH_COUNT - 1, &alg, "hash")) return JS_EXCEPTION;
    if (padding != PAD_PKCS1 && padding != PAD_NONE && padding != PAD_OAEP) return JS_ThrowRangeError(ctx, "crypto: RSA padding");
    if (padding == PAD_OAEP && (private != decrypt || md_type((int)alg) == MBEDTLS_MD_NONE))
        return JS_ThrowRangeError(ctx, "crypto: OAEP with this key or hash");
    if (glue_random_ready(ctx)) return JS_EXCEPTION;
    struct parts key;
    JSValue label_v = JS_DupValue(ctx, argv[4]), data_v = JS_DupValue(ctx, argv[5]);
    JSValue result = JS_EXCEPTION;
    mbedtls_rsa_context rsa;
    mbedtls_rsa_init(&rsa);
    uint8_t *buf = NULL, *out = NULL, *padded = NULL;
    size_t k = 0, llen, dlen, olen = 0;
    int err = 0, fail = 0;
    if (parts_get(ctx, argv[0], private ? 5 : 2, &key)) goto done;
    const uint8_t *label = glue_bytes(ctx, label_v, &llen);
    const uint8_t *data = label ? glue_bytes(ctx, data_v, &dlen) : NULL;
    if (!data) goto done;
    if ((err = rsa_load(&rsa, &key, private))) goto done;
    k = mbedtls_rsa_get_len(&rsa);
    buf = js_malloc(ctx, k);
    out = js_malloc(ctx, k);
    if (!buf || !out) goto done;
    if (padding == PAD_OAEP) mbedtls_rsa_set_padding(&rsa, MBEDTLS_RSA_PKCS_V21, (mbedtls_md_type_t)md_type((int)alg));
    int raw_err = 0;
    if (!decrypt) {
        olen = k;
        if (padding == PAD_OAEP) {
            raw_err = mbedtls_rsa_rsaes_oaep_encrypt(&rsa, glue_random, NULL, label, llen, dlen, data, out);
            if (high_level(raw_err) == MBEDTLS_ERR_RSA_BAD_INPUT_DATA) fail = E_TOO_LARGE_FOR_KEY, raw_err = 0;
        } else if (padding == PAD_PKCS1 && !private) {
            raw_err = mbedtls_rsa_rsaes_pkcs1_v15_encrypt(&rsa, glue_random, NULL, dlen, data, out);
            if (high_level(raw_err) == MBEDTLS_ERR_RSA_BAD_INPUT_DATA) fail = E_TOO_LARGE_FOR_KEY, raw_err = 0;
        } else {
            if (padding == PAD_PKCS1) fail = pkcs1_type1(data, dlen, buf, k);
            else if (dlen != k) fail = dlen > k ? E_TOO_LARGE_FOR_KEY : E_BAD_LENGTH;
            else memcpy(buf, data, k);
            if (!fail) {
                raw_err = private ? mbedtls_rsa_private(&rsa, glue_random, NULL, buf, out) : mbedtls_rsa_public(&rsa, buf, out);
                int h = high_level(raw_err);
                if (h == MBEDTLS_ERR_RSA_BAD_INPUT_DATA || h == MBEDTLS_ERR_RSA_PUBLIC_FAILED ||
                    h == MBEDTLS_ERR_RSA_PRIVATE_FAILED) fail = E_TOO_LARGE_FOR_MODULUS, raw_err = 0;
            }
        }
    } else {
        if (dlen > k) { fail = E_GREATER_THAN_MOD_LEN; goto failed; }
        if (dlen < k) {                                    /* a shorter number: left-padded, as OpenSSL reads it */
            if (!(padded = js_mallocz(ctx, k))) goto done;
            memcpy(padded + k - dlen, data, dlen);
            data = padded;
        }
        if (padding == PAD_OAEP) {
            raw_err = mbedtls_rsa_rsaes_oaep_decrypt(&rsa, glue_random, NULL, label, llen, &olen, data, out, k);
            if (raw_err) fail = E_DECODING, raw_err = 0;
        } else if (padding == PAD_PKCS1 && private) {
            raw_err = mbedtls_rsa_rsaes_pkcs1_v15_decrypt(&rsa, glue_random, NULL, &olen, data, out, k);
            if (raw_err) fail = E_DECODING, raw_err = 0;
        } else {
            raw_err = private ? mbedtls_rsa_private(&rsa, glue_random, NULL, data, buf) : mbedtls_rsa_public(&rsa, data, buf);
            if (raw_err) { fail = E_TOO_LARGE_FOR_MODULUS; raw_err = 0; goto failed; }
            /* PKCS#1 type 1 (publicDecrypt) is left to TypeScript, which reports OpenSSL's detailed errors. */
            if (padding != PAD_NONE) { fail = E_DECODING; goto failed; }
            memcpy(out, buf, k);
            olen = k;
        }
    }
failed:
    err = raw_err;
    if (err) goto done;
    if (fail) { result = JS_NewInt32(ctx, fail); goto done; }
    result = glue_buffer(ctx, out, olen, 0);
done:
    if (err) glue_throw_mbedtls(ctx, decrypt ? "RSA decryption" : "RSA encryption", err);
    if (buf) glue_free_secret(JS_GetRuntime(ctx), buf, k);
    js_free(ctx, padded);
    if (out) glue_free_secret(JS_GetRuntime(ctx), out, k);
    mbedtls_rsa_free(&rsa);
    parts_free(ctx, &key);
    JS_FreeValue(ctx, label_v);
    JS_FreeValue(ctx, data_v);
    return result;
}

static JSValue hal_crypto_rsa_encrypt(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    return rsa_crypt(ctx, argv, 0);
}

static JSValue hal_crypto_rsa_decrypt(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    return rsa_crypt(ctx, argv, 1);
}

/* --- Elliptic curves --- */
static const mbedtls_ecp_group_id curves[] = {
    MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_SECP521R1, MBEDTLS_ECP_DP_SECP256K1,
    MBEDTLS_ECP_DP_CURVE25519,
};
#define CURVE_X25519 4

struct ec {
    mbedtls_ecp_group *grp;     /* a cached group: it keeps the precomputed multiples of G between calls */
    mbedtls_mpi d;
    mbedtls_ecp_point q;
    int curve;
    size_t plen, nlen;          /* field element and scalar bytes */
};

/* The groups, loaded on first use and kept (with their fixed-point tables: a few KiB each) for the image's life. */
static mbedtls_ecp_group groups[sizeof curves / sizeof curves[0]];
static uint8_t group_loaded[sizeof curves / sizeof curves[0]];

static int ec_start(JSContext *ctx, JSValueConst v, struct ec *e) {
    int64_t c;
    e->grp = NULL;
    mbedtls_mpi_init(&e->d);
    mbedtls_ecp_point_init(&e->q);
    if (glue_int(ctx, v, 0, (int64_t)(sizeof curves / sizeof curves[0]) - 1, &c, "curve")) return -1;
    e->curve = (int)c;
    if (!group_loaded[c]) {
        mbedtls_ecp_group_init(&groups[c]);
        int err = mbedtls_ecp_group_load(&groups[c], curves[c]);
        if (err) {
            mbedtls_ecp_group_free(&groups[c]);
            glue_throw_mbedtls(ctx, "loading the curve", err);
            return -1;
        }
        group_loaded[c] = 1;
    }
    e->grp = &groups[c];
    e->plen = (e->grp->pbits + 7) / 8;
    e->nlen = e->curve == CURVE_X25519 ? 32 : (e->grp->nbits + 7) / 8;
    return 0;
}

static void ec_end(struct ec *e) {
    mbedtls_mpi_free(&e->d);
    mbedtls_ecp_point_free(&e->q);
}

/* The private scalar: big-endian, the order's length (X25519: 32 bytes little-endian, clamped). */
static int ec_read_private(JSContext *ctx, struct ec *e, const uint8_t *p, size_t len) {
    int err;
    if (e->curve == CURVE_X25519) {
        mbedtls_ecp_keypair kp;
        mbedtls_ecp_keypair_init(&kp);
        err = len == 32 ? mbedtls_ecp_read_key(curves[e->curve], &kp, p, len) : MBEDTLS_ERR_ECP_INVALID_KEY;
        if (!err) err = mbedtls_mpi_copy(&e->d, &kp.d);
        mbedtls_ecp_keypair_free(&kp);
    } else {
        err = len == e->nlen ? mbedtls_mpi_read_binary(&e->d, p, len) : MBEDTLS_ERR_ECP_INVALID_KEY;
        if (!err) err = mbedtls_ecp_check_privkey(e->grp, &e->d);
    }
    if (err) JS_ThrowRangeError(ctx, "crypto: invalid private key for the curve");
    return err ? -1 : 0;
}

static int ec_read_public(JSContext *ctx, struct ec *e, const uint8_t *p, size_t len) {
    int err = mbedtls_ecp_point_read_binary(e->grp, &e->q, p, len);
    if (!err) err = mbedtls_ecp_check_pubkey(e->grp, &e->q);
    if (err) JS_ThrowRangeError(ctx, "crypto: invalid public key for the curve");
    return err ? -1 : 0;
}

static JSValue ec_point_value(JSContext *ctx, struct ec *e, const mbedtls_ecp_point *q, int compressed) {
    uint8_t buf[1 + 2 * 66];
    size_t olen;
    int err = mbedtls_ecp_point_write_binary(e->grp, q, compressed ? MBEDTLS_ECP_PF_COMPRESSED : MBEDTLS_ECP_PF_UNCOMPRESSED,
                                             &olen, buf, sizeof buf);
    if (err) return glue_throw_mbedtls(ctx, "encoding the point", err);
    return glue_buffer(ctx, buf, olen, 0);
}

static JSValue ec_scalar_value(JSContext *ctx, struct ec *e, const mbedtls_mpi *x, size_t len) {
    uint8_t buf[66];
    int err = e->curve == CURVE_X25519 ? mbedtls_mpi_write_binary_le(x, buf, len) : mbedtls_mpi_write_binary(x, buf, len);
    JSValue r = err ? glue_throw_mbedtls(ctx, "encoding the scalar", err) : glue_buffer(ctx, buf, len, 0);
    mbedtls_platform_zeroize(buf, sizeof buf);
    return r;
}

static JSValue hal_crypto_ec_generate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    struct ec e;
    JSValue arr = JS_EXCEPTION;
    if (ec_start(ctx, argv[0], &e) || glue_random_ready(ctx)) goto done;
    int err = mbedtls_ecp_gen_keypair(e.grp, &e.d, &e.q, glue_random, NULL);
    if (err) { glue_throw_mbedtls(ctx, "EC key generation", err); goto done; }
    JSValue d = ec_scalar_value(ctx, &e, &e.d, e.nlen);
    if (JS_IsException(d)) goto done;
    JSValue q = ec_point_value(ctx, &e, &e.q, 0);
    if (JS_IsException(q)) { JS_FreeValue(ctx, d); goto done; }
    arr = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, arr, 0, d);
    JS_SetPropertyUint32(ctx, arr, 1, q);
done:
    ec_end(&e);
    return arr;
}

static JSValue hal_crypto_ec_public(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    struct ec e;
    JSValue r = JS_EXCEPTION;
    size_t len;
    if (ec_start(ctx, argv[0], &e) || glue_random_ready(ctx)) goto done;
    const uint8_t *p = glue_bytes(ctx, argv[1], &len);
    if (!p || ec_read_private(ctx, &e, p, len)) goto done;
    int err = mbedtls_ecp_mul(e.grp, &e.q, &e.d, &e.grp->G, glue_random, NULL);
    r = err ? glue_throw_mbedtls(ctx, "computing the public key", err) : ec_point_value(ctx, &e, &e.q, 0);
done:
    ec_end(&e);
    return r;
}

/* cryptoEcPoint(curve, point, compressed): checks the point is on the curve, re-encodes it. */
static JSValue hal_crypto_ec_point(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    struct ec e;
    JSValue r = JS_EXCEPTION;
    size_t len;
    int compressed;
    if (ec_start(ctx, argv[0], &e) || (compressed = JS_ToBool(ctx, argv[2])) < 0) goto done;
    const uint8_t *p = glue_bytes(ctx, argv[1], &len);
    if (!p || ec_read_public(ctx, &e, p, len)) goto done;
    r = ec_point_value(ctx, &e, &e.q, compressed);
done:
    ec_end(&e);
    return r;
}

static JSValue hal_crypto_ec_sign(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    struct ec e;
    mbedtls_mpi r, s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    JSValue result = JS_EXCEPTION;
    size_t dlen, hlen;
    if (ec_start(ctx, argv[0], &e) || glue_random_ready(ctx)) goto done;
    if (e.curve == CURVE_X25519) { JS_ThrowRangeError(ctx, "crypto: X25519 keys do not sign"); goto done; }
    const uint8_t *d = glue_bytes(ctx, argv[1], &dlen);
    const uint8_t *hash = d ? glue_bytes(ctx, argv[2], &hlen) : NULL;
    if (!hash || ec_read_private(ctx, &e, d, dlen)) goto done;
    int err = mbedtls_ecdsa_sign(e.grp, &r, &s, &e.d, hash, hlen, glue_random, NULL);
    if (err) { glue_throw_mbedtls(ctx, "ECDSA signing", err); goto done; }
    uint8_t rs[2 * 66];
    err = mbedtls_mpi_write_binary(&r, rs, e.nlen);
    if (!err) err = mbedtls_mpi_write_binary(&s, rs + e.nlen, e.nlen);
    result = err ? glue_throw_mbedtls(ctx, "encoding the signature", err) : glue_buffer(ctx, rs, 2 * e.nlen, 0);
done:
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    ec_end(&e);
    return result;
}

/* cryptoEcVerify(curve, Q, digest, r‖s): false for any malformed input. */
static JSValue hal_crypto_ec_verify(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    struct ec e;
    mbedtls_mpi r, s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    JSValue result = JS_EXCEPTION;
    size_t qlen, hlen, slen;
    if (ec_start(ctx, argv[0], &e)) goto done;
    const uint8_t *q = glue_bytes(ctx, argv[1], &qlen);
    const uint8_t *hash = q ? glue_bytes(ctx, argv[2], &hlen) : NULL;
    const uint8_t *sig = hash ? glue_bytes(ctx, argv[3], &slen) : NULL;
    if (!sig || ec_read_public(ctx, &e, q, qlen)) goto done;
    int ok = slen == 2 * e.nlen && !mbedtls_mpi_read_binary(&r, sig, e.nlen) &&
             !mbedtls_mpi_read_binary(&s, sig + e.nlen, e.nlen) &&
             mbedtls_ecdsa_verify(e.grp, hash, hlen, &e.q, &r, &s) == 0;
    result = JS_NewBool(ctx, ok);
done:
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    ec_end(&e);
    return result;
}

static JSValue hal_crypto_ecdh(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    struct ec e;
    mbedtls_mpi z;
    mbedtls_mpi_init(&z);
    JSValue result = JS_EXCEPTION;
    size_t dlen, qlen;
    if (ec_start(ctx, argv[0], &e) || glue_random_ready(ctx)) goto done;
    const uint8_t *d = glue_bytes(ctx, argv[1], &dlen);
    const uint8_t *q = d ? glue_bytes(ctx, argv[2], &qlen) : NULL;
    if (!q || ec_read_private(ctx, &e, d, dlen) || ec_read_public(ctx, &e, q, qlen)) goto done;
    int err = mbedtls_ecdh_compute_shared(e.grp, &z, &e.q, &e.d, glue_random, NULL);
    if (!err && e.curve == CURVE_X25519 && mbedtls_mpi_cmp_int(&z, 0) == 0) err = MBEDTLS_ERR_ECP_INVALID_KEY;
    result = err ? JS_NewInt32(ctx, E_DECODING) : ec_scalar_value(ctx, &e, &z, e.plen);
done:
    mbedtls_mpi_free(&z);
    ec_end(&e);
    return result;
}

/* --- Primes (crypto.checkPrime/generatePrime) --- */

/* cryptoPrimeCheck(bytes, rounds): Miller-Rabin with `rounds` random bases (0: 64). */
static JSValue hal_crypto_prime_check(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t rounds;
    if (glue_int(ctx, argv[1], 0, INT32_MAX, &rounds, "checks") || glue_random_ready(ctx)) return JS_EXCEPTION;
    size_t len;
    const uint8_t *p = glue_bytes(ctx, argv[0], &len);
    if (!p) return JS_EXCEPTION;
    mbedtls_mpi x;
    mbedtls_mpi_init(&x);
    int err = mbedtls_mpi_read_binary(&x, p, len);
    if (!err) err = mbedtls_mpi_is_prime_ext(&x, rounds > 0 && rounds < 64 ? (int)rounds : 64, glue_random, NULL);
    mbedtls_mpi_free(&x);
    if (err && err != MBEDTLS_ERR_MPI_NOT_ACCEPTABLE) return glue_throw_mbedtls(ctx, "the primality test", err);
    return JS_NewBool(ctx, err == 0);
}

/* cryptoPrimeGenerate(bits, safe): a random prime of exactly `bits` bits (3..8192), safe ((p-1)/2 prime) if asked. */
static JSValue hal_crypto_prime_generate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t bits;
    int safe = JS_ToBool(ctx, argv[1]);
    if (safe < 0 || glue_int(ctx, argv[0], 3, MBEDTLS_MPI_MAX_BITS, &bits, "prime size") || glue_random_ready(ctx))
        return JS_EXCEPTION;
    mbedtls_mpi x;
    mbedtls_mpi_init(&x);
    JSValue result = JS_EXCEPTION;
    int err = mbedtls_mpi_gen_prime(&x, (size_t)bits, safe ? MBEDTLS_MPI_GEN_PRIME_FLAG_DH : 0, glue_random, NULL);
    if (err) glue_throw_mbedtls(ctx, "prime generation", err);
    else {
        JSValue arr = JS_NewArray(ctx);
        if (!mpi_write(ctx, arr, 0, &x, mbedtls_mpi_size(&x))) result = JS_GetPropertyUint32(ctx, arr, 0);
        JS_FreeValue(ctx, arr);
    }
    mbedtls_mpi_free(&x);
    return result;
}

void glue_install_pk(JSContext *ctx, JSValue hal) {
    static const JSCFunctionListEntry fns[] = {
        JS_CFUNC_DEF("cryptoRsaGenerate", 2, hal_crypto_rsa_generate),
        JS_CFUNC_DEF("cryptoRsaSign", 6, hal_crypto_rsa_sign),
        JS_CFUNC_DEF("cryptoRsaVerify", 7, hal_crypto_rsa_verify),
        JS_CFUNC_DEF("cryptoRsaEncrypt", 6, hal_crypto_rsa_encrypt),
        JS_CFUNC_DEF("cryptoRsaDecrypt", 6, hal_crypto_rsa_decrypt),
        JS_CFUNC_DEF("cryptoEcGenerate", 1, hal_crypto_ec_generate),
        JS_CFUNC_DEF("cryptoEcPublic", 2, hal_crypto_ec_public),
        JS_CFUNC_DEF("cryptoEcPoint", 3, hal_crypto_ec_point),
        JS_CFUNC_DEF("cryptoEcSign", 3, hal_crypto_ec_sign),
        JS_CFUNC_DEF("cryptoEcVerify", 4, hal_crypto_ec_verify),
        JS_CFUNC_DEF("cryptoEcdh", 3, hal_crypto_ecdh),
        JS_CFUNC_DEF("cryptoPrimeCheck", 2, hal_crypto_prime_check),
        JS_CFUNC_DEF("cryptoPrimeGenerate", 2, hal_crypto_prime_generate),
    };
    JS_SetPropertyFunctionList(ctx, hal, fns, (int)(sizeof fns / sizeof fns[0]));
}

/* boot/native/mbedtls_glue.c — node:crypto's native primitives (Mbed TLS 3.6 and libsodium's Ed25519), installed on
 * `hal` by hal_install_mbedtls (engine.c calls it through a weak reference: images whose bundle does not use
 * libos/crypto have none of this). This file owns the random bit generator and the helpers the other glue files
 * share (mbedtls_glue.h); each of them installs its own primitives:
 *   mbedtls_hash.c   hal.cryptoDigest (hash/HMAC states), cryptoPbkdf2, cryptoScryptMix
 *   mbedtls_cipher.c hal.cryptoCipher (AES modes, ChaCha20(-Poly1305) states)
 *   mbedtls_pk.c     RSA and elliptic-curve keys: generation, signatures, encryption, ECDH
 *   sodium_ed25519.c Ed25519 keys and signatures
 * Random bits: a CTR_DRBG (AES-256). It has no entropy source of its own: hal.cryptoRandomSeed(bytes) (re)seeds it
 * with 48 bytes the TypeScript side takes from the kernel pool (kernel/entropy.ts: RDSEED/RDRAND, virtio-rng),
 * and libos/crypto/random.ts reseeds it after every 1 MiB drawn (hal.cryptoRandomFill returns the count).
 * Also here: hal.cryptoEqual (constant-time comparison for crypto.timingSafeEqual).
 * Layer: native core (library glue). Typed for TypeScript in libos/crypto/_native.ts. */
#include <limits.h>
#include <math.h>
#include <string.h>
#include "mbedtls_glue.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/platform_util.h"

#define SEED_BYTES MBEDTLS_CTR_DRBG_ENTROPY_LEN     /* 48: what one seeding or reseeding reads */

static mbedtls_ctr_drbg_context drbg;
static int seeded;
static uint8_t seed_buf[SEED_BYTES];
static size_t seed_left;
static double drawn;                                   /* bytes generated since the last (re)seed */

/* The DRBG's entropy callback: hands out the bytes the last hal.cryptoRandomSeed gave, once. */
static int seed_source(void *unused, unsigned char *out, size_t len) {
    (void)unused;
    if (len > seed_left) return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    memcpy(out, seed_buf + (SEED_BYTES - seed_left), len);
    seed_left -= len;
    return 0;
}

int glue_random(void *unused, unsigned char *out, size_t len) {
    (void)unused;
    if (!seeded) return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    drawn += (double)len;
    while (len > 0) {
        size_t n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        int err = mbedtls_ctr_drbg_random(&drbg, out, n);
        if (err) return err;
        out += n;
        len -= n;
    }
    return 0;
}

int glue_random_ready(JSContext *ctx) {
    if (seeded) return 0;
    JS_ThrowInternalError(ctx, "crypto: the random bit generator has not been seeded");
    return -1;
}

/* hal.cryptoRandomSeed(bytes): the first call seeds the generator, later ones reseed it. Needs 48 bytes. */
static JSValue hal_crypto_random_seed(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t len;
    const uint8_t *p = glue_bytes(ctx, argv[0], &len);
    if (!p) return JS_EXCEPTION;
    if (len < SEED_BYTES) return JS_ThrowRangeError(ctx, "cryptoRandomSeed: %d bytes are needed", SEED_BYTES);
    memcpy(seed_buf, p, SEED_BYTES);
    seed_left = SEED_BYTES;
    int err;
    if (!seeded) {
        static const unsigned char personal[] = "unijs node:crypto";
        mbedtls_ctr_drbg_init(&drbg);
        mbedtls_ctr_drbg_set_reseed_interval(&drbg, INT_MAX);     /* reseeding is the caller's (every 1 MiB) */
        err = mbedtls_ctr_drbg_seed(&drbg, seed_source, NULL, personal, sizeof personal - 1);
    } else {
        err = mbedtls_ctr_drbg_reseed(&drbg, NULL, 0);
    }
    mbedtls_platform_zeroize(seed_buf, sizeof seed_buf);
    seed_left = 0;
    if (err) return glue_throw_mbedtls(ctx, "seeding the random bit generator", err);
    seeded = 1;
    drawn = 0;
    return JS_UNDEFINED;
}

/* hal.cryptoRandomFill(bytes): fills a typed array; returns the bytes drawn since the last seeding. */
static JSValue hal_crypto_random_fill(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    if (glue_random_ready(ctx)) return JS_EXCEPTION;
    size_t len;
    uint8_t *p = (uint8_t *)glue_bytes(ctx, argv[0], &len);
    if (!p) return JS_EXCEPTION;
    int err = glue_random(NULL, p, len);
    if (err) return glue_throw_mbedtls(ctx, "random bit generation", err);
    return JS_NewFloat64(ctx, drawn);
}

/* hal.cryptoRandomDrawn(): bytes drawn since the last seeding (-1 before the first). */
static JSValue hal_crypto_random_drawn(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_NewFloat64(ctx, seeded ? drawn : -1);
}

/* hal.cryptoEqual(a, b): whether two equally long byte strings are equal, in time independent of their contents
 * (crypto.timingSafeEqual; the caller checks the lengths). */
static JSValue hal_crypto_equal(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t alen, blen;
    const uint8_t *a = glue_bytes(ctx, argv[0], &alen);
    const uint8_t *b = a ? glue_bytes(ctx, argv[1], &blen) : NULL;
    if (!b) return JS_EXCEPTION;
    if (alen != blen) return JS_ThrowRangeError(ctx, "cryptoEqual: lengths differ");
    return JS_NewBool(ctx, mbedtls_ct_memcmp(a, b, alen) == 0);
}

int glue_int(JSContext *ctx, JSValueConst v, int64_t min, int64_t max, int64_t *out, const char *what) {
    double d;
    if (JS_ToFloat64(ctx, &d, v)) return -1;
    if (!isfinite(d) || d != floor(d) || d < (double)min || d > (double)max) {
        JS_ThrowRangeError(ctx, "crypto: %s out of range", what);
        return -1;
    }
    *out = (int64_t)d;
    return 0;
}

const uint8_t *glue_bytes(JSContext *ctx, JSValueConst v, size_t *len) {
    return hal_typed_bytes(ctx, v, len);
}

static void free_buffer(JSRuntime *rt, void *opaque, void *ptr) {
    (void)opaque;
    js_free_rt(rt, ptr);
}

JSValue glue_buffer(JSContext *ctx, uint8_t *p, size_t len, int owned) {
    if (!owned) return JS_NewArrayBufferCopy(ctx, p, len);
    JSValue ab = JS_NewArrayBuffer(ctx, p, len, free_buffer, NULL, 0);
    if (JS_IsException(ab)) js_free(ctx, p);
    return ab;
}

JSValue glue_throw_mbedtls(JSContext *ctx, const char *what, int err) {
    return JS_ThrowInternalError(ctx, "crypto: %s failed (mbedtls error -0x%04x)", what, (unsigned)-err);
}

void glue_free_secret(JSRuntime *rt, void *p, size_t len) {
    mbedtls_platform_zeroize(p, len);
    js_free_rt(rt, p);
}

void glue_class(JSContext *ctx, JSClassID *id, const char *name, JSClassFinalizer *fin,
                const JSCFunctionListEntry *methods, int count) {
    JSRuntime *rt = JS_GetRuntime(ctx);
    if (*id == 0) JS_NewClassID(id);
    if (!JS_IsRegisteredClass(rt, *id)) {
        JSClassDef def = { .class_name = name, .finalizer = fin };
        JS_NewClass(rt, *id, &def);
    }
    JSValue proto = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, proto, methods, count);
    JS_SetClassProto(ctx, *id, proto);
}

void hal_install_mbedtls(JSContext *ctx, JSValue hal) {
    JS_SetPropertyStr(ctx, hal, "cryptoRandomSeed", JS_NewCFunction(ctx, hal_crypto_random_seed, "cryptoRandomSeed", 1));
    JS_SetPropertyStr(ctx, hal, "cryptoRandomFill", JS_NewCFunction(ctx, hal_crypto_random_fill, "cryptoRandomFill", 1));
    JS_SetPropertyStr(ctx, hal, "cryptoRandomDrawn", JS_NewCFunction(ctx, hal_crypto_random_drawn, "cryptoRandomDrawn", 0));
    JS_SetPropertyStr(ctx, hal, "cryptoEqual", JS_NewCFunction(ctx, hal_crypto_equal, "cryptoEqual", 2));
    glue_install_hash(ctx, hal);
    glue_install_cipher(ctx, hal);
    glue_install_pk(ctx, hal);
    glue_install_ed25519(ctx, hal);
#if defined(MBEDTLS_SSL_TLS_C)
    glue_install_tls(ctx, hal);          /* the "tls" library's build of this glue (libs/tls.mk) */
#endif
}

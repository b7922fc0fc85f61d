/* boot/native/sodium_ed25519.c — Ed25519 (RFC 8032) for node:crypto, from libsodium 1.0.18's ref10 code (Mbed TLS
 * 3.6 has no EdDSA). Keys are the 32-byte seed (private) and the 32-byte encoded point (public):
 *   hal.cryptoEd25519Public(seed) → public key
 *   hal.cryptoEd25519Sign(seed, message) → 64-byte signature (deterministic)
 *   hal.cryptoEd25519Verify(publicKey, message, signature) → boolean (libsodium's checks: canonical S, no
 *       small-order R or A, canonical A)
 * Only the libsodium files Ed25519 needs are compiled (libs/mbedtls.mk); the few helpers they call from the rest of
 * libsodium (utils.c, randombytes.c) are defined here, over Mbed TLS and the glue's random bit generator.
 * Layer: native core (library glue). */
#include <stdlib.h>
#include <string.h>
#include "mbedtls_glue.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/platform_util.h"
#include "crypto_sign_ed25519.h"
#include "randombytes.h"
#include "utils.h"

/* --- What the Ed25519 files use from the parts of libsodium that are not compiled. --- */
void sodium_memzero(void *const pnt, const size_t len) { mbedtls_platform_zeroize(pnt, len); }

int sodium_memcmp(const void *const b1, const void *const b2, size_t len) {
    return mbedtls_ct_memcmp(b1, b2, len) == 0 ? 0 : -1;
}

int sodium_is_zero(const unsigned char *n, const size_t nlen) {
    unsigned char acc = 0;
    for (size_t i = 0; i < nlen; i++) acc |= n[i];
    return acc == 0;
}

/* Only crypto_sign_ed25519_keypair (never called: keys come from seeds the TypeScript side draws) reaches this. */
void randombytes_buf(void *const buf, const size_t size) {
    if (glue_random(NULL, buf, size)) abort();
}

/* --- The primitives. --- */
static int ed_keypair(JSContext *ctx, JSValueConst seed_v, uint8_t pk[32], uint8_t sk[64]) {
    size_t len;
    const uint8_t *seed = glue_bytes(ctx, seed_v, &len);
    if (!seed) return -1;
    if (len != 32) { JS_ThrowRangeError(ctx, "crypto: an Ed25519 private key is 32 bytes"); return -1; }
    crypto_sign_ed25519_seed_keypair(pk, sk, seed);
    return 0;
}

static JSValue hal_crypto_ed25519_public(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    uint8_t pk[32], sk[64];
    if (ed_keypair(ctx, argv[0], pk, sk)) return JS_EXCEPTION;
    mbedtls_platform_zeroize(sk, sizeof sk);
    return glue_buffer(ctx, pk, 32, 0);
}

static JSValue hal_crypto_ed25519_sign(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    uint8_t pk[32], sk[64], sig[64];
    size_t mlen;
    if (ed_keypair(ctx, argv[0], pk, sk)) return JS_EXCEPTION;
    const uint8_t *m = glue_bytes(ctx, argv[1], &mlen);
    if (!m) { mbedtls_platform_zeroize(sk, sizeof sk); return JS_EXCEPTION; }
    crypto_sign_ed25519_detached(sig, NULL, m, mlen, sk);
    mbedtls_platform_zeroize(sk, sizeof sk);
    return glue_buffer(ctx, sig, 64, 0);
}

static JSValue hal_crypto_ed25519_verify(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t plen, mlen, slen;
    const uint8_t *pk = glue_bytes(ctx, argv[0], &plen);
    const uint8_t *m = pk ? glue_bytes(ctx, argv[1], &mlen) : NULL;
    const uint8_t *sig = m ? glue_bytes(ctx, argv[2], &slen) : NULL;
    if (!sig) return JS_EXCEPTION;
    if (plen != 32) return JS_ThrowRangeError(ctx, "crypto: an Ed25519 public key is 32 bytes");
    return JS_NewBool(ctx, slen == 64 && crypto_sign_ed25519_verify_detached(sig, m, mlen, pk) == 0);
}

void glue_install_ed25519(JSContext *ctx, JSValue hal) {
    static const JSCFunctionListEntry fns[] = {
        JS_CFUNC_DEF("cryptoEd25519Public", 1, hal_crypto_ed25519_public),
        JS_CFUNC_DEF("cryptoEd25519Sign", 2, hal_crypto_ed25519_sign),
        JS_CFUNC_DEF("cryptoEd25519Verify", 3, hal_crypto_ed25519_verify),
    };
    JS_SetPropertyFunctionList(ctx, hal, fns, (int)(sizeof fns / sizeof fns[0]));
}

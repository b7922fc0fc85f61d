/* boot/native/mbedtls_glue.h — shared by the node:crypto glue files (mbedtls_*.c, sodium_*.c), which together make
 * build/native/lib/mbedtls_glue.o (libs/mbedtls.mk). Each file installs its own hal primitives; mbedtls_glue.c
 * calls them and owns the random bit generator they all draw from.
 * Layer: native core (library glue). Typed for TypeScript in libos/crypto/_native.ts. */
#ifndef UNIJS_MBEDTLS_GLUE_H
#define UNIJS_MBEDTLS_GLUE_H
#include <stddef.h>
#include <stdint.h>
#include "engine.h"
#include "mbedtls/md5.h"
#include "mbedtls/ripemd160.h"
#include "mbedtls/sha1.h"
#include "mbedtls/sha256.h"
#include "mbedtls/sha3.h"
#include "mbedtls/sha512.h"

/* Hash algorithms, numbered as libos/crypto/_native.ts numbers them. */
enum glue_hash {
    GH_MD5, GH_SHA1, GH_SHA224, GH_SHA256, GH_SHA384, GH_SHA512, GH_SHA512_224, GH_SHA512_256,
    GH_SHA3_224, GH_SHA3_256, GH_SHA3_384, GH_SHA3_512, GH_RIPEMD160, GH_SHAKE128, GH_SHAKE256, GH_COUNT
};
#define GLUE_MAX_DIGEST 64
#define GLUE_MAX_BLOCK 168

/* SHAKE128/256 (FIPS 202 XOFs; Mbed TLS has SHA-3 but not SHAKE): our Keccak sponge in mbedtls_hash.c. */
struct glue_shake { uint64_t a[25]; uint32_t rate, pos; };

/* A running hash of any algorithm above (mbedtls_hash.c). Plain data: copying the struct copies the state. */
struct glue_hash_state {
    int alg;
    union {
        mbedtls_md5_context md5;
        mbedtls_sha1_context sha1;
        mbedtls_sha256_context sha256;
        mbedtls_sha512_context sha512;
        mbedtls_sha3_context sha3;
        mbedtls_ripemd160_context ripemd160;
        struct glue_shake shake;
    } u;
};
size_t glue_hash_block(int alg);                /* block (rate) bytes, for HMAC */
size_t glue_hash_size(int alg);                 /* digest bytes (SHAKE: its default output length) */
int glue_hash_start(struct glue_hash_state *h, int alg);         /* 0, or -1 for an unknown algorithm */
void glue_hash_update(struct glue_hash_state *h, const uint8_t *p, size_t n);
/* Writes glue_hash_size(alg) bytes (SHAKE: `outlen` bytes) and wipes the state. */
void glue_hash_finish(struct glue_hash_state *h, uint8_t *out, size_t outlen);
void glue_hash_wipe(struct glue_hash_state *h);
/* One-shot digest of `n` bytes into out (glue_hash_size(alg) bytes); -1 for an unknown algorithm. */
int glue_hash_once(int alg, const uint8_t *p, size_t n, uint8_t *out);

/* The random bit generator (a CTR_DRBG seeded from the kernel pool by libos/crypto/random.ts): mbedtls's f_rng. */
int glue_random(void *unused, unsigned char *out, size_t len);
/* Throws unless the generator has been seeded (every primitive that draws random bits checks first). */
int glue_random_ready(JSContext *ctx);

/* Arguments. Numbers are converted before any buffer is borrowed (a valueOf could detach it). */
int glue_int(JSContext *ctx, JSValueConst v, int64_t min, int64_t max, int64_t *out, const char *what);
/* The bytes of a typed array, borrowed (NULL, exception pending, when `v` is not one). */
const uint8_t *glue_bytes(JSContext *ctx, JSValueConst v, size_t *len);
/* A new ArrayBuffer owning `p` (allocated with js_malloc), or a copy when `owned` is 0. */
JSValue glue_buffer(JSContext *ctx, uint8_t *p, size_t len, int owned);
/* Throws Error("<what> failed (mbedtls error -0xNNNN)"). */
JSValue glue_throw_mbedtls(JSContext *ctx, const char *what, int err);
/* Wipes and frees memory from js_malloc. */
void glue_free_secret(JSRuntime *rt, void *p, size_t len);

/* A class whose instances own native state, freed (and wiped) by the finalizer. */
void glue_class(JSContext *ctx, JSClassID *id, const char *name, JSClassFinalizer *fin,
                const JSCFunctionListEntry *methods, int count);

void glue_install_hash(JSContext *ctx, JSValue hal);
void glue_install_cipher(JSContext *ctx, JSValue hal);
void glue_install_pk(JSContext *ctx, JSValue hal);
void glue_install_ed25519(JSContext *ctx, JSValue hal);
void glue_install_tls(JSContext *ctx, JSValue hal);     /* tls_glue.c, in the "tls" library only */

#endif

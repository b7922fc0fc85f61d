/* boot/native/mbedtls_hash.c — hashes, HMAC and the password KDFs' inner loops for node:crypto:
 *   hal.cryptoDigest(alg, hmacKey?)   a running hash (hmacKey: a typed array → HMAC with that key), an object with
 *                                     update(bytes), digest(outlen?) → ArrayBuffer (once), copy() → a new one;
 *   hal.cryptoPbkdf2(alg, password, salt, iterations, out)        PBKDF2-HMAC (RFC 8018) into the typed array out;
 *   hal.cryptoScryptMix(block, N, r)                              scrypt's ROMix (RFC 7914) over each 128·r-byte
 *                                                                  chunk of block, in place.
 * The algorithms are Mbed TLS's (MD5, SHA-1, SHA-2, SHA-3, RIPEMD-160), SHA-512/224 and SHA-512/256 (SHA-512 with
 * FIPS 180-4's initial values), and SHAKE128/256 (a Keccak sponge of ours: Mbed TLS has none). Node-shaped
 * behaviour (names, encodings, errors, streams) is libos/crypto's.
 * Layer: native core (library glue). */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <stdlib.h>
#include <string.h>
#include "mbedtls_glue.h"
#include "mbedtls/platform_util.h"

static const uint64_t sha512_224_iv[8] = {
    0x8C3D37C819544DA2ull, 0x73E1996689DCD4D6ull, 0x1DFAB7AE32FF9C82ull, 0x679DD514582F9FCFull,
    0x0F6D2B697BD44DA8ull, 0x77E36F7304C48942ull, 0x3F9D85A86A1D36C8ull, 0x1112E6AD91D692A1ull,
};
static const uint64_t sha512_256_iv[8] = {
    0x22312194FC2BF72Cull, 0x9F555FA3C84C64C2ull, 0x2393B86B6F53B151ull, 0x963877195940EABDull,
    0x96283EE2A88EFFE3ull, 0xBE5E1E2553863992ull, 0x2B0199FC2C85B8AAull, 0x0EB72DDC81C52CA2ull,
};

static const uint8_t digest_size[GH_COUNT] = { 16, 20, 28, 32, 48, 64, 28, 32, 28, 32, 48, 64, 20, 16, 32 };
static const uint8_t block_size[GH_COUNT] = { 64, 64, 64, 64, 128, 128, 128, 128, 144, 136, 104, 72, 64, 168, 136 };

size_t glue_hash_size(int alg) { return alg >= 0 && alg < GH_COUNT ? digest_size[alg] : 0; }
size_t glue_hash_block(int alg) { return alg >= 0 && alg < GH_COUNT ? block_size[alg] : 0; }

/* --- Keccak-f[1600] and the SHAKE sponge (FIPS 202), written from the specification. --- */
static const uint64_t keccak_rc[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808Aull, 0x8000000080008000ull,
    0x000000000000808Bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008Aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000Aull,
    0x000000008000808Bull, 0x800000000000008Bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800Aull, 0x800000008000000Aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull,
};
/* Rotation of lane x + 5y (rho). */
static const uint8_t keccak_rho[25] = {
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
};

static uint64_t rotl64(uint64_t v, unsigned n) { return n ? (v << n) | (v >> (64 - n)) : v; }

static void keccak_f(uint64_t a[25]) {
    uint64_t c[5], b[25];
    for (int round = 0; round < 24; round++) {
        for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++) {
            uint64_t d = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5) a[x + y] ^= d;
        }
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl64(a[x + 5 * y], keccak_rho[x + 5 * y]);
        for (int y = 0; y < 25; y += 5)
            for (int x = 0; x < 5; x++) a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
        a[0] ^= keccak_rc[round];
    }
}

static void shake_xor(struct glue_shake *s, uint8_t byte) {
    s->a[s->pos / 8] ^= (uint64_t)byte << (8 * (s->pos % 8));
}

static void shake_absorb(struct glue_shake *s, const uint8_t *p, size_t n) {
    while (n--) {
        shake_xor(s, *p++);
        if (++s->pos == s->rate) { keccak_f(s->a); s->pos = 0; }
    }
}

static void shake_squeeze(struct glue_shake *s, uint8_t *out, size_t n) {
    shake_xor(s, 0x1f);                          /* SHAKE's domain bits and the first pad bit */
    s->pos = s->rate - 1;
    shake_xor(s, 0x80);
    keccak_f(s->a);
    for (size_t i = 0, pos = 0; i < n; i++) {
        if (pos == s->rate) { keccak_f(s->a); pos = 0; }
        out[i] = (uint8_t)(s->a[pos / 8] >> (8 * (pos % 8)));
        pos++;
    }
}

/* --- The hash dispatch. --- */
int glue_hash_start(struct glue_hash_state *h, int alg) {
    memset(h, 0, sizeof *h);
    h->alg = alg;
    switch (alg) {
    case GH_MD5: return mbedtls_md5_starts(&h->u.md5) ? -1 : 0;
    case GH_SHA1: return mbedtls_sha1_starts(&h->u.sha1) ? -1 : 0;
    case GH_SHA224: return mbedtls_sha256_starts(&h->u.sha256, 1) ? -1 : 0;
    case GH_SHA256: return mbedtls_sha256_starts(&h->u.sha256, 0) ? -1 : 0;
    case GH_SHA384: return mbedtls_sha512_starts(&h->u.sha512, 1) ? -1 : 0;
    case GH_SHA512: return mbedtls_sha512_starts(&h->u.sha512, 0) ? -1 : 0;
    case GH_SHA512_224:
    case GH_SHA512_256:
        if (mbedtls_sha512_starts(&h->u.sha512, 0)) return -1;
        memcpy(h->u.sha512.state, alg == GH_SHA512_224 ? sha512_224_iv : sha512_256_iv, sizeof sha512_224_iv);
        return 0;
    case GH_SHA3_224: return mbedtls_sha3_starts(&h->u.sha3, MBEDTLS_SHA3_224) ? -1 : 0;
    case GH_SHA3_256: return mbedtls_sha3_starts(&h->u.sha3, MBEDTLS_SHA3_256) ? -1 : 0;
    case GH_SHA3_384: return mbedtls_sha3_starts(&h->u.sha3, MBEDTLS_SHA3_384) ? -1 : 0;
    case GH_SHA3_512: return mbedtls_sha3_starts(&h->u.sha3, MBEDTLS_SHA3_512) ? -1 : 0;
    case GH_RIPEMD160: return mbedtls_ripemd160_starts(&h->u.ripemd160) ? -1 : 0;
    case GH_SHAKE128:
    case GH_SHAKE256:
        h->u.shake.rate = block_size[alg];
        return 0;
    default: return -1;
    }
}

void glue_hash_update(struct glue_hash_state *h, const uint8_t *p, size_t n) {
    if (n == 0) return;
    switch (h->alg) {
    case GH_MD5: mbedtls_md5_update(&h->u.md5, p, n); break;
    case GH_SHA1: mbedtls_sha1_update(&h->u.sha1, p, n); break;
    case GH_SHA224: case GH_SHA256: mbedtls_sha256_update(&h->u.sha256, p, n); break;
    case GH_SHA384: case GH_SHA512: case GH_SHA512_224: case GH_SHA512_256:
        mbedtls_sha512_update(&h->u.sha512, p, n); break;
    case GH_SHA3_224: case GH_SHA3_256: case GH_SHA3_384: case GH_SHA3_512:
        mbedtls_sha3_update(&h->u.sha3, p, n); break;
    case GH_RIPEMD160: mbedtls_ripemd160_update(&h->u.ripemd160, p, n); break;
    case GH_SHAKE128: case GH_SHAKE256: shake_absorb(&h->u.shake, p, n); break;
    }
}

void glue_hash_finish(struct glue_hash_state *h, uint8_t *out, size_t outlen) {
    uint8_t full[64];
    switch (h->alg) {
    case GH_MD5: mbedtls_md5_finish(&h->u.md5, out); break;
    case GH_SHA1: mbedtls_sha1_finish(&h->u.sha1, out); break;
    case GH_SHA224: case GH_SHA256: mbedtls_sha256_finish(&h->u.sha256, out); break;
    case GH_SHA384: case GH_SHA512: mbedtls_sha512_finish(&h->u.sha512, out); break;
    case GH_SHA512_224: case GH_SHA512_256:
        mbedtls_sha512_finish(&h->u.sha512, full);
        memcpy(out, full, digest_size[h->alg]);
        mbedtls_platform_zeroize(full, sizeof full);
        break;
    case GH_SHA3_224: case GH_SHA3_256: case GH_SHA3_384: case GH_SHA3_512:
        mbedtls_sha3_finish(&h->u.sha3, out, digest_size[h->alg]); break;
    case GH_RIPEMD160: mbedtls_ripemd160_finish(&h->u.ripemd160, out); break;
    case GH_SHAKE128: case GH_SHAKE256: shake_squeeze(&h->u.shake, out, outlen); break;
    }
    glue_hash_wipe(h);
}

void glue_hash_wipe(struct glue_hash_state *h) {
    int alg = h->alg;
    mbedtls_platform_zeroize(h, sizeof *h);
    h->alg = alg;
}

int glue_hash_once(int alg, const uint8_t *p, size_t n, uint8_t *out) {
    struct glue_hash_state h;
    if (glue_hash_start(&h, alg)) return -1;
    glue_hash_update(&h, p, n);
    glue_hash_finish(&h, out, digest_size[alg]);
    return 0;
}

/* --- HMAC (RFC 2104) over any of them: the keyed inner and outer states are kept, so a copy is a struct copy. --- */
struct digest {
    struct glue_hash_state inner, outer;
    uint8_t hmac, done;
};

static void hmac_start(struct digest *d, int alg, const uint8_t *key, size_t keylen) {
    uint8_t k[GLUE_MAX_BLOCK], pad[GLUE_MAX_BLOCK];
    size_t bs = block_size[alg];
    memset(k, 0, sizeof k);
    if (keylen > bs) glue_hash_once(alg, key, keylen, k);      /* a long key is hashed first */
    else memcpy(k, key, keylen);
    glue_hash_start(&d->inner, alg);
    glue_hash_start(&d->outer, alg);
    for (size_t i = 0; i < bs; i++) pad[i] = k[i] ^ 0x36;
    glue_hash_update(&d->inner, pad, bs);
    for (size_t i = 0; i < bs; i++) pad[i] = k[i] ^ 0x5c;
    glue_hash_update(&d->outer, pad, bs);
    d->hmac = 1;
    mbedtls_platform_zeroize(k, sizeof k);
    mbedtls_platform_zeroize(pad, sizeof pad);
}

/* Finishes a keyed HMAC state into out (the hash's size; SHAKE is not offered for HMAC). */
static void hmac_finish(struct digest *d, uint8_t *out) {
    uint8_t t[GLUE_MAX_DIGEST];
    size_t n = digest_size[d->inner.alg];
    glue_hash_finish(&d->inner, t, n);
    glue_hash_update(&d->outer, t, n);
    glue_hash_finish(&d->outer, out, n);
    mbedtls_platform_zeroize(t, sizeof t);
}

static JSClassID digest_class;

static void digest_finalizer(JSRuntime *rt, JSValue val) {
    struct digest *d = JS_GetOpaque(val, digest_class);
    if (d) glue_free_secret(rt, d, sizeof *d);
}

static JSValue digest_wrap(JSContext *ctx, struct digest *d) {
    JSValue obj = JS_NewObjectClass(ctx, (int)digest_class);
    if (JS_IsException(obj)) { glue_free_secret(JS_GetRuntime(ctx), d, sizeof *d); return obj; }
    JS_SetOpaque(obj, d);
    return obj;
}

static struct digest *digest_of(JSContext *ctx, JSValueConst this_val) {
    struct digest *d = JS_GetOpaque2(ctx, this_val, digest_class);
    if (d && d->done) { JS_ThrowTypeError(ctx, "digest already called"); return NULL; }
    return d;
}

/* hal.cryptoDigest(alg, hmacKey?) */
static JSValue hal_crypto_digest(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    int64_t alg;
    if (glue_int(ctx, argv[0], 0, GH_COUNT - 1, &alg, "hash algorithm")) return JS_EXCEPTION;
    int keyed = argc > 1 && !JS_IsUndefined(argv[1]);
    if (keyed && (alg == GH_SHAKE128 || alg == GH_SHAKE256)) return JS_ThrowRangeError(ctx, "HMAC over an XOF");
    struct digest *d = js_mallocz(ctx, sizeof *d);
    if (!d) return JS_EXCEPTION;
    if (keyed) {
        size_t keylen;
        const uint8_t *key = glue_bytes(ctx, argv[1], &keylen);
        if (!key) { js_free(ctx, d); return JS_EXCEPTION; }
        hmac_start(d, (int)alg, key, keylen);
    } else {
        glue_hash_start(&d->inner, (int)alg);
    }
    return digest_wrap(ctx, d);
}

static JSValue digest_update(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct digest *d = digest_of(ctx, this_val);
    if (!d) return JS_EXCEPTION;
    size_t n;
    const uint8_t *p = glue_bytes(ctx, argv[0], &n);
    if (!p) return JS_EXCEPTION;
    glue_hash_update(&d->inner, p, n);
    return JS_UNDEFINED;
}

/* digest(outlen?): outlen only for SHAKE (any length, 0 included). */
static JSValue digest_digest(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    struct digest *d = digest_of(ctx, this_val);
    if (!d) return JS_EXCEPTION;
    int alg = d->inner.alg;
    int64_t n = digest_size[alg];
    if ((alg == GH_SHAKE128 || alg == GH_SHAKE256) && argc > 0 && !JS_IsUndefined(argv[0]) &&
        glue_int(ctx, argv[0], 0, INT32_MAX, &n, "output length")) return JS_EXCEPTION;
    uint8_t *out = js_malloc(ctx, n ? (size_t)n : 1);
    if (!out) return JS_EXCEPTION;
    if (d->hmac) hmac_finish(d, out);
    else glue_hash_finish(&d->inner, out, (size_t)n);
    d->done = 1;
    return glue_buffer(ctx, out, (size_t)n, 1);
}

static JSValue digest_copy(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct digest *d = digest_of(ctx, this_val);
    if (!d) return JS_EXCEPTION;
    struct digest *c = js_malloc(ctx, sizeof *c);
    if (!c) return JS_EXCEPTION;
    memcpy(c, d, sizeof *c);
    return digest_wrap(ctx, c);
}

static const JSCFunctionListEntry digest_methods[] = {
    JS_CFUNC_DEF("update", 1, digest_update),
    JS_CFUNC_DEF("digest", 1, digest_digest),
    JS_CFUNC_DEF("copy", 0, digest_copy),
};

/* --- PBKDF2 (RFC 8018, 5.2) with HMAC over any hash. --- */
static JSValue hal_crypto_pbkdf2(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t alg, iterations;
    if (glue_int(ctx, argv[0], 0, GH_RIPEMD160, &alg, "hash algorithm") ||
        glue_int(ctx, argv[3], 1, INT32_MAX, &iterations, "iterations")) return JS_EXCEPTION;
    size_t plen, slen, outlen;
    const uint8_t *pw = glue_bytes(ctx, argv[1], &plen);
    const uint8_t *salt = pw ? glue_bytes(ctx, argv[2], &slen) : NULL;
    uint8_t *out = salt ? (uint8_t *)glue_bytes(ctx, argv[4], &outlen) : NULL;
    if (!out) return JS_EXCEPTION;
    struct digest keyed, d;
    hmac_start(&keyed, (int)alg, pw, plen);
    size_t hlen = digest_size[alg];
    uint8_t u[GLUE_MAX_DIGEST], t[GLUE_MAX_DIGEST], counter[4];
    for (uint32_t block = 1; outlen > 0; block++) {
        counter[0] = (uint8_t)(block >> 24); counter[1] = (uint8_t)(block >> 16);
        counter[2] = (uint8_t)(block >> 8); counter[3] = (uint8_t)block;
        memcpy(&d, &keyed, sizeof d);
        glue_hash_update(&d.inner, salt, slen);
        glue_hash_update(&d.inner, counter, 4);
        hmac_finish(&d, u);
        memcpy(t, u, hlen);
        for (int64_t i = 1; i < iterations; i++) {
            memcpy(&d, &keyed, sizeof d);
            glue_hash_update(&d.inner, u, hlen);
            hmac_finish(&d, u);
            for (size_t k = 0; k < hlen; k++) t[k] ^= u[k];
        }
        size_t n = outlen < hlen ? outlen : hlen;
        memcpy(out, t, n);
        out += n;
        outlen -= n;
    }
    mbedtls_platform_zeroize(&keyed, sizeof keyed);
    mbedtls_platform_zeroize(&d, sizeof d);
    mbedtls_platform_zeroize(u, sizeof u);
    mbedtls_platform_zeroize(t, sizeof t);
    return JS_UNDEFINED;
}

/* --- scrypt's ROMix (RFC 7914, sections 3-5), written from the specification. --- */
#define R32(v, n) (((v) << (n)) | ((v) >> (32 - (n))))

/* B = Salsa20/8(B), 16 little-endian words. */
static void salsa20_8(uint32_t b[16]) {
    uint32_t x[16];
    memcpy(x, b, sizeof x);
    for (int i = 0; i < 8; i += 2) {
        x[4] ^= R32(x[0] + x[12], 7);   x[8] ^= R32(x[4] + x[0], 9);
        x[12] ^= R32(x[8] + x[4], 13);  x[0] ^= R32(x[12] + x[8], 18);
        x[9] ^= R32(x[5] + x[1], 7);    x[13] ^= R32(x[9] + x[5], 9);
        x[1] ^= R32(x[13] + x[9], 13);  x[5] ^= R32(x[1] + x[13], 18);
        x[14] ^= R32(x[10] + x[6], 7);  x[2] ^= R32(x[14] + x[10], 9);
        x[6] ^= R32(x[2] + x[14], 13);  x[10] ^= R32(x[6] + x[2], 18);
        x[3] ^= R32(x[15] + x[11], 7);  x[7] ^= R32(x[3] + x[15], 9);
        x[11] ^= R32(x[7] + x[3], 13);  x[15] ^= R32(x[11] + x[7], 18);
        x[1] ^= R32(x[0] + x[3], 7);    x[2] ^= R32(x[1] + x[0], 9);
        x[3] ^= R32(x[2] + x[1], 13);   x[0] ^= R32(x[3] + x[2], 18);
        x[6] ^= R32(x[5] + x[4], 7);    x[7] ^= R32(x[6] + x[5], 9);
        x[4] ^= R32(x[7] + x[6], 13);   x[5] ^= R32(x[4] + x[7], 18);
        x[11] ^= R32(x[10] + x[9], 7);  x[8] ^= R32(x[11] + x[10], 9);
        x[9] ^= R32(x[8] + x[11], 13);  x[10] ^= R32(x[9] + x[8], 18);
        x[12] ^= R32(x[15] + x[14], 7); x[13] ^= R32(x[12] + x[15], 9);
        x[14] ^= R32(x[13] + x[12], 13); x[15] ^= R32(x[14] + x[13], 18);
    }
    for (int i = 0; i < 16; i++) b[i] += x[i];
}

/* scryptBlockMix: in and out are 2r blocks of 16 words; out gets the even blocks first, then the odd ones. */
static void block_mix(const uint32_t *in, uint32_t *out, size_t r) {
    uint32_t x[16];
    memcpy(x, in + (2 * r - 1) * 16, sizeof x);
    for (size_t i = 0; i < 2 * r; i++) {
        for (int k = 0; k < 16; k++) x[k] ^= in[i * 16 + k];
        salsa20_8(x);
        memcpy(out + ((i & 1) * r + i / 2) * 16, x, sizeof x);
    }
}

static void romix(uint32_t *x, uint32_t *y, uint32_t *v, size_t n, size_t r) {
    size_t words = 32 * r;
    for (size_t i = 0; i < n; i++) {
        memcpy(v + i * words, x, words * 4);
        block_mix(x, y, r);
        memcpy(x, y, words * 4);
    }
    for (size_t i = 0; i < n; i++) {
        const uint32_t *last = x + (2 * r - 1) * 16;        /* Integerify mod N (N is a power of two) */
        size_t j = (size_t)(((uint64_t)last[1] << 32 | last[0]) & (n - 1));
        for (size_t k = 0; k < words; k++) x[k] ^= v[j * words + k];
        block_mix(x, y, r);
        memcpy(x, y, words * 4);
    }
}

/* hal.cryptoScryptMix(block, N, r): block is p chunks of 128·r bytes. Throws a RangeError when memory is short. */
static JSValue hal_crypto_scrypt_mix(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t n, r;
    if (glue_int(ctx, argv[1], 2, (int64_t)1 << 40, &n, "N") || glue_int(ctx, argv[2], 1, 1 << 30, &r, "r"))
        return JS_EXCEPTION;
    if (n & (n - 1)) return JS_ThrowRangeError(ctx, "scrypt: N must be a power of two");
    size_t len;
    uint8_t *block = (uint8_t *)glue_bytes(ctx, argv[0], &len);
    if (!block) return JS_EXCEPTION;
    size_t chunk = 128 * (size_t)r;
    if (len % chunk) return JS_ThrowRangeError(ctx, "scrypt: the block is not a whole number of chunks");
    if ((uint64_t)n > SIZE_MAX / chunk) return JS_ThrowRangeError(ctx, "scrypt: memory limit exceeded");
    uint32_t *v = malloc((size_t)n * chunk), *xy = malloc(2 * chunk);
    if (!v || !xy) { free(v); free(xy); return JS_ThrowRangeError(ctx, "scrypt: memory limit exceeded"); }
    for (size_t off = 0; off < len; off += chunk) {
        for (size_t k = 0; k < chunk / 4; k++) {
            const uint8_t *p = block + off + 4 * k;
            xy[k] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        }
        romix(xy, xy + chunk / 4, v, (size_t)n, (size_t)r);
        for (size_t k = 0; k < chunk / 4; k++) {
            uint8_t *p = block + off + 4 * k;
            p[0] = (uint8_t)xy[k]; p[1] = (uint8_t)(xy[k] >> 8); p[2] = (uint8_t)(xy[k] >> 16); p[3] = (uint8_t)(xy[k] >> 24);
        }
    }
    mbedtls_platform_zeroize(v, (size_t)n * chunk);
    mbedtls_platform_zeroize(xy, 2 * chunk);
    free(v);
    free(xy);
    return JS_UNDEFINED;
}

void glue_install_hash(JSContext *ctx, JSValue hal) {
    glue_class(ctx, &digest_class, "CryptoDigest", digest_finalizer, digest_methods,
               (int)(sizeof digest_methods / sizeof digest_methods[0]));
    JS_SetPropertyStr(ctx, hal, "cryptoDigest", JS_NewCFunction(ctx, hal_crypto_digest, "cryptoDigest", 2));
    JS_SetPropertyStr(ctx, hal, "cryptoPbkdf2", JS_NewCFunction(ctx, hal_crypto_pbkdf2, "cryptoPbkdf2", 5));
    JS_SetPropertyStr(ctx, hal, "cryptoScryptMix", JS_NewCFunction(ctx, hal_crypto_scrypt_mix, "cryptoScryptMix", 3));
}

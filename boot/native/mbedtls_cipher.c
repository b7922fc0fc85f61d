/* boot/native/mbedtls_cipher.c — symmetric ciphers for node:crypto's Cipheriv/Decipheriv:
 *   hal.cryptoCipher(mode, encrypt, key, iv, tagLength) → a state with
 *     update(bytes) → ArrayBuffer      what can be output so far (block modes keep a partial block back, and a
 *                                      whole one when decrypting with padding: PKCS#7 is checked at the end)
 *     final() → ArrayBuffer | number   the rest; or 1 (wrong final block length), 2 (bad decrypt: padding),
 *                                      3 (authentication failed)
 *     setPadding(on), setAAD(bytes), tag() → ArrayBuffer (after final, encrypting), setTag(bytes) (decrypting)
 * Modes: AES (128/192/256 by key length) ECB, CBC, CTR, CFB-128, CFB-8, OFB, GCM; ChaCha20 (OpenSSL's 16-byte IV:
 * a little-endian block counter, then the 96-bit nonce); ChaCha20-Poly1305 (RFC 8439). Key and IV lengths and the
 * order of calls are checked in TypeScript (libos/crypto/cipher.ts) and again here: a bad argument throws.
 * Layer: native core (library glue). */
#include <string.h>
#include "mbedtls_glue.h"
#include "mbedtls/aes.h"
#include "mbedtls/chacha20.h"
#include "mbedtls/chachapoly.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/gcm.h"
#include "mbedtls/platform_util.h"

enum mode { M_ECB, M_CBC, M_CTR, M_CFB, M_CFB8, M_OFB, M_GCM, M_CHACHA20, M_CHACHAPOLY, M_COUNT };
enum { FAIL_BLOCK_LENGTH = 1, FAIL_BAD_DECRYPT = 2, FAIL_AUTH = 3 };

struct cipher {
    uint8_t mode, encrypt, padding, finished, started, tag_len, tag_set;
    uint8_t buf[16];            /* block modes: input not yet processed */
    size_t pending;
    uint8_t iv[16], stream[16]; /* CBC/CFB/OFB: the chaining value; CTR: the counter block and its keystream */
    size_t off;
    uint8_t tag[16];
    union {
        mbedtls_aes_context aes;
        mbedtls_gcm_context gcm;
        mbedtls_chacha20_context chacha;
        mbedtls_chachapoly_context chachapoly;
    } u;
};

static JSClassID cipher_class;

static void cipher_free(JSRuntime *rt, struct cipher *c) {
    if (c->mode == M_GCM) mbedtls_gcm_free(&c->u.gcm);
    glue_free_secret(rt, c, sizeof *c);
}

static void cipher_finalizer(JSRuntime *rt, JSValue val) {
    struct cipher *c = JS_GetOpaque(val, cipher_class);
    if (c) cipher_free(rt, c);
}

static int is_block_mode(int mode) { return mode == M_ECB || mode == M_CBC; }

/* hal.cryptoCipher(mode, encrypt, key, iv, tagLength) */
static JSValue hal_crypto_cipher(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t mode, tag_len;
    if (glue_int(ctx, argv[0], 0, M_COUNT - 1, &mode, "cipher mode") ||
        glue_int(ctx, argv[4], 0, 16, &tag_len, "tag length")) return JS_EXCEPTION;
    int encrypt = JS_ToBool(ctx, argv[1]);
    if (encrypt < 0) return JS_EXCEPTION;
    size_t klen, ivlen = 0;
    const uint8_t *key = glue_bytes(ctx, argv[2], &klen);
    if (!key) return JS_EXCEPTION;
    const uint8_t *iv = NULL;
    if (!JS_IsNull(argv[3]) && !JS_IsUndefined(argv[3]) && !(iv = glue_bytes(ctx, argv[3], &ivlen))) return JS_EXCEPTION;

    int aes = mode != M_CHACHA20 && mode != M_CHACHAPOLY;
    if (aes ? klen != 16 && klen != 24 && klen != 32 : klen != 32) return JS_ThrowRangeError(ctx, "cipher: key length");
    size_t want_iv = mode == M_ECB ? 0 : mode == M_CHACHAPOLY ? 12 : 16;
    if (mode == M_GCM ? ivlen == 0 : ivlen != want_iv) return JS_ThrowRangeError(ctx, "cipher: IV length");

    struct cipher *c = js_mallocz(ctx, sizeof *c);
    if (!c) return JS_EXCEPTION;
    c->mode = (uint8_t)mode;
    c->encrypt = (uint8_t)encrypt;
    c->padding = 1;
    c->tag_len = (uint8_t)(tag_len ? tag_len : 16);
    int err = 0;
    switch (mode) {
    case M_ECB: case M_CBC:
        mbedtls_aes_init(&c->u.aes);
        err = encrypt ? mbedtls_aes_setkey_enc(&c->u.aes, key, (unsigned)klen * 8)
                      : mbedtls_aes_setkey_dec(&c->u.aes, key, (unsigned)klen * 8);
        if (iv) memcpy(c->iv, iv, ivlen);
        break;
    case M_CTR: case M_CFB: case M_CFB8: case M_OFB:
        mbedtls_aes_init(&c->u.aes);
        err = mbedtls_aes_setkey_enc(&c->u.aes, key, (unsigned)klen * 8);
        memcpy(c->iv, iv, 16);
        break;
    case M_GCM:
        mbedtls_gcm_init(&c->u.gcm);
        err = mbedtls_gcm_setkey(&c->u.gcm, MBEDTLS_CIPHER_ID_AES, key, (unsigned)klen * 8);
        if (!err) err = mbedtls_gcm_starts(&c->u.gcm, encrypt ? MBEDTLS_GCM_ENCRYPT : MBEDTLS_GCM_DECRYPT, iv, ivlen);
        break;
    case M_CHACHA20: {
        uint32_t counter = (uint32_t)iv[0] | (uint32_t)iv[1] << 8 | (uint32_t)iv[2] << 16 | (uint32_t)iv[3] << 24;
        mbedtls_chacha20_init(&c->u.chacha);
        err = mbedtls_chacha20_setkey(&c->u.chacha, key);
        if (!err) err = mbedtls_chacha20_starts(&c->u.chacha, iv + 4, counter);
        break;
    }
    case M_CHACHAPOLY:
        mbedtls_chachapoly_init(&c->u.chachapoly);
        err = mbedtls_chachapoly_setkey(&c->u.chachapoly, key);
        if (!err) err = mbedtls_chachapoly_starts(&c->u.chachapoly, iv,
                                                  encrypt ? MBEDTLS_CHACHAPOLY_ENCRYPT : MBEDTLS_CHACHAPOLY_DECRYPT);
        break;
    }
    if (err) {
        cipher_free(JS_GetRuntime(ctx), c);
        return glue_throw_mbedtls(ctx, "cipher set-up", err);
    }
    JSValue obj = JS_NewObjectClass(ctx, (int)cipher_class);
    if (JS_IsException(obj)) { cipher_free(JS_GetRuntime(ctx), c); return obj; }
    JS_SetOpaque(obj, c);
    return obj;
}

static struct cipher *cipher_of(JSContext *ctx, JSValueConst this_val) {
    struct cipher *c = JS_GetOpaque2(ctx, this_val, cipher_class);
    if (c && c->finished) { JS_ThrowTypeError(ctx, "cipher: already finished"); return NULL; }
    return c;
}

/* One ECB/CBC step over whole blocks (len a multiple of 16). */
static int block_crypt(struct cipher *c, const uint8_t *in, uint8_t *out, size_t len) {
    int mode = c->encrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT;
    if (c->mode == M_CBC) return mbedtls_aes_crypt_cbc(&c->u.aes, mode, len, c->iv, in, out);
    for (size_t i = 0; i < len; i += 16) {
        int err = mbedtls_aes_crypt_ecb(&c->u.aes, mode, in + i, out + i);
        if (err) return err;
    }
    return 0;
}

/* The stream modes: output as long as the input. */
static int stream_crypt(struct cipher *c, const uint8_t *in, uint8_t *out, size_t n) {
    int dir = c->encrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT;
    size_t olen;
    switch (c->mode) {
    case M_CTR: return mbedtls_aes_crypt_ctr(&c->u.aes, n, &c->off, c->iv, c->stream, in, out);
    case M_CFB: return mbedtls_aes_crypt_cfb128(&c->u.aes, dir, n, &c->off, c->iv, in, out);
    case M_CFB8: return mbedtls_aes_crypt_cfb8(&c->u.aes, dir, n, c->iv, in, out);
    case M_OFB: return mbedtls_aes_crypt_ofb(&c->u.aes, n, &c->off, c->iv, in, out);
    case M_GCM: return mbedtls_gcm_update(&c->u.gcm, in, n, out, n, &olen);
    case M_CHACHA20: return mbedtls_chacha20_update(&c->u.chacha, n, in, out);
    case M_CHACHAPOLY: return mbedtls_chachapoly_update(&c->u.chachapoly, n, in, out);
    }
    return -1;
}

static JSValue cipher_update(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct cipher *c = cipher_of(ctx, this_val);
    if (!c) return JS_EXCEPTION;
    size_t n;
    const uint8_t *in = glue_bytes(ctx, argv[0], &n);
    if (!in) return JS_EXCEPTION;
    c->started = 1;
    size_t outlen = n;
    if (is_block_mode(c->mode)) {
        size_t total = c->pending + n;
        /* Decrypting with padding keeps the last whole block back: final() checks and strips the padding. */
        outlen = !c->encrypt && c->padding ? (total ? (total - 1) / 16 * 16 : 0) : total / 16 * 16;
    }
    uint8_t *out = js_malloc(ctx, outlen ? outlen : 1);
    if (!out) return JS_EXCEPTION;
    int err = 0;
    if (!is_block_mode(c->mode)) {
        err = stream_crypt(c, in, out, n);
    } else {
        uint8_t *o = out;
        size_t need = outlen;
        if (need > 0 && c->pending > 0) {               /* complete the block left from the last call */
            size_t take = 16 - c->pending;
            memcpy(c->buf + c->pending, in, take);
            in += take;
            n -= take;
            err = block_crypt(c, c->buf, o, 16);
            o += 16;
            need -= 16;
            c->pending = 0;
        }
        if (!err && need > 0) {
            err = block_crypt(c, in, o, need);
            in += need;
            n -= need;
        }
        memcpy(c->buf + c->pending, in, n);             /* at most one block is left over */
        c->pending += n;
    }
    if (err) {
        glue_free_secret(JS_GetRuntime(ctx), out, outlen);
        return glue_throw_mbedtls(ctx, "cipher update", err);
    }
    return glue_buffer(ctx, out, outlen, 1);
}

static JSValue block_final(JSContext *ctx, struct cipher *c) {
    uint8_t block[16];
    if (c->encrypt) {
        if (!c->padding) return c->pending ? JS_NewInt32(ctx, FAIL_BLOCK_LENGTH) : JS_NewArrayBuffer(ctx, NULL, 0, NULL, NULL, 0);
        uint8_t pad = (uint8_t)(16 - c->pending);                  /* PKCS#7: 1..16 bytes of the pad length */
        memset(c->buf + c->pending, pad, pad);
        int err = block_crypt(c, c->buf, block, 16);
        if (err) return glue_throw_mbedtls(ctx, "cipher final", err);
        return glue_buffer(ctx, block, 16, 0);
    }
    if (!c->padding) return c->pending ? JS_NewInt32(ctx, FAIL_BLOCK_LENGTH) : JS_NewArrayBuffer(ctx, NULL, 0, NULL, NULL, 0);
    if (c->pending != 16) return JS_NewInt32(ctx, FAIL_BLOCK_LENGTH);
    int err = block_crypt(c, c->buf, block, 16);
    if (err) return glue_throw_mbedtls(ctx, "cipher final", err);
    uint8_t pad = block[15], bad = (uint8_t)(pad == 0 || pad > 16);
    for (int i = 0; i < 16; i++) bad |= (uint8_t)((i >= 16 - pad) & (block[i] != pad));
    JSValue r = bad ? JS_NewInt32(ctx, FAIL_BAD_DECRYPT) : glue_buffer(ctx, block, 16 - (size_t)pad, 0);
    mbedtls_platform_zeroize(block, sizeof block);
    return r;
}

static JSValue cipher_final(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct cipher *c = cipher_of(ctx, this_val);
    if (!c) return JS_EXCEPTION;
    c->finished = 1;
    if (is_block_mode(c->mode)) return block_final(ctx, c);
    uint8_t tag[16];
    int err = 0;
    size_t olen;
    if (c->mode == M_GCM) err = mbedtls_gcm_finish(&c->u.gcm, NULL, 0, &olen, tag, 16);
    else if (c->mode == M_CHACHAPOLY) err = mbedtls_chachapoly_finish(&c->u.chachapoly, tag);
    else return JS_NewArrayBuffer(ctx, NULL, 0, NULL, NULL, 0);
    if (err) return glue_throw_mbedtls(ctx, "cipher final", err);
    if (c->encrypt) {
        memcpy(c->tag, tag, 16);
        c->tag_set = 1;
    } else if (!c->tag_set || mbedtls_ct_memcmp(tag, c->tag, c->tag_len) != 0) {
        return JS_NewInt32(ctx, FAIL_AUTH);
    }
    return JS_NewArrayBuffer(ctx, NULL, 0, NULL, NULL, 0);
}

static JSValue cipher_set_padding(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct cipher *c = cipher_of(ctx, this_val);
    if (!c) return JS_EXCEPTION;
    int on = JS_ToBool(ctx, argv[0]);
    if (on < 0) return JS_EXCEPTION;
    c->padding = (uint8_t)on;
    return JS_UNDEFINED;
}

static JSValue cipher_set_aad(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct cipher *c = cipher_of(ctx, this_val);
    if (!c) return JS_EXCEPTION;
    size_t n;
    const uint8_t *p = glue_bytes(ctx, argv[0], &n);
    if (!p) return JS_EXCEPTION;
    if (c->started) return JS_ThrowTypeError(ctx, "cipher: AAD after data");
    int err;
    if (c->mode == M_GCM) err = mbedtls_gcm_update_ad(&c->u.gcm, p, n);
    else if (c->mode == M_CHACHAPOLY) err = mbedtls_chachapoly_update_aad(&c->u.chachapoly, p, n);
    else return JS_ThrowTypeError(ctx, "cipher: AAD in a mode without authentication");
    if (err) return glue_throw_mbedtls(ctx, "cipher AAD", err);
    return JS_UNDEFINED;
}

static JSValue cipher_tag(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct cipher *c = JS_GetOpaque2(ctx, this_val, cipher_class);
    if (!c) return JS_EXCEPTION;
    if (!c->encrypt || !c->finished || !c->tag_set) return JS_ThrowTypeError(ctx, "cipher: no tag yet");
    return glue_buffer(ctx, c->tag, c->tag_len, 0);
}

static JSValue cipher_set_tag(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct cipher *c = cipher_of(ctx, this_val);
    if (!c) return JS_EXCEPTION;
    size_t n;
    const uint8_t *p = glue_bytes(ctx, argv[0], &n);
    if (!p) return JS_EXCEPTION;
    if (c->encrypt || (c->mode != M_GCM && c->mode != M_CHACHAPOLY)) return JS_ThrowTypeError(ctx, "cipher: no tag to set");
    if (n < 1 || n > 16) return JS_ThrowRangeError(ctx, "cipher: tag length");
    memcpy(c->tag, p, n);
    c->tag_len = (uint8_t)n;
    c->tag_set = 1;
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry cipher_methods[] = {
    JS_CFUNC_DEF("update", 1, cipher_update),
    JS_CFUNC_DEF("final", 0, cipher_final),
    JS_CFUNC_DEF("setPadding", 1, cipher_set_padding),
    JS_CFUNC_DEF("setAAD", 1, cipher_set_aad),
    JS_CFUNC_DEF("tag", 0, cipher_tag),
    JS_CFUNC_DEF("setTag", 1, cipher_set_tag),
};

void glue_install_cipher(JSContext *ctx, JSValue hal) {
    glue_class(ctx, &cipher_class, "CryptoCipher", cipher_finalizer, cipher_methods,
               (int)(sizeof cipher_methods / sizeof cipher_methods[0]));
    JS_SetPropertyStr(ctx, hal, "cryptoCipher", JS_NewCFunction(ctx, hal_crypto_cipher, "cryptoCipher", 5));
}

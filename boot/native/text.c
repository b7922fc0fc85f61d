/* boot/native/text.c — string ⇄ bytes for the Node APIs (Buffer, TextEncoder/TextDecoder, http): UTF-8, Latin-1
 * and ASCII. The same conversions exist in TypeScript (libos/util/utf8.ts, the buffer package); these are the
 * engine's own fast paths, because the interpreter spends ~1 µs per character under TCG and an HTTP server
 * converts every head and body. Semantics are Node's / the WHATWG Encoding standard's:
 *   encode UTF-8: lone surrogates become U+FFFD (EF BF BD);
 *   encode Latin-1/ASCII: each UTF-16 code unit's low byte (Node's 'latin1', 'binary' and 'ascii' writes);
 *   decode UTF-8: each maximal invalid subsequence becomes one U+FFFD;
 *   decode Latin-1: byte = code point; decode ASCII: byte & 0x7f (Node's 'ascii').
 * Layer: native core (engine glue). */
#include <stdlib.h>
#include <string.h>
#include "engine.h"

enum { MODE_UTF8 = 0, MODE_LATIN1 = 1, MODE_ASCII = 2 };

/* Length of the UTF-8 sequence QuickJS wrote at p (its output is well formed, surrogates as 3-byte ED xx xx). */
static size_t seq_len(uint8_t b) { return b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4; }

/* QuickJS writes a lone surrogate as ED A0..BF xx (paired ones become one 4-byte sequence): make it U+FFFD. */
static void replace_lone_surrogates(uint8_t *p, size_t len) {
    for (size_t i = 0; i + 2 < len; i += seq_len(p[i])) {
        if (p[i] == 0xed && p[i + 1] >= 0xa0) { p[i] = 0xef; p[i + 1] = 0xbf; p[i + 2] = 0xbd; }
    }
}

/* Encodes the UTF-8 text `u` (len bytes, from QuickJS) into `out` (capacity cap) as `mode`, whole characters only.
 * Returns the bytes written. */
static size_t encode(const uint8_t *u, size_t len, int mode, uint8_t *out, size_t cap) {
    size_t w = 0;
    for (size_t i = 0; i < len;) {
        size_t n = seq_len(u[i]);
        if (i + n > len) break;
        if (mode == MODE_UTF8) {
            if (w + n > cap) break;
            memcpy(out + w, u + i, n);
            if (n == 3 && u[i] == 0xed && u[i + 1] >= 0xa0) { out[w] = 0xef; out[w + 1] = 0xbf; out[w + 2] = 0xbd; }
            w += n;
        } else {
            uint32_t c = n == 1 ? u[i] : n == 2 ? (uint32_t)(u[i] & 0x1f) << 6 | (u[i + 1] & 0x3f)
                       : n == 3 ? (uint32_t)(u[i] & 0x0f) << 12 | (uint32_t)(u[i + 1] & 0x3f) << 6 | (u[i + 2] & 0x3f)
                       : (uint32_t)(u[i] & 0x07) << 18 | (uint32_t)(u[i + 1] & 0x3f) << 12 | (uint32_t)(u[i + 2] & 0x3f) << 6 | (u[i + 3] & 0x3f);
            if (c >= 0x10000) {                     /* two UTF-16 code units: each one's low byte */
                if (w + 2 > cap) break;
                c -= 0x10000;
                out[w] = (uint8_t)(0xd800 + (c >> 10));
                out[w + 1] = (uint8_t)(0xdc00 + (c & 0x3ff));
                w += 2;
            } else {
                if (w + 1 > cap) break;
                out[w] = (uint8_t)c;
                w += 1;
            }
        }
        i += n;
    }
    return w;
}

static int get_mode(JSContext *ctx, JSValueConst v, int *mode) {
    int32_t m;
    if (JS_ToInt32(ctx, &m, v)) return -1;
    if (m < MODE_UTF8 || m > MODE_ASCII) { JS_ThrowRangeError(ctx, "unknown text mode %d", m); return -1; }
    *mode = m;
    return 0;
}

/* hal.textEncode(string, mode) → ArrayBuffer with the encoded bytes. */
static JSValue hal_text_encode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int mode;
    if (get_mode(ctx, argv[1], &mode)) return JS_EXCEPTION;
    size_t len;
    const char *u = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!u) return JS_EXCEPTION;
    JSValue ab;
    if (mode == MODE_UTF8) {
        replace_lone_surrogates((uint8_t *)u, len);     /* our own copy: QuickJS allocated it for us */
        ab = JS_NewArrayBufferCopy(ctx, (const uint8_t *)u, len);
    } else {
        /* One pass: a UTF-8 sequence of k bytes gives at most k Latin-1 bytes (1, 1, 1 or 2 for k = 1..4). */
        uint8_t *tmp = malloc(len ? len : 1);
        if (!tmp) { JS_FreeCString(ctx, u); return JS_ThrowOutOfMemory(ctx); }
        size_t n = encode((const uint8_t *)u, len, mode, tmp, len);
        ab = JS_NewArrayBufferCopy(ctx, tmp, n);
        free(tmp);
    }
    JS_FreeCString(ctx, u);
    return ab;
}

/* hal.textEncodeInto(string, dest, start, end, mode) → bytes written into dest[start..end) (whole characters). */
static JSValue hal_text_encode_into(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int mode;
    int64_t start, end;
    /* Every conversion (which could run user code and detach the buffer) before the bytes are borrowed. */
    if (JS_ToInt64(ctx, &start, argv[2]) || JS_ToInt64(ctx, &end, argv[3]) || get_mode(ctx, argv[4], &mode)) return JS_EXCEPTION;
    size_t len;
    const char *u = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!u) return JS_EXCEPTION;
    size_t dlen;
    uint8_t *dest = hal_typed_bytes(ctx, argv[1], &dlen);
    if (!dest) { JS_FreeCString(ctx, u); return JS_EXCEPTION; }
    if (start < 0 || end < start || (uint64_t)end > dlen) {
        JS_FreeCString(ctx, u);
        return JS_ThrowRangeError(ctx, "textEncodeInto: range outside the array");
    }
    size_t w = encode((const uint8_t *)u, len, mode, dest + start, (size_t)(end - start));
    JS_FreeCString(ctx, u);
    return JS_NewInt64(ctx, (int64_t)w);
}

/* hal.textLength(string) → its UTF-8 length in bytes (lone surrogates count 3, as U+FFFD). */
static JSValue hal_text_length(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t len;
    const char *u = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!u) return JS_EXCEPTION;
    JS_FreeCString(ctx, u);
    return JS_NewInt64(ctx, (int64_t)len);
}

/* WHATWG UTF-8 decode of p[0..n) into well-formed UTF-8 at out (capacity 3n suffices). Returns bytes written. */
static size_t sanitize_utf8(const uint8_t *p, size_t n, uint8_t *out) {
    size_t w = 0, i = 0;
    while (i < n) {
        uint8_t b = p[i];
        if (b < 0x80) { out[w++] = b; i++; continue; }
        size_t need;
        uint8_t lo = 0x80, hi = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) need = 1;
        else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b == 0xe0) lo = 0xa0; if (b == 0xed) hi = 0x9f; }
        else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b == 0xf0) lo = 0x90; if (b == 0xf4) hi = 0x8f; }
        else { out[w++] = 0xef; out[w++] = 0xbf; out[w++] = 0xbd; i++; continue; }
        size_t j = i + 1, k = 0;
        for (; k < need && j < n; k++, j++) {
            uint8_t c = p[j];
            if (c < (k == 0 ? lo : 0x80) || c > (k == 0 ? hi : 0xbf)) break;
        }
        if (k == need) { memcpy(out + w, p + i, need + 1); w += need + 1; }
        else { out[w++] = 0xef; out[w++] = 0xbf; out[w++] = 0xbd; }   /* the maximal subpart; c is read again */
        i = j;
    }
    return w;
}

/* hal.textDecode(bytes, start, end, mode) → the string that bytes[start..end) encode. */
static JSValue hal_text_decode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int mode;
    int64_t start, end;
    if (JS_ToInt64(ctx, &start, argv[1]) || JS_ToInt64(ctx, &end, argv[2]) || get_mode(ctx, argv[3], &mode)) return JS_EXCEPTION;
    size_t len;
    const uint8_t *src = hal_typed_bytes(ctx, argv[0], &len);      /* borrowed after the conversions above */
    if (!src) return JS_EXCEPTION;
    if (start < 0 || end < start || (uint64_t)end > len) return JS_ThrowRangeError(ctx, "textDecode: range outside the array");
    const uint8_t *p = src + start;
    size_t n = (size_t)(end - start), i = 0;
    while (i < n && p[i] < 0x80) i++;
    if (i == n) return JS_NewStringLen(ctx, (const char *)p, n);      /* ASCII: the common case, no copy */
    uint8_t *tmp = malloc(n * 3);
    if (!tmp) return JS_ThrowOutOfMemory(ctx);
    size_t w;
    if (mode == MODE_UTF8) {
        w = sanitize_utf8(p, n, tmp);
    } else {
        w = 0;
        for (i = 0; i < n; i++) {
            uint8_t b = mode == MODE_ASCII ? (uint8_t)(p[i] & 0x7f) : p[i];
            if (b < 0x80) tmp[w++] = b;
            else { tmp[w++] = (uint8_t)(0xc0 | (b >> 6)); tmp[w++] = (uint8_t)(0x80 | (b & 0x3f)); }
        }
    }
    JSValue s = JS_NewStringLen(ctx, (const char *)tmp, w);
    free(tmp);
    return s;
}

static const JSCFunctionListEntry text_funcs[] = {
    JS_CFUNC_DEF("textEncode", 2, hal_text_encode),
    JS_CFUNC_DEF("textEncodeInto", 5, hal_text_encode_into),
    JS_CFUNC_DEF("textLength", 1, hal_text_length),
    JS_CFUNC_DEF("textDecode", 4, hal_text_decode),
};

void hal_install_text(JSContext *ctx, JSValue hal) {
    JS_SetPropertyFunctionList(ctx, hal, text_funcs, sizeof text_funcs / sizeof text_funcs[0]);
}

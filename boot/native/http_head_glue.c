/* boot/native/http_head_glue.c — hal.httpHead(bytes, start, end, response, limit, out) → number and
 * hal.httpHeadStrings(bytes, out) → string[]: the HTTP/1 head scanner (http_head.c) for libos/http/parser.ts.
 * httpHead scans one message head in bytes[start..end) and fills the Int32Array `out` (layout in http_head.h):
 * > 0 complete (the offset after the head), 0 incomplete, < 0 an HH_* error. httpHeadStrings then makes the
 * header names and values and the target (or reason) as latin1 strings in one call: [name, value, ..., text]
 * (the caller pop()s the text and keeps the rest as rawHeaders).
 * Linked only into images whose bundle uses libos/http/native_head.ts (boot/native/libs/http_head.mk).
 * Layer: native core (an engine primitive, like onesSum). */
#include <stdlib.h>
#include "engine.h"
#include "http_head.h"

static JSValue hal_http_head(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t start, end;
    int32_t response;
    double limit_d;
    /* converted first: valueOf could detach the buffers borrowed below */
    if (JS_ToInt64(ctx, &start, argv[1]) || JS_ToInt64(ctx, &end, argv[2]) || JS_ToInt32(ctx, &response, argv[3]) ||
        JS_ToFloat64(ctx, &limit_d, argv[4])) return JS_EXCEPTION;
    int64_t limit = http_head_limit(limit_d);
    size_t len, out_bytes;
    const uint8_t *p = hal_typed_bytes(ctx, argv[0], &len);
    if (!p) return JS_EXCEPTION;
    int32_t *out = (int32_t *)hal_typed_bytes(ctx, argv[5], &out_bytes);
    if (!out) return JS_EXCEPTION;
    if (start < 0 || end < start || (uint64_t)end > len || end > INT32_MAX) return JS_ThrowRangeError(ctx, "httpHead: range outside the array");
    if (out_bytes / 4 < HH_FIELDS || ((uintptr_t)out & 3)) return JS_ThrowRangeError(ctx, "httpHead: out is not an Int32Array of 9 or more");
    return JS_NewInt32(ctx, http_head_scan(p, (size_t)start, (size_t)end, response, limit, out, out_bytes / 4));
}

/* The latin1 string p[a..b). */
static JSValue latin1(JSContext *ctx, const uint8_t *p, int32_t a, int32_t b) {
    size_t n = (size_t)(b - a), i = 0;
    p += a;
    while (i < n && p[i] < 0x80) i++;
    if (i == n) return JS_NewStringLen(ctx, (const char *)p, n);
    uint8_t *tmp = malloc(n * 2);
    if (!tmp) return JS_ThrowOutOfMemory(ctx);
    size_t w = 0;
    for (i = 0; i < n; i++) {
        if (p[i] < 0x80) tmp[w++] = p[i];
        else { tmp[w++] = (uint8_t)(0xc0 | (p[i] >> 6)); tmp[w++] = (uint8_t)(0x80 | (p[i] & 0x3f)); }
    }
    JSValue s = JS_NewStringLen(ctx, (const char *)tmp, w);
    free(tmp);
    return s;
}

static JSValue hal_http_head_strings(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t len, out_bytes;
    const uint8_t *p = hal_typed_bytes(ctx, argv[0], &len);
    if (!p) return JS_EXCEPTION;
    const int32_t *out = (const int32_t *)hal_typed_bytes(ctx, argv[1], &out_bytes);
    if (!out) return JS_EXCEPTION;
    size_t slots = out_bytes / 4;
    if (slots < HH_FIELDS || ((uintptr_t)out & 3)) return JS_ThrowRangeError(ctx, "httpHeadStrings: out is not an Int32Array of 9 or more");
    int32_t count = out[HH_COUNT];
    if (count < 0 || (size_t)count > (slots - HH_FIELDS) / 4) return JS_ThrowRangeError(ctx, "httpHeadStrings: out holds no such head");
    for (int32_t i = 0; i < 2 + 4 * count; i += 2) {        /* every span lies in the array (out is JS-writable) */
        const int32_t *f = i < 2 ? out + HH_TEXT : out + HH_FIELDS + (i - 2);
        if (f[0] < 0 || f[1] < f[0] || (size_t)f[1] > len) return JS_ThrowRangeError(ctx, "httpHeadStrings: span outside the array");
    }
    JSValue arr = JS_NewArray(ctx);
    if (JS_IsException(arr)) return arr;
    JSValue s;
    for (int32_t i = 0; i < count; i++) {
        const int32_t *f = out + HH_FIELDS + 4 * i;
        s = latin1(ctx, p, f[0], f[1]);
        if (JS_IsException(s) || JS_SetPropertyUint32(ctx, arr, (uint32_t)(2 * i), s) < 0) goto fail;
        s = latin1(ctx, p, f[2], f[3]);
        if (JS_IsException(s) || JS_SetPropertyUint32(ctx, arr, (uint32_t)(2 * i + 1), s) < 0) goto fail;
    }
    s = latin1(ctx, p, out[HH_TEXT], out[HH_TEXT + 1]);
    if (JS_IsException(s) || JS_SetPropertyUint32(ctx, arr, (uint32_t)(2 * count), s) < 0) goto fail;
    return arr;
fail:
    JS_FreeValue(ctx, arr);
    return JS_EXCEPTION;
}

void hal_install_http_head(JSContext *ctx, JSValue hal) {
    JS_SetPropertyStr(ctx, hal, "httpHead", JS_NewCFunction(ctx, hal_http_head, "httpHead", 6));
    JS_SetPropertyStr(ctx, hal, "httpHeadStrings", JS_NewCFunction(ctx, hal_http_head_strings, "httpHeadStrings", 2));
}

/* boot/native/zlib_glue.c — node:zlib's deflate/inflate primitives over zlib 1.3.1 (boot/native/libs/zlib.mk), installed
 * on `hal` by hal_install_zlib (engine.c calls it through a weak reference: images whose bundle has no libos/zlib
 * code outside libos/zlib/brotli* have none of this). Narrow on purpose: a stream object per z_stream and zlib's own
 * result codes; everything Node-shaped (modes, gzip multi-member input, unzip detection, dictionaries on Z_NEED_DICT,
 * error messages, flush policy) is TypeScript in libos/zlib (typed in libos/zlib/_native.ts).
 *   hal.zlibOpen(deflate, windowBits, level, memLevel, strategy) → ZlibStream, or zlib's error code (a number) when
 *     deflateInit2/inflateInit2 refuses. windowBits is zlib's (negative: raw, +16: gzip, +32: detect).
 *   stream.write(flush, in, inOff, inLen, out, outOff, outLen, state) → deflate()/inflate()'s result; writes
 *     [avail_out, avail_in] after the call into `state` (a Uint32Array of 2+).
 *   stream.setDictionary(bytes), stream.params(level, strategy), stream.reset() → zlib's result code.
 *   stream.message() → strm.msg (the last error's text) or null.   stream.close() frees the state (so does the GC).
 *   hal.zlibCrc32(crc, bytes, start, end) → zlib's CRC-32 of bytes[start..end) continuing from crc.
 * zlib's memory comes from the engine's allocator (js_malloc_rt), so it counts against the heap limit.
 * Layer: native core (library glue). */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "engine.h"
#include "zlib.h"

struct zstream {
    z_stream strm;
    int deflating;
    int open;                           /* deflateInit2/inflateInit2 succeeded and End has not run */
};

static JSClassID zstream_class;
static Bytef parked;                    /* where next_in/next_out point between calls: never at a JS buffer */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size) {
    if (size != 0 && items > SIZE_MAX / size) return Z_NULL;
    return js_malloc_rt(opaque, (size_t)items * size);
}

static void z_free(voidpf opaque, voidpf p) {
    js_free_rt(opaque, p);
}

static void zstream_end(struct zstream *z) {
    if (!z->open) return;
    if (z->deflating) deflateEnd(&z->strm);
    else inflateEnd(&z->strm);
    z->open = 0;
}

static void zstream_finalizer(JSRuntime *rt, JSValue val) {
    struct zstream *z = JS_GetOpaque(val, zstream_class);
    if (!z) return;
    zstream_end(z);
    js_free_rt(rt, z);
}

/* An integer argument in [min, max], converted before any buffer is borrowed (a valueOf could detach one). */
static int arg_int(JSContext *ctx, JSValueConst v, double min, double max, int64_t *out, const char *what) {
    double d;
    if (JS_ToFloat64(ctx, &d, v)) return -1;
    if (!isfinite(d) || d != floor(d) || d < min || d > max) {
        JS_ThrowRangeError(ctx, "zlib: %s out of range", what);
        return -1;
    }
    *out = (int64_t)d;
    return 0;
}

/* The bytes of a typed array, borrowed; NULL with an exception pending when it is not one. An empty array over an
 * ArrayBuffer without storage (the engine allows them) gives a pointer to no bytes. */
static uint8_t *borrow(JSContext *ctx, JSValueConst v, size_t *size) {
    uint8_t *p = hal_typed_bytes(ctx, v, size);
    if (!p && !JS_HasException(ctx)) {
        *size = 0;
        return &parked;
    }
    return p;
}

/* bytes[off..off+len) of a typed array, borrowed; NULL with an exception pending when it is not one or too short. */
static uint8_t *arg_range(JSContext *ctx, JSValueConst v, int64_t off, int64_t len, const char *what) {
    size_t size;
    uint8_t *p = borrow(ctx, v, &size);
    if (!p) return NULL;
    if ((uint64_t)off + (uint64_t)len > size) {
        JS_ThrowRangeError(ctx, "zlib: %s range outside the array", what);
        return NULL;
    }
    return p + off;
}

/* The stream behind `this`; NULL with an exception pending when it is not one or was closed. */
static struct zstream *this_stream(JSContext *ctx, JSValueConst this_val) {
    struct zstream *z = JS_GetOpaque2(ctx, this_val, zstream_class);
    if (z && !z->open) {
        JS_ThrowTypeError(ctx, "zlib: the stream is closed");
        return NULL;
    }
    return z;
}

static JSValue zs_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    int64_t flush, in_off, in_len, out_off, out_len;
    if (arg_int(ctx, argv[0], 0, Z_BLOCK, &flush, "flush") ||
        arg_int(ctx, argv[2], 0, UINT32_MAX, &in_off, "input offset") ||
        arg_int(ctx, argv[3], 0, UINT32_MAX, &in_len, "input length") ||
        arg_int(ctx, argv[5], 0, UINT32_MAX, &out_off, "output offset") ||
        arg_int(ctx, argv[6], 0, UINT32_MAX, &out_len, "output length"))
        return JS_EXCEPTION;
    struct zstream *z = this_stream(ctx, this_val);
    if (!z) return JS_EXCEPTION;
    uint8_t *in = arg_range(ctx, argv[1], in_off, in_len, "input");
    uint8_t *out = in ? arg_range(ctx, argv[4], out_off, out_len, "output") : NULL;
    uint8_t *state = out ? arg_range(ctx, argv[7], 0, 2 * sizeof(uint32_t), "state") : NULL;
    if (!state) return JS_EXCEPTION;
    z->strm.next_in = in;
    z->strm.avail_in = (uInt)in_len;
    z->strm.next_out = out;
    z->strm.avail_out = (uInt)out_len;
    int err = z->deflating ? deflate(&z->strm, (int)flush) : inflate(&z->strm, (int)flush);
    uint32_t result[2] = { z->strm.avail_out, z->strm.avail_in };
    memcpy(state, result, sizeof result);
    /* Calls without buffers (deflateParams flushes through deflate) must never write into a JS buffer that may be
     * gone: an empty output area that is not NULL makes them answer Z_BUF_ERROR, as an exhausted one would. */
    z->strm.next_in = &parked;
    z->strm.avail_in = 0;
    z->strm.next_out = &parked;
    z->strm.avail_out = 0;
    return JS_NewInt32(ctx, err);
}

static JSValue zs_set_dictionary(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    struct zstream *z = this_stream(ctx, this_val);
    if (!z) return JS_EXCEPTION;
    size_t len;
    const uint8_t *p = borrow(ctx, argv[0], &len);
    if (!p) return JS_EXCEPTION;
    if (len > UINT32_MAX) return JS_ThrowRangeError(ctx, "zlib: dictionary too large");
    int err = z->deflating ? deflateSetDictionary(&z->strm, p, (uInt)len) : inflateSetDictionary(&z->strm, p, (uInt)len);
    return JS_NewInt32(ctx, err);
}

static JSValue zs_params(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    int32_t level, strategy;
    if (JS_ToInt32(ctx, &level, argv[0]) || JS_ToInt32(ctx, &strategy, argv[1])) return JS_EXCEPTION;
    struct zstream *z = this_stream(ctx, this_val);
    if (!z) return JS_EXCEPTION;
    if (!z->deflating) return JS_ThrowTypeError(ctx, "zlib: params on an inflate stream");
    /* deflateParams runs deflate(Z_BLOCK) when data was deflated before. Node's binding leaves next_out where the last
     * write stopped, with room (node:zlib calls params() right after a completed sync flush), so that call gets past
     * the "no room" check to the "nothing to flush" one, which also records Z_BLOCK as the last flush. One parked
     * byte of room takes the same path here without pointing into any JS buffer. Had there been unflushed data,
     * deflate would have written into it: that output is lost, so the stream is refused from then on. */
    z->strm.next_out = &parked;
    z->strm.avail_out = 1;
    int err = deflateParams(&z->strm, level, strategy);
    if (z->strm.avail_out == 0) {
        zstream_end(z);
        err = Z_STREAM_ERROR;
    }
    z->strm.next_out = &parked;
    z->strm.avail_out = 0;
    return JS_NewInt32(ctx, err);
}

static JSValue zs_reset(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct zstream *z = this_stream(ctx, this_val);
    if (!z) return JS_EXCEPTION;
    return JS_NewInt32(ctx, z->deflating ? deflateReset(&z->strm) : inflateReset(&z->strm));
}

static JSValue zs_message(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct zstream *z = JS_GetOpaque2(ctx, this_val, zstream_class);
    if (!z) return JS_EXCEPTION;
    return z->open && z->strm.msg ? JS_NewString(ctx, z->strm.msg) : JS_NULL;
}

static JSValue zs_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct zstream *z = JS_GetOpaque2(ctx, this_val, zstream_class);
    if (!z) return JS_EXCEPTION;
    zstream_end(z);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry zstream_methods[] = {
    JS_CFUNC_DEF("write", 8, zs_write),
    JS_CFUNC_DEF("setDictionary", 1, zs_set_dictionary),
    JS_CFUNC_DEF("params", 2, zs_params),
    JS_CFUNC_DEF("reset", 0, zs_reset),
    JS_CFUNC_DEF("message", 0, zs_message),
    JS_CFUNC_DEF("close", 0, zs_close),
};

static JSValue hal_zlib_open(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int32_t window_bits, level, mem_level, strategy;
    int deflating = JS_ToBool(ctx, argv[0]);
    if (deflating < 0 || JS_ToInt32(ctx, &window_bits, argv[1]) || JS_ToInt32(ctx, &level, argv[2]) ||
        JS_ToInt32(ctx, &mem_level, argv[3]) || JS_ToInt32(ctx, &strategy, argv[4]))
        return JS_EXCEPTION;
    JSRuntime *rt = JS_GetRuntime(ctx);
    struct zstream *z = js_mallocz_rt(rt, sizeof *z);
    if (!z) return JS_ThrowOutOfMemory(ctx);
    z->strm.zalloc = z_alloc;
    z->strm.zfree = z_free;
    z->strm.opaque = rt;
    z->deflating = deflating;
    int err = deflating ? deflateInit2(&z->strm, level, Z_DEFLATED, window_bits, mem_level, strategy)
                        : inflateInit2(&z->strm, window_bits);
    if (err != Z_OK) {
        js_free_rt(rt, z);
        return JS_NewInt32(ctx, err);
    }
    z->open = 1;
    JSValue obj = JS_NewObjectClass(ctx, (int)zstream_class);
    if (JS_IsException(obj)) {
        zstream_end(z);
        js_free_rt(rt, z);
        return obj;
    }
    JS_SetOpaque(obj, z);
    return obj;
}

static JSValue hal_zlib_crc32(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    uint32_t crc;
    int64_t start, end;
    if (JS_ToUint32(ctx, &crc, argv[0]) || JS_ToInt64(ctx, &start, argv[2]) || JS_ToInt64(ctx, &end, argv[3]))
        return JS_EXCEPTION;
    size_t len;
    const uint8_t *p = borrow(ctx, argv[1], &len);
    if (!p) return JS_EXCEPTION;
    if (start < 0 || end < start || (uint64_t)end > len) return JS_ThrowRangeError(ctx, "zlibCrc32: range outside the array");
    return JS_NewUint32(ctx, (uint32_t)crc32_z(crc, p + start, (z_size_t)(end - start)));
}

void hal_install_zlib(JSContext *ctx, JSValue hal) {
    JSRuntime *rt = JS_GetRuntime(ctx);
    if (zstream_class == 0) JS_NewClassID(&zstream_class);
    if (!JS_IsRegisteredClass(rt, zstream_class)) {
        JSClassDef def = { .class_name = "ZlibStream", .finalizer = zstream_finalizer };
        JS_NewClass(rt, zstream_class, &def);
    }
    JSValue proto = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, proto, zstream_methods, sizeof zstream_methods / sizeof zstream_methods[0]);
    JS_SetClassProto(ctx, zstream_class, proto);
    JS_SetPropertyStr(ctx, hal, "zlibOpen", JS_NewCFunction(ctx, hal_zlib_open, "zlibOpen", 5));
    JS_SetPropertyStr(ctx, hal, "zlibCrc32", JS_NewCFunction(ctx, hal_zlib_crc32, "zlibCrc32", 4));
}

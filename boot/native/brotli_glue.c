/* boot/native/brotli_glue.c — node:zlib's Brotli primitives over brotli 1.1.0 (boot/native/libs/brotli.mk), installed on
 * `hal` by hal_install_brotli (engine.c calls it through a weak reference: only images whose bundle uses
 * libos/zlib/brotli* have it). Narrow on purpose: one object per encoder or decoder state and brotli's own results;
 * parameters, flush policy and Node's errors are TypeScript (libos/zlib/brotli*.ts, typed in libos/zlib/brotli_native.ts).
 *   hal.brotliEncoder() / hal.brotliDecoder() → BrotliEncoder / BrotliDecoder, or null when brotli cannot make one.
 *   x.setParameter(key, value) → whether brotli accepted it (BrotliEncoderSetParameter / BrotliDecoderSetParameter).
 *   x.write(op, in, inOff, inLen, out, outOff, outLen, state) → encoder: 1 or 0 (BrotliEncoderCompressStream's
 *     result); decoder: a BrotliDecoderResult (the operation is ignored). Writes [avail_out, avail_in] into `state`.
 *     `op` may be 0..5 as Node's binding allows (brotli treats 4 and 5 as BROTLI_OPERATION_PROCESS).
 *   decoder.errorCode() → BrotliDecoderGetErrorCode.   x.close() frees the state (so does the GC).
 *   hal.brotliErrorString(code) → BrotliDecoderErrorString(code).
 * Brotli's memory comes from the engine's allocator (js_malloc_rt), so it counts against the heap limit.
 * Layer: native core (library glue). */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "engine.h"
#include "brotli/decode.h"
#include "brotli/encode.h"

struct brotli {
    BrotliEncoderState *enc;
    BrotliDecoderState *dec;
};

static JSClassID encoder_class, decoder_class;
static uint8_t no_bytes;                /* what an empty array over an ArrayBuffer without storage points at */

static void *b_alloc(void *opaque, size_t size) {
    return js_malloc_rt(opaque, size);
}

static void b_free(void *opaque, void *p) {
    js_free_rt(opaque, p);
}

static void brotli_end(struct brotli *b) {
    if (b->enc) BrotliEncoderDestroyInstance(b->enc);
    if (b->dec) BrotliDecoderDestroyInstance(b->dec);
    b->enc = NULL;
    b->dec = NULL;
}

static void brotli_finalizer(JSRuntime *rt, JSValue val) {
    struct brotli *b = JS_GetOpaque(val, JS_GetClassID(val));
    if (!b) return;
    brotli_end(b);
    js_free_rt(rt, b);
}

static int arg_int(JSContext *ctx, JSValueConst v, double min, double max, int64_t *out, const char *what) {
    double d;
    if (JS_ToFloat64(ctx, &d, v)) return -1;
    if (!isfinite(d) || d != floor(d) || d < min || d > max) {
        JS_ThrowRangeError(ctx, "brotli: %s out of range", what);
        return -1;
    }
    *out = (int64_t)d;
    return 0;
}

/* bytes[off..off+len) of a typed array, borrowed; NULL with an exception pending when it is not one or too short. */
static uint8_t *arg_range(JSContext *ctx, JSValueConst v, int64_t off, int64_t len, const char *what) {
    size_t size;
    uint8_t *p = hal_typed_bytes(ctx, v, &size);
    if (!p) {
        if (JS_HasException(ctx)) return NULL;
        p = &no_bytes;
        size = 0;
    }
    if ((uint64_t)off + (uint64_t)len > size) {
        JS_ThrowRangeError(ctx, "brotli: %s range outside the array", what);
        return NULL;
    }
    return p + off;
}

/* The open state behind `this` (an encoder or a decoder as `class_id` says); NULL with an exception pending. */
static struct brotli *this_state(JSContext *ctx, JSValueConst this_val, JSClassID class_id) {
    struct brotli *b = JS_GetOpaque2(ctx, this_val, class_id);
    if (b && !b->enc && !b->dec) {
        JS_ThrowTypeError(ctx, "brotli: the stream is closed");
        return NULL;
    }
    return b;
}

static JSValue b_write(JSContext *ctx, JSValueConst this_val, JSValueConst *argv, JSClassID class_id) {
    int64_t op, in_off, in_len, out_off, out_len;
    if (arg_int(ctx, argv[0], 0, 5, &op, "operation") ||
        arg_int(ctx, argv[2], 0, UINT32_MAX, &in_off, "input offset") ||
        arg_int(ctx, argv[3], 0, UINT32_MAX, &in_len, "input length") ||
        arg_int(ctx, argv[5], 0, UINT32_MAX, &out_off, "output offset") ||
        arg_int(ctx, argv[6], 0, UINT32_MAX, &out_len, "output length"))
        return JS_EXCEPTION;
    struct brotli *b = this_state(ctx, this_val, class_id);
    if (!b) return JS_EXCEPTION;
    const uint8_t *in = arg_range(ctx, argv[1], in_off, in_len, "input");
    uint8_t *out = in ? arg_range(ctx, argv[4], out_off, out_len, "output") : NULL;
    uint8_t *state = out ? arg_range(ctx, argv[7], 0, 2 * sizeof(uint32_t), "state") : NULL;
    if (!state) return JS_EXCEPTION;
    size_t avail_in = (size_t)in_len, avail_out = (size_t)out_len;
    int result;
    if (b->enc)
        result = BrotliEncoderCompressStream(b->enc, (BrotliEncoderOperation)op, &avail_in, &in, &avail_out, &out, NULL);
    else
        result = BrotliDecoderDecompressStream(b->dec, &avail_in, &in, &avail_out, &out, NULL);
    uint32_t after[2] = { (uint32_t)avail_out, (uint32_t)avail_in };
    memcpy(state, after, sizeof after);
    return JS_NewInt32(ctx, result);
}

static JSValue enc_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    return b_write(ctx, this_val, argv, encoder_class);
}

static JSValue dec_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    return b_write(ctx, this_val, argv, decoder_class);
}

static JSValue b_set_parameter(JSContext *ctx, JSValueConst this_val, JSValueConst *argv, JSClassID class_id) {
    int64_t key, value;
    if (arg_int(ctx, argv[0], 0, INT32_MAX, &key, "parameter") || arg_int(ctx, argv[1], 0, UINT32_MAX, &value, "value"))
        return JS_EXCEPTION;
    struct brotli *b = this_state(ctx, this_val, class_id);
    if (!b) return JS_EXCEPTION;
    BROTLI_BOOL ok = b->enc ? BrotliEncoderSetParameter(b->enc, (BrotliEncoderParameter)key, (uint32_t)value)
                            : BrotliDecoderSetParameter(b->dec, (BrotliDecoderParameter)key, (uint32_t)value);
    return JS_NewBool(ctx, ok);
}

static JSValue enc_set_parameter(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    return b_set_parameter(ctx, this_val, argv, encoder_class);
}

static JSValue dec_set_parameter(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc;
    return b_set_parameter(ctx, this_val, argv, decoder_class);
}

static JSValue dec_error_code(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct brotli *b = this_state(ctx, this_val, decoder_class);
    if (!b) return JS_EXCEPTION;
    return JS_NewInt32(ctx, (int32_t)BrotliDecoderGetErrorCode(b->dec));
}

static JSValue b_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)argc; (void)argv;
    struct brotli *b = JS_GetOpaque(this_val, encoder_class);
    if (!b) b = JS_GetOpaque2(ctx, this_val, decoder_class);
    if (!b) return JS_EXCEPTION;
    brotli_end(b);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry encoder_methods[] = {
    JS_CFUNC_DEF("write", 8, enc_write),
    JS_CFUNC_DEF("setParameter", 2, enc_set_parameter),
    JS_CFUNC_DEF("close", 0, b_close),
};

static const JSCFunctionListEntry decoder_methods[] = {
    JS_CFUNC_DEF("write", 8, dec_write),
    JS_CFUNC_DEF("setParameter", 2, dec_set_parameter),
    JS_CFUNC_DEF("errorCode", 0, dec_error_code),
    JS_CFUNC_DEF("close", 0, b_close),
};

static JSValue b_new(JSContext *ctx, int encoder) {
    JSRuntime *rt = JS_GetRuntime(ctx);
    struct brotli *b = js_mallocz_rt(rt, sizeof *b);
    if (!b) return JS_ThrowOutOfMemory(ctx);
    if (encoder) b->enc = BrotliEncoderCreateInstance(b_alloc, b_free, rt);
    else b->dec = BrotliDecoderCreateInstance(b_alloc, b_free, rt);
    if (!b->enc && !b->dec) {
        js_free_rt(rt, b);
        return JS_NULL;
    }
    JSValue obj = JS_NewObjectClass(ctx, (int)(encoder ? encoder_class : decoder_class));
    if (JS_IsException(obj)) {
        brotli_end(b);
        js_free_rt(rt, b);
        return obj;
    }
    JS_SetOpaque(obj, b);
    return obj;
}

static JSValue hal_brotli_encoder(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return b_new(ctx, 1);
}

static JSValue hal_brotli_decoder(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return b_new(ctx, 0);
}

static JSValue hal_brotli_error_string(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int32_t code;
    if (JS_ToInt32(ctx, &code, argv[0])) return JS_EXCEPTION;
    return JS_NewString(ctx, BrotliDecoderErrorString((BrotliDecoderErrorCode)code));
}

static void define_class(JSContext *ctx, JSClassID *id, const char *name, const JSCFunctionListEntry *methods, int count) {
    JSRuntime *rt = JS_GetRuntime(ctx);
    if (*id == 0) JS_NewClassID(id);
    if (!JS_IsRegisteredClass(rt, *id)) {
        JSClassDef def = { .class_name = name, .finalizer = brotli_finalizer };
        JS_NewClass(rt, *id, &def);
    }
    JSValue proto = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, proto, methods, count);
    JS_SetClassProto(ctx, *id, proto);
}

void hal_install_brotli(JSContext *ctx, JSValue hal) {
    define_class(ctx, &encoder_class, "BrotliEncoder", encoder_methods, sizeof encoder_methods / sizeof encoder_methods[0]);
    define_class(ctx, &decoder_class, "BrotliDecoder", decoder_methods, sizeof decoder_methods / sizeof decoder_methods[0]);
    JS_SetPropertyStr(ctx, hal, "brotliEncoder", JS_NewCFunction(ctx, hal_brotli_encoder, "brotliEncoder", 0));
    JS_SetPropertyStr(ctx, hal, "brotliDecoder", JS_NewCFunction(ctx, hal_brotli_decoder, "brotliDecoder", 0));
    JS_SetPropertyStr(ctx, hal, "brotliErrorString", JS_NewCFunction(ctx, hal_brotli_error_string, "brotliErrorString", 1));
}

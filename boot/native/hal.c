/* boot/native/hal.c — the `hal` global: the native primitives under kernel/platform.ts (typed there).
 * Layer: native core. Each function does one hardware or engine thing; policy lives in TypeScript. */
#include <string.h>
#include "app_image.h"
#include "engine.h"
#include "kernel.h"

static JSValue hal_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s) return JS_EXCEPTION;
    serial_write(s, len);
    JS_FreeCString(ctx, s);
    return JS_UNDEFINED;
}

static JSValue hal_exit(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int32_t code = 0;
    if (JS_ToInt32(ctx, &code, argv[0])) return JS_EXCEPTION;
    code &= 0xff;
    if (code > EXIT_APP_MAX) {
        kprintf("[unijs] exit code %d does not fit the exit device; exiting with %d\n", code, EXIT_APP_MAX);
        code = EXIT_APP_MAX;
    }
    kernel_exit(code);
}

/* Runs every pending promise job; rethrows the first exception a job raised. Returns the number run. */
static JSValue hal_run_jobs(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    JSContext *job_ctx;
    int n = 0, r;
    while ((r = JS_ExecutePendingJob(JS_GetRuntime(ctx), &job_ctx)) > 0) n++;
    if (r < 0) return JS_Throw(ctx, JS_GetException(job_ctx));
    return JS_NewInt32(ctx, n);
}

static JSValue hal_take_rejections(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return engine_take_rejections(ctx);
}

static JSValue app_string(JSContext *ctx, uint32_t off, uint32_t len) {
    if ((uint64_t)off + len > app_header()->total_len) return JS_ThrowRangeError(ctx, "app image section out of range");
    return JS_NewStringLen(ctx, (const char *)unijs_app + off, len);
}

static JSValue hal_config(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return app_string(ctx, app_header()->config_off, app_header()->config_len);
}

static JSValue hal_line_map(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return app_string(ctx, app_header()->linemap_off, app_header()->linemap_len);
}

static JSValue hal_memory_usage(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    JSMemoryUsage mu;
    JS_ComputeMemoryUsage(JS_GetRuntime(ctx), &mu);
    JSValue o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "heapUsed", JS_NewFloat64(ctx, (double)mu.malloc_size));
    JS_SetPropertyStr(ctx, o, "heapLimit", JS_NewFloat64(ctx, (double)mu.malloc_limit));
    JS_SetPropertyStr(ctx, o, "objects", JS_NewFloat64(ctx, (double)mu.obj_count));
    JS_SetPropertyStr(ctx, o, "rss", JS_NewFloat64(ctx, (double)memory_used_bytes()));
    JS_SetPropertyStr(ctx, o, "totalMemory", JS_NewFloat64(ctx, (double)memory_total_bytes()));
    return o;
}

/* Monotonic milliseconds since boot (fractional), from the calibrated TSC. */
static JSValue hal_now(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_NewFloat64(ctx, (double)clock_monotonic_ns() / 1e6);
}

/* Wall-clock milliseconds since the epoch: the RTC at boot plus the TSC since. */
static JSValue hal_wall_clock(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_NewFloat64(ctx, (double)clock_realtime_ns() / 1e6);
}

static const JSCFunctionListEntry hal_functions[] = {
    JS_CFUNC_DEF("write", 1, hal_write),
    JS_CFUNC_DEF("exit", 1, hal_exit),
    JS_CFUNC_DEF("runJobs", 0, hal_run_jobs),
    JS_CFUNC_DEF("takeRejections", 0, hal_take_rejections),
    JS_CFUNC_DEF("config", 0, hal_config),
    JS_CFUNC_DEF("lineMap", 0, hal_line_map),
    JS_CFUNC_DEF("memoryUsage", 0, hal_memory_usage),
    JS_CFUNC_DEF("now", 0, hal_now),
    JS_CFUNC_DEF("wallClock", 0, hal_wall_clock),
};

void hal_install(JSContext *ctx, JSValue hal) {
    JS_SetPropertyFunctionList(ctx, hal, hal_functions, sizeof hal_functions / sizeof hal_functions[0]);
}

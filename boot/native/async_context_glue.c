/* boot/native/async_context_glue.c — node:async_hooks' native primitives: the engine's async context (engine patch
 * 0004: a value saved with every job when it is enqueued, and with a promise reaction when it is registered, and
 * current again while that job runs).
 *   hal.asyncContext()          → the current async context (undefined until one is set)
 *   hal.asyncContextSwap(value) → makes `value` current and returns the one it replaces
 * Linked only into images whose bundle uses libos/async_hooks/ (boot/native/libs/async_context.mk,
 * boot/image/native_libs.ts); other images never set a context and carry `undefined` through the job queue.
 * Layer: native core (an engine primitive). What a context holds (AsyncLocalStorage stores, async ids) is
 * TypeScript: libos/async_hooks. */
#include "engine.h"

static JSValue hal_async_context(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_GetAsyncContext(JS_GetRuntime(ctx));
}

static JSValue hal_async_context_swap(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    JSRuntime *rt = JS_GetRuntime(ctx);
    JSValue previous = JS_GetAsyncContext(rt);
    JS_SetAsyncContext(rt, argc > 0 ? JS_DupValue(ctx, argv[0]) : JS_UNDEFINED);
    return previous;
}

void hal_install_async_context(JSContext *ctx, JSValue hal) {
    JS_SetPropertyStr(ctx, hal, "asyncContext", JS_NewCFunction(ctx, hal_async_context, "asyncContext", 0));
    JS_SetPropertyStr(ctx, hal, "asyncContextSwap",
                      JS_NewCFunction(ctx, hal_async_context_swap, "asyncContextSwap", 1));
}

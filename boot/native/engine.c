/* boot/native/engine.c — the QuickJS embedding: one runtime and context, the heap limit, the hal global, the
 * app's precompiled bytecode (JS_ReadObject), and the last-resort error report. musl calls main() here.
 * Layer: native core; the runtime's own logic (event loop, console, process) is TypeScript in the bundle. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app_image.h"
#include "engine.h"
#include "kernel.h"

#define JS_STACK_LIMIT (1024 * 1024)    /* the main stack is 2 MiB (kernel.ld); keep room for C below JS */

/* --- the engine's allocator ---
 * QuickJS's default one (every block counted against the heap limit), plus a grace area for out of memory.
 * QuickJS builds its "out of memory" error — an object and a backtrace — with the allocator that just failed; when
 * that fails too it throws null (a catch receives null), or crashes inside build_backtrace. So each allocation that
 * fails opens (or widens) a grace state: what follows — building the error — may go up to OOM_GRACE bytes past the
 * point of failure, and may use the kernel's emergency reserve of RAM (memory.c: when RAM runs out before the limit
 * — a limit above RAM, or malloc's own overhead — it is RAM, not the limit, that is short). The grace state ends
 * once the heap is OOM_GRACE below its limit again and the RAM reserve is refilled: the app has let go of memory. */
#define OOM_GRACE       (256 * 1024)
#define MALLOC_OVERHEAD 8               /* as quickjs.c counts a block's bookkeeping */
static int oom_grace;                   /* an allocation failed: what builds the error may use the grace */
static size_t grace_ceiling;            /* the heap may grow to here while in the grace state */

/* A block held from the start and let go when an allocation fails: the kernel's reserve may be scattered in single
 * pages by then, while malloc building the error may need a few contiguous ones (a new group): this gives them. */
#define EMERGENCY_BYTES (256 * 1024)
static void *emergency;

static void *alloc_failed(JSMallocState *s) {
    size_t at = s->malloc_size > s->malloc_limit ? s->malloc_size : s->malloc_limit;
    if (!oom_grace || at + OOM_GRACE > grace_ceiling) grace_ceiling = at + OOM_GRACE;
    oom_grace = 1;
    memory_reserve_set_open(1);
    if (emergency) { free(emergency); emergency = NULL; }
    return NULL;
}

/* May the heap grow by `grow` bytes? Outside the grace state: only under the limit. */
static int may_grow(JSMallocState *s, size_t grow) {
    if (s->malloc_limit == (size_t)-1 || s->malloc_size + grow <= s->malloc_limit) return 1;
    return oom_grace && s->malloc_size + grow <= grace_ceiling;
}

/* After a successful allocation: leave the grace state when both the limit and RAM have room again. */
static void after_alloc(JSMallocState *s) {
    if (oom_grace && (s->malloc_limit == (size_t)-1 || s->malloc_size + OOM_GRACE <= s->malloc_limit) &&
        memory_reserve_refilled()) {
        oom_grace = 0;
        memory_reserve_set_open(0);
        if (!emergency) emergency = malloc(EMERGENCY_BYTES);
    }
}

static void *eng_malloc(JSMallocState *s, size_t size) {
    if (!may_grow(s, size)) return alloc_failed(s);
    void *p = malloc(size);
    if (!p) return alloc_failed(s);
    s->malloc_count++;
    s->malloc_size += malloc_usable_size(p) + MALLOC_OVERHEAD;
    after_alloc(s);
    return p;
}

static void eng_free(JSMallocState *s, void *p) {
    if (!p) return;
    s->malloc_count--;
    s->malloc_size -= malloc_usable_size(p) + MALLOC_OVERHEAD;
    free(p);
}

static void *eng_realloc(JSMallocState *s, void *p, size_t size) {
    if (!p) return size ? eng_malloc(s, size) : NULL;
    size_t old = malloc_usable_size(p);
    if (size == 0) { eng_free(s, p); return NULL; }
    if (size > old && !may_grow(s, size - old)) return alloc_failed(s);
    void *q = realloc(p, size);
    if (!q) return alloc_failed(s);
    s->malloc_size += malloc_usable_size(q) - old;
    after_alloc(s);
    return q;
}

static const JSMallocFunctions engine_malloc = {
    eng_malloc, eng_free, eng_realloc, (size_t (*)(const void *))malloc_usable_size,
};

struct rejection { JSValue promise, reason; };
static struct rejection *rejections;
static size_t n_rejections, cap_rejections;
/* Promises handed to JS as unhandled (engine_take_rejections) that got a handler afterwards: Node's
 * 'rejectionHandled'. QuickJS calls the tracker with is_handled only for rejections it reported unhandled. */
static JSValue *handled_late;
static size_t n_handled_late, cap_handled_late;

static void note_handled_late(JSContext *ctx, JSValueConst promise) {
    if (n_handled_late == cap_handled_late) {
        size_t cap = cap_handled_late ? cap_handled_late * 2 : 8;
        JSValue *r = js_realloc(ctx, handled_late, cap * sizeof *r);
        if (!r) return;                 /* out of memory: the event goes unreported, nothing breaks */
        handled_late = r;
        cap_handled_late = cap;
    }
    handled_late[n_handled_late++] = JS_DupValue(ctx, promise);
}

static void rejection_tracker(JSContext *ctx, JSValueConst promise, JSValueConst reason, JS_BOOL is_handled,
                              void *opaque) {
    (void)opaque;
    if (is_handled) {
        for (size_t i = 0; i < n_rejections; i++) {
            if (JS_VALUE_GET_PTR(rejections[i].promise) == JS_VALUE_GET_PTR(promise)) {
                JS_FreeValue(ctx, rejections[i].promise);
                JS_FreeValue(ctx, rejections[i].reason);
                /* Keep the order: unhandled rejections are reported in the order they happened, as in Node. */
                memmove(&rejections[i], &rejections[i + 1], (n_rejections - i - 1) * sizeof *rejections);
                n_rejections--;
                return;
            }
        }
        note_handled_late(ctx, promise);  /* not pending: it was reported already */
        return;
    }
    if (n_rejections == cap_rejections) {
        size_t cap = cap_rejections ? cap_rejections * 2 : 8;
        struct rejection *r = js_realloc(ctx, rejections, cap * sizeof *r);
        if (!r) return;                 /* out of memory: the rejection goes unreported, nothing breaks */
        rejections = r;
        cap_rejections = cap;
    }
    rejections[n_rejections++] = (struct rejection){ JS_DupValue(ctx, promise), JS_DupValue(ctx, reason) };
}

JSValue engine_take_rejections(JSContext *ctx) {
    JSValue arr = JS_NewArray(ctx);
    if (JS_IsException(arr)) return arr;
    for (size_t i = 0; i < n_rejections; i++) {
        JS_SetPropertyUint32(ctx, arr, (uint32_t)(2 * i), rejections[i].promise);
        JS_SetPropertyUint32(ctx, arr, (uint32_t)(2 * i + 1), rejections[i].reason);
    }
    n_rejections = 0;
    return arr;
}

JSValue engine_take_handled_rejections(JSContext *ctx) {
    JSValue arr = JS_NewArray(ctx);
    if (JS_IsException(arr)) return arr;
    for (size_t i = 0; i < n_handled_late; i++) JS_SetPropertyUint32(ctx, arr, (uint32_t)i, handled_late[i]);
    n_handled_late = 0;
    return arr;
}

void engine_report_exception(JSContext *ctx, JSValue exc) {
    const char *msg = JS_ToCString(ctx, exc);
    kputs("Uncaught ");
    kputs(msg ? msg : "exception (no memory left to describe it: out of memory)");
    kputs("\n");
    if (msg) JS_FreeCString(ctx, msg);
    if (JS_IsObject(exc)) {
        JSValue stack = JS_GetPropertyStr(ctx, exc, "stack");
        const char *s = JS_IsString(stack) ? JS_ToCString(ctx, stack) : NULL;
        if (s) { kputs(s); JS_FreeCString(ctx, s); }
        JS_FreeValue(ctx, stack);
    }
}

static _Noreturn void fail(JSContext *ctx, const char *what) {
    JSValue exc = JS_GetException(ctx);
    kprintf("[unijs] %s\n", what);
    engine_report_exception(ctx, exc);
    kernel_exit(1);
}

/* Must match appChecksum() in boot/image/blob.ts. */
static uint32_t app_checksum(const uint8_t *p, size_t len) {
    uint32_t h = 2166136261u;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        uint32_t w;
        memcpy(&w, p + i, 4);
        h = (h ^ w) * 16777619u;
    }
    if (i < len) {
        uint32_t w = 0;
        memcpy(&w, p + i, len - i);
        h = (h ^ w) * 16777619u;
    }
    return h;
}

static int app_header_valid(const struct unijs_app_header *app) {
    if (memcmp(app->magic, UNIJS_APP_MAGIC, 8) != 0 || app->version != UNIJS_APP_VERSION) return 0;
    if (app->total_len < sizeof *app) return 0;
    if ((uint64_t)app->bytecode_off + app->bytecode_len > app->total_len ||
        (uint64_t)app->config_off + app->config_len > app->total_len ||
        (uint64_t)app->linemap_off + app->linemap_len > app->total_len ||
        (uint64_t)app->assets_index_off + app->assets_index_len > app->total_len ||
        (uint64_t)app->assets_data_off + app->assets_data_len > app->total_len) return 0;
    return 1;
}

int main(int argc, char **argv, char **envp) {
    (void)argc; (void)argv; (void)envp;
    const struct unijs_app_header *app = app_header();
    if (!app_header_valid(app)) {
        kputs("[unijs] the image's app section is missing or malformed: rebuild the image with `npm run image`\n");
        kernel_exit(1);
    }
    const uint8_t *body = unijs_app + sizeof *app;
    if (app_checksum(body, app->total_len - sizeof *app) != app->checksum) {
        kputs("[unijs] the image's app section is corrupt (checksum mismatch): rebuild the image\n");
        kernel_exit(1);
    }
    uint64_t heap = app->heap_limit;
    if (!heap) {
        uint64_t ram = memory_total_bytes();
        heap = ram > (32u << 20) ? ram - (16u << 20) : ram / 2;       /* automatic: RAM less a reserve */
    }

    emergency = malloc(EMERGENCY_BYTES);
    JSRuntime *rt = JS_NewRuntime2(&engine_malloc, NULL);
    if (!rt) { kputs("[unijs] out of memory creating the JS runtime\n"); kernel_exit(1); }
    JS_SetMemoryLimit(rt, heap);
    JS_SetMaxStackSize(rt, JS_STACK_LIMIT);
    JS_SetHostPromiseRejectionTracker(rt, rejection_tracker, NULL);
    JSContext *ctx = JS_NewContext(rt);
    if (!ctx) { kputs("[unijs] out of memory creating the JS context\n"); kernel_exit(1); }

    JSValue global = JS_GetGlobalObject(ctx);
    JSValue hal = JS_NewObject(ctx);
    hal_install(ctx, hal);
    if (hal_install_test_hooks) hal_install_test_hooks(ctx, hal);
    if (hal_install_profiler) hal_install_profiler(ctx, hal);
    if (hal_install_crc32c) hal_install_crc32c(ctx, hal);
    if (hal_install_dynimport) hal_install_dynimport(ctx, hal);
    if (hal_install_zlib) hal_install_zlib(ctx, hal);
    if (hal_install_brotli) hal_install_brotli(ctx, hal);
    if (hal_install_mbedtls) hal_install_mbedtls(ctx, hal);
    if (hal_install_vm) hal_install_vm(ctx, hal);
    if (hal_install_async_context) hal_install_async_context(ctx, hal);
    if (hal_install_cpuinfo) hal_install_cpuinfo(ctx, hal);
    if (hal_install_http_head) hal_install_http_head(ctx, hal);
    JS_SetPropertyStr(ctx, global, "hal", hal);
    JS_FreeValue(ctx, global);

    const uint8_t *base = unijs_app;
    JSValue fn = JS_ReadObject(ctx, base + app->bytecode_off, app->bytecode_len, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(fn)) fail(ctx, "the app's bytecode could not be loaded (built by another engine build?)");
    /* A bundle with top-level await is one ES module (no imports: everything is bundled); evaluating it returns a
     * promise, which the runtime never lets settle normally (runMain exits the machine). */
    int is_module = JS_VALUE_GET_TAG(fn) == JS_TAG_MODULE;
    if (is_module && JS_ResolveModule(ctx, fn) < 0) fail(ctx, "the app's module could not be linked");
    JSValue ret = JS_EvalFunction(ctx, fn);
    if (JS_IsException(ret)) fail(ctx, "the runtime stopped on an exception");
    if (is_module && JS_PromiseState(ctx, ret) == JS_PROMISE_REJECTED) {
        JS_Throw(ctx, JS_PromiseResult(ctx, ret));
        fail(ctx, "the runtime stopped on an exception");
    }
    JS_FreeValue(ctx, ret);
    /* The runtime (kernel/main.ts) normally exits through hal.exit; reaching here means it returned. */
    kernel_exit(0);
}

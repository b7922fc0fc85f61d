/* boot/native/vm_glue.c — node:vm's native primitives: fresh JS realms (JS_NewContext on the image's one runtime:
 * their own globals and intrinsics, sharing the heap, the job queue and the rejection tracker) and compiling and
 * running code in them, with an optional time limit (the engine's interrupt handler, armed only during a timed run).
 *   hal.vmRealm()                       → a realm handle (its global: hal.vmGlobal(handle))
 *   hal.vmGlobal(handle)                → the realm's global object
 *   hal.vmCompile(handle|null, source, filename) → a compiled script bound to that realm (null: the image's own
 *                                          realm); syntax errors are thrown as the realm's SyntaxError
 *   hal.vmRun(script, timeoutMs, timedOut) → the script's completion value; `timedOut` (any value) is returned
 *                                          instead when the time limit ran out (0: no limit)
 * Compiled code runs in the realm it was compiled for (QuickJS binds bytecode to its realm), so node:vm compiles a
 * Script once per context it runs in. A realm lives while its handle, its global or any of its objects do.
 * Linked only into images whose bundle uses libos/vm/ (boot/native/libs/vm.mk, boot/image/native_libs.ts).
 * Layer: native core (an engine primitive). Node-shaped behaviour (contextified sandboxes, options, errors) is
 * TypeScript: libos/vm. */
#include "engine.h"
#include "kernel.h"

static JSClassID realm_class, script_class;

/* --- realm handles: the JSContext, kept alive (and traced by the GC) while the handle is --- */
static void realm_finalizer(JSRuntime *rt, JSValue val) {
    (void)rt;
    JSContext *realm = JS_GetOpaque(val, realm_class);
    if (realm) JS_FreeContext(realm);
}

static void realm_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark_func) {
    JSContext *realm = JS_GetOpaque(val, realm_class);
    if (realm) mark_func(rt, (JSGCObjectHeader *)realm);   /* quickjs.c: the context's GC header comes first */
}

/* --- compiled scripts: the bytecode and the realm it is bound to (its top level runs with that realm's global
 * as `this`) --- */
struct script { JSValue bytecode; JSContext *realm; };

static void script_finalizer(JSRuntime *rt, JSValue val) {
    struct script *s = JS_GetOpaque(val, script_class);
    if (!s) return;
    JS_FreeValueRT(rt, s->bytecode);
    JS_FreeContext(s->realm);
    js_free_rt(rt, s);
}

static void script_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark_func) {
    struct script *s = JS_GetOpaque(val, script_class);
    if (!s) return;
    JS_MarkValue(rt, s->bytecode, mark_func);
    mark_func(rt, (JSGCObjectHeader *)s->realm);
}

static JSValue hal_vm_realm(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    JSValue handle = JS_NewObjectClass(ctx, (int)realm_class);
    if (JS_IsException(handle)) return handle;
    JSContext *realm = JS_NewContext(JS_GetRuntime(ctx));
    if (!realm) { JS_FreeValue(ctx, handle); return JS_ThrowOutOfMemory(ctx); }
    JS_SetOpaque(handle, realm);
    return handle;
}

static JSValue hal_vm_global(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    JSContext *realm = JS_GetOpaque2(ctx, argv[0], realm_class);
    return realm ? JS_GetGlobalObject(realm) : JS_EXCEPTION;
}

static JSValue hal_vm_compile(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    JSContext *target = ctx;
    if (!JS_IsNull(argv[0]) && !JS_IsUndefined(argv[0])) {
        target = JS_GetOpaque2(ctx, argv[0], realm_class);
        if (!target) return JS_EXCEPTION;
    }
    size_t len;
    const char *source = JS_ToCStringLen(ctx, &len, argv[1]);
    if (!source) return JS_EXCEPTION;
    const char *filename = JS_ToCString(ctx, argv[2]);
    if (!filename) { JS_FreeCString(ctx, source); return JS_EXCEPTION; }
    JSValue handle = JS_NewObjectClass(ctx, (int)script_class);
    struct script *s = JS_IsException(handle) ? NULL : js_mallocz(ctx, sizeof *s);
    JSValue bytecode = s ? JS_Eval(target, source, len, filename, JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY)
                         : JS_EXCEPTION;
    JS_FreeCString(ctx, source);
    JS_FreeCString(ctx, filename);
    if (JS_IsException(bytecode)) {          /* the realm's SyntaxError (or out of memory) stays pending */
        if (s) js_free(ctx, s);
        JS_FreeValue(ctx, handle);
        return JS_EXCEPTION;
    }
    s->bytecode = bytecode;
    s->realm = JS_DupContext(target);
    JS_SetOpaque(handle, s);
    return handle;
}

/* The time limit of the innermost timed run (monotonic ns; 0: none). */
static uint64_t deadline_ns;

static int interrupt_on_deadline(JSRuntime *rt, void *opaque) {
    (void)rt; (void)opaque;
    return deadline_ns != 0 && clock_monotonic_ns() >= deadline_ns;
}

static JSValue hal_vm_run(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    struct script *s = JS_GetOpaque2(ctx, argv[0], script_class);
    if (!s) return JS_EXCEPTION;
    double timeout_ms;
    if (JS_ToFloat64(ctx, &timeout_ms, argv[1])) return JS_EXCEPTION;
    uint64_t outer = deadline_ns, mine = 0;
    if (timeout_ms > 0) {
        mine = clock_monotonic_ns() + (uint64_t)(timeout_ms * 1e6);
        if (outer == 0 || mine < outer) deadline_ns = mine;
        JS_SetInterruptHandler(JS_GetRuntime(ctx), interrupt_on_deadline, NULL);
    }
    /* JS_EvalFunction consumes its argument: the script keeps its own reference for the next run. */
    JSValue r = JS_EvalFunction(s->realm, JS_DupValue(ctx, s->bytecode));
    if (mine) {
        int expired = clock_monotonic_ns() >= mine && (outer == 0 || mine <= outer);
        deadline_ns = outer;
        if (outer == 0) JS_SetInterruptHandler(JS_GetRuntime(ctx), NULL, NULL);
        if (JS_IsException(r) && expired) {
            /* Our limit interrupted the run: the engine's uncatchable "interrupted" error becomes `timedOut`. */
            JSValue exc = JS_GetException(ctx);
            JS_FreeValue(ctx, exc);
            return JS_DupValue(ctx, argv[2]);
        }
    }
    return r;
}

void hal_install_vm(JSContext *ctx, JSValue hal) {
    JSRuntime *rt = JS_GetRuntime(ctx);
    if (realm_class == 0) JS_NewClassID(&realm_class);
    if (script_class == 0) JS_NewClassID(&script_class);
    if (!JS_IsRegisteredClass(rt, realm_class)) {
        JSClassDef def = { .class_name = "VmRealm", .finalizer = realm_finalizer, .gc_mark = realm_mark };
        JS_NewClass(rt, realm_class, &def);
    }
    if (!JS_IsRegisteredClass(rt, script_class)) {
        JSClassDef def = { .class_name = "VmScript", .finalizer = script_finalizer, .gc_mark = script_mark };
        JS_NewClass(rt, script_class, &def);
    }
    JS_SetPropertyStr(ctx, hal, "vmRealm", JS_NewCFunction(ctx, hal_vm_realm, "vmRealm", 0));
    JS_SetPropertyStr(ctx, hal, "vmGlobal", JS_NewCFunction(ctx, hal_vm_global, "vmGlobal", 1));
    JS_SetPropertyStr(ctx, hal, "vmCompile", JS_NewCFunction(ctx, hal_vm_compile, "vmCompile", 3));
    JS_SetPropertyStr(ctx, hal, "vmRun", JS_NewCFunction(ctx, hal_vm_run, "vmRun", 3));
}

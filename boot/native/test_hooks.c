/* boot/native/test_hooks.c — hal.testFault(kind): deliberate native faults for the e2e tests of the exception
 * path; hal.testEval(...): evaluates a script or an ES module in a fresh JS realm (the engine's own test files run
 * this way, unmodified); hal.testSyscall(nr, ...args): a raw system call as musl would make it (numbers, strings
 * as C strings, typed arrays as pointers to their bytes), for the tests of the syscall layer. Linked only into images built with `--test-hooks`; a normal image has no such function.
 * Layer: native core (test only). */
#include <string.h>
#include "engine.h"
#include "kernel.h"

static volatile uintptr_t null_address;                      /* 0, opaque to the compiler */
static void __attribute__((noinline)) fault_null_write(void) { *(volatile uint64_t *)(null_address + 8) = 0xdead; }
static void __attribute__((noinline)) fault_exec_data(void) {
    static volatile uint8_t data[16] = { 0xc3 };            /* `ret` in an NX data page */
    ((void (*)(void))(uintptr_t)data)();
}
static void __attribute__((noinline)) fault_write_text(void) { *(volatile uint8_t *)(uintptr_t)&fault_null_write = 0x90; }
static volatile int keep_recursing = 1;
static int __attribute__((noinline)) fault_stack_overflow(int depth) {
    volatile char pad[4096];
    pad[0] = (char)depth;
    return keep_recursing ? fault_stack_overflow(depth + 1) + pad[0] : 0;   /* runs into the guard page */
}

static JSValue hal_test_fault(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    const char *kind = JS_ToCString(ctx, argv[0]);
    if (!kind) return JS_EXCEPTION;
    if (!strcmp(kind, "null")) fault_null_write();
    else if (!strcmp(kind, "nx")) fault_exec_data();
    else if (!strcmp(kind, "wp")) fault_write_text();
    else if (!strcmp(kind, "stack")) fault_stack_overflow(0);
    else if (!strcmp(kind, "ud")) __asm__ volatile("ud2");
    JSValue err = JS_ThrowTypeError(ctx, "unknown fault kind '%s' (null, nx, wp, stack, ud)", kind);
    JS_FreeCString(ctx, kind);
    return err;
}

/* --- hal.testEval ---
 * The module sources of the current testEval, by name (an object of the caller's realm), for the loader below.
 * Module names are resolved by the engine's default normaliser ("./x.js" relative to the importing module). */
static JSValue test_modules;

static JSModuleDef *test_module_loader(JSContext *ctx, const char *name, void *opaque) {
    (void)opaque;
    JSValue src = JS_IsObject(test_modules) ? JS_GetPropertyStr(ctx, test_modules, name) : JS_UNDEFINED;
    if (!JS_IsString(src)) {
        JS_FreeValue(ctx, src);
        JS_ThrowReferenceError(ctx, "could not load module '%s' (not among the test's files)", name);
        return NULL;
    }
    size_t len;
    const char *text = JS_ToCStringLen(ctx, &len, src);
    JS_FreeValue(ctx, src);
    if (!text) return NULL;
    JSValue m = JS_Eval(ctx, text, len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    JS_FreeCString(ctx, text);
    if (JS_IsException(m)) return NULL;
    JSModuleDef *def = JS_VALUE_GET_PTR(m);
    JS_FreeValue(ctx, m);                   /* the runtime's module list keeps it */
    return def;
}

/* hal.testEval(name, globals, sources, isModule) evaluates sources[name] in a fresh realm (JS_NewContext) whose
 * global object first gets the own enumerable properties of `globals` (the std/os shims). A script returns its
 * completion value; an ES module (its imports loaded from `sources` too) returns its evaluation promise.
 * Exceptions propagate to the caller. */
static JSValue hal_test_eval(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    const char *name = JS_ToCString(ctx, argv[0]);
    if (!name) return JS_EXCEPTION;
    int is_module = argc > 3 && JS_ToBool(ctx, argv[3]);
    JSValue src = JS_GetPropertyStr(ctx, argv[2], name);
    size_t len;
    const char *text = JS_IsString(src) ? JS_ToCStringLen(ctx, &len, src) : NULL;
    JS_FreeValue(ctx, src);
    if (!text) {
        JSValue e = JS_ThrowReferenceError(ctx, "testEval: no source named '%s'", name);
        JS_FreeCString(ctx, name);
        return e;
    }
    JSContext *realm = JS_NewContext(JS_GetRuntime(ctx));
    if (!realm) { JS_FreeCString(ctx, text); JS_FreeCString(ctx, name); return JS_ThrowOutOfMemory(ctx); }
    JSValue global = JS_GetGlobalObject(realm);
    JSPropertyEnum *props;
    uint32_t n;
    if (JS_GetOwnPropertyNames(ctx, &props, &n, argv[1], JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) == 0) {
        for (uint32_t i = 0; i < n; i++) {
            JSValue v = JS_GetProperty(ctx, argv[1], props[i].atom);
            JS_SetProperty(realm, global, props[i].atom, v);
            JS_FreeAtom(ctx, props[i].atom);
        }
        js_free(ctx, props);
    }
    JS_FreeValue(realm, global);
    JS_FreeValue(ctx, test_modules);
    test_modules = JS_DupValue(ctx, argv[2]);
    JS_SetModuleLoaderFunc(JS_GetRuntime(ctx), NULL, test_module_loader, NULL);
    JSValue r = JS_Eval(realm, text, len, name, is_module ? JS_EVAL_TYPE_MODULE : JS_EVAL_TYPE_GLOBAL);
    JS_FreeCString(ctx, text);
    JS_FreeCString(ctx, name);
    if (JS_IsException(r)) r = JS_Throw(ctx, JS_GetException(realm));
    JS_FreeContext(realm);                  /* the realm lives on while its functions and objects do */
    return r;
}

/* The `syscall` instruction itself: musl's syscall() would turn -errno into -1 and errno. */
static long raw_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
    long ret;
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

static JSValue hal_test_syscall(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    long a[7] = { 0 };
    const char *strs[6] = { 0 };
    JSValue ret = JS_UNDEFINED;
    for (int i = 0; i < argc && i < 7; i++) {
        size_t len;
        int64_t v;
        if (i > 0 && JS_IsString(argv[i])) {
            if (!(strs[i - 1] = JS_ToCString(ctx, argv[i]))) { ret = JS_EXCEPTION; goto out; }
            a[i] = (long)(uintptr_t)strs[i - 1];
        } else if (i > 0 && JS_IsObject(argv[i])) {
            uint8_t *p = hal_typed_bytes(ctx, argv[i], &len);
            if (!p) { ret = JS_EXCEPTION; goto out; }
            a[i] = (long)(uintptr_t)p;
        } else {
            if (JS_ToInt64(ctx, &v, argv[i])) { ret = JS_EXCEPTION; goto out; }
            a[i] = (long)v;
        }
    }
    ret = JS_NewInt64(ctx, raw_syscall(a[0], a[1], a[2], a[3], a[4], a[5], a[6]));
out:
    for (int i = 0; i < 6; i++) if (strs[i]) JS_FreeCString(ctx, strs[i]);
    return ret;
}

void hal_install_test_hooks(JSContext *ctx, JSValue hal) {
    JS_SetPropertyStr(ctx, hal, "testSyscall", JS_NewCFunction(ctx, hal_test_syscall, "testSyscall", 1));
    JS_SetPropertyStr(ctx, hal, "testFault", JS_NewCFunction(ctx, hal_test_fault, "testFault", 1));
    JS_SetPropertyStr(ctx, hal, "testEval", JS_NewCFunction(ctx, hal_test_eval, "testEval", 4));
    test_modules = JS_UNDEFINED;
}

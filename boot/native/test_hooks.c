/* boot/native/test_hooks.c — hal.testFault(kind): deliberate native faults for the e2e tests of the exception
 * path. Linked only into images built with `--test-hooks`; a normal image has no such function.
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

void hal_install_test_hooks(JSContext *ctx, JSValue hal) {
    JS_SetPropertyStr(ctx, hal, "testFault", JS_NewCFunction(ctx, hal_test_fault, "testFault", 1));
}

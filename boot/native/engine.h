/* boot/native/engine.h — shared between engine.c (the QuickJS runtime) and hal.c / test_hooks.c. */
#ifndef UNIJS_ENGINE_H
#define UNIJS_ENGINE_H
#include "quickjs.h"

void hal_install(JSContext *ctx, JSValue hal);
/* The bytes of a typed array (any element type; offset and length in bytes), borrowed: NULL with an exception
 * pending when `v` is not one. */
uint8_t *hal_typed_bytes(JSContext *ctx, JSValueConst v, size_t *len);
/* text.c: hal.textEncode/textEncodeInto/textLength/textDecode. */
void hal_install_text(JSContext *ctx, JSValue hal);
/* Defined only in images built with test hooks (test_hooks.c); absent otherwise. */
void hal_install_test_hooks(JSContext *ctx, JSValue hal) __attribute__((weak));
/* Defined only in images built with --profile (profiler.c, inside engine-prof.a); absent otherwise. */
void hal_install_profiler(JSContext *ctx, JSValue hal) __attribute__((weak));
void profiler_idle_end(void) __attribute__((weak));
/* Native libraries linked only into images whose bundle uses them (libs/README.md): absent otherwise. */
void hal_install_crc32c(JSContext *ctx, JSValue hal) __attribute__((weak));
void hal_install_dynimport(JSContext *ctx, JSValue hal) __attribute__((weak));
void hal_install_zlib(JSContext *ctx, JSValue hal) __attribute__((weak));
void hal_install_brotli(JSContext *ctx, JSValue hal) __attribute__((weak));
void hal_install_mbedtls(JSContext *ctx, JSValue hal) __attribute__((weak));
void hal_install_vm(JSContext *ctx, JSValue hal) __attribute__((weak));
void hal_install_async_context(JSContext *ctx, JSValue hal) __attribute__((weak));
void hal_install_cpuinfo(JSContext *ctx, JSValue hal) __attribute__((weak));
void hal_install_http_head(JSContext *ctx, JSValue hal) __attribute__((weak));
/* Prints "Uncaught <error>" and its stack without trusting that the heap has room. */
void engine_report_exception(JSContext *ctx, JSValue exc);
/* Hands the rejections QuickJS still considers unhandled to JS: a flat array [promise, reason, ...]. */
JSValue engine_take_rejections(JSContext *ctx);
/* Promises reported unhandled earlier that have a handler now (Node's 'rejectionHandled'), in order. */
JSValue engine_take_handled_rejections(JSContext *ctx);

#endif

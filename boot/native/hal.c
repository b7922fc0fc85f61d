/* boot/native/hal.c — the `hal` global: the native primitives under kernel/platform.ts (typed there).
 * Layer: native core. Each function does one hardware or engine thing; policy lives in TypeScript. */
#include <string.h>
#include "apic.h"
#include "app_image.h"
#include "cpu.h"
#include "interrupts.h"
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

static JSValue hal_take_handled_rejections(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return engine_take_handled_rejections(ctx);
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

/* The embedded files' index (JSON; "" when the image has none). */
static JSValue hal_asset_index(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return app_string(ctx, app_header()->assets_index_off, app_header()->assets_index_len);
}

/* hal.assetRead(offset, into) copies embedded file bytes from `offset` of the assets data into `into`; returns the
 * bytes copied (fewer at the end). A copy, not a view: the image's pages are read-only. */
static JSValue hal_asset_read(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t off;
    if (JS_ToInt64(ctx, &off, argv[0])) return JS_EXCEPTION;       /* first: valueOf could detach the buffer */
    size_t len;
    uint8_t *p = hal_typed_bytes(ctx, argv[1], &len);
    if (!p) return JS_EXCEPTION;
    const struct unijs_app_header *app = app_header();
    if (off < 0 || (uint64_t)off > app->assets_data_len) return JS_ThrowRangeError(ctx, "assetRead: offset outside the assets");
    size_t n = app->assets_data_len - (size_t)off;
    if (n > len) n = len;
    memcpy(p, unijs_app + app->assets_data_off + off, n);
    return JS_NewFloat64(ctx, (double)n);
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

/* hal.gc(): a full garbage collection now (Node's gc() under --expose-gc). */
static JSValue hal_gc(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    JS_RunGC(JS_GetRuntime(ctx));
    return JS_UNDEFINED;
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

/* --- time --- */
static JSValue hal_monotonic_ns(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_NewFloat64(ctx, (double)clock_monotonic_ns());
}

static JSValue hal_tsc(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_NewFloat64(ctx, (double)rdtsc());
}

static JSValue hal_tsc_hz(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_NewFloat64(ctx, (double)clock_tsc_hz());
}

static JSValue hal_rtc_seconds(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_NewFloat64(ctx, (double)clock_rtc_seconds());
}

/* Arms the one-shot timer for an absolute monotonic deadline in milliseconds (hal.now() scale). */
static JSValue hal_timer_arm(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    double deadline_ms;
    if (JS_ToFloat64(ctx, &deadline_ms, argv[0])) return JS_EXCEPTION;
    double now_ns = (double)clock_monotonic_ns(), at_ns = deadline_ms * 1e6;
    apic_timer_arm_ns(at_ns > now_ns ? (uint64_t)(at_ns - now_ns) : 0);
    return JS_UNDEFINED;
}

static JSValue hal_timer_cancel(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)ctx; (void)this_val; (void)argc; (void)argv;
    apic_timer_cancel();
    return JS_UNDEFINED;
}

/* --- interrupts --- */
static JSValue hal_halt(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)ctx; (void)this_val; (void)argc; (void)argv;
    if (!apic_any_pending()) apic_halt();
    if (profiler_idle_end) profiler_idle_end();        /* a profiled image does not charge idle time to JS */
    return JS_UNDEFINED;
}

static JSValue hal_poll_interrupts(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)ctx; (void)this_val; (void)argc; (void)argv;
    apic_poll();
    return JS_UNDEFINED;
}

static JSValue hal_take_interrupts(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    uint64_t set[4];
    apic_take_pending(set);
    JSValue arr = JS_NewArray(ctx);
    uint32_t n = 0;
    for (int v = 0; v < 256; v++)
        if ((set[v >> 6] >> (v & 63)) & 1) JS_SetPropertyUint32(ctx, arr, n++, JS_NewInt32(ctx, v));
    return arr;
}

static JSValue hal_irq_route(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int32_t gsi;
    if (JS_ToInt32(ctx, &gsi, argv[0])) return JS_EXCEPTION;
    int v = apic_route_gsi((unsigned)gsi, JS_ToBool(ctx, argv[1]), JS_ToBool(ctx, argv[2]));
    if (v < 0) return JS_ThrowRangeError(ctx, "cannot route GSI %d: no such I/O APIC input or no free vector", gsi);
    return JS_NewInt32(ctx, v);
}

static JSValue hal_msi_allocate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    int v = apic_alloc_msi_vector();
    if (v < 0) return JS_ThrowRangeError(ctx, "no free interrupt vector for MSI");
    JSValue o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "vector", JS_NewInt32(ctx, v));
    JS_SetPropertyStr(ctx, o, "address", JS_NewFloat64(ctx, (double)apic_msi_address()));
    JS_SetPropertyStr(ctx, o, "data", JS_NewInt32(ctx, v));
    return o;
}

static JSValue hal_irq_ack(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int32_t v;
    if (JS_ToInt32(ctx, &v, argv[0])) return JS_EXCEPTION;
    apic_ack((unsigned)v);
    return JS_UNDEFINED;
}

static JSValue hal_irq_mask(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int32_t v;
    if (JS_ToInt32(ctx, &v, argv[0])) return JS_EXCEPTION;
    apic_mask((unsigned)v, JS_ToBool(ctx, argv[1]));
    return JS_UNDEFINED;
}

static JSValue hal_interrupt_stats(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    JSValue o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "spurious", JS_NewFloat64(ctx, (double)spurious_interrupts));
    JS_SetPropertyStr(ctx, o, "unexpected", JS_NewFloat64(ctx, (double)unexpected_interrupts));
    uint64_t total = 0;
    for (int v = 32; v < 256; v++) total += interrupt_counts[v];
    JS_SetPropertyStr(ctx, o, "total", JS_NewFloat64(ctx, (double)total));
    return o;
}

/* --- ports --- */
static int port_arg(JSContext *ctx, JSValueConst v, uint16_t *port) {
    int32_t p;
    if (JS_ToInt32(ctx, &p, v)) return -1;
    if (p < 0 || p > 0xffff) { JS_ThrowRangeError(ctx, "I/O port %d is outside 0..0xffff", p); return -1; }
    *port = (uint16_t)p;
    return 0;
}
#define PORT_IN(name, fn) \
    static JSValue name(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) { \
        (void)this_val; (void)argc; uint16_t p; \
        if (port_arg(ctx, argv[0], &p)) return JS_EXCEPTION; \
        return JS_NewUint32(ctx, fn(p)); }
#define PORT_OUT(name, fn, type) \
    static JSValue name(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) { \
        (void)this_val; (void)argc; uint16_t p; uint32_t v; \
        if (port_arg(ctx, argv[0], &p) || JS_ToUint32(ctx, &v, argv[1])) return JS_EXCEPTION; \
        fn(p, (type)v); return JS_UNDEFINED; }
PORT_IN(hal_inb, inb)
PORT_IN(hal_inw, inw)
PORT_IN(hal_inl, inl)
PORT_OUT(hal_outb, outb, uint8_t)
PORT_OUT(hal_outw, outw, uint16_t)
PORT_OUT(hal_outl, outl, uint32_t)

/* --- memory --- */
/* QuickJS calls this on detach and again (with NULL) when a detached buffer is finalized. */
static void dma_free(JSRuntime *rt, void *opaque, void *ptr) {
    (void)rt;
    if (ptr) pages_free(ptr, (size_t)(uintptr_t)opaque);
}

/* hal.dmaAlloc(size) → { buffer, address }: zeroed, physically contiguous, page-aligned. The pages return to the
 * kernel when the ArrayBuffer is collected or hal.dmaFree(buffer) detaches it. */
static JSValue hal_dma_alloc(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    double size;
    if (JS_ToFloat64(ctx, &size, argv[0])) return JS_EXCEPTION;
    if (!(size >= 1 && size <= (double)(1u << 30))) return JS_ThrowRangeError(ctx, "DMA size %g is outside 1..1 GiB", size);
    size_t pages = ((size_t)size + PAGE_SIZE - 1) / PAGE_SIZE;
    void *p = pages_alloc(pages);
    if (!p) return JS_ThrowRangeError(ctx, "out of physical memory for a %zu-byte DMA buffer", (size_t)size);
    JSValue buf = JS_NewArrayBuffer(ctx, p, (size_t)size, dma_free, (void *)(uintptr_t)pages, 0);
    if (JS_IsException(buf)) { pages_free(p, pages); return buf; }
    JSValue o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "buffer", buf);
    JS_SetPropertyStr(ctx, o, "address", JS_NewFloat64(ctx, (double)(uintptr_t)p));
    return o;
}

static JSValue hal_dma_free(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    JS_DetachArrayBuffer(ctx, argv[0]);
    return JS_UNDEFINED;
}

/* hal.physical(address, length) → ArrayBuffer over device memory (MMIO), mapped uncached. RAM is refused:
 * memory for devices comes from hal.dmaAlloc. */
static JSValue hal_physical(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    double addr, len;
    if (JS_ToFloat64(ctx, &addr, argv[0]) || JS_ToFloat64(ctx, &len, argv[1])) return JS_EXCEPTION;
    if (!(len >= 1 && len <= (double)(1u << 30)) || addr < 0 || addr + len > 281474976710656.0)
        return JS_ThrowRangeError(ctx, "physical range 0x%llx+%g is not valid", (unsigned long long)addr, len);
    if (memory_overlaps_ram((uint64_t)addr, (uint64_t)len))
        return JS_ThrowRangeError(ctx, "physical range 0x%llx+%g overlaps RAM; use hal.dmaAlloc for memory",
                                  (unsigned long long)addr, len);
    memory_map_mmio((uint64_t)addr, (uint64_t)len);
    return JS_NewArrayBuffer(ctx, (uint8_t *)(uintptr_t)(uint64_t)addr, (size_t)len, NULL, NULL, 0);
}

uint8_t *hal_typed_bytes(JSContext *ctx, JSValueConst v, size_t *len) {
    size_t off, elt, size;
    JSValue ab = JS_GetTypedArrayBuffer(ctx, v, &off, len, &elt);
    if (JS_IsException(ab)) return NULL;
    uint8_t *base = JS_GetArrayBuffer(ctx, &size, ab);
    JS_FreeValue(ctx, ab);
    if (!base) return NULL;
    if (off + *len > size) { JS_ThrowRangeError(ctx, "typed array outside its buffer"); return NULL; }
    return base + off;
}

/* --- entropy --- */
static int cpu_has_rdrand(void) { uint32_t r[4]; cpuid(1, 0, r); return (r[2] >> 30) & 1; }
static int cpu_has_rdseed(void) { uint32_t r[4]; cpuid(0, 0, r); if (r[0] < 7) return 0; cpuid(7, 0, r); return (r[1] >> 18) & 1; }

/* hal.entropy(u8) fills the array from RDSEED (or RDRAND) and returns the bytes filled: 0 without either. */
static JSValue hal_entropy(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    size_t len;
    uint8_t *p = hal_typed_bytes(ctx, argv[0], &len);
    if (!p) return JS_EXCEPTION;
    int seed = cpu_has_rdseed(), rand = cpu_has_rdrand();
    if (!seed && !rand) return JS_NewInt32(ctx, 0);
    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = 0;
        unsigned char ok = 0;
        for (int tries = 0; tries < 100 && !ok; tries++) {
            if (seed) __asm__ volatile("rdseed %0; setc %1" : "=r"(v), "=qm"(ok));
            if (!ok && rand) __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
        }
        if (!ok) return JS_NewFloat64(ctx, (double)i);
        for (size_t j = 0; j < 8 && i + j < len; j++) p[i + j] = (uint8_t)(v >> (8 * j));
    }
    return JS_NewFloat64(ctx, (double)len);
}

/* --- the Internet checksum (RFC 1071) ---
 * A NIC's checksum offload, in software: the interpreter needs ~0.2 ms per 1,460-byte segment under TCG, this
 * loop a few µs (MirageOS's tcpip does the same with a C stub). The sum is taken over little-endian 64-bit loads
 * (x86 allows them unaligned) and swapped once at the end: ones'-complement sums are byte-order independent. */
static uint32_t ones_sum(const uint8_t *p, size_t len) {
    uint64_t sum = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        __builtin_memcpy(&w, p + i, 8);
        sum += (w & 0xffffffffu) + (w >> 32);           /* two 33-bit terms: no overflow below 2^30 iterations */
    }
    for (; i + 2 <= len; i += 2) sum += (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8);
    if (i < len) sum += p[i];                            /* odd last byte: the high byte of a big-endian word */
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint32_t)(((sum & 0xff) << 8) | (sum >> 8));
}

/* hal.onesSum(bytes, start, end) → the folded 16-bit sum of bytes[start..end) as big-endian words (0..0xffff). */
static JSValue hal_ones_sum(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    int64_t start, end;                 /* converted first: valueOf could detach the buffer borrowed below */
    if (JS_ToInt64(ctx, &start, argv[1]) || JS_ToInt64(ctx, &end, argv[2])) return JS_EXCEPTION;
    size_t len;
    const uint8_t *p = hal_typed_bytes(ctx, argv[0], &len);
    if (!p) return JS_EXCEPTION;
    if (start < 0 || end < start || (uint64_t)end > len) return JS_ThrowRangeError(ctx, "onesSum: range outside the array");
    return JS_NewInt32(ctx, (int32_t)ones_sum(p + start, (size_t)(end - start)));
}

/* The kernel command line the loader passed (QEMU microvm appends virtio_mmio.device=SIZE@BASE:IRQ entries). */
static JSValue hal_cmdline(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    return JS_NewString(ctx, kernel_cmdline);
}

static const JSCFunctionListEntry hal_functions[] = {
    JS_CFUNC_DEF("cmdline", 0, hal_cmdline),
    JS_CFUNC_DEF("monotonicNs", 0, hal_monotonic_ns),
    JS_CFUNC_DEF("tsc", 0, hal_tsc),
    JS_CFUNC_DEF("tscHz", 0, hal_tsc_hz),
    JS_CFUNC_DEF("rtcSeconds", 0, hal_rtc_seconds),
    JS_CFUNC_DEF("timerArm", 1, hal_timer_arm),
    JS_CFUNC_DEF("timerCancel", 0, hal_timer_cancel),
    JS_CFUNC_DEF("halt", 0, hal_halt),
    JS_CFUNC_DEF("pollInterrupts", 0, hal_poll_interrupts),
    JS_CFUNC_DEF("takeInterrupts", 0, hal_take_interrupts),
    JS_CFUNC_DEF("irqRoute", 3, hal_irq_route),
    JS_CFUNC_DEF("irqAck", 1, hal_irq_ack),
    JS_CFUNC_DEF("irqMask", 2, hal_irq_mask),
    JS_CFUNC_DEF("msiAllocate", 0, hal_msi_allocate),
    JS_CFUNC_DEF("interruptStats", 0, hal_interrupt_stats),
    JS_CFUNC_DEF("inb", 1, hal_inb),
    JS_CFUNC_DEF("inw", 1, hal_inw),
    JS_CFUNC_DEF("inl", 1, hal_inl),
    JS_CFUNC_DEF("outb", 2, hal_outb),
    JS_CFUNC_DEF("outw", 2, hal_outw),
    JS_CFUNC_DEF("outl", 2, hal_outl),
    JS_CFUNC_DEF("dmaAlloc", 1, hal_dma_alloc),
    JS_CFUNC_DEF("dmaFree", 1, hal_dma_free),
    JS_CFUNC_DEF("physical", 2, hal_physical),
    JS_CFUNC_DEF("entropy", 1, hal_entropy),
    JS_CFUNC_DEF("onesSum", 3, hal_ones_sum),
    JS_CFUNC_DEF("write", 1, hal_write),
    JS_CFUNC_DEF("exit", 1, hal_exit),
    JS_CFUNC_DEF("runJobs", 0, hal_run_jobs),
    JS_CFUNC_DEF("takeRejections", 0, hal_take_rejections),
    JS_CFUNC_DEF("takeHandledRejections", 0, hal_take_handled_rejections),
    JS_CFUNC_DEF("config", 0, hal_config),
    JS_CFUNC_DEF("lineMap", 0, hal_line_map),
    JS_CFUNC_DEF("assetIndex", 0, hal_asset_index),
    JS_CFUNC_DEF("assetRead", 2, hal_asset_read),
    JS_CFUNC_DEF("memoryUsage", 0, hal_memory_usage),
    JS_CFUNC_DEF("gc", 0, hal_gc),
    JS_CFUNC_DEF("now", 0, hal_now),
    JS_CFUNC_DEF("wallClock", 0, hal_wall_clock),
    JS_PROP_STRING_DEF("engineVersion", CONFIG_VERSION, JS_PROP_ENUMERABLE),
};

void hal_install(JSContext *ctx, JSValue hal) {
    JS_SetPropertyFunctionList(ctx, hal, hal_functions, sizeof hal_functions / sizeof hal_functions[0]);
    hal_install_text(ctx, hal);
}

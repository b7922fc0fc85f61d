/* boot/native/cpuinfo_glue.c — hal.cpuInfo(): the processor as CPUID describes it, for os.cpus(): the brand string
 * (leaves 0x80000002–4, "model name" in Linux's /proc/cpuinfo; leading blanks trimmed) and the base frequency in
 * MHz (leaf 0x16 where the CPU has it, else 0: the TypeScript side then uses the TSC's calibrated frequency).
 * Linked only into images whose bundle uses libos/os/cpu.ts (boot/native/libs/cpuinfo.mk).
 * Layer: native core (a hal primitive). */
#include <string.h>
#include "cpu.h"
#include "engine.h"

static JSValue hal_cpu_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc; (void)argv;
    uint32_t r[4];
    char brand[49] = {0};
    cpuid(0x80000000u, 0, r);
    if (r[0] >= 0x80000004u) {
        for (uint32_t leaf = 0; leaf < 3; leaf++) {
            cpuid(0x80000002u + leaf, 0, r);
            memcpy(brand + leaf * 16, r, 16);
        }
    }
    const char *model = brand;
    while (*model == ' ') model++;
    uint32_t mhz = 0;
    cpuid(0, 0, r);
    if (r[0] >= 0x16) {
        cpuid(0x16, 0, r);
        mhz = r[0] & 0xffff;
    }
    JSValue o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "model", JS_NewString(ctx, model));
    JS_SetPropertyStr(ctx, o, "mhz", JS_NewUint32(ctx, mhz));
    return o;
}

void hal_install_cpuinfo(JSContext *ctx, JSValue hal) {
    JS_SetPropertyStr(ctx, hal, "cpuInfo", JS_NewCFunction(ctx, hal_cpu_info, "cpuInfo", 0));
}

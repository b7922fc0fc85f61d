/* boot/native/crc32c_glue.c — hal.crc32c(crc, bytes, start, end): the CRC-32C (Castagnoli) register update that ext4's
 * and jbd2's metadata checksums use (Linux's ext4_chksum: no inversion in or out; the standard CRC-32C of data is
 * ~crc32c(~0, data)). Slicing-by-8 over tables built on first use: the interpreter needs ~1 µs per byte under TCG,
 * this loop a few ns. The TypeScript definition beside it (libos/fs/crc32c.ts) is checked against it in the guest.
 * Linked only into images whose bundle uses libos/fs/crc32c.ts (boot/native/libs/crc32c.mk).
 * Layer: native core (an engine primitive, like onesSum). */
#include "engine.h"

static uint32_t table[8][256];
static int ready;

static void build_tables(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++) table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
    ready = 1;
}

static uint32_t crc32c_update(uint32_t crc, const uint8_t *p, size_t len) {
    if (!ready) build_tables();
    while (len >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        crc = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^ table[4][lo >> 24] ^
              table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^ table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--) crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
    return crc;
}

static JSValue hal_crc32c(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val; (void)argc;
    uint32_t crc;
    int64_t start, end;                 /* converted first: valueOf could detach the buffer borrowed below */
    if (JS_ToUint32(ctx, &crc, argv[0]) || JS_ToInt64(ctx, &start, argv[2]) || JS_ToInt64(ctx, &end, argv[3]))
        return JS_EXCEPTION;
    size_t len;
    const uint8_t *p = hal_typed_bytes(ctx, argv[1], &len);
    if (!p) return JS_EXCEPTION;
    if (start < 0 || end < start || (uint64_t)end > len) return JS_ThrowRangeError(ctx, "crc32c: range outside the array");
    return JS_NewUint32(ctx, crc32c_update(crc, p + start, (size_t)(end - start)));
}

void hal_install_crc32c(JSContext *ctx, JSValue hal) {
    JS_SetPropertyStr(ctx, hal, "crc32c", JS_NewCFunction(ctx, hal_crc32c, "crc32c", 4));
}

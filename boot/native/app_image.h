/* boot/native/app_image.h — the app blob the image builder links into section .unijs.app (boot/image/blob.ts
 * writes it; keep the two in step). All offsets are from the start of the header; little-endian. */
#ifndef UNIJS_APP_IMAGE_H
#define UNIJS_APP_IMAGE_H
#include <stdint.h>

#define UNIJS_APP_MAGIC "UNIJSAPP"
#define UNIJS_APP_VERSION 2

struct unijs_app_header {
    char magic[8];
    uint32_t version;
    uint32_t flags;
    uint64_t heap_limit;            /* bytes; 0 = automatic (a share of RAM) */
    uint64_t mem_hint;              /* RAM the image was built for (the launcher's default) */
    uint32_t bytecode_off, bytecode_len;
    uint32_t config_off, config_len;    /* JSON: { argv, env, ... } */
    uint32_t linemap_off, linemap_len;  /* JSON: bundle line → source file and line */
    uint32_t total_len;
    uint32_t checksum;                  /* FNV-1a (32-bit, over little-endian u32 words) of bytes [80, total_len) */
    uint32_t assets_index_off, assets_index_len;    /* JSON: the embedded read-only files (boot/image/assets.ts) */
    uint32_t assets_data_off, assets_data_len;      /* their bytes */
};

/* The blob (symbol from the linked app.o); its length is only known from the header. */
extern const uint8_t unijs_app[];
static inline const struct unijs_app_header *app_header(void) { return (const struct unijs_app_header *)unijs_app; }

#endif

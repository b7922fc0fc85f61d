/* boot/native/pvh.h — the PVH boot ABI (xen/include/public/arch-x86/hvm/start_info.h), version 1. */
#ifndef UNIJS_PVH_H
#define UNIJS_PVH_H
#include <stdint.h>

#define HVM_START_MAGIC 0x336ec578u
#define HVM_MEMMAP_TYPE_RAM 1

struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

#endif

/* boot/native/memory.c — RAM discovery from the PVH memory map, the physical page allocator behind musl's
 * mmap/brk, and the final page tables (identity map with W^X: text RX, rodata R, data/bss/heap RW+NX, page 0
 * and every stack guard page unmapped). Layer: native core. */
#include "cpu.h"
#include "gdt.h"
#include "kernel.h"
#include "pvh.h"

#define PTE_P   (1ull << 0)
#define PTE_W   (1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS  (1ull << 7)
#define PTE_NX  (1ull << 63)
#define ADDR_MASK 0x000ffffffffff000ull
#define TWO_MB  (2ull << 20)

extern char __stack_guard[];

static uint64_t *bitmap;            /* 1 bit per page frame: 1 = used / not RAM */
static uint64_t *dirty;             /* 1 bit per page frame: handed out before, so not known to be zero */
static uint64_t bitmap_pages;       /* frames covered */
static uint64_t total_pages, used_pages, search_hint;
static uint64_t nx_bit;
static uint64_t *pml4;
uint64_t kernel_brk_start, kernel_brk_end, kernel_brk_cur;

static inline int frame_used(uint64_t f) { return (bitmap[f >> 6] >> (f & 63)) & 1; }
static inline void frame_set(uint64_t f) { bitmap[f >> 6] |= 1ull << (f & 63); }
static inline void frame_clear(uint64_t f) { bitmap[f >> 6] &= ~(1ull << (f & 63)); }

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

void *pages_alloc(size_t npages) {
    if (!npages) return 0;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t f = pass ? 0 : search_hint, run = 0, start = f;
        for (; f < bitmap_pages; f++) {
            if ((f & 63) == 0 && bitmap[f >> 6] == ~0ull) { run = 0; f += 63; start = f + 1; continue; }
            if (frame_used(f)) { run = 0; start = f + 1; continue; }
            if (++run == npages) {
                for (uint64_t i = start; i < start + npages; i++) {
                    frame_set(i);
                    /* The hypervisor gives RAM zeroed: only recycled frames need clearing. */
                    if ((dirty[i >> 6] >> (i & 63)) & 1) kmemset((void *)(i * PAGE_SIZE), 0, PAGE_SIZE);
                    else dirty[i >> 6] |= 1ull << (i & 63);
                }
                used_pages += npages;
                search_hint = start + npages;
                return (void *)(start * PAGE_SIZE);
            }
        }
    }
    return 0;
}

void pages_free(void *p, size_t npages) {
    uint64_t f = (uint64_t)p / PAGE_SIZE;
    for (uint64_t i = f; i < f + npages && i < bitmap_pages; i++) {
        if (!frame_used(i)) panic("pages_free: frame %lu is not allocated", i);
        frame_clear(i);
    }
    used_pages -= npages;
    if (f < search_hint) search_hint = f;
}

/* --- the heap's emergency reserve ---
 * mmap/mremap (musl's malloc: the JS heap) leave RESERVE_PAGES free unless the reserve is open. When RAM runs out
 * before the JS heap limit (a limit above RAM, or the allocator's own overhead), the allocation that fails raises
 * QuickJS's "out of memory" error, and building that error needs memory too: engine.c opens the reserve for it. */
#define RESERVE_PAGES 256               /* 1 MiB */
static int reserve_open;
static uint64_t brk_window_pages;

static uint64_t free_pages(void) { return total_pages - used_pages - brk_window_pages; }

void *pages_alloc_heap(size_t npages) {
    if (!reserve_open && free_pages() < npages + RESERVE_PAGES) return 0;
    return pages_alloc(npages);
}

void memory_reserve_set_open(int open) { reserve_open = open; }

int memory_reserve_refilled(void) { return free_pages() >= 2 * RESERVE_PAGES; }

uint64_t memory_total_bytes(void) { return total_pages * PAGE_SIZE; }
uint64_t memory_used_bytes(void) { return (used_pages + (kernel_brk_cur - kernel_brk_start) / PAGE_SIZE) * PAGE_SIZE; }

static uint64_t *table_next(uint64_t *table, unsigned idx) {
    if (!(table[idx] & PTE_P)) {
        uint64_t *t = pages_alloc(1);
        if (!t) panic("out of memory for page tables");
        table[idx] = (uint64_t)t | PTE_P | PTE_W;
    }
    if (table[idx] & PTE_PS) return 0;      /* already a large page */
    return (uint64_t *)(table[idx] & ADDR_MASK);
}

static void map_4k(uint64_t va, uint64_t flags) {
    uint64_t *pdpt = table_next(pml4, (va >> 39) & 511);
    uint64_t *pd = table_next(pdpt, (va >> 30) & 511);
    uint64_t *pt = pd ? table_next(pd, (va >> 21) & 511) : 0;
    if (pt) pt[(va >> 12) & 511] = va | flags;
}

static void map_2m(uint64_t va, uint64_t flags) {
    uint64_t *pdpt = table_next(pml4, (va >> 39) & 511);
    uint64_t *pd = table_next(pdpt, (va >> 30) & 511);
    if (pd && !(pd[(va >> 21) & 511] & PTE_P)) pd[(va >> 21) & 511] = va | flags | PTE_PS;
}

static int is_guard_page(uint64_t pa) {
    if (pa == (uint64_t)__stack_guard) return 1;
    for (int i = 0; i < IST_COUNT; i++)
        if (pa == (uint64_t)ist_stacks[i].guard) return 1;
    return 0;
}

/* Protection for one 4 KiB page of the low region (below the end of the kernel image, rounded to 2 MiB). */
static uint64_t low_page_flags(uint64_t pa) {
    if (pa == 0 || is_guard_page(pa)) return 0;
    if (pa >= (uint64_t)__kernel_start && pa < (uint64_t)__text_end) return PTE_P;                  /* RX */
    if (pa >= (uint64_t)__text_end && pa < (uint64_t)__rodata_end) return PTE_P | nx_bit;          /* R */
    return PTE_P | PTE_W | nx_bit;                                                                 /* RW NX */
}

/* Maps device memory (uncached). Used by hal.memory for MMIO ranges outside RAM. */
void memory_map_mmio(uint64_t pa, uint64_t len) {
    for (uint64_t p = pa & ~(PAGE_SIZE - 1); p < pa + len; p += PAGE_SIZE)
        map_4k(p, PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx_bit);
    write_cr3((uint64_t)pml4);
}

/* True when any frame of [pa, pa+len) is RAM (reserved, free or allocated): such ranges are not MMIO. */
int memory_overlaps_ram(uint64_t pa, uint64_t len) {
    uint64_t first = pa / PAGE_SIZE, last = (pa + len - 1) / PAGE_SIZE;
    return first < bitmap_pages || (last < bitmap_pages && last >= first) || pa < (uint64_t)__kernel_end;
}

int memory_range_is_mapped(uint64_t addr, uint64_t len) {
    for (uint64_t va = addr & ~(PAGE_SIZE - 1); va < addr + len; va += PAGE_SIZE) {
        uint64_t e = pml4[(va >> 39) & 511];
        if (!(e & PTE_P)) return 0;
        e = ((uint64_t *)(e & ADDR_MASK))[(va >> 30) & 511];
        if (!(e & PTE_P)) return 0;
        e = ((uint64_t *)(e & ADDR_MASK))[(va >> 21) & 511];
        if (!(e & PTE_P)) return 0;
        if (e & PTE_PS) continue;
        e = ((uint64_t *)(e & ADDR_MASK))[(va >> 12) & 511];
        if (!(e & PTE_P)) return 0;
    }
    return 1;
}

void memory_init(const struct hvm_start_info *si) {
    uint32_t r[4];
    cpuid(0x80000001, 0, r);
    nx_bit = (r[3] & (1u << 20)) ? PTE_NX : 0;

    if (si->version < 1 || !si->memmap_entries) panic("PVH start info has no memory map (version %u)", si->version);
    const struct hvm_memmap_table_entry *mm = (const void *)si->memmap_paddr;
    uint64_t ram_top = 0;
    for (uint32_t i = 0; i < si->memmap_entries; i++)
        if (mm[i].type == HVM_MEMMAP_TYPE_RAM && mm[i].addr + mm[i].size > ram_top) ram_top = mm[i].addr + mm[i].size;
    if (ram_top > (64ull << 30)) ram_top = 64ull << 30;                 /* bitmap sized for at most 64 GiB */
    bitmap_pages = ram_top / PAGE_SIZE;

    /* The bitmap goes right after the kernel image (always RAM: the loader put us there). */
    uint64_t kend = align_up((uint64_t)__kernel_end, PAGE_SIZE);
    bitmap = (uint64_t *)kend;
    uint64_t bitmap_bytes = align_up((bitmap_pages + 63) / 64 * 8, PAGE_SIZE);
    kmemset(bitmap, 0xff, bitmap_bytes);
    dirty = (uint64_t *)(kend + bitmap_bytes);
    kmemset(dirty, 0, bitmap_bytes);
    uint64_t first_free = kend + 2 * bitmap_bytes;
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        if (mm[i].type != HVM_MEMMAP_TYPE_RAM) continue;
        uint64_t lo = align_up(mm[i].addr, PAGE_SIZE), hi = (mm[i].addr + mm[i].size) & ~(PAGE_SIZE - 1);
        if (hi > ram_top) hi = ram_top;
        total_pages += hi > lo ? (hi - lo) / PAGE_SIZE : 0;
        if (lo < first_free) lo = first_free;                          /* low memory and the image stay reserved */
        for (uint64_t p = lo; p < hi; p += PAGE_SIZE) frame_clear(p / PAGE_SIZE);
    }
    used_pages = 0;
    search_hint = first_free / PAGE_SIZE;
    used_pages = (first_free - 0x100000) / PAGE_SIZE;                   /* image + bitmap count as used */

    /* brk window: a contiguous reservation, committed (and cleared where recycled) as musl grows it. */
    uint64_t brk_pages = total_pages / 32 < 2048 ? total_pages / 32 : 2048;   /* ≤ 8 MiB */
    void *brk = pages_alloc(brk_pages);
    if (!brk) panic("no memory for the brk window");
    used_pages -= brk_pages;
    brk_window_pages = brk_pages;
    kernel_brk_start = kernel_brk_cur = (uint64_t)brk;
    kernel_brk_end = kernel_brk_start + brk_pages * PAGE_SIZE;

    /* Final page tables. */
    pml4 = pages_alloc(1);
    if (!pml4) panic("out of memory for page tables");
    uint64_t low_end = align_up(kend, TWO_MB);
    for (uint64_t pa = 0; pa < low_end; pa += PAGE_SIZE) {
        uint64_t f = low_page_flags(pa);
        if (f) map_4k(pa, f);
    }
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        if (mm[i].type != HVM_MEMMAP_TYPE_RAM) continue;
        uint64_t lo = mm[i].addr & ~(PAGE_SIZE - 1), hi = align_up(mm[i].addr + mm[i].size, PAGE_SIZE);
        if (hi > ram_top) hi = ram_top;
        if (lo < low_end) lo = low_end;
        for (uint64_t pa = lo; pa < hi;) {
            if (!(pa & (TWO_MB - 1)) && pa + TWO_MB <= hi) { map_2m(pa, PTE_P | PTE_W | nx_bit); pa += TWO_MB; }
            else { map_4k(pa, PTE_P | PTE_W | nx_bit); pa += PAGE_SIZE; }
        }
    }
    write_cr3((uint64_t)pml4);
}

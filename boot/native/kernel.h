/* boot/native/kernel.h — the native core's internal interfaces (one section per file).
 * Layer: native core. Everything here runs in ring 0, identity-mapped, single address space. */
#ifndef UNIJS_KERNEL_H
#define UNIJS_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096ul

/* Exit codes. kernel_exit(code) writes code + 1 to isa-debug-exit for app codes 0..EXIT_APP_MAX, and 127 for
 * EXIT_PANIC; QEMU then exits with (v << 1) | 1, so its status 1 (its own failure) never means an app exit.
 * boot/exit_codes.ts maps the status back. */
#define EXIT_APP_MAX   125
#define EXIT_PANIC     126

/* serial.c */
void serial_init(void);
void serial_write(const char *s, size_t n);
void kputs(const char *s);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* exit.c */
_Noreturn void kernel_exit(int code);
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* gdt.c, idt.c */
void gdt_init(void);
void idt_init(void);
void backtrace_from(uint64_t rbp);

/* memory.c: the physical page allocator behind mmap/brk, and paging */
struct hvm_start_info;
void memory_init(const struct hvm_start_info *si);
void *pages_alloc(size_t npages);           /* zeroed, identity-mapped; NULL when out of memory */
void pages_free(void *p, size_t npages);
/* For the heap (mmap/mremap): as pages_alloc, but leaves the emergency reserve free unless it is open. */
void *pages_alloc_heap(size_t npages);
void memory_reserve_set_open(int open);
/* True when at least twice the reserve is free again (the heap has recovered from running out of RAM). */
int memory_reserve_refilled(void);
uint64_t memory_total_bytes(void);
uint64_t memory_used_bytes(void);
int memory_range_is_mapped(uint64_t addr, uint64_t len);
int memory_overlaps_ram(uint64_t pa, uint64_t len);
extern uint64_t kernel_brk_start, kernel_brk_end, kernel_brk_cur;

/* clock.c */
void clock_init(void);
uint64_t clock_monotonic_ns(void);
uint64_t clock_realtime_ns(void);
uint64_t clock_tsc_hz(void);
uint64_t clock_rtc_seconds(void);
void memory_map_mmio(uint64_t pa, uint64_t len);
void apic_init(void);

/* syscall.c */
void syscall_init(void);

/* boot arguments for musl */
extern const char *kernel_cmdline;

/* Stack bounds (linker script), for backtraces. */
extern char __stack_bottom[], __stack_top[];
extern char __kernel_start[], __text_end[], __rodata_end[], __data_start[], __kernel_end[];

/* Fills with rep stosq for the aligned bulk (8× fewer iterations than stosb: it matters under TCG). */
static inline void kmemset(void *dst, int c, size_t n) {
    uint64_t v = 0x0101010101010101ull * (uint8_t)c;
    size_t q = ((uintptr_t)dst & 7) == 0 ? n / 8 : 0, rest = n - q * 8;
    __asm__ volatile("rep stosq" : "+D"(dst), "+c"(q) : "a"(v) : "memory");
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(rest) : "a"(v) : "memory");
}
static inline void kmemcpy(void *dst, const void *src, size_t n) {
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}
static inline size_t kstrlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

#endif

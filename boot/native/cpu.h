/* boot/native/cpu.h — x86_64 instruction wrappers (ports, MSRs, control registers, CPUID, TSC).
 * Layer: native core, lowest. Depends on nothing but the compiler. */
#ifndef UNIJS_CPU_H
#define UNIJS_CPU_H

#include <stdint.h>

#define MSR_EFER      0xC0000080u
#define MSR_STAR      0xC0000081u
#define MSR_LSTAR     0xC0000082u
#define MSR_FMASK     0xC0000084u
#define MSR_FS_BASE   0xC0000100u
#define EFER_SCE      (1u << 0)
#define EFER_NXE      (1u << 11)

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v) {
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
#define READ_CR(n) ({ uint64_t v_; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_)); v_; })
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void cpu_pause(void) { __asm__ volatile("pause"); }
static inline _Noreturn void halt_forever(void) { for (;;) __asm__ volatile("cli; hlt"); }

#endif

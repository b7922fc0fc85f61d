/* boot/native/gdt.c — the final GDT (kernel code/data + TSS) and the IST stacks every interrupt vector uses.
 * Layer: native core. IST1: exceptions; IST2: NMI, #DF, #MC; IST3: device interrupts. Each stack has an
 * unmapped guard page below it (memory_init), so an overflow faults instead of corrupting memory. */
#include "kernel.h"
#include "gdt.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct guarded_stack ist_stacks[IST_COUNT] __attribute__((section(".kstack"), aligned(4096)));

static struct tss tss __attribute__((aligned(16)));
static uint64_t gdt[5] __attribute__((aligned(16)));

void gdt_init(void) {
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffull;             /* 0x08 code64, DPL0 */
    gdt[2] = 0x00cf92000000ffffull;             /* 0x10 data */
    uint64_t base = (uint64_t)&tss, limit = sizeof tss - 1;
    gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
             (((base >> 24) & 0xff) << 56);      /* 0x18 available 64-bit TSS, low half */
    gdt[4] = base >> 32;                         /* high half */
    for (int i = 0; i < IST_COUNT; i++)
        tss.ist[i] = (uint64_t)(ist_stacks[i].stack + sizeof ist_stacks[i].stack);
    tss.iomap_base = sizeof tss;

    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) desc = { sizeof gdt - 1, (uint64_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq $0x08\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1: movl $0x10, %%eax\n\t"
        "movl %%eax, %%ds\n\tmovl %%eax, %%es\n\tmovl %%eax, %%ss\n\t"
        "movw $0x18, %%ax\n\t"
        "ltr %%ax"
        : : "m"(desc) : "rax", "memory");
}

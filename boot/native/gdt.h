/* boot/native/gdt.h — IST stack layout shared by gdt.c (TSS), idt.c (gate IST numbers), memory.c (guards). */
#ifndef UNIJS_GDT_H
#define UNIJS_GDT_H
#include <stdint.h>

#define IST_EXCEPTION 1
#define IST_CRITICAL  2
#define IST_IRQ       3
#define IST_COUNT     3
#define IST_STACK_SIZE (32 * 1024)

struct guarded_stack {
    char guard[4096];                  /* unmapped */
    char stack[IST_STACK_SIZE];
};
extern struct guarded_stack ist_stacks[IST_COUNT];

#endif

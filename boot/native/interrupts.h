/* boot/native/interrupts.h — the frame isr.S builds and the hook device-interrupt routing installs. */
#ifndef UNIJS_INTERRUPTS_H
#define UNIJS_INTERRUPTS_H
#include <stdint.h>

struct interrupt_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Returns nonzero when the vector belonged to a routed device interrupt (it then acknowledged it). */
typedef int (*interrupt_handler_fn)(uint64_t vector);
void interrupt_set_handler(interrupt_handler_fn fn);
void interrupt_dispatch(struct interrupt_frame *f);
extern volatile uint64_t interrupt_counts[256];
extern volatile uint64_t unexpected_interrupts;

#endif

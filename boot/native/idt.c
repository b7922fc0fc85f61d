/* boot/native/idt.c — the IDT, CPU exception reports (register dump, CR2, backtrace → panic exit) and the
 * device-interrupt path (record and acknowledge only; all device logic runs in JS from the event loop).
 * Layer: native core. */
#include "cpu.h"
#include "gdt.h"
#include "kernel.h"
#include "interrupts.h"

struct idt_gate {
    uint16_t offset_lo, selector;
    uint8_t ist, type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi, zero;
} __attribute__((packed));

extern const uint64_t isr_table[256];
static struct idt_gate idt[256] __attribute__((aligned(16)));

volatile uint64_t interrupt_counts[256];
volatile uint64_t unexpected_interrupts;

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor segment overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 floating point", "#AC alignment check", "#MC machine check",
    "#XM SIMD floating point", "#VE virtualization", "#CP control protection", "reserved", "reserved",
    "reserved", "reserved", "reserved", "reserved", "#HV hypervisor injection", "#VC VMM communication",
    "#SX security", "reserved",
};

void idt_init(void) {
    for (int v = 0; v < 256; v++) {
        uint64_t addr = isr_table[v];
        int ist = v >= 32 ? IST_IRQ : (v == 2 || v == 8 || v == 18) ? IST_CRITICAL : IST_EXCEPTION;
        idt[v] = (struct idt_gate){
            .offset_lo = (uint16_t)addr, .selector = 0x08, .ist = (uint8_t)ist, .type_attr = 0x8E,
            .offset_mid = (uint16_t)(addr >> 16), .offset_hi = (uint32_t)(addr >> 32), .zero = 0,
        };
    }
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) desc = { sizeof idt - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(desc));
}

static int address_on_a_stack(uint64_t a) {
    if (a >= (uint64_t)__stack_bottom && a + 16 <= (uint64_t)__stack_top) return 1;
    for (int i = 0; i < IST_COUNT; i++) {
        uint64_t lo = (uint64_t)ist_stacks[i].stack, hi = lo + IST_STACK_SIZE;
        if (a >= lo && a + 16 <= hi) return 1;
    }
    return 0;
}

/* Walks the frame-pointer chain. Frames in musl (built without frame pointers) can end the walk early. */
void backtrace_from(uint64_t rbp) {
    kputs("backtrace:\n");
    for (int depth = 0; depth < 32 && rbp && !(rbp & 7) && address_on_a_stack(rbp); depth++) {
        uint64_t next = ((uint64_t *)rbp)[0], ret = ((uint64_t *)rbp)[1];
        if (ret < (uint64_t)__kernel_start || ret >= (uint64_t)__text_end) break;
        kprintf("  #%d 0x%lx\n", depth, ret);
        if (next <= rbp) break;
        rbp = next;
    }
}

static _Noreturn void report_exception(const struct interrupt_frame *f) {
    kprintf("\n[unijs] CPU EXCEPTION %lu %s, error code 0x%lx\n", f->vector,
            exception_names[f->vector & 31], f->error);
    if (f->vector == 14)
        kprintf("page fault at 0x%lx: %s, %s%s\n", READ_CR(2), (f->error & 1) ? "protection violation" : "page not present",
                (f->error & 2) ? "write" : (f->error & 16) ? "instruction fetch" : "read",
                READ_CR(2) < PAGE_SIZE ? " (null pointer)" : "");
    kprintf("RIP %016lx  CS  %04lx  RFLAGS %016lx\n", f->rip, f->cs, f->rflags);
    kprintf("RSP %016lx  SS  %04lx\n", f->rsp, f->ss);
    kprintf("RAX %016lx  RBX %016lx  RCX %016lx\n", f->rax, f->rbx, f->rcx);
    kprintf("RDX %016lx  RSI %016lx  RDI %016lx\n", f->rdx, f->rsi, f->rdi);
    kprintf("RBP %016lx  R8  %016lx  R9  %016lx\n", f->rbp, f->r8, f->r9);
    kprintf("R10 %016lx  R11 %016lx  R12 %016lx\n", f->r10, f->r11, f->r12);
    kprintf("R13 %016lx  R14 %016lx  R15 %016lx\n", f->r13, f->r14, f->r15);
    kprintf("CR0 %016lx  CR2 %016lx  CR3 %016lx  CR4 %016lx\n", READ_CR(0), READ_CR(2), READ_CR(3), READ_CR(4));
    kprintf("  #- 0x%lx (faulting instruction)\n", f->rip);
    backtrace_from(f->rbp);
    kputs("[unijs] kernel panic\n");
    kernel_exit(EXIT_PANIC);
}

static interrupt_handler_fn irq_handler;

void interrupt_set_handler(interrupt_handler_fn fn) { irq_handler = fn; }

void interrupt_dispatch(struct interrupt_frame *f) {
    if (f->vector < 32) report_exception(f);
    interrupt_counts[f->vector]++;
    if (!irq_handler || !irq_handler(f->vector)) unexpected_interrupts++;
}

/* boot/native/exit.c — leaving the VM: isa-debug-exit (QEMU exits with (v << 1) | 1), else halt forever.
 * Layer: native core. kernel_exit is the only way out; panic prints its message first. */
#include "cpu.h"
#include "kernel.h"

#define DEBUG_EXIT_PORT 0xf4

_Noreturn void kernel_exit(int code) {
    uint32_t v = (code < 0 || code >= EXIT_PANIC) ? 127u : (uint32_t)code + 1;
    outl(DEBUG_EXIT_PORT, v);
    /* No isa-debug-exit device (e.g. another VMM): stop the CPU; the host sees a hung guest. */
    kputs("\n[unijs] exit device absent; halting\n");
    halt_forever();
}

_Noreturn void panic(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    kputs("\n[unijs] KERNEL PANIC: ");
    kputs(buf);
    kputs("\n");
    uint64_t rbp;
    __asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
    backtrace_from(rbp);
    kernel_exit(EXIT_PANIC);
}

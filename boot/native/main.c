/* boot/native/main.c — kmain: bring the machine up in order, then start musl, which calls main() (engine.c).
 * Layer: native core. */
#include "cpu.h"
#include "kernel.h"
#include "pvh.h"

extern int main(int argc, char **argv, char **envp);
extern _Noreturn void __libc_start_main(int (*)(int, char **, char **), int, char **, void (*)(void),
                                        void (*)(void), void (*)(void));

static char cmdline[1024];
const char *kernel_cmdline = cmdline;
static uint8_t at_random[16];

/* argv, envp and the auxiliary vector, laid out as the Linux ABI puts them on the initial stack. */
static uint64_t initial_stack[16];

_Noreturn void kmain(const struct hvm_start_info *si) {
    serial_init();
    if (si->magic != HVM_START_MAGIC) panic("not started by a PVH loader (start info magic 0x%x)", si->magic);
    if (si->cmdline_paddr) {
        const char *c = (const char *)si->cmdline_paddr;
        for (size_t i = 0; i < sizeof cmdline - 1 && c[i]; i++) cmdline[i] = c[i];
    }
    gdt_init();
    idt_init();
    memory_init(si);
    apic_init();
    syscall_init();
    clock_init();

    for (int i = 0; i < 16; i += 8) {
        uint64_t v = rdtsc() * 0x9E3779B97F4A7C15ull ^ (uint64_t)i;
        kmemcpy(at_random + i, &v, 8);
    }
    static char argv0[] = "unijs";
    uint64_t *s = initial_stack;
    s[0] = (uint64_t)argv0;  s[1] = 0;                      /* argv */
    s[2] = 0;                                               /* envp */
    s[3] = 6;  s[4] = PAGE_SIZE;                            /* AT_PAGESZ */
    s[5] = 25; s[6] = (uint64_t)at_random;                  /* AT_RANDOM */
    s[7] = 0;  s[8] = 0;                                    /* AT_NULL */
    __libc_start_main(main, 1, (char **)s, 0, 0, 0);
}

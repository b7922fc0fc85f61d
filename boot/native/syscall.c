/* boot/native/syscall.c — the "Linux" that musl talks to: a ring-0 syscall dispatcher for the calls musl and
 * QuickJS make (memory, time, console, TLS, exit). Calls about files and resources that this machine does not have
 * at this level (musl's time zone, path and limit lookups) get the errno a Linux without them would give, quietly;
 * other unknown calls return -ENOSYS, counted, and listed once each on the console only when the kernel command
 * line says `unijs.syscalls` (the app's console stays the app's).
 * Layer: native core. Built with -mgeneral-regs-only: it must not touch the caller's SSE state. */
#include "cpu.h"
#include "kernel.h"

enum {
    SYS_read = 0, SYS_write = 1, SYS_close = 3, SYS_fstat = 5, SYS_poll = 7, SYS_lseek = 8, SYS_mmap = 9,
    SYS_mprotect = 10, SYS_munmap = 11, SYS_brk = 12, SYS_rt_sigaction = 13, SYS_rt_sigprocmask = 14,
    SYS_ioctl = 16, SYS_readv = 19, SYS_writev = 20, SYS_sched_yield = 24, SYS_mremap = 25, SYS_madvise = 28,
    SYS_getpid = 39, SYS_exit = 60, SYS_uname = 63, SYS_getuid = 102, SYS_getgid = 104, SYS_geteuid = 107,
    SYS_getegid = 108, SYS_gettid = 186, SYS_futex = 202, SYS_set_tid_address = 218, SYS_clock_gettime = 228,
    SYS_clock_getres = 229, SYS_exit_group = 231, SYS_arch_prctl = 158, SYS_getrandom = 318,
    SYS_gettimeofday = 96, SYS_prlimit64 = 302, SYS_kill = 62, SYS_tkill = 200, SYS_tgkill = 234,
    SYS_open = 2, SYS_openat = 257,
    SYS_stat = 4, SYS_lstat = 6, SYS_pread64 = 17, SYS_pwrite64 = 18, SYS_access = 21, SYS_dup = 32, SYS_dup2 = 33,
    SYS_fcntl = 72, SYS_fsync = 74, SYS_fdatasync = 75, SYS_ftruncate = 77, SYS_readlink = 89, SYS_getrlimit = 97,
    SYS_sched_getaffinity = 204, SYS_getdents64 = 217, SYS_newfstatat = 262, SYS_readlinkat = 267,
    SYS_faccessat = 269, SYS_dup3 = 292, SYS_statx = 332, SYS_faccessat2 = 439,
};
#define EPERM 1
#define ENOENT 2
#define EBADF 9
#define ENOMEM 12
#define EFAULT 14
#define EINVAL 22
#define ENOTTY 25
#define ENOSYS 38
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MREMAP_MAYMOVE 1
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define TIOCGWINSZ 0x5413

struct iovec_k { const char *base; size_t len; };
struct timespec_k { int64_t sec, nsec; };

/* Unknown calls: which numbers were seen (a bitmap) and how many calls in all; for a debugger or unijs.syscalls. */
static uint64_t enosys_seen[8];
uint64_t syscall_unknown_calls;

/* True when the kernel command line holds `word` as a whole word. */
static int cmdline_has(const char *word) {
    size_t n = kstrlen(word), i;
    for (const char *p = kernel_cmdline; *p; p++) {
        if (p != kernel_cmdline && p[-1] != ' ') continue;
        for (i = 0; i < n && p[i] == word[i]; i++) {}
        if (i == n && (p[n] == ' ' || !p[n])) return 1;
    }
    return 0;
}

static long sys_unknown(long nr) {
    syscall_unknown_calls++;
    if (nr >= 0 && nr < 512 && !(enosys_seen[nr >> 6] & (1ull << (nr & 63)))) {
        enosys_seen[nr >> 6] |= 1ull << (nr & 63);
        if (cmdline_has("unijs.syscalls")) kprintf("[unijs] syscall %ld is not implemented (ENOSYS)\n", nr);
    }
    return -ENOSYS;
}

static long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, int64_t fd) {
    (void)addr; (void)prot;
    if (!len) return -EINVAL;
    if (!(flags & MAP_ANONYMOUS) || fd != -1) return -ENOSYS;      /* no files to map */
    if (flags & MAP_FIXED) return -ENOMEM;
    void *p = pages_alloc_heap((len + PAGE_SIZE - 1) / PAGE_SIZE);
    return p ? (long)p : -ENOMEM;
}

static long sys_munmap(uint64_t addr, uint64_t len) {
    if (addr & (PAGE_SIZE - 1)) return -EINVAL;
    pages_free((void *)addr, (len + PAGE_SIZE - 1) / PAGE_SIZE);
    return 0;
}

static long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, uint64_t flags) {
    uint64_t op = (old_len + PAGE_SIZE - 1) / PAGE_SIZE, np = (new_len + PAGE_SIZE - 1) / PAGE_SIZE;
    if ((old & (PAGE_SIZE - 1)) || !np) return -EINVAL;
    if (np <= op) {
        if (np < op) pages_free((void *)(old + np * PAGE_SIZE), op - np);
        return (long)old;
    }
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    void *p = pages_alloc_heap(np);
    if (!p) return -ENOMEM;
    kmemcpy(p, (void *)old, op * PAGE_SIZE);
    pages_free((void *)old, op);
    return (long)p;
}

static uint64_t brk_high_water;

/* Memory above the high-water mark is still as the hypervisor gave it (zero); below it, clear on regrowth. */
static long sys_brk(uint64_t want) {
    if (want >= kernel_brk_start && want <= kernel_brk_end) {
        if (!brk_high_water) brk_high_water = kernel_brk_start;
        if (want > kernel_brk_cur && kernel_brk_cur < brk_high_water) {
            uint64_t end = want < brk_high_water ? want : brk_high_water;
            kmemset((void *)kernel_brk_cur, 0, end - kernel_brk_cur);
        }
        if (want > brk_high_water) brk_high_water = want;
        kernel_brk_cur = want;
    }
    return (long)kernel_brk_cur;
}

static long sys_write(int64_t fd, const char *buf, size_t len) {
    if (fd != 1 && fd != 2) return -EBADF;
    serial_write(buf, len);
    return (long)len;
}

static long sys_clock_gettime(int64_t clk, struct timespec_k *ts) {
    if (!ts) return -EFAULT;
    uint64_t ns;
    switch (clk) {
    case 0: case 5: ns = clock_realtime_ns(); break;                /* REALTIME, REALTIME_COARSE */
    case 1: case 2: case 3: case 4: case 6: case 7: ns = clock_monotonic_ns(); break;
    default: return -EINVAL;
    }
    ts->sec = (int64_t)(ns / 1000000000ull);
    ts->nsec = (int64_t)(ns % 1000000000ull);
    return 0;
}

static long sys_getrandom(uint8_t *buf, size_t len) {
    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = 0;
        unsigned char ok = 0;
        for (int tries = 0; tries < 10 && !ok; tries++) __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
        if (!ok) v = rdtsc() * 0x9E3779B97F4A7C15ull;
        for (size_t j = 0; j < 8 && i + j < len; j++) buf[i + j] = (uint8_t)(v >> (8 * j));
    }
    return (long)len;
}

long syscall_dispatch(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
    (void)a6;
    switch (nr) {
    case SYS_write: return sys_write(a1, (const char *)a2, (size_t)a3);
    case SYS_writev: {
        const struct iovec_k *iov = (const void *)a2;
        long total = 0;
        for (long i = 0; i < a3; i++) {
            long r = sys_write(a1, iov[i].base, iov[i].len);
            if (r < 0) return r;
            total += r;
        }
        return total;
    }
    case SYS_read: case SYS_readv: return a1 == 0 ? 0 : -EBADF;     /* stdin is empty */
    case SYS_close: return 0;
    /* No files at this level (the file systems are TypeScript, above the engine): musl's time zone code looks for
     * /etc/localtime when a Date is shown in local time, and finds none (UTC), as on a machine without it. */
    case SYS_open: case SYS_openat: case SYS_stat: case SYS_lstat: case SYS_newfstatat: case SYS_statx:
    case SYS_access: case SYS_faccessat: case SYS_faccessat2: case SYS_readlink: case SYS_readlinkat: return -ENOENT;
    /* ... so no descriptor but the console's is open. */
    case SYS_fstat: case SYS_lseek: case SYS_poll: case SYS_fcntl: case SYS_dup: case SYS_dup2: case SYS_dup3:
    case SYS_pread64: case SYS_pwrite64: case SYS_getdents64: case SYS_fsync: case SYS_fdatasync: case SYS_ftruncate:
        return -EBADF;
    case SYS_getrlimit: case SYS_prlimit64: {                        /* no limits: RLIM_INFINITY, and none to set */
        uint64_t *old = (uint64_t *)(nr == SYS_getrlimit ? a2 : a4);
        if (nr == SYS_prlimit64 && a3) return -EPERM;
        if (old) old[0] = old[1] = ~0ull;
        return 0;
    }
    case SYS_sched_getaffinity:                                      /* one CPU (musl's sysconf(_SC_NPROCESSORS_*)) */
        if ((uint64_t)a2 < 8) return -EINVAL;
        kmemset((void *)a3, 0, (size_t)a2);
        *(uint8_t *)a3 = 1;
        return 8;
    case SYS_mmap: return sys_mmap((uint64_t)a1, (uint64_t)a2, (uint64_t)a3, (uint64_t)a4, a5);
    case SYS_munmap: return sys_munmap((uint64_t)a1, (uint64_t)a2);
    case SYS_mremap: return sys_mremap((uint64_t)a1, (uint64_t)a2, (uint64_t)a3, (uint64_t)a4);
    case SYS_mprotect: case SYS_madvise: return 0;
    case SYS_brk: return sys_brk((uint64_t)a1);
    case SYS_ioctl:
        if (a2 == TIOCGWINSZ && (a1 == 1 || a1 == 2)) {            /* the serial console: line-buffered, 80×24 */
            uint16_t *ws = (uint16_t *)a3;
            ws[0] = 24; ws[1] = 80; ws[2] = 0; ws[3] = 0;
            return 0;
        }
        return -ENOTTY;
    case SYS_rt_sigaction: case SYS_rt_sigprocmask: case SYS_sched_yield: return 0;
    case SYS_getpid: case SYS_gettid: case SYS_set_tid_address: return 1;
    case SYS_getuid: case SYS_getgid: case SYS_geteuid: case SYS_getegid: return 0;
    case SYS_arch_prctl:
        if (a1 == ARCH_SET_FS) { wrmsr(MSR_FS_BASE, (uint64_t)a2); return 0; }
        if (a1 == ARCH_GET_FS) { *(uint64_t *)a2 = rdmsr(MSR_FS_BASE); return 0; }
        return -EINVAL;
    case SYS_clock_gettime: return sys_clock_gettime(a1, (struct timespec_k *)a2);
    case SYS_clock_getres: if (a2) { ((struct timespec_k *)a2)->sec = 0; ((struct timespec_k *)a2)->nsec = 1; } return 0;
    case SYS_gettimeofday: {
        uint64_t ns = clock_realtime_ns();
        if (a1) { ((int64_t *)a1)[0] = (int64_t)(ns / 1000000000ull); ((int64_t *)a1)[1] = (int64_t)(ns % 1000000000ull / 1000); }
        return 0;
    }
    case SYS_getrandom: return sys_getrandom((uint8_t *)a1, (size_t)a2);
    case SYS_futex: return (a2 & 0x7f) == 1 ? 0 : -ENOSYS;         /* FUTEX_WAKE: nobody waits */
    case SYS_kill: case SYS_tkill: case SYS_tgkill: {
        long sig = nr == SYS_tgkill ? a3 : a2;
        if (sig == 0) return 0;
        /* musl's abort() (a failed assert in the engine) raises SIGABRT: there is no one to deliver it to. */
        panic("native code raised signal %ld (%s)", sig, sig == 6 ? "abort: an assertion failed or abort() was called" : "fatal");
    }
    case SYS_exit: case SYS_exit_group: kernel_exit((int)(a1 & 0xff) > EXIT_APP_MAX ? EXIT_APP_MAX : (int)(a1 & 0xff));
    default: return sys_unknown(nr);
    }
    (void)a4; (void)a5;
}

extern void syscall_entry(void);

void syscall_init(void) {
    wrmsr(MSR_STAR, (uint64_t)0x08 << 32);                           /* syscall loads CS=0x08, SS=0x10 */
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, 0x40700);                                       /* clear IF, TF, DF, AC */
}

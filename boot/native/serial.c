/* boot/native/serial.c — COM1 (16550 UART at 0x3f8) output and a small printf for the native core.
 * Layer: native core. Used by the console (hal.write), panics and the syscall shim (writev to fd 1/2). */
#include "cpu.h"
#include "kernel.h"

#define COM1 0x3f8

void serial_init(void) {
    outb(COM1 + 1, 0x00);   /* no interrupts */
    outb(COM1 + 3, 0x80);   /* DLAB */
    outb(COM1 + 0, 0x01);   /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1 */
    outb(COM1 + 2, 0xC7);   /* FIFO on, cleared, 14-byte threshold */
}

static inline void serial_putc(char c) {
    /* Wait (bounded) for the transmit holding register; an emulated UART is always ready. */
    for (int spins = 0; spins < 100000 && !(inb(COM1 + 5) & 0x20); spins++) cpu_pause();
    outb(COM1, (uint8_t)c);
}

void serial_write(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') serial_putc('\r');
        serial_putc(s[i]);
    }
}

void kputs(const char *s) { serial_write(s, kstrlen(s)); }

/* kvsnprintf: %s %c %d %i %u %x %X %p %%, with l/ll/z length, width, '0' and '-' flags. No floating point. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
    size_t out = 0;
#define PUT(ch) do { if (out + 1 < size) buf[out] = (ch); out++; } while (0)
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') { PUT(*p); continue; }
        p++;
        int left = 0, zero = 0, width = 0, lng = 0;
        for (;; p++) {
            if (*p == '-') left = 1;
            else if (*p == '0') zero = 1;
            else break;
        }
        while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        while (*p == 'l' || *p == 'z') { lng++; p++; }
        char tmp[24];
        const char *str = tmp;
        size_t len = 0;
        switch (*p) {
        case 's': str = va_arg(ap, const char *); if (!str) str = "(null)"; len = kstrlen(str); break;
        case 'c': tmp[0] = (char)va_arg(ap, int); len = 1; break;
        case '%': tmp[0] = '%'; len = 1; break;
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'p': {
            uint64_t v;
            int neg = 0;
            unsigned base = (*p == 'x' || *p == 'X' || *p == 'p') ? 16 : 10;
            if (*p == 'p') { v = (uint64_t)va_arg(ap, void *); zero = 1; if (!width) width = 16; }
            else if (*p == 'd' || *p == 'i') {
                int64_t s = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
                if (s < 0) { neg = 1; v = (uint64_t)-s; } else v = (uint64_t)s;
            } else v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            const char *digits = *p == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            char rev[24];
            size_t n = 0;
            do { rev[n++] = digits[v % base]; v /= base; } while (v);
            if (neg) tmp[len++] = '-';
            while (n) tmp[len++] = rev[--n];
            break;
        }
        default: tmp[0] = '%'; tmp[1] = *p; len = 2; if (!*p) { p--; len = 1; } break;
        }
        int pad = width > (int)len ? width - (int)len : 0;
        if (!left) while (pad-- > 0) PUT(zero ? '0' : ' ');
        for (size_t i = 0; i < len; i++) PUT(str[i]);
        if (left) while (pad-- > 0) PUT(' ');
    }
    if (size) buf[out < size ? out : size - 1] = '\0';
#undef PUT
    return (int)out;
}

void kprintf(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    serial_write(buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

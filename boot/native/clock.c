/* boot/native/clock.c — the TSC as the time base: calibration (hypervisor CPUID leaf, else PIT channel 0),
 * and the CMOS RTC read once at boot for wall-clock time. Serves clock_gettime for musl and the hal.
 * Layer: native core. */
#include "apic.h"
#include "cpu.h"
#include "kernel.h"

#define PIT_HZ 1193182ull
#define PIT_CAL_TICKS 2386ull              /* 2 ms */

static uint64_t tsc_hz, tsc_boot, ns_mult;  /* ns = (delta * ns_mult) >> 32 */
static uint64_t rtc_boot_ns, rtc_boot_tsc;

static uint16_t pit_read(void) {
    outb(0x43, 0x00);                       /* latch channel 0 */
    uint8_t lo = inb(0x40), hi = inb(0x40);
    return (uint16_t)(lo | (hi << 8));
}

/* Measures the TSC against the PIT over PIT_CAL_TICKS. Returns the TSC frequency, 0 when there is no PIT. */
static uint64_t calibrate_with_pit(void) {
    outb(0x43, 0x34);                       /* channel 0, lo/hi byte, mode 2 (rate generator), binary */
    outb(0x40, 0xff);
    outb(0x40, 0xff);
    uint16_t prev = pit_read();
    uint64_t t0 = rdtsc(), elapsed = 0;
    for (uint64_t spins = 0; elapsed < PIT_CAL_TICKS; spins++) {
        uint16_t cur = pit_read();
        elapsed += cur <= prev ? (uint64_t)(prev - cur) : (uint64_t)prev + 0xffff - cur;
        prev = cur;
        if (spins > 1000000 && elapsed == 0) return 0;      /* no PIT */
    }
    uint64_t t1 = rdtsc();
    outb(0x43, 0x30);                       /* leave channel 0 in one-shot mode 0 (its line is masked anyway) */
    return (t1 - t0) * PIT_HZ / elapsed;
}

static uint64_t hypervisor_tsc_hz(void) {
    uint32_t r[4];
    cpuid(0x40000000, 0, r);
    if (r[0] >= 0x40000010) {               /* VMware-style timing leaf (QEMU with vmware-cpuid-freq) */
        cpuid(0x40000010, 0, r);
        if (r[0]) return (uint64_t)r[0] * 1000;
    }
    cpuid(0, 0, r);
    if (r[0] >= 0x15) {                     /* TSC/crystal ratio with a known crystal frequency */
        cpuid(0x15, 0, r);
        if (r[0] && r[1] && r[2]) return (uint64_t)r[2] * r[1] / r[0];
    }
    return 0;
}

static uint8_t cmos(uint8_t reg) { outb(0x70, reg); return inb(0x71); }
static unsigned bcd(uint8_t v, int is_bcd) { return is_bcd ? (v & 15) + (v >> 4) * 10 : v; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static uint64_t rtc_read_seconds(void) {
    uint8_t a[7], b[7];
    for (int tries = 0; tries < 5; tries++) {
        for (int spins = 0; spins < 100000 && (cmos(0x0A) & 0x80); spins++) cpu_pause();  /* update in progress */
        const uint8_t regs[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32 };
        for (int i = 0; i < 7; i++) a[i] = cmos(regs[i]);
        for (int i = 0; i < 7; i++) b[i] = cmos(regs[i]);
        int same = 1;
        for (int i = 0; i < 7; i++) same &= a[i] == b[i];
        if (same) break;
    }
    uint8_t regb = cmos(0x0B);
    int is_bcd = !(regb & 0x04);
    unsigned sec = bcd(a[0], is_bcd), min = bcd(a[1], is_bcd), hour = bcd(a[2] & 0x7f, is_bcd);
    if (!(regb & 0x02) && (a[2] & 0x80)) hour = (hour % 12) + 12;     /* 12-hour mode, PM */
    unsigned day = bcd(a[3], is_bcd), mon = bcd(a[4], is_bcd), year = bcd(a[5], is_bcd);
    unsigned century = bcd(a[6], is_bcd);
    int64_t full_year = (century >= 19 && century <= 30) ? century * 100 + year : 2000 + year;
    if (mon < 1 || mon > 12 || day < 1 || day > 31) return 0;
    int64_t days = days_from_civil(full_year, mon, day);
    return (uint64_t)(days * 86400 + hour * 3600 + min * 60 + sec);
}

void clock_init(void) {
    tsc_boot = rdtsc();
    apic_timer_calibration_start();                         /* the LAPIC timer runs during the PIT window */
    tsc_hz = hypervisor_tsc_hz();
    if (tsc_hz) {                                           /* known TSC rate: still give the LAPIC a 2 ms window */
        uint64_t t0 = rdtsc();
        while (rdtsc() - t0 < tsc_hz / 500) cpu_pause();
    } else {
        tsc_hz = calibrate_with_pit();
    }
    if (!tsc_hz) { kputs("[unijs] warning: no PIT to calibrate the TSC; assuming 1 GHz\n"); tsc_hz = 1000000000ull; }
    apic_timer_calibration_end(tsc_hz);
    ns_mult = (uint64_t)(((unsigned __int128)1000000000ull << 32) / tsc_hz);
    rtc_boot_ns = rtc_read_seconds() * 1000000000ull;
    rtc_boot_tsc = rdtsc();
}

static uint64_t tsc_to_ns(uint64_t delta) { return (uint64_t)(((unsigned __int128)delta * ns_mult) >> 32); }

uint64_t clock_tsc_hz(void) { return tsc_hz; }
uint64_t clock_rtc_seconds(void) { return rtc_read_seconds(); }
uint64_t clock_monotonic_ns(void) { return tsc_to_ns(rdtsc() - tsc_boot); }
uint64_t clock_realtime_ns(void) { return rtc_boot_ns + tsc_to_ns(rdtsc() - rtc_boot_tsc); }

/* boot/native/apic.c — interrupt hardware: the local APIC (EOI, one-shot timer, spurious vector), the I/O APIC
 * (routing GSIs to vectors), the legacy PICs (masked), and the vector table the hal hands out.
 * Layer: native core. The ISR side only records, acknowledges and (for level-triggered lines) masks; JS handles
 * the device from its event loop and unmasks with hal.irqAck. Interrupts are enabled only inside hal.halt() and
 * hal.pollInterrupts(), so no ISR ever runs in the middle of musl or QuickJS code. */
#include "apic.h"
#include "cpu.h"
#include "interrupts.h"
#include "kernel.h"

#define MSR_APIC_BASE 0x1B
#define LAPIC_DEFAULT 0xFEE00000ull
#define IOAPIC_DEFAULT 0xFEC00000ull

#define LAPIC_ID      0x020
#define LAPIC_TPR     0x080
#define LAPIC_EOI     0x0B0
#define LAPIC_SVR     0x0F0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3E0
#define LVT_MASKED (1u << 16)

static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;
static unsigned ioapic_max_redir;
static uint64_t lapic_timer_hz;

/* Per vector: who owns it. */
enum { VEC_FREE, VEC_IOAPIC_EDGE, VEC_IOAPIC_LEVEL, VEC_MSI, VEC_TIMER };
static uint8_t vector_kind[256];
static uint8_t vector_gsi[256];

/* Vectors that fired since JS last took them (bitmap), and a flag for the timer. */
static volatile uint64_t pending[4];
volatile uint64_t spurious_interrupts;

static inline uint32_t lapic_read(unsigned reg) { return lapic[reg / 4]; }
static inline void lapic_write(unsigned reg, uint32_t v) { lapic[reg / 4] = v; (void)lapic[LAPIC_ID / 4]; }

static uint32_t ioapic_read(unsigned reg) { ioapic[0] = reg; return ioapic[4]; }
static void ioapic_write(unsigned reg, uint32_t v) { ioapic[0] = reg; ioapic[4] = v; }

static void ioapic_set_mask(unsigned gsi, int masked) {
    uint32_t lo = ioapic_read(0x10 + 2 * gsi);
    ioapic_write(0x10 + 2 * gsi, masked ? lo | LVT_MASKED : lo & ~LVT_MASKED);
}

static int on_interrupt(uint64_t vector) {
    if (vector == APIC_SPURIOUS_VECTOR) { spurious_interrupts++; return 1; }   /* no EOI for spurious */
    int known = vector_kind[vector] != VEC_FREE;
    pending[vector >> 6] |= 1ull << (vector & 63);
    if (vector_kind[vector] == VEC_IOAPIC_LEVEL) ioapic_set_mask(vector_gsi[vector], 1);  /* until hal.irqAck */
    lapic_write(LAPIC_EOI, 0);
    return known;
}

void apic_init(void) {
    /* The legacy 8259 PICs: remap away from the exception vectors, then mask every line. */
    outb(0x20, 0x11); outb(0xA0, 0x11);
    outb(0x21, 0x20); outb(0xA1, 0x28);
    outb(0x21, 0x04); outb(0xA1, 0x02);
    outb(0x21, 0x01); outb(0xA1, 0x01);
    outb(0x21, 0xFF); outb(0xA1, 0xFF);

    uint64_t base = rdmsr(MSR_APIC_BASE);
    uint64_t pa = base & 0xFFFFFF000ull;
    if (!pa) pa = LAPIC_DEFAULT;
    wrmsr(MSR_APIC_BASE, pa | (1u << 11) | (base & 0x100));               /* global enable, keep BSP bit */
    memory_map_mmio(pa, PAGE_SIZE);
    lapic = (volatile uint32_t *)pa;
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_SVR, (1u << 8) | APIC_SPURIOUS_VECTOR);

    memory_map_mmio(IOAPIC_DEFAULT, PAGE_SIZE);
    ioapic = (volatile uint32_t *)IOAPIC_DEFAULT;
    ioapic_max_redir = (ioapic_read(1) >> 16) & 0xff;
    if (ioapic_max_redir == 0xff) ioapic_max_redir = 0;                       /* no I/O APIC answers */
    for (unsigned i = 0; i <= ioapic_max_redir; i++) {
        ioapic_write(0x10 + 2 * i, LVT_MASKED);
        ioapic_write(0x11 + 2 * i, 0);
    }
    vector_kind[APIC_TIMER_VECTOR] = VEC_TIMER;
    interrupt_set_handler(on_interrupt);
}

static uint64_t calibration_tsc;

/* Starts the LAPIC timer counting down (divide by 16); apic_timer_calibration_end measures it against the TSC. */
void apic_timer_calibration_start(void) {
    lapic_write(LAPIC_TIMER_DIV, 0x3);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | APIC_TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
    calibration_tsc = rdtsc();
}

/* Reads the count and the TSC back to back, so both measure the same interval. */
void apic_timer_calibration_end(uint64_t tsc_hz) {
    uint32_t left = lapic_read(LAPIC_TIMER_CUR);
    uint64_t tsc_delta = rdtsc() - calibration_tsc;
    lapic_write(LAPIC_TIMER_INIT, 0);
    uint64_t ticks = 0xFFFFFFFFull - left;
    lapic_timer_hz = tsc_delta && tsc_hz ? (uint64_t)(((unsigned __int128)ticks * tsc_hz) / tsc_delta) : 0;
    if (!lapic_timer_hz) lapic_timer_hz = 62500000;                           /* QEMU: 1 GHz / 16 */
}

uint64_t apic_timer_hz(void) { return lapic_timer_hz; }

void apic_timer_arm_ns(uint64_t delay_ns) {
    uint64_t ticks = (uint64_t)(((unsigned __int128)delay_ns * lapic_timer_hz) / 1000000000ull);
    if (ticks == 0) ticks = 1;
    if (ticks > 0xFFFFFFFFull) ticks = 0xFFFFFFFFull;                         /* wakes early; JS re-arms */
    lapic_write(LAPIC_TIMER_DIV, 0x3);
    lapic_write(LAPIC_LVT_TIMER, APIC_TIMER_VECTOR);                          /* one-shot, unmasked */
    lapic_write(LAPIC_TIMER_INIT, (uint32_t)ticks);
}

void apic_timer_cancel(void) { lapic_write(LAPIC_TIMER_INIT, 0); }

int apic_route_gsi(unsigned gsi, int level, int active_low) {
    if (!ioapic || gsi > ioapic_max_redir) return -1;
    for (unsigned v = APIC_FIRST_DEVICE_VECTOR; v <= APIC_LAST_DEVICE_VECTOR; v++) {
        if (vector_kind[v] == VEC_IOAPIC_EDGE || vector_kind[v] == VEC_IOAPIC_LEVEL) {
            if (vector_gsi[v] == gsi) return (int)v;                          /* already routed */
        }
    }
    int v = apic_alloc_vector(level ? VEC_IOAPIC_LEVEL : VEC_IOAPIC_EDGE);
    if (v < 0) return -1;
    vector_gsi[v] = (uint8_t)gsi;
    uint32_t lo = (uint32_t)v | (level ? (1u << 15) : 0) | (active_low ? (1u << 13) : 0);
    ioapic_write(0x11 + 2 * gsi, (lapic_read(LAPIC_ID) >> 24) << 24);         /* destination: this CPU */
    ioapic_write(0x10 + 2 * gsi, lo);
    return v;
}

int apic_alloc_vector(int kind) {
    for (unsigned v = APIC_FIRST_DEVICE_VECTOR; v <= APIC_LAST_DEVICE_VECTOR; v++) {
        if (vector_kind[v] == VEC_FREE) { vector_kind[v] = (uint8_t)kind; return (int)v; }
    }
    return -1;
}

int apic_alloc_msi_vector(void) { return apic_alloc_vector(VEC_MSI); }
uint64_t apic_msi_address(void) { return LAPIC_DEFAULT | ((uint64_t)(lapic_read(LAPIC_ID) >> 24) << 12); }

/* After JS handled a level-triggered line: unmask it again. Other kinds need nothing. */
void apic_ack(unsigned vector) {
    if (vector < 256 && vector_kind[vector] == VEC_IOAPIC_LEVEL) ioapic_set_mask(vector_gsi[vector], 0);
}

void apic_mask(unsigned vector, int masked) {
    if (vector < 256 && (vector_kind[vector] == VEC_IOAPIC_EDGE || vector_kind[vector] == VEC_IOAPIC_LEVEL))
        ioapic_set_mask(vector_gsi[vector], masked);
}

/* Moves the pending set into out[4] and clears it. Called with interrupts disabled. */
void apic_take_pending(uint64_t out[4]) {
    for (int i = 0; i < 4; i++) { out[i] = pending[i]; pending[i] = 0; }
}

int apic_any_pending(void) { return (pending[0] | pending[1] | pending[2] | pending[3]) != 0; }

/* Sleeps until an interrupt arrives (sti; hlt is atomic: nothing can slip in between), then disables again. */
void apic_halt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

/* Lets interrupts that are already pending in the LAPIC be delivered, without sleeping. */
void apic_poll(void) { __asm__ volatile("sti; nop; cli" ::: "memory"); }

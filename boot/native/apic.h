/* boot/native/apic.h — the interrupt controller interface used by clock.c and hal.c. */
#ifndef UNIJS_APIC_H
#define UNIJS_APIC_H
#include <stdint.h>

#define APIC_FIRST_DEVICE_VECTOR 0x30
#define APIC_LAST_DEVICE_VECTOR  0xEF
#define APIC_TIMER_VECTOR        0xF0
#define APIC_SPURIOUS_VECTOR     0xFF

void apic_init(void);
void apic_timer_calibration_start(void);
void apic_timer_calibration_end(uint64_t tsc_hz);
uint64_t apic_timer_hz(void);
void apic_timer_arm_ns(uint64_t delay_ns);
void apic_timer_cancel(void);
int apic_route_gsi(unsigned gsi, int level, int active_low);
int apic_alloc_vector(int kind);
int apic_alloc_msi_vector(void);
uint64_t apic_msi_address(void);
void apic_ack(unsigned vector);
void apic_mask(unsigned vector, int masked);
void apic_take_pending(uint64_t out[4]);
int apic_any_pending(void);
void apic_halt(void);
void apic_poll(void);
extern volatile uint64_t spurious_interrupts;

#endif

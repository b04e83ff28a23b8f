/*
 * sim_quirks.c — where simavr 1.6 (Debian bookworm's libsimavr2) differs from an ATmega328P in ways
 * that would make the harness measure simavr instead of the firmware. Each correction is small and
 * named here; the reason is the simavr 1.6 source (simavr/sim/avr_uart.c, sim_interrupts.c,
 * avr_ioport.c, sim_avr.c at tag v1.6).
 *
 * 1. A timer interrupt that becomes due while its enable bit is clear is dropped. simavr's
 *    avr_raise_interrupt() sets the flag (e.g. OCF2A) but queues the vector only if it is enabled, and
 *    nothing looks at the flag again when the enable bit is set. Real silicon takes the interrupt as
 *    soon as both are set. The firmware masks OCIE2A for a few cycles around every capture-ring index
 *    access (hark_hal_irq_lock), so 0.7–1.5 % of samples would vanish. Fix: a write hook on
 *    TIMSK0/1/2 raises every timer vector whose enable bit just went 0 → 1 while its flag is set.
 * 2. A UART byte is timed as 11 bits (start + 8 data + *parity* + stop, parity counted even when
 *    disabled): 250000 baud would carry 22727 bytes/s instead of 25000. Fix: after every write to
 *    UBRR0L / UCSR0A / UCSR0C the byte time is recomputed as start + data + parity (only if UPM0 is
 *    set) + stop bits.
 * 3. AVR_UART_FLAG_POLL_SLEEP (on by default) makes every read of UCSR0A with nothing received
 *    usleep(1): the firmware polls UDRE0 there for each byte it sends, so the simulation would run at
 *    the host's scheduler's pace, not the firmware's. AVR_UART_FLAG_STDIO (also default) prints the
 *    firmware's bytes as text. Fix: both flags cleared.
 * Not corrected, and worked around by the tests: simavr 1.6 maps Timer1's WGM mode 14 (fast PWM, TOP =
 * ICR1, what Arduino's Servo and this firmware use on pins 9 and 10) to a mode whose output-compare pins
 * it never drives, so servo and PWM on 9/10 show no edges in the pin log; tests read TCCR1A/OCR1x with
 * the `reg` command instead. Timer0's fast PWM (pins 5, 6) is emulated and is what pin tests watch.
 *
 * 4. avr_reset() zeroes every I/O register, PINx included, and the pin IRQs remember their old value,
 *    so a pin the harness drives high (the released button, active low) reads low — pressed — after a
 *    reset until it changes. Fix: sim_pins_after_reset() re-applies every driven level (sim_pins.c),
 *    called from sim_quirks_after_reset(). Its sibling: any write to PORTx re-raises an input pin whose
 *    PORT bit is set (the pull-up) as high, so a pressed button reads released the moment the firmware
 *    writes PORTD for another pin; sim_pins.c declares driven pins as simavr's "external" port state.
 */
#include <stdio.h>

#include <simavr/sim_interrupts.h>
#include <simavr/sim_io.h>
#include <simavr/sim_regbit.h>

#include "sim_board.h"

/* ATmega328P data addresses (avr-libc iom328p.h). */
#define ADDR_TIMSK0 0x6E
#define ADDR_TIMSK1 0x6F
#define ADDR_TIMSK2 0x70
#define ADDR_UCSR0A 0xC0
#define ADDR_UCSR0C 0xC2
#define ADDR_UBRR0L 0xC4

static sim_board_t *board;
static bool timsk_has_writer[3];
static uint8_t timsk_shadow[3]; /* the last value written: another writer may already have stored v */

/* ---- 1. interrupts raised while masked --------------------------------------------------------- */
static void timsk_write(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param) {
  (void)param;
  uint8_t old = timsk_shadow[addr - ADDR_TIMSK0];
  timsk_shadow[addr - ADDR_TIMSK0] = v;
  if (!timsk_has_writer[addr - ADDR_TIMSK0]) avr_core_watch_write(avr, addr, v);
  uint8_t rising = (uint8_t)(~old & v);
  if (rising == 0) return;
  avr_int_table_p t = &avr->interrupts;
  for (int i = 0; i < t->vector_count; i++) {
    avr_int_vector_t *vec = t->vector[i];
    if (vec->enable.reg != addr || vec->pending) continue;
    if ((rising & (vec->enable.mask << vec->enable.bit)) == 0) continue;
    if (!vec->raised.reg || !avr_regbit_get(avr, vec->raised)) continue;
    avr_raise_interrupt(avr, vec);
    board->m.timer_reraised++;
  }
}

/* ---- 2. ten bits a byte -------------------------------------------------------------------------- */
static void recompute_byte_time(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param) {
  (void)addr;
  (void)v;
  (void)param;
  avr_uart_t *u = board->uart;
  uint32_t ubrr = avr_regbit_get(avr, u->ubrrl) | (uint32_t)(avr_regbit_get(avr, u->ubrrh) << 8);
  static const int databits[] = {5, 6, 7, 8, 8, 8, 8, 9};
  int data = databits[avr_regbit_get(avr, u->ucsz) | (avr_regbit_get(avr, u->ucsz2) << 2)];
  int stop = 1 + avr_regbit_get(avr, u->usbs);
  int parity = (avr->data[ADDR_UCSR0C] & 0x30) != 0; /* UPM01:0 */
  uint32_t cycles_per_bit = (ubrr + 1u) * 8u * (avr_regbit_get(avr, u->u2x) ? 1u : 2u);
  u->cycles_per_byte = cycles_per_bit * (uint32_t)(1 + data + parity + stop);
  board->cycles_per_byte = (uint32_t)u->cycles_per_byte;
}

void sim_quirks_install(sim_board_t *b) {
  board = b;
  avr_t *avr = b->avr;
  const avr_io_addr_t timsk[3] = {ADDR_TIMSK0, ADDR_TIMSK1, ADDR_TIMSK2};
  for (int i = 0; i < 3; i++) {
    timsk_has_writer[i] = avr->io[AVR_DATA_TO_IO(timsk[i])].w.c != NULL;
    avr_register_io_write(avr, timsk[i], timsk_write, NULL);
  }
  /* Registered after the UART's own handlers, so simavr's shared-register dispatcher runs ours last. */
  avr_register_io_write(avr, ADDR_UBRR0L, recompute_byte_time, NULL);
  avr_register_io_write(avr, ADDR_UCSR0A, recompute_byte_time, NULL);
  avr_register_io_write(avr, ADDR_UCSR0C, recompute_byte_time, NULL);
  sim_quirks_after_reset(b);
}

void sim_quirks_after_reset(sim_board_t *b) {
  /* 3. Flags survive a reset in simavr, but set them again anyway: cheap and order-proof. */
  uint32_t flags = 0;
  avr_ioctl(b->avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
  b->cycles_per_byte = (uint32_t)b->uart->cycles_per_byte;
  for (int i = 0; i < 3; i++) timsk_shadow[i] = 0; /* avr_reset() zeroed the registers */
  /* 4. */
  sim_pins_after_reset(b);
}

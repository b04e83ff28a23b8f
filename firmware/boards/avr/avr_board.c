/*
 * avr_board.c — the Arduino Uno (ATmega328P) board layer, written straight on avr-libc.
 *
 * Why not the Arduino core: hark needs one timer interrupt that does four jobs at 8 kHz (start the
 * next ADC conversion and push the last sample, count milliseconds, toggle the piezo, soft-PWM the
 * LED); Arduino's millis (Timer0), tone (Timer2) and analogRead (blocking) would each take a timer or
 * block, and its HardwareSerial buffers and String cost RAM we do not have (and avr-libc lacks the
 * DECIMAL_DIG its WString needs). Directly on the registers the image stays small and every
 * cycle is accounted for.
 *
 *   Timer2 CTC 8 kHz ─► ISR: ADC result → DC-removed int16 → capture ring; ADSC; millis; piezo; LED PWM
 *   UART0 250000 baud (U2X, UBRR 7: 0 % error) ─► RX interrupt into a 64-byte ring (lost frames
 *   counted); TX from a 64-byte ring drained by the UDRE interrupt
 *   Timer0 fast PWM on 5, 6; Timer1 50 Hz PWM / servo on 9, 10
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/atomic.h>

#include "avr_board.h"
#include "board_pins.h"
#include "device/hark_device.h"
#include "hark_hal.h"

#define HARK_GPIO_PIN(pin, caps) {pin, caps},
static const hark_gpio_info_t uno_pins[] = {HARK_GPIO_TABLE};
#undef HARK_GPIO_PIN

/* Every field from the profile (board_pins.h is generated from boards/profiles/arduino-uno-electret.json). */
static const hark_board_t uno_board = HARK_BOARD_INIT(uno_pins);

const char *hark_board_uid(void) { return ""; } /* no unique id: the host names it by port */

/* ---- state shared with the ISRs ---------------------------------------------------------------- */
static volatile uint32_t millis_count;
volatile uint8_t avr_mic_on;
static volatile uint16_t tone_step;  /* phase increment per 8 kHz tick (0 = silent) */
static volatile uint8_t led_level;   /* 0..32 soft-PWM duty */
/* Receive ring: RX_RING bytes exactly (free-running 8-bit indexes, head - tail = bytes held), the
   rx_window_bytes this board announces. A byte that arrives while it is full is dropped; a dropped
   0x00 ends a frame that is then lost whole, and is counted (hark_hal_serial_rx_lost). */
#define RX_RING 64
static volatile uint8_t rx_ring[RX_RING];
static volatile uint8_t rx_head, rx_tail;
static volatile uint16_t rx_lost_frames;

ISR(USART_RX_vect) {
  uint8_t b = UDR0;
  uint8_t head = rx_head;
  if ((uint8_t)(head - rx_tail) == RX_RING) {
    if (b == 0) rx_lost_frames++;
    return;
  }
  rx_ring[head & (RX_RING - 1u)] = b;
  rx_head = (uint8_t)(head + 1u);
}

ISR(TIMER2_COMPA_vect) {
  static uint8_t ms_div, pwm;
  static uint16_t phase;
  static int32_t dc; /* DC estimate × 256 (one-pole high-pass, corner ≈ 5 Hz) */
  if (avr_mic_on) {
    int16_t x = (int16_t)((int16_t)ADC - 512) << 6; /* 10-bit, biased at VCC/2 → int16 */
    ADCSRA |= _BV(ADSC);                             /* next conversion, 125 µs from now */
    dc += x - (dc >> 8);
    hark_mic_push1((int16_t)(x - (int16_t)(dc >> 8)));
  }
  if (++ms_div == 8) {
    ms_div = 0;
    millis_count++;
  }
  if (tone_step != 0) {
    phase += tone_step;
    if (phase & 0x8000u) PORTB |= _BV(PB0); else PORTB &= (uint8_t)~_BV(PB0);
  }
  pwm = (uint8_t)((pwm + 1u) & 31u);
  if (pwm < led_level) PORTB |= _BV(PB5); else PORTB &= (uint8_t)~_BV(PB5);
}

/* ---- HAL ------------------------------------------------------------------------------------- */
uint32_t hark_hal_millis(void) {
  uint32_t m;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { m = millis_count; }
  return m;
}
/* Only the sampler pushes into the capture ring: masking its interrupt is enough and leaves the UART alone. */
void hark_hal_irq_lock(void) { TIMSK2 &= (uint8_t)~_BV(OCIE2A); }
void hark_hal_irq_unlock(void) { TIMSK2 |= _BV(OCIE2A); }

uint16_t hark_hal_serial_read(uint8_t *dst, uint16_t max) {
  uint16_t n = 0;
  uint8_t tail = rx_tail;
  while (n < max && tail != rx_head) dst[n++] = rx_ring[tail++ & (RX_RING - 1u)];
  rx_tail = tail;
  return n;
}
uint16_t hark_hal_serial_rx_lost(void) {
  uint16_t n;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { n = rx_lost_frames; }
  return n;
}
/* Transmit ring, drained by the UDRE interrupt: the loop hands a frame over and goes on (it reads the
   receive ring meanwhile) instead of spinning 40 µs a byte. tx_room is exact, so an AUDIO chunk
   (≤ 54 bytes on the wire) leaves only when it fits and the core's deferred LOG/ERROR reports wait
   for room; a control frame larger than the free space waits for the ring, at most one frame time. */
#define TX_RING 64
static volatile uint8_t tx_ring[TX_RING];
static volatile uint8_t tx_head, tx_tail;

ISR(USART_UDRE_vect) {
  uint8_t tail = tx_tail;
  if (tail == tx_head) {
    UCSR0B &= (uint8_t)~_BV(UDRIE0); /* empty: quiet until the next write */
    return;
  }
  UDR0 = tx_ring[tail & (TX_RING - 1u)];
  tx_tail = (uint8_t)(tail + 1u);
}

uint16_t hark_hal_serial_tx_room(void) { return (uint16_t)(TX_RING - (uint8_t)(tx_head - tx_tail)); }
void hark_hal_serial_write(const uint8_t *src, uint16_t len) {
  for (uint16_t i = 0; i < len; i++) {
    uint8_t head = tx_head;
    while ((uint8_t)(head - tx_tail) == TX_RING) {
    } /* full: the interrupt frees a byte every 40 µs */
    tx_ring[head & (TX_RING - 1u)] = src[i];
    tx_head = (uint8_t)(head + 1u);
    UCSR0B |= _BV(UDRIE0);
  }
}

bool hark_hal_button_pressed(uint8_t id) { return id == 0 && !(PIND & _BV(PD2)); }

void hark_hal_led_write(uint8_t index, uint8_t r, uint8_t g, uint8_t b) {
  (void)index;
  (void)g;
  (void)b;
  led_level = (uint8_t)((r + 7u) >> 3); /* mono: the core passes r = g = b = level; 0..255 → 0..32 */
}
void hark_hal_led_show(void) {}

void hark_hal_tone(uint16_t freq_hz, uint8_t volume_pct) {
  /* A piezo has one loudness: volume 0 is silence, anything else plays. 4 kHz is the Nyquist limit. */
  if (freq_hz == 0 || volume_pct == 0 || freq_hz > 4000) {
    tone_step = 0;
    PORTB &= (uint8_t)~_BV(PB0);
  } else {
    tone_step = (uint16_t)(((uint32_t)freq_hz << 16) / HARK_MIC_SAMPLE_RATE_HZ);
  }
}

void hark_hal_speaker_open(uint32_t sample_rate_hz) { (void)sample_rate_hz; }
uint16_t hark_hal_speaker_room(void) { return 0; }
void hark_hal_speaker_write(const int16_t *samples, uint16_t n) {
  (void)samples;
  (void)n;
}

void hark_hal_mic_enable(bool on) {
  if (on) {
    ADMUX = _BV(REFS0); /* AVcc reference, channel 0 (A0) */
    ADCSRA = _BV(ADEN) | _BV(ADSC) | _BV(ADPS2) | _BV(ADPS1); /* ÷64: 250 kHz ADC clock, 52 µs a conversion */
  }
  avr_mic_on = on;
}
void hark_hal_mic_poll(void) {} /* the sampler ISR pushes directly */

void hark_hal_debug(uint8_t level, const char *text) {
  (void)level;
  (void)text;
}

/* ---- boot ------------------------------------------------------------------------------------ */
static void hardware_init(void) {
  UCSR0A = _BV(U2X0);
  UBRR0 = (uint16_t)(F_CPU / (8UL * HARK_SERIAL_BAUD) - 1UL);
  UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
  UCSR0C = _BV(UCSZ01) | _BV(UCSZ00); /* 8N1 */
  DDRB |= _BV(PB0) | _BV(PB5);        /* piezo, LED */
  PORTD |= _BV(PD2);                  /* button pull-up */
  TCCR2A = _BV(WGM21);                /* CTC */
  TCCR2B = _BV(CS21);                 /* ÷8: 2 MHz */
  OCR2A = (uint8_t)(F_CPU / 8UL / HARK_MIC_SAMPLE_RATE_HZ - 1UL);
  TIMSK2 = _BV(OCIE2A);
}

int main(void) {
  hardware_init();
  sei();
  hark_device_setup(&uno_board);
  for (;;) hark_device_loop();
}

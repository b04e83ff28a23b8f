/*
 * avr_gpio.c — GPIO for the host's johnny-five IO plugin on the ATmega328P. Arduino pin numbers:
 * 0–7 PORTD, 8–13 PORTB, 14–19 PORTC (A0–A5). The core has already checked every pin and mode
 * against board_pins.h's table, so this only maps numbers to registers.
 */
#include <avr/io.h>
#include <stdbool.h>

#include "avr_board.h"
#include "board_pins.h"
#include "gpio/hark_gpio.h"
#include "hark_hal.h"

static volatile uint8_t *ddr_of(uint8_t pin) { return pin < 8 ? &DDRD : pin < 14 ? &DDRB : &DDRC; }
static volatile uint8_t *port_of(uint8_t pin) { return pin < 8 ? &PORTD : pin < 14 ? &PORTB : &PORTC; }
static volatile uint8_t *pinreg_of(uint8_t pin) { return pin < 8 ? &PIND : pin < 14 ? &PINB : &PINC; }
static uint8_t bit_of(uint8_t pin) { return (uint8_t)_BV(pin < 8 ? pin : pin < 14 ? pin - 8 : pin - 14); }

#define SERVO_TOP 39999u /* Timer1 ÷8 = 0.5 µs ticks, 20 ms period */

/* The timer output (COMnx1) that drives `pin`, and the register holding it. */
static volatile uint8_t *com_reg(uint8_t pin) { return pin == 5 || pin == 6 ? &TCCR0A : &TCCR1A; }
static uint8_t com_bit(uint8_t pin) {
  return (uint8_t)(pin == 6 ? _BV(COM0A1) : pin == 5 ? _BV(COM0B1) : pin == 9 ? _BV(COM1A1) : _BV(COM1B1));
}
static bool timer_pin(uint8_t pin) { return pin == 5 || pin == 6 || pin == 9 || pin == 10; }

/* Starts the pin's timer in its PWM mode; its output stays disconnected until a non-zero write. */
static void timer_start(uint8_t pin) {
  if (pin == 5 || pin == 6) {
    TCCR0A |= _BV(WGM01) | _BV(WGM00); /* fast PWM, ~977 Hz */
    TCCR0B = _BV(CS01) | _BV(CS00);
  } else {
    TCCR1A |= _BV(WGM11);
    TCCR1B = _BV(WGM13) | _BV(WGM12) | _BV(CS11); /* mode 14, ICR1 top, 50 Hz */
    ICR1 = SERVO_TOP;
  }
}

/* Gives the pin back to its PORT bit (a digital pin again) and stops the timer once no pin uses it:
   a pin switched from PWM to output must follow digitalWrite, not its old duty cycle. */
static void timer_release(uint8_t pin) {
  if (!timer_pin(pin)) return;
  *com_reg(pin) &= (uint8_t)~com_bit(pin);
  if (pin == 5 || pin == 6) {
    if ((TCCR0A & (_BV(COM0A1) | _BV(COM0B1))) == 0) TCCR0A = TCCR0B = 0;
  } else if ((TCCR1A & (_BV(COM1A1) | _BV(COM1B1))) == 0) {
    TCCR1A = TCCR1B = 0;
  }
}

void hark_hal_gpio_mode(uint8_t pin, uint8_t mode) {
  uint8_t bit = bit_of(pin);
  if (mode != HARK_GPIO_PWM && mode != HARK_GPIO_SERVO) timer_release(pin);
  switch (mode) {
    case HARK_GPIO_OUTPUT:
    case HARK_GPIO_PWM:
    case HARK_GPIO_SERVO:
      *port_of(pin) &= (uint8_t)~bit; /* low until written: duty 0, servo not yet driven */
      *ddr_of(pin) |= bit;
      if (mode != HARK_GPIO_OUTPUT) timer_start(pin);
      break;
    case HARK_GPIO_INPUT_PULLUP:
      *ddr_of(pin) &= (uint8_t)~bit;
      *port_of(pin) |= bit;
      break;
    default: /* input, analog */
      *ddr_of(pin) &= (uint8_t)~bit;
      *port_of(pin) &= (uint8_t)~bit;
      break;
  }
}

void hark_hal_gpio_write(uint8_t pin, uint8_t mode, uint16_t value) {
  if (mode == HARK_GPIO_OUTPUT) {
    if (value) *port_of(pin) |= bit_of(pin); else *port_of(pin) &= (uint8_t)~bit_of(pin);
    return;
  }
  if (mode == HARK_GPIO_PWM && value == 0) {
    /* OCRnx = 0 in fast PWM still gives a one-tick spike every period (4 µs each ms on 5 and 6):
       duty 0 disconnects the output instead, and the PORT bit (low) drives the pin. */
    *com_reg(pin) &= (uint8_t)~com_bit(pin);
    *port_of(pin) &= (uint8_t)~bit_of(pin);
    return;
  }
  if (pin == 5) OCR0B = (uint8_t)value;
  else if (pin == 6) OCR0A = (uint8_t)value;
  else {
    /* servo: 544..2400 µs like Arduino's Servo; pwm: duty of the 50 Hz period */
    uint16_t ticks = mode == HARK_GPIO_SERVO ? (uint16_t)(1088u + (uint32_t)value * (4800u - 1088u) / 180u)
                                             : (uint16_t)((uint32_t)value * SERVO_TOP / 255u);
    if (pin == 9) OCR1A = ticks; else OCR1B = ticks;
  }
  *com_reg(pin) |= com_bit(pin);
}

uint16_t hark_hal_gpio_read(uint8_t pin, uint8_t mode) {
  static uint16_t last_analog[3]; /* A1..A3 (15..17): the only analog pins in the table */
  if (mode != HARK_GPIO_ANALOG) return (*pinreg_of(pin) & bit_of(pin)) ? 1u : 0u;
  uint8_t ch = (uint8_t)(pin - 14u);
  uint8_t slot = (uint8_t)((ch - 1u) % 3u);
  /* While the sampler owns the ADC (an utterance is streaming) report the last idle reading. */
  if (avr_mic_on) {
    return last_analog[slot];
  }
  ADMUX = (uint8_t)(_BV(REFS0) | ch);
  ADCSRA = _BV(ADEN) | _BV(ADSC) | _BV(ADPS2) | _BV(ADPS1);
  while (ADCSRA & _BV(ADSC)) {
  }
  last_analog[slot] = ADC;
  ADMUX = _BV(REFS0);
  return last_analog[slot];
}

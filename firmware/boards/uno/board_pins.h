/*
 * board_pins.h — Arduino Uno / Nano (ATmega328P) + electret mic module: every pin and size of this
 * board in one place. Must match boards/profiles/arduino-uno-electret.json
 * (test/firmware/board-pins.test.ts checks it).
 *
 * Timers: Timer2 = 8 kHz sampler + millis + piezo square wave + LED soft-PWM (so no PWM on 3, 11);
 * Timer1 = PWM / servo on 9, 10 at 50 Hz; Timer0 = PWM on 5, 6.
 */
#ifndef BOARD_PINS_H
#define BOARD_PINS_H

#define HARK_BOARD_PROFILE "arduino-uno-electret"
#define HARK_SERIAL_BAUD 250000UL
#define HARK_MIC_SAMPLE_RATE_HZ 8000
#define HARK_MIC_BITS 10

#define HARK_PIN_MIC_ADC 14       /* A0: MAX4466 / MAX9814 output, biased at VCC/2 */
#define HARK_PIN_LED_LED 13       /* on-board "L" LED, mono */
#define HARK_LED_COUNT 1
#define HARK_PIN_BUTTON_0 2       /* to GND, internal pull-up */
#define HARK_BUTTON_0_ACTIVE_LOW 1
#define HARK_PIN_SPEAKER_TONE 8   /* passive piezo */

/* Pins the host may use (HELLO.gpio[]): Arduino pin numbers, A1..A3 = 15..17. */
#define HARK_GPIO_TABLE                                                     \
  HARK_GPIO_PIN(3, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT)              \
  HARK_GPIO_PIN(4, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT)              \
  HARK_GPIO_PIN(5, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM) \
  HARK_GPIO_PIN(6, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM) \
  HARK_GPIO_PIN(7, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT)              \
  HARK_GPIO_PIN(9, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(10, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(11, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT)             \
  HARK_GPIO_PIN(12, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT)             \
  HARK_GPIO_PIN(15, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG) \
  HARK_GPIO_PIN(16, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG) \
  HARK_GPIO_PIN(17, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG)

/* Sizes: 2 KiB of RAM. 256 samples = 32 ms of capture buffer. Chunks are 10 ms (80 samples):
 * the core halves the host's 20 ms until a chunk fits, which saves 240 bytes of buffers. */
#define HARK_CAPTURE_RING_SAMPLES 256
#define HARK_CHUNK_MAX_SAMPLES 80
#define HARK_SPEAKER_BUFFER_BYTES 0
#define HARK_RX_WINDOW_BYTES 64 /* the UART receive ring (avr_board.c): SPEC 1.1 pacing window */
#define HARK_RX_MAX_PAYLOAD 64
#define HARK_LED_MAX 1
#define HARK_GPIO_MAX 12
#define HARK_REPORT_SLOTS 4 /* deferred LOG/ERROR reports (8 bytes each) */
#define HARK_RX_BYTES_PER_PASS 64 /* the receive ring's size: one call never decodes more */
#define HARK_RX_CARRY_BYTES 8 /* the UART ring is the receive buffer; this only batches reads */
#define HARK_TX_SCRATCH_BYTES 16 /* the board sends nothing with more than 12 fixed bytes but HELLO */
#define HARK_HELLO_STRINGS_MAX_BYTES 32 /* "arduino-uno-electret" + "0.1.0" + "" */

#endif

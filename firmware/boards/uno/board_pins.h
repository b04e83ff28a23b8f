/*
 * board_pins.h — Arduino Uno / Nano + electret mic module, firmware env `uno`: every fact of this
 * board that the host knows too. GENERATED from boards/profiles/arduino-uno-electret.json by
 * boards/pin-headers/ (`node dist/boards/pin-headers/generate.js`): do not edit — change the profile
 * and regenerate; test/firmware/board-pins.test.ts fails while this file is stale. The firmware's
 * own sizes and build switches are in board_config.h, included at the end.
 */
#ifndef BOARD_PINS_H
#define BOARD_PINS_H

#define HARK_BOARD_PROFILE "arduino-uno-electret"
#define HARK_SERIAL_BAUD 250000UL

/* microphone */
#define HARK_MIC_KIND_ANALOG 1 /* MAX4466 or MAX9814 */
#define HARK_MIC_SAMPLE_RATE_HZ 8000
#define HARK_MIC_BITS 10
#define HARK_PIN_MIC_ADC 14
#define HARK_MIC_CODECS ((1u << HARK_CODEC_ULAW) | (1u << HARK_CODEC_IMA_ADPCM))
#define HARK_DEFAULT_CODEC HARK_CODEC_IMA_ADPCM /* until HELLO_ACK chooses */

/* LEDs */
#define HARK_LED_COUNT 1
#define HARK_LED_MAX 1 /* the core's LED table */
#define HARK_LED_KIND HARK_LED_KIND_GPIO_MONO /* LED (L on 13, or an external LED on PWM pin 9) */
#define HARK_PIN_LED_LED 13

/* buttons */
#define HARK_BUTTON_COUNT 1
#define HARK_PIN_BUTTON_0 2 /* talk (INT0, internal pull-up) */
#define HARK_BUTTON_0_ACTIVE_LOW 1

/* speaker */
#define HARK_SPEAKER_KIND HARK_SPEAKER_KIND_PIEZO /* passive piezo buzzer */
#define HARK_PIN_SPEAKER_TONE 8
#define HARK_SPEAKER_SAMPLE_RATE_HZ 0
#define HARK_SPEAKER_CODECS (0)
#define HARK_SPEAKER_BUFFER_BYTES 0 /* SPEAKER_CREDIT grants at most this */

/* the serial link: what the host may send */
#define HARK_RX_MAX_PAYLOAD 64 /* HELLO.max_rx_payload */
#define HARK_RX_WINDOW_BYTES 64 /* HELLO.rx_window_bytes (SPEC 1.1 §1.4; 0 = no limit) */

/* pins the host may use (HELLO.gpio[]): HARK_GPIO_PIN(pin, caps) for each */
#define HARK_GPIO_COUNT 12
#define HARK_GPIO_MAX 12 /* the core's pin table */
#define HARK_GPIO_TABLE \
  HARK_GPIO_PIN(3, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT) \
  HARK_GPIO_PIN(4, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT) \
  HARK_GPIO_PIN(5, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM) \
  HARK_GPIO_PIN(6, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM) \
  HARK_GPIO_PIN(7, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT) \
  HARK_GPIO_PIN(9, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(10, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(11, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT) \
  HARK_GPIO_PIN(12, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT) \
  HARK_GPIO_PIN(15, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG) /* A1 */ \
  HARK_GPIO_PIN(16, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG) /* A2 */ \
  HARK_GPIO_PIN(17, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG) /* A3 */

/* HELLO.features */
#define HARK_BOARD_FEATURES (HARK_FEATURE_AUDIO_ULAW | HARK_FEATURE_AUDIO_ADPCM | HARK_FEATURE_TONE | HARK_FEATURE_LED | HARK_FEATURE_GPIO | HARK_FEATURE_BOARD_VAD | HARK_FEATURE_CAPTURE)

/** This board's hark_board_t (core/hark_board.h), its fields in their order; `gpio_table` is an
 *  array of HARK_GPIO_COUNT hark_gpio_info_t made from HARK_GPIO_TABLE. */
#define HARK_BOARD_INIT(gpio_table) \
  {HARK_BOARD_PROFILE, HARK_FIRMWARE_VERSION, HARK_BOARD_FEATURES, HARK_MIC_SAMPLE_RATE_HZ, HARK_MIC_BITS, \
   HARK_MIC_CODECS, HARK_DEFAULT_CODEC, HARK_BUTTON_COUNT, HARK_LED_COUNT, HARK_LED_KIND, HARK_SPEAKER_KIND, \
   HARK_SPEAKER_SAMPLE_RATE_HZ, HARK_SPEAKER_CODECS, HARK_MAX_UTTERANCE_MS, gpio_table, HARK_GPIO_COUNT}

#include "board_config.h" /* the firmware's own sizes and switches for this board (hand-written) */

#endif

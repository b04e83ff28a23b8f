/*
 * board_pins.h — ESP32-S3 DevKitC-1 on its native USB port, firmware env `esp32-s3-devkitc-1`: every fact of this
 * board that the host knows too. GENERATED from boards/profiles/esp32-s3-devkitc-1.json by
 * boards/pin-headers/ (`node dist/boards/pin-headers/generate.js`): do not edit — change the profile
 * and regenerate; test/firmware/board-pins.test.ts fails while this file is stale. The firmware's
 * own sizes and build switches are in board_config.h, included at the end.
 */
#ifndef BOARD_PINS_H
#define BOARD_PINS_H

#define HARK_BOARD_PROFILE "esp32-s3-devkitc-1"
#define HARK_SERIAL_BAUD 921600UL

/* microphone */
#define HARK_MIC_KIND_I2S 1 /* INMP441 */
#define HARK_MIC_SAMPLE_RATE_HZ 16000
#define HARK_MIC_BITS 16
#define HARK_PIN_MIC_BCLK 5
#define HARK_PIN_MIC_WS 4
#define HARK_PIN_MIC_DIN 6
#define HARK_MIC_CODECS ((1u << HARK_CODEC_PCM16) | (1u << HARK_CODEC_ULAW) | (1u << HARK_CODEC_IMA_ADPCM))
#define HARK_DEFAULT_CODEC HARK_CODEC_PCM16 /* until HELLO_ACK chooses */

/* LEDs */
#define HARK_LED_COUNT 1
#define HARK_LED_MAX 1 /* the core's LED table */
#define HARK_LED_KIND HARK_LED_KIND_ADDRESSABLE_RGB /* on-board WS2812 (GPIO48 on v1.0 boards, GPIO38 on v1.1) */
#define HARK_PIN_LED_DATA 48

/* buttons */
#define HARK_BUTTON_COUNT 1
#define HARK_PIN_BUTTON_0 0 /* BOOT */
#define HARK_BUTTON_0_ACTIVE_LOW 1

/* speaker */
#define HARK_SPEAKER_KIND HARK_SPEAKER_KIND_PCM /* MAX98357A */
#define HARK_PIN_SPEAKER_BCLK 15
#define HARK_PIN_SPEAKER_LRC 16
#define HARK_PIN_SPEAKER_DOUT 7
#define HARK_SPEAKER_SAMPLE_RATE_HZ 16000
#define HARK_SPEAKER_CODECS ((1u << HARK_CODEC_PCM16) | (1u << HARK_CODEC_ULAW))
#define HARK_SPEAKER_BUFFER_BYTES 32768 /* SPEAKER_CREDIT grants at most this */

/* the serial link: what the host may send */
#define HARK_RX_MAX_PAYLOAD 1024 /* HELLO.max_rx_payload */
#define HARK_RX_WINDOW_BYTES 4096 /* HELLO.rx_window_bytes (SPEC 1.1 §1.4; 0 = no limit) */

/* pins the host may use (HELLO.gpio[]): HARK_GPIO_PIN(pin, caps) for each */
#define HARK_GPIO_COUNT 4
#define HARK_GPIO_MAX 4 /* the core's pin table */
#define HARK_GPIO_TABLE \
  HARK_GPIO_PIN(1, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(2, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(17, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(18, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO)

/* HELLO.features */
#define HARK_BOARD_FEATURES (HARK_FEATURE_AUDIO_PCM16 | HARK_FEATURE_AUDIO_ULAW | HARK_FEATURE_AUDIO_ADPCM | HARK_FEATURE_SPEAKER | HARK_FEATURE_TONE | HARK_FEATURE_LED | HARK_FEATURE_GPIO | HARK_FEATURE_BOARD_VAD | HARK_FEATURE_CAPTURE)

/** This board's hark_board_t (core/hark_board.h), its fields in their order; `gpio_table` is an
 *  array of HARK_GPIO_COUNT hark_gpio_info_t made from HARK_GPIO_TABLE. */
#define HARK_BOARD_INIT(gpio_table) \
  {HARK_BOARD_PROFILE, HARK_FIRMWARE_VERSION, HARK_BOARD_FEATURES, HARK_MIC_SAMPLE_RATE_HZ, HARK_MIC_BITS, \
   HARK_MIC_CODECS, HARK_DEFAULT_CODEC, HARK_BUTTON_COUNT, HARK_LED_COUNT, HARK_LED_KIND, HARK_SPEAKER_KIND, \
   HARK_SPEAKER_SAMPLE_RATE_HZ, HARK_SPEAKER_CODECS, HARK_MAX_UTTERANCE_MS, gpio_table, HARK_GPIO_COUNT}

#include "board_config.h" /* the firmware's own sizes and switches for this board (hand-written) */

#endif

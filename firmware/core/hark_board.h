/*
 * hark_board.h — what a board layer tells the core about its hardware (the HELLO contents).
 * Each board layer defines one `static const hark_board_t` with its board_pins.h's HARK_BOARD_INIT
 * (generated from the board profile by boards/pin-headers/) and passes it to hark_device_setup.
 * HARK_BOARD_INIT lists the fields positionally (C++ before C++20 has no designated initialisers),
 * so it follows this struct's field order: change both together (pin-headers.ts renders it).
 * Strings are plain C strings (short: they cost RAM on AVR).
 */
#ifndef HARK_BOARD_H
#define HARK_BOARD_H

#include <stdint.h>

#include "gpio/hark_gpio.h"

/** Firmware version announced in HELLO (semver, ≤ 16 bytes). */
#define HARK_FIRMWARE_VERSION "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const char *model;            /**< board profile id, ≤ 32 bytes (boards/profiles/<id>.json) */
  const char *firmware_version; /**< ≤ 16 bytes */
  uint32_t features;            /**< HELLO.features (SPEC §5) */
  uint32_t mic_sample_rate_hz;
  uint8_t mic_bits;
  uint8_t mic_codecs;           /**< bitmask: bit0 PCM16, bit1 µ-law, bit2 IMA-ADPCM */
  uint8_t default_codec;        /**< used until HELLO_ACK chooses (0 PCM16, 1 µ-law, 2 ADPCM) */
  uint8_t buttons;
  uint8_t led_count;
  uint8_t led_kind;             /**< 0 none, 1 GPIO mono, 2 GPIO RGB, 3 addressable */
  uint8_t speaker_kind;         /**< 0 none, 1 piezo, 2 PCM */
  uint32_t speaker_sample_rate_hz;
  uint8_t speaker_codecs;
  uint16_t max_utterance_ms;    /**< CAPTURE max_ms 0 and button utterances end here (reason 4) */
  const hark_gpio_info_t *gpio;
  uint8_t gpio_count;
} hark_board_t;

#ifdef __cplusplus
}
#endif
#endif

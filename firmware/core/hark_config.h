/*
 * hark_config.h — compile-time sizes of the core, in one place. The board's board_pins.h (found on
 * the include path: firmware/boards/<env>/, firmware/native/, firmware/tests/) sets what it needs;
 * everything else gets the defaults below. Every core header that sizes an array includes this
 * file first, so all translation units agree on every struct layout.
 */
#ifndef HARK_CONFIG_H
#define HARK_CONFIG_H

#include "board_pins.h"

#ifndef HARK_LED_MAX
#define HARK_LED_MAX 12 /**< most LEDs a build drives */
#endif
#ifndef HARK_GPIO_MAX
#define HARK_GPIO_MAX 16 /**< largest host-usable pin table */
#endif
#ifndef HARK_CAPTURE_RING_SAMPLES
#define HARK_CAPTURE_RING_SAMPLES 256 /**< power of two */
#endif
#ifndef HARK_CHUNK_MAX_SAMPLES
#define HARK_CHUNK_MAX_SAMPLES 160 /**< largest AUDIO chunk (20 ms at 8 kHz) */
#endif
#ifndef HARK_SPEAKER_BUFFER_BYTES
#define HARK_SPEAKER_BUFFER_BYTES 0 /**< 0 = no PCM speaker */
#endif
#ifndef HARK_RX_MAX_PAYLOAD
#define HARK_RX_MAX_PAYLOAD 64 /**< HELLO.max_rx_payload */
#endif
#ifndef HARK_RX_WINDOW_BYTES
#define HARK_RX_WINDOW_BYTES 0 /**< HELLO.rx_window_bytes (SPEC 1.1): the serial receive buffer; 0 = no limit */
#endif
#ifndef HARK_HELLO_STRINGS_MAX_BYTES
#define HARK_HELLO_STRINGS_MAX_BYTES 80 /**< board_model + firmware_version + board_uid (SPEC limits: 32+16+32) */
#endif
#ifndef HARK_MAX_UTTERANCE_MS
#define HARK_MAX_UTTERANCE_MS 15000 /**< hark_board_t.max_utterance_ms: CAPTURE max_ms 0 and button utterances end here */
#endif
#ifndef HARK_BUTTON_MAX
#define HARK_BUTTON_MAX 1
#endif

#endif

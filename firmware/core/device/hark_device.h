/*
 * hark_device.h — the hark board: protocol state machine over the core's components.
 *
 *   setup() ─► AWAIT_ACK ──HELLO_ACK──► READY ──(no frame for 3 heartbeats)──► AWAIT_ACK
 *                 │  HELLO every 1 s,                 │  second HELLO_ACK: host-facing state reset
 *                 │  PING → PONG + HELLO              │
 *
 * In READY it streams audio (capture: IDLE → STREAMING → DRAINING → IDLE), reports buttons,
 * and runs LED, TONE, VOLUME, SPEAKER_* and GPIO_* messages. Every state change is logged
 * ("link: AWAIT_ACK -> READY") as a LOG frame (once READY) and through hark_hal_debug.
 *
 * Button policy (push-to-talk with tap-to-talk): DOWN starts an utterance (trigger 0); releasing
 * a long hold ends it (reason 0); a short tap keeps it open until the board VAD (if the host's
 * HELLO_ACK allows it) or the length limit ends it — without VAD a tap is push-to-talk too.
 *
 * Sizes come from the board's board_pins.h (defaults in hark_config.h); every buffer is a
 * static member of the one hark_device_t, so RAM use is known at link time.
 */
#ifndef HARK_DEVICE_H
#define HARK_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "hark_config.h"
#include "button/hark_button.h"
#include "capture/hark_capture.h"
#include "gpio/hark_gpio.h"
#include "hark_board.h"
#include "hark_msg.h"
#include "led/hark_led.h"
#include "speaker/hark_speaker.h"
#include "tone/hark_tone.h"
#include "vad/hark_vad.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HARK_HELLO_INTERVAL_MS 1000u
#define HARK_DEFAULT_CHUNK_MS 20u
#define HARK_DEFAULT_HEARTBEAT_MS 1000u
#define HARK_TAP_MS 400u /**< a press shorter than this is a tap (tap-to-talk) */

typedef enum { HARK_LINK_AWAIT_ACK = 0, HARK_LINK_READY = 1 } hark_link_state_t;
typedef enum { HARK_CAP_IDLE = 0, HARK_CAP_STREAMING = 1, HARK_CAP_DRAINING = 2 } hark_cap_state_t;

/** Board-side counters (PONG, diagnostics, tests). */
typedef struct {
  uint32_t frames_rx, frames_tx;
  uint16_t rx_frames_bad; /**< framing errors + bad payloads (PONG.rx_frames_bad) */
  uint16_t unknown_type;
  uint32_t audio_chunks;
  uint16_t speaker_overruns;
  uint16_t tx_rejected; /**< messages the encoder refused (a core bug if non-zero) */
} hark_device_stats_t;

typedef struct {
  const hark_board_t *board;
  /* link */
  uint8_t link;
  uint32_t last_hello_ms, last_rx_ms;
  bool hello_due; /**< a PING before HELLO_ACK asked for HELLO */
  uint8_t codec, chunk_ms, ack_flags;
  uint16_t heartbeat_ms, chunk_samples;
  uint32_t features;
  /* capture */
  uint8_t cap, trigger, stream, end_reason;
  bool continuous, tap, end_requested;
  uint16_t chunk_index;
  uint32_t samples_sent, max_samples, press_ms;
  hark_capture_ring_t ring;
  int16_t ring_buf[HARK_CAPTURE_RING_SAMPLES];
  int16_t chunk[HARK_CHUNK_MAX_SAMPLES];
  uint8_t encoded[HARK_CHUNK_MAX_BYTES]; /**< one encoded AUDIO block */
  uint8_t adpcm_index; /**< step index carried between ADPCM blocks */
  /* components */
  hark_btn_t button[HARK_BUTTON_MAX];
  hark_leds_t led;
  hark_tone_seq_t tone;
  hark_vad_t vad;
  hark_gpio_t gpio;
#if HARK_SPEAKER_BUFFER_BYTES > 0
  hark_speaker_t speaker;
  uint8_t speaker_buf[HARK_SPEAKER_BUFFER_BYTES];
#endif
  uint8_t volume_pct;
  hark_device_stats_t stats;
} hark_device_t;

/** The one device (static storage; exposed for board layers, the native board and tests). */
extern hark_device_t hark_dev;

/** Initialise everything, log the configuration, send the first HELLO. */
void hark_device_setup(const hark_board_t *board);
/** One non-blocking pass: serial in, buttons, capture out, LEDs, tones, speaker, GPIO reports. */
void hark_device_loop(void);
/** For board layers: push microphone samples (see hark_capture.h for the overflow policy). */
static inline uint16_t hark_mic_push(const int16_t *s, uint16_t n) { return hark_capture_push(&hark_dev.ring, s, n); }
/** For an ISR: push one sample. */
static inline void hark_mic_push1(int16_t s) { hark_capture_push1(&hark_dev.ring, s); }

/* Internal between device files. */
/** Send one message (counts encoder rejections in stats.tx_rejected). */
void hark_device_send(const hark_msg_t *m);
/** The board's unique id for HELLO (MAC, chip id; "" when it has none): board layer provides it. */
const char *hark_board_uid(void);
bool hark_device_capture_start(uint8_t trigger, bool continuous, uint16_t max_ms);
void hark_device_capture_end(uint8_t reason);
void hark_device_capture_loop(uint32_t now_ms);
void hark_device_capture_abort(void);
void hark_device_log(uint8_t level, const char *pstr_text);
/** Log a text already in RAM (n bytes). */
void hark_device_log_ram(uint8_t level, const char *text, uint8_t n);
/** Send ERROR{code, message}; the message is a HARK_PSTR (flash on AVR), cut at 48 bytes. */
void hark_device_error(uint8_t code, const char *pstr_msg);
void hark_device_log_transition(const char *pstr_what, const char *pstr_from, const char *pstr_to);
uint16_t hark_device_encoded_bytes(uint16_t samples);
/** Called by the link layer for every frame that passed COBS and CRC checks. */
void hark_device_on_frame(uint8_t type, const uint8_t *payload, uint16_t len);

#ifdef __cplusplus
}
#endif
#endif

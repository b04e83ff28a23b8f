/*
 * hark_device.h — the hark board: protocol state machine over the core's components.
 *
 *   setup() ─► AWAIT_ACK ──HELLO_ACK──► READY ──(no frame for 3 × heartbeat_ms)──► AWAIT_ACK
 *                 │  HELLO every 1 s,                 │  HELLO_ACK, same host_session: a duplicate, ignored
 *                 │  any PING → PONG + HELLO          │  HELLO_ACK, another (or 0): host-facing state reset
 *                                                     │  PING token 0 → PONG + HELLO (SPEC 1.1 §2.3–2.5)
 *
 * In READY it streams audio (capture: IDLE → STREAMING → DRAINING → IDLE), reports buttons,
 * and runs LED, TONE, VOLUME, SPEAKER_* and GPIO_* messages. Every state change is logged
 * ("link: AWAIT_ACK -> READY") as a LOG frame (once READY) and through hark_hal_debug.
 *
 * Button policy (push-to-talk with tap-to-talk): DOWN starts an utterance (trigger 0); releasing
 * a long hold ends it (reason 0); a short tap keeps it open until the board VAD (if the host's
 * HELLO_ACK allows it) or the length limit ends it — without VAD a tap is push-to-talk too.
 *
 * Bounded work per loop pass (so nothing a host sends can starve the capture ring): at most
 * HARK_RX_FRAMES_PER_PASS received frames are handled (within HARK_RX_BYTES_PER_PASS bytes), one AUDIO
 * chunk sent, one GPIO report sent, and the deferred reports (below) flushed as far as the serial
 * port has room. A pass therefore costs at most a few frame times, whatever arrives.
 *
 * Deferred reports: ERROR and LOG frames raised deep inside frame handling or a state transition are
 * queued (hark_device_report_t, texts left in flash) and sent from the loop's top level, where the
 * stack is shallow — on an ATmega328P the stack is what 2 KiB of RAM leave over.
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
#define HARK_HOST_GONE_HEARTBEATS 3u /**< silent heartbeat intervals before the host counts as gone */
#define HARK_TAP_MS 400u /**< a press shorter than this is a tap (tap-to-talk) */
#ifndef HARK_RX_FRAMES_PER_PASS
#define HARK_RX_FRAMES_PER_PASS 4u /**< most received frames handled in one loop pass */
#endif
#define HARK_ACK_FLAG_BOARD_VAD 0x01u /**< HELLO_ACK.flags bit 0: the board VAD may end utterances */
#define HARK_CHUNK_SAMPLES_AT 2u /**< samples of head room in chunk_buf (4 bytes, the ADPCM header) */

typedef enum { HARK_LINK_AWAIT_ACK = 0, HARK_LINK_READY = 1 } hark_link_state_t;
typedef enum { HARK_CAP_IDLE = 0, HARK_CAP_STREAMING = 1, HARK_CAP_DRAINING = 2 } hark_cap_state_t;

/** Board-side counters (PONG, diagnostics, tests).
 *  Layout contract: this is the FIRST member of hark_device_t and its fields keep these offsets (no
 *  padding on AVR or on hosts: every field sits at a multiple of its size). The simulated-Uno harness
 *  reads ring_peak_samples and rx_lost_frames from the image's memory
 *  (boards/simavr/harness/sim_measure.c); hark_device.c asserts the offsets. Append new fields only. */
typedef struct {
  uint32_t frames_rx, frames_tx;  /**< @0, @4 */
  uint16_t rx_frames_bad;         /**< @8: payloads that did not decode (framing errors: hark_link) */
  uint16_t unknown_type;          /**< @10 */
  uint32_t audio_chunks;          /**< @12 */
  uint16_t speaker_overruns;      /**< @16 */
  uint16_t tx_rejected;           /**< @18: messages the encoder refused (a core bug if non-zero) */
  uint16_t ring_peak_samples;     /**< @20: most samples the capture ring held at once */
  uint16_t rx_lost_frames;        /**< @22: frames lost before decoding: the HAL's receive buffer was full */
  uint16_t speaker_ignored;       /**< @24: SPEAKER_DATA for a stream that is not playing (SPEC 1.1) */
  uint16_t reports_dropped;       /**< @26: deferred ERROR/LOG reports lost because the queue was full */
} hark_device_stats_t;
#define HARK_STATS_RING_PEAK_OFFSET 20u
#define HARK_STATS_RX_LOST_OFFSET 22u

/** A deferred ERROR or LOG (see the top comment). Strings are HARK_PSTR (flash on AVR). */
typedef struct {
  uint8_t kind;  /**< HARK_REPORT_* */
  uint8_t code;  /**< ERROR code, or LOG level */
  const char *a, *b, *c; /**< ERROR/LOG: a = text; TRANSITION: "a: b -> c" */
} hark_device_report_t;
#define HARK_REPORT_NONE 0u
#define HARK_REPORT_ERROR 1u
#define HARK_REPORT_LOG 2u
#define HARK_REPORT_TRANSITION 3u
#define HARK_REPORT_LOG_RAM 4u /**< a LOG whose text `a` is in RAM and outlives the report (board strings) */
#ifndef HARK_REPORT_SLOTS
#define HARK_REPORT_SLOTS 6u
#endif

typedef struct {
  hark_device_stats_t stats; /* first: see its layout contract */
  const hark_board_t *board;
  /* link */
  uint8_t link;
  uint32_t last_hello_ms, last_rx_ms;
  bool hello_due;   /**< a PING token 0 (or a PING before HELLO_ACK) asked for HELLO */
  bool config_due;  /**< dump_config after a handshake, sent at the loop's top level */
  uint8_t codec, chunk_ms, ack_flags;
  uint16_t heartbeat_ms, chunk_samples;
  uint32_t host_session; /**< HELLO_ACK.host_session in force (0: a 1.0 host, or none yet) */
  uint32_t features;
  /* capture */
  uint8_t cap, trigger, stream, end_reason;
  bool continuous, tap, end_requested;
  bool start_due; /**< AUDIO_START not yet sent (the capture loop sends it before the first chunk) */
  uint16_t chunk_index;
  uint32_t samples_sent, max_samples, press_ms;
  hark_capture_ring_t ring;
  int16_t ring_buf[HARK_CAPTURE_RING_SAMPLES];
  /** One chunk, encoded in place: the samples sit at chunk_buf[HARK_CHUNK_SAMPLES_AT] and the encoded
   *  block is written from byte 0 of the same buffer. Every codec writes output byte k only after
   *  reading every sample stored at or below byte k + 4 (PCM16 moves each sample 4 bytes down, µ-law
   *  and ADPCM write less than they read), so the block never overtakes the samples it encodes; the
   *  4 bytes of head room take the ADPCM header. test_device checks it against a separate
   *  output buffer for every codec. Saves a second chunk-sized buffer (76 bytes on the Uno). */
  int16_t chunk_buf[HARK_CHUNK_SAMPLES_AT + HARK_CHUNK_MAX_SAMPLES];
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
  /* deferred reports, oldest first */
  hark_device_report_t reports[HARK_REPORT_SLOTS];
  uint8_t report_count;
  uint16_t reports_dropped_told; /**< stats.reports_dropped when a LOG last said so */
} hark_device_t;

/** The one device (static storage; exposed for board layers, the native board and tests). */
extern hark_device_t hark_dev;

/** Initialise everything, log the configuration, send the first HELLO. */
void hark_device_setup(const hark_board_t *board);
/** One non-blocking, bounded pass (see the top comment). */
void hark_device_loop(void);
/** For board layers: push microphone samples (see hark_capture.h for the overflow policy). */
static inline uint16_t hark_mic_push(const int16_t *s, uint16_t n) { return hark_capture_push(&hark_dev.ring, s, n); }
/** For an ISR: push one sample. */
static inline void hark_mic_push1(int16_t s) { hark_capture_push1(&hark_dev.ring, s); }
/** Host silence after which the board considers the host gone, in ms (32-bit: 3 × 65535 fits). */
static inline uint32_t hark_host_gone_ms(uint16_t heartbeat_ms) {
  return (uint32_t)heartbeat_ms * HARK_HOST_GONE_HEARTBEATS;
}

/* Internal between device files. */
/** Send one message now (counts encoder rejections in stats.tx_rejected). */
void hark_device_send(const hark_msg_t *m);
/** The board's unique id for HELLO (MAC, chip id; "" when it has none): board layer provides it. */
const char *hark_board_uid(void);
bool hark_device_capture_start(uint8_t trigger, bool continuous, uint16_t max_ms);
void hark_device_capture_end(uint8_t reason);
/** At most one AUDIO chunk (and AUDIO_END when drained) per call. */
void hark_device_capture_loop(uint32_t now_ms);
void hark_device_capture_abort(void);
/** Queue LOG{level, text}; text is a HARK_PSTR. */
void hark_device_log(uint8_t level, const char *pstr_text);
/** Queue ERROR{code, message}; the message is a HARK_PSTR, cut at 48 bytes when sent. */
void hark_device_error(uint8_t code, const char *pstr_msg);
/** Queue LOG "what: from -> to" (level debug). */
void hark_device_log_transition(const char *pstr_what, const char *pstr_from, const char *pstr_to);
/** Queue LOG{level, text} for a text in RAM that stays valid (a board's static strings). */
void hark_device_log_static(uint8_t level, const char *text);
/** Send a LOG of a text already in RAM (n bytes) now. */
void hark_device_log_ram(uint8_t level, const char *text, uint8_t n);
/** Send queued reports, oldest first, while the serial port has room for them (the loop calls it at
 *  its top level; what does not fit waits for a later pass). */
void hark_device_flush_reports(void);
uint16_t hark_device_encoded_bytes(uint16_t samples);
/** Encodes n samples at `samples` into `out` in `codec`; `out` may be the bytes from 4 below `samples`
 *  onwards (see chunk_buf). Returns the block's length (0 on failure). `*adpcm_index` carries the
 *  ADPCM step index between blocks. */
uint16_t hark_device_encode(uint8_t codec, const int16_t *samples, uint16_t n, uint8_t *adpcm_index, uint8_t *out);
/** Handles one frame that passed COBS and CRC checks; `m` is scratch the handler may reuse. */
void hark_device_on_frame(uint8_t type, const uint8_t *payload, uint16_t len, hark_msg_t *m);

#ifdef __cplusplus
}
#endif
#endif

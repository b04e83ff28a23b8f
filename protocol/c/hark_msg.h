/*
 * hark_msg.h — hark messages (SPEC §3–4): typed structs, payload encoder and decoder.
 *
 * Contract
 * - One struct per message, gathered in the tagged union hark_msg_t (`type` is a HARK_MSG_* id and
 *   selects the member of `u`). Field names are the SPEC's; units are in the names (_ms, _hz, _bytes).
 * - Variable-length fields are byte spans (hark_bytes_t) that point at memory the caller owns: when
 *   encoding, at your strings and audio buffers; after decoding, into the payload you decoded (keep the
 *   payload alive while you use the message). Strings are UTF-8 and NOT NUL-terminated.
 * - HELLO's pin list is raw wire bytes: `gpio` points at gpio_count pairs {pin, caps}.
 * - Decoding takes the payload length as a byte budget: it never reads past it, whatever the bytes say.
 *   It checks structure (lengths, counts, string limits, codec ids) but accepts any enum value, so a
 *   newer minor version can add values; extra bytes after the last field are ignored (SPEC §1.1).
 * - Encoding checks every field the SPEC bounds (enums, percentages, string limits, counts, codecs)
 *   and fails with HARK_ERR_RANGE rather than send something the receiver would reject.
 * - No heap, no global state; all functions are reentrant.
 *
 * Usage (board side):
 *     hark_msg_t m;
 *     m.type = HARK_MSG_BUTTON;
 *     m.u.button.button = 0;
 *     m.u.button.event = HARK_BUTTON_CLICK;
 *     uint8_t scratch[HARK_MSG_HEAD_MAX_BYTES];
 *     if (hark_msg_write(&m, tx_seq++, scratch, sizeof scratch, uart_put, NULL) != HARK_OK) { ... }
 *
 *     // receiving, with a frame from hark_frame_decoder_feed():
 *     if (hark_msg_decode(f.type, f.payload, f.len, &m) == HARK_OK && m.type == HARK_MSG_LED) { ... }
 */
#ifndef HARK_MSG_H
#define HARK_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "hark_frame.h"
#include "hark_protocol.h"
#include "hark_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A span of bytes owned by someone else. `data` may be NULL when `len` is 0. */
typedef struct {
    const uint8_t *data;
    uint16_t len;
} hark_bytes_t;

/** A span over a NUL-terminated C string (without the NUL). */
hark_bytes_t hark_cstr(const char *s);

typedef struct {
    uint8_t version_major;
    uint8_t version_minor;
    uint32_t features; /* HARK_FEATURE_* bits */
    hark_bytes_t board_model;      /* ≤ HARK_MAX_BOARD_MODEL_BYTES */
    hark_bytes_t firmware_version; /* ≤ HARK_MAX_FIRMWARE_VERSION_BYTES */
    hark_bytes_t board_uid;        /* ≤ HARK_MAX_BOARD_UID_BYTES */
    uint32_t mic_sample_rate;
    uint8_t mic_bits;
    uint8_t mic_codecs; /* bit (1 << HARK_CODEC_*) */
    uint8_t mic_channels;
    uint8_t buttons;
    uint8_t led_count;
    uint8_t led_kind;     /* HARK_LED_KIND_* */
    uint8_t speaker_kind; /* HARK_SPEAKER_KIND_* */
    uint32_t speaker_sample_rate;
    uint8_t speaker_codecs;
    uint32_t speaker_buffer_bytes;
    uint16_t max_rx_payload; /* ≤ HARK_MAX_PAYLOAD_BYTES */
    uint8_t gpio_count;      /* ≤ HARK_MAX_HELLO_GPIO_PINS */
    const uint8_t *gpio;     /* gpio_count pairs: pin, caps (HARK_GPIO_CAP_* bits) */
} hark_hello_t;

typedef struct {
    uint8_t version_major;
    uint8_t version_minor;
    uint32_t features;
    uint8_t audio_codec; /* HARK_CODEC_* */
    uint32_t audio_sample_rate;
    uint8_t chunk_ms;
    uint16_t heartbeat_ms;
    uint8_t flags; /* bit0: board VAD may end utterances */
} hark_hello_ack_t;

typedef struct { uint32_t token; } hark_ping_t;
typedef struct {
    uint32_t token;
    uint32_t uptime_ms;
    uint16_t rx_frames_bad;
    uint16_t audio_overflows;
} hark_pong_t;
typedef struct { uint8_t level; hark_bytes_t text; } hark_log_t;
typedef struct { uint16_t code; hark_bytes_t message; } hark_error_t;
typedef struct { uint8_t stream; uint8_t codec; uint32_t sample_rate; uint8_t trigger; } hark_audio_start_t;
typedef struct { uint8_t stream; uint16_t chunk; hark_bytes_t data; } hark_audio_t;
typedef struct { uint8_t stream; uint8_t reason; uint16_t chunks; uint32_t dropped_samples; } hark_audio_end_t;
typedef struct { uint8_t action; uint8_t mode; uint16_t max_ms; } hark_capture_t;
typedef struct { uint8_t button; uint8_t event; } hark_button_t;
typedef struct {
    uint8_t index; /* HARK_LED_ALL for every LED */
    uint8_t effect;
    uint8_t r, g, b;
    uint16_t period_ms;
    uint16_t duration_ms;
} hark_led_t;
typedef struct { uint16_t freq_hz; uint16_t duration_ms; uint8_t volume; } hark_tone_step_t;
typedef struct { uint8_t count; hark_tone_step_t steps[HARK_MAX_TONE_STEPS]; } hark_tone_t;
typedef struct { uint8_t level; } hark_volume_t;
typedef struct { uint8_t stream; uint8_t codec; uint32_t sample_rate; } hark_speaker_start_t;
typedef struct { uint8_t stream; hark_bytes_t data; } hark_speaker_data_t;
typedef struct { uint8_t stream; } hark_speaker_stream_t; /* SPEAKER_END and SPEAKER_STOP */
typedef struct {
    uint8_t stream;
    uint32_t credit_bytes;
    uint32_t buffered_bytes;
    uint8_t state;
    uint16_t underruns;
} hark_speaker_credit_t;
typedef struct { uint8_t pin; uint8_t mode; } hark_gpio_mode_t;
typedef struct { uint8_t pin; uint16_t value; } hark_gpio_value_t; /* GPIO_WRITE and GPIO_STATE */
typedef struct { uint8_t pin; } hark_gpio_read_t;
typedef struct { uint8_t pin; uint8_t enable; uint16_t interval_ms; } hark_gpio_report_t;

/** Any message: `type` (HARK_MSG_*) selects the member of `u`. */
typedef struct {
    uint8_t type;
    union {
        hark_hello_t hello;
        hark_hello_ack_t hello_ack;
        hark_ping_t ping;
        hark_pong_t pong;
        hark_log_t log;
        hark_error_t error;
        hark_audio_start_t audio_start;
        hark_audio_t audio;
        hark_audio_end_t audio_end;
        hark_capture_t capture;
        hark_button_t button;
        hark_led_t led;
        hark_tone_t tone;
        hark_volume_t volume;
        hark_speaker_start_t speaker_start;
        hark_speaker_data_t speaker_data;
        hark_speaker_stream_t speaker_end;
        hark_speaker_stream_t speaker_stop;
        hark_speaker_credit_t speaker_credit;
        hark_gpio_mode_t gpio_mode;
        hark_gpio_value_t gpio_write;
        hark_gpio_read_t gpio_read;
        hark_gpio_report_t gpio_report;
        hark_gpio_value_t gpio_state;
    } u;
} hark_msg_t;

/** Scratch size hark_msg_write needs for any message: every field except a trailing text/data block
 *  (the largest is a HELLO with full strings and HARK_MAX_HELLO_GPIO_PINS pins). */
#define HARK_MSG_HEAD_MAX_BYTES                                                                      \
    (HARK_MSG_HELLO_MIN_BYTES + HARK_MAX_BOARD_MODEL_BYTES + HARK_MAX_FIRMWARE_VERSION_BYTES +       \
     HARK_MAX_BOARD_UID_BYTES + 2 * HARK_MAX_HELLO_GPIO_PINS)

/**
 * Encodes `msg`'s payload into `out` (capacity `cap`); `*out_len` receives its length.
 * Returns HARK_OK, HARK_ERR_RANGE (a field out of range; nothing sensible in out), HARK_ERR_NO_SPACE,
 * HARK_ERR_UNKNOWN_TYPE (msg->type is not a message this version knows) or HARK_ERR_ARG.
 */
HARK_NODISCARD int hark_msg_encode(const hark_msg_t *msg, uint8_t *out, uint16_t cap, uint16_t *out_len);

/**
 * Encodes `msg` and streams it as one complete frame with sequence number `seq` to `put` (see
 * hark_frame_write). The fixed fields go through `scratch` (`cap` bytes; HARK_MSG_HEAD_MAX_BYTES always
 * suffices, 48 for anything but HELLO); a trailing text or data block is sent straight from its span and
 * never copied. Same results as hark_msg_encode; nothing is written unless the result is HARK_OK.
 */
HARK_NODISCARD int hark_msg_write(const hark_msg_t *msg, uint16_t seq, uint8_t *scratch, uint16_t cap,
                                  hark_put_fn put, void *ctx);

/**
 * Decodes a payload of message type `type` (`len` bytes at `payload`) into `*out`. Spans in `*out`
 * point into `payload`. Returns HARK_OK, HARK_ERR_UNKNOWN_TYPE (skip and count it), HARK_ERR_BAD_PAYLOAD
 * (drop and count it) or HARK_ERR_ARG. On failure `*out` is unspecified.
 */
HARK_NODISCARD int hark_msg_decode(uint8_t type, const uint8_t *payload, uint16_t len, hark_msg_t *out);

#ifdef __cplusplus
}
#endif

#endif /* HARK_MSG_H */

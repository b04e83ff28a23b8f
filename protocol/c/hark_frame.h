/*
 * hark_frame.h — hark frames (SPEC §1): encoder and streaming decoder.
 *
 *     raw frame:   | type u8 | seq u16 LE | payload (0..1024 bytes) | crc u16 LE |
 *     on the wire: | COBS(raw frame) | 0x00 |
 *
 * Contract
 * - No heap, no global state: every function works on caller-owned memory and is reentrant.
 * - Lengths are in bytes. Sequence numbers are the caller's (see SPEC §1: +1 per frame, wrapping).
 * - Encoding: hark_frame_encode() writes a complete frame (delimiter included) into a caller buffer;
 *   hark_frame_write() streams it byte by byte into a callback (e.g. a UART write) and needs no buffer
 *   at all; its payload may come in two pieces (message fields + a large data block that is never
 *   copied). Both compute the CRC and COBS on the fly.
 * - Decoding: a hark_frame_decoder_t owns nothing; it uses a buffer the caller provides. Feed it bytes
 *   one at a time (hark_frame_decoder_feed, e.g. from a UART loop) or in blocks with a callback
 *   (hark_frame_decoder_push). It never reads or writes outside its buffer, whatever arrives; frames that
 *   do not fit, are not valid COBS, are shorter than 5 bytes or fail the CRC are dropped and counted in
 *   `stats`, and decoding resumes after the next 0x00.
 * - A delivered frame's payload points into the decoder's buffer and stays valid until the next call
 *   that feeds the decoder. Copy it (or decode it with hark_msg_decode) before feeding more bytes.
 *
 * Usage (board receive loop):
 *     static uint8_t rx_buf[HARK_FRAME_DECODER_BUF_BYTES(128)];   // frames with ≤ 128-byte payloads
 *     static hark_frame_decoder_t rx;
 *     hark_frame_decoder_init(&rx, rx_buf, sizeof rx_buf);
 *     while (uart_available()) {
 *         hark_frame_t f;
 *         if (hark_frame_decoder_feed(&rx, uart_read(), &f)) handle(f.type, f.seq, f.payload, f.len);
 *     }
 *
 * Usage (send without a buffer):
 *     static void put(void *ctx, uint8_t b) { (void)ctx; uart_write(b); }
 *     if (hark_frame_write(HARK_MSG_PING, seq++, payload, 4, NULL, 0, put, NULL) != HARK_OK) { ... }
 */
#ifndef HARK_FRAME_H
#define HARK_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "hark_protocol.h"
#include "hark_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Wire bytes (delimiter included) of a frame with `payload_bytes` of payload, in the worst case. */
#define HARK_FRAME_WIRE_BYTES(payload_bytes) \
    ((payload_bytes) + HARK_FRAME_OVERHEAD_BYTES + 2U + ((payload_bytes) + HARK_FRAME_OVERHEAD_BYTES) / 254U)
/** Decoder buffer size that accepts every frame with up to `max_payload` payload bytes
 *  (HARK_FRAME_DECODER_BUF_BYTES(HARK_MAX_PAYLOAD_BYTES) == HARK_MAX_COBS_FRAME_BYTES). */
#define HARK_FRAME_DECODER_BUF_BYTES(max_payload) (HARK_FRAME_WIRE_BYTES(max_payload) - 1U)

/** Receives one encoded byte (hark_frame_write). */
typedef void (*hark_put_fn)(void *ctx, uint8_t byte);

/** A decoded frame. `payload` points into the decoder's buffer (see the contract above). */
typedef struct {
    uint8_t type;
    uint16_t seq;
    const uint8_t *payload;
    uint16_t len;
} hark_frame_t;

/** Decoder counters; they only grow (wrap at 2^32). */
typedef struct {
    uint32_t frames_ok;  /* frames delivered */
    uint32_t oversized;  /* more bytes before a 0x00 than the buffer holds */
    uint32_t malformed;  /* not valid COBS */
    uint32_t truncated;  /* decoded to fewer than 5 bytes */
    uint32_t crc_errors; /* CRC mismatch */
    uint32_t bytes;      /* bytes fed in total */
} hark_frame_stats_t;

/** Streaming decoder state. Initialise with hark_frame_decoder_init; treat fields as read-only. */
typedef struct {
    uint8_t *buf;
    uint16_t cap;
    uint16_t len;
    uint8_t discarding;
    hark_frame_stats_t stats;
} hark_frame_decoder_t;

/** Called by hark_frame_decoder_push for each intact frame. */
typedef void (*hark_frame_fn)(void *ctx, const hark_frame_t *frame);

/**
 * Encodes one frame into `out` (capacity `cap`), delimiter included; `*out_len` receives its length.
 * `payload` may be NULL when `len` is 0. Returns HARK_OK, HARK_ERR_RANGE (type 0 or 0xFF, or
 * len > HARK_MAX_PAYLOAD_BYTES), HARK_ERR_NO_SPACE (cap < what the frame needs; HARK_FRAME_WIRE_BYTES
 * always suffices) or HARK_ERR_ARG.
 */
HARK_NODISCARD int hark_frame_encode(uint8_t type, uint16_t seq, const uint8_t *payload, uint16_t len,
                                     uint8_t *out, uint16_t cap, uint16_t *out_len);

/**
 * Streams one frame, delimiter included, to `put`, byte by byte, with a payload made of `head`
 * (`head_len` bytes) followed by `tail` (`tail_len` bytes); either may be NULL when its length is 0.
 * Returns HARK_OK, HARK_ERR_RANGE (as hark_frame_encode; head_len + tail_len is the payload length)
 * or HARK_ERR_ARG (put is NULL). Nothing is written unless the result is HARK_OK.
 */
HARK_NODISCARD int hark_frame_write(uint8_t type, uint16_t seq, const uint8_t *head, uint16_t head_len,
                                    const uint8_t *tail, uint16_t tail_len, hark_put_fn put, void *ctx);

/** Prepares `d` to decode into `buf` (`cap` bytes; at most 65535). Counters start at zero. */
void hark_frame_decoder_init(hark_frame_decoder_t *d, uint8_t *buf, uint16_t cap);

/** Forgets a partly received frame (e.g. after the port reopened). Counters are kept. */
void hark_frame_decoder_reset(hark_frame_decoder_t *d);

/**
 * Feeds one byte. Returns 1 and fills `*frame` when this byte (a 0x00) completed an intact frame,
 * otherwise 0. Never fails; dropped frames are counted in d->stats.
 */
int hark_frame_decoder_feed(hark_frame_decoder_t *d, uint8_t byte, hark_frame_t *frame);

/** Feeds `len` bytes, calling `on_frame(ctx, &frame)` for each intact frame, in order. */
void hark_frame_decoder_push(hark_frame_decoder_t *d, const uint8_t *bytes, size_t len, hark_frame_fn on_frame,
                             void *ctx);

/** Sum of the dropped-frame counters (oversized + malformed + truncated + crc_errors), e.g. for PONG. */
uint32_t hark_frame_stats_dropped(const hark_frame_stats_t *s);

#ifdef __cplusplus
}
#endif

#endif /* HARK_FRAME_H */

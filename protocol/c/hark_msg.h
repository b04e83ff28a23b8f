/*
 * hark_msg.h — hark messages (SPEC §3–4): typed structs, payload encoder and decoder.
 *
 * Contract
 * - One struct per message, gathered in the tagged union hark_msg_t (`type` is a HARK_MSG_* id and
 *   selects the member of `u`). Field names are the SPEC's; units are in the names (_ms, _hz, _bytes).
 *   The structs and the field lists the codec expands are generated (hark_layout.h) from
 *   protocol/ts/message-layout.ts, the one description of every message.
 * - Variable-length fields are byte spans (hark_bytes_t) that point at memory the caller owns: when
 *   encoding, at your strings and audio buffers; after decoding, into the payload you decoded (keep the
 *   payload alive while you use the message). Strings are UTF-8 and NOT NUL-terminated.
 * - HELLO's pin list is raw wire bytes: `gpio` points at gpio_count pairs {pin, caps}.
 * - Decoding takes the payload length as a byte budget: it never reads past it, whatever the bytes say.
 *   It checks structure (lengths, counts, string limits, codec ids) but accepts any enum value, so a
 *   newer minor version can add values; extra bytes after the last field are ignored (SPEC §1.2). A
 *   payload that ends just before a field a later minor version appended (an older sender's) decodes
 *   it as 0: a 1.0 HELLO_ACK has host_session 0, a 1.0 HELLO rx_window_bytes 0 (SPEC §2.1.4).
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
#include "hark_layout.h"
#include "hark_protocol.h"
#include "hark_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A span over a NUL-terminated C string (without the NUL). */
hark_bytes_t hark_cstr(const char *s);

/**
 * Any message: `type` (HARK_MSG_*) selects the member of `u`. The member structs (hark_hello_t,
 * hark_led_t, ...) are generated into hark_layout.h from the TypeScript layout.
 */
typedef struct {
    uint8_t type;
    hark_msg_body_t u;
} hark_msg_t;

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

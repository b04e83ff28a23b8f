/*
 * hark_link.h — the board's end of the serial link: frames in (protocol/c hark_frame decoder over a
 * buffer sized for HARK_RX_MAX_PAYLOAD), messages out (hark_msg_write streamed through a small
 * staging buffer into hark_hal_serial_write, so no whole-frame TX buffer is needed), and the
 * board's outgoing sequence counter (starts at 0 after reset, +1 per frame, SPEC §1).
 *
 * Receiving is bounded: hark_link_poll decodes at most HARK_RX_BYTES_PER_PASS bytes a call and stops at the
 * first intact frame, which it hands back to the caller (the loop's top level, so frame handling
 * runs on a shallow stack). Bytes read from the HAL beyond that frame wait in a small carry buffer.
 */
#ifndef HARK_LINK_H
#define HARK_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "hark_config.h"
#include "hark_frame.h"
#include "hark_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef HARK_RX_BYTES_PER_PASS
#define HARK_RX_BYTES_PER_PASS 256u /**< most received bytes one hark_link_poll call decodes */
#endif
#ifndef HARK_TX_SCRATCH_BYTES
#define HARK_TX_SCRATCH_BYTES 48u /**< hark_msg_write's fixed fields (every message but HELLO) */
#endif

/** Reset decoder, carry buffer and sequence counter. */
void hark_link_init(void);
/** Decode what the serial port has, up to the first intact frame; returns true with it in *f (its
 *  payload stays valid until the next call). Bounded: see the top comment. */
bool hark_link_poll(hark_frame_t *f);
/** True while bytes read from the HAL wait in the carry buffer (a board that sleeps between passes
 *  must not sleep then: the next frame may already be complete). */
bool hark_link_rx_pending(void);
/** Encode and send one message as one frame; returns HARK_OK or the codec's error. */
int hark_link_send(const hark_msg_t *msg);
/** Frames lost on the way in: dropped by the decoder (oversized, malformed, truncated, CRC) plus the
 *  frames the HAL lost to a full receive buffer. Wraps at 2^32. */
uint32_t hark_link_rx_dropped(void);
/** Sequence number the next frame will carry. */
uint16_t hark_link_tx_seq(void);
/** Test hook: continue numbering from seq (the golden vectors use fixed sequence numbers). */
void hark_link_set_tx_seq(uint16_t seq);

#ifdef __cplusplus
}
#endif
#endif

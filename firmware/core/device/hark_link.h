/*
 * hark_link.h — the board's end of the serial link: frames in (protocol/c hark_frame decoder over a
 * buffer sized for HARK_RX_MAX_PAYLOAD), messages out (hark_msg_write streamed through a small
 * staging buffer into hark_hal_serial_write, so no whole-frame TX buffer is needed), and the
 * board's outgoing sequence counter (starts at 0 after reset, +1 per frame, SPEC §1).
 */
#ifndef HARK_LINK_H
#define HARK_LINK_H

#include <stdint.h>

#include "hark_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Reset decoder and sequence counter. */
void hark_link_init(void);
/** Read what the serial port has and hand each intact frame to hark_device_on_frame. */
void hark_link_poll(void);
/** Encode and send one message as one frame; returns HARK_OK or the codec's error. */
int hark_link_send(const hark_msg_t *msg);
/** Frames dropped by the decoder (oversized, malformed, truncated, CRC). */
uint32_t hark_link_rx_dropped(void);
/** Sequence number the next frame will carry. */
uint16_t hark_link_tx_seq(void);
/** Test hook: continue numbering from seq (the golden vectors use fixed sequence numbers). */
void hark_link_set_tx_seq(uint16_t seq);

#ifdef __cplusplus
}
#endif
#endif

/* hark_link.c — see hark_link.h. */
#include "device/hark_link.h"

#include "device/hark_device.h"
#include "hark_hal.h"

#define RX_BUF_BYTES HARK_FRAME_DECODER_BUF_BYTES(HARK_RX_MAX_PAYLOAD)
#ifndef HARK_RX_CARRY_BYTES
#define HARK_RX_CARRY_BYTES 16 /* bytes read from the HAL in one call */
#endif
#define CARRY_BYTES HARK_RX_CARRY_BYTES
#define STAGE_BYTES 32 /* bytes gathered before one hark_hal_serial_write */
#define HELLO_SCRATCH_BYTES (HARK_MSG_HELLO_MIN_BYTES + HARK_HELLO_STRINGS_MAX_BYTES + 2 * HARK_GPIO_MAX)

static uint8_t rx_buf[RX_BUF_BYTES];
static hark_frame_decoder_t rx;
static uint8_t carry[CARRY_BYTES];
static uint8_t carry_pos, carry_len;
static uint16_t tx_seq;
static uint8_t stage[STAGE_BYTES];
static uint8_t stage_len;

void hark_link_init(void) {
  hark_frame_decoder_init(&rx, rx_buf, (uint16_t)sizeof rx_buf);
  carry_pos = carry_len = 0;
  tx_seq = 0;
  stage_len = 0;
}

bool hark_link_poll(hark_frame_t *f) {
  for (uint16_t budget = HARK_RX_BYTES_PER_PASS; budget > 0; budget--) {
    if (carry_pos == carry_len) {
      carry_pos = 0;
      carry_len = (uint8_t)hark_hal_serial_read(carry, CARRY_BYTES);
      if (carry_len == 0) return false;
    }
    if (hark_frame_decoder_feed(&rx, carry[carry_pos++], f)) return true;
  }
  return false;
}

bool hark_link_rx_pending(void) { return carry_pos != carry_len; }

static void flush(void) {
  if (stage_len != 0) hark_hal_serial_write(stage, stage_len);
  stage_len = 0;
}

static void put(void *ctx, uint8_t byte) {
  (void)ctx;
  stage[stage_len++] = byte;
  if (stage_len == STAGE_BYTES) flush();
}

/* Separate, never-inlined frames for the two scratch sizes: on an ATmega328P the stack is what the
   2 KiB of RAM leave over, and the large HELLO scratch must not sit on every send's stack. */
__attribute__((noinline)) static int write_hello(const hark_msg_t *msg) {
  uint8_t scratch[HELLO_SCRATCH_BYTES];
  return hark_msg_write(msg, tx_seq, scratch, sizeof scratch, put, NULL);
}

__attribute__((noinline)) static int write_small(const hark_msg_t *msg) {
  uint8_t scratch[HARK_TX_SCRATCH_BYTES];
  return hark_msg_write(msg, tx_seq, scratch, sizeof scratch, put, NULL);
}

int hark_link_send(const hark_msg_t *msg) {
  int rc = msg->type == HARK_MSG_HELLO ? write_hello(msg) : write_small(msg);
  flush();
  if (rc == HARK_OK) {
    tx_seq++;
    hark_dev.stats.frames_tx++;
  }
  return rc;
}

uint32_t hark_link_rx_dropped(void) { return hark_frame_stats_dropped(&rx.stats) + hark_hal_serial_rx_lost(); }

uint16_t hark_link_tx_seq(void) { return tx_seq; }

void hark_link_set_tx_seq(uint16_t seq) { tx_seq = seq; }

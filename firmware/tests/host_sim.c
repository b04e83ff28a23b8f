/* host_sim.c — see host_sim.h. */
#include "host_sim.h"

#include <string.h>

#include "fake_hal.h"
#include "hark_frame.h"

host_rx_t host_msgs[HOST_MAX_MSGS];
int host_count;
uint32_t host_seq_gaps;
static uint16_t host_tx_seq;
static uint8_t dec_buf[HARK_MAX_COBS_FRAME_BYTES];
static hark_frame_decoder_t dec;
static int dec_ready;
static int have_seq;
static uint16_t next_seq;

void host_send(const hark_msg_t *m) {
  uint8_t payload[HARK_MAX_PAYLOAD_BYTES];
  uint16_t len = 0;
  if (hark_msg_encode(m, payload, sizeof payload, &len) != HARK_OK) return;
  uint8_t wire[HARK_MAX_WIRE_FRAME_BYTES];
  uint16_t wlen = 0;
  if (hark_frame_encode(m->type, host_tx_seq++, payload, len, wire, sizeof wire, &wlen) != HARK_OK) return;
  fake_rx_append(wire, wlen);
}

static void on_frame(void *ctx, const hark_frame_t *f) {
  (void)ctx;
  if (have_seq && f->seq != next_seq) host_seq_gaps++;
  have_seq = 1;
  next_seq = (uint16_t)(f->seq + 1u);
  if (host_count >= HOST_MAX_MSGS) return;
  host_rx_t *r = &host_msgs[host_count];
  memcpy(r->payload, f->payload, f->len);
  r->seq = f->seq;
  if (hark_msg_decode(f->type, r->payload, f->len, &r->msg) == HARK_OK) host_count++;
}

void host_collect(void) {
  if (!dec_ready) {
    hark_frame_decoder_init(&dec, dec_buf, sizeof dec_buf);
    dec_ready = 1;
  }
  hark_frame_decoder_push(&dec, fake.tx, fake.tx_len, on_frame, NULL);
  fake.tx_len = 0;
}

void host_clear(void) {
  host_count = 0;
  have_seq = 0;
  host_seq_gaps = 0;
}

int host_count_type(uint8_t type) {
  int n = 0;
  for (int i = 0; i < host_count; i++) n += host_msgs[i].msg.type == type;
  return n;
}

int host_find(uint8_t type, int nth) {
  for (int i = 0; i < host_count; i++) {
    if (host_msgs[i].msg.type == type && nth-- == 0) return i;
  }
  return -1;
}

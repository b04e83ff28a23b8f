/* test_vectors.c — the firmware's link layer against protocol/vectors.json (via the generated
 * protocol/c/tests/vectors.h):
 *  1. every vector's wire bytes, fed to the board, deliver exactly the frames the vector expects
 *     and drop exactly the ones it counts as oversized / malformed / truncated / CRC errors, with the
 *     board's own receive buffer (the 1 KiB one of ESP32 builds);
 *  2. every encodable vector re-encoded through the board's transmit path (hark_link_send: streamed
 *     hark_msg_write through the 32-byte staging buffer) gives the vector's wire bytes exactly. */
#include <stdlib.h>
#include <string.h>

#include "device/hark_device.h"
#include "device/hark_link.h"
#include "fake_hal.h"
#include "hark_frame.h"
#include "hark_test.h"
#include "vectors.h"

HARK_TEST_GLOBALS;

static const hark_board_t board = {
    .model = "vector-board",
    .firmware_version = HARK_FIRMWARE_VERSION,
    .features = 0x1FF,
    .mic_sample_rate_hz = 16000,
    .mic_bits = 16,
    .mic_codecs = 7,
    .buttons = 1,
    .led_count = 12,
    .led_kind = HARK_LED_KIND_ADDRESSABLE_RGB,
    .speaker_kind = HARK_SPEAKER_KIND_PCM,
    .speaker_sample_rate_hz = 16000,
    .speaker_codecs = 3,
    .max_utterance_ms = 1000,
};

/* Reads `key=<n>` from the vector's last "stats" line. */
static long stat_of(const char *expect, const char *key) {
  const char *line = strstr(expect, "stats ");
  if (line == NULL) return -1;
  char pat[32];
  snprintf(pat, sizeof pat, " %s=", key);
  const char *p = strstr(line, pat);
  return p == NULL ? -1 : strtol(p + strlen(pat), NULL, 10);
}

static void test_board_receives_vectors(void) {
  for (int i = 0; i < HARK_VECTOR_COUNT; i++) {
    const hark_vector_t *v = &hark_vectors[i];
    fake_reset();
    memset(&hark_dev, 0, sizeof hark_dev);
    fake.now_ms = 1000;
    hark_device_setup(&board);
    fake_rx_append(v->wire, v->wire_len);
    for (int k = 0; k < 50; k++) {
      fake.now_ms++;
      hark_device_loop();
    }
    long ok = stat_of(v->expect, "ok");
    long dropped = stat_of(v->expect, "oversized") + stat_of(v->expect, "malformed") + stat_of(v->expect, "truncated") +
                   stat_of(v->expect, "crc");
    if ((long)hark_dev.stats.frames_rx != ok || (long)hark_link_rx_dropped() != dropped) {
      fprintf(stderr, "vector %s: board got %lu frames, dropped %lu; expected %ld, %ld\n", v->name,
              (unsigned long)hark_dev.stats.frames_rx, (unsigned long)hark_link_rx_dropped(), ok, dropped);
    }
    CHECK_EQ(hark_dev.stats.frames_rx, ok);
    CHECK_EQ(hark_link_rx_dropped(), dropped);
  }
}

static uint8_t payload_copy[HARK_MAX_PAYLOAD_BYTES];
static int reencode_failed;
static int oversized_hello;

static void reencode(void *ctx, const hark_frame_t *f) {
  (void)ctx;
  hark_msg_t m;
  memcpy(payload_copy, f->payload, f->len);
  if (hark_msg_decode(f->type, payload_copy, f->len, &m) != HARK_OK) {
    reencode_failed = 1;
    return;
  }
  hark_link_set_tx_seq(f->seq);
  int rc = hark_link_send(&m);
  if (m.type == HARK_MSG_HELLO && m.u.hello.gpio_count > HARK_GPIO_MAX) {
    /* The board's HELLO scratch fits its own pin table only: it must refuse, never truncate. */
    if (rc != HARK_ERR_NO_SPACE) reencode_failed = 1;
    oversized_hello = 1;
    return;
  }
  if (rc != HARK_OK) reencode_failed = 1;
}

static void test_board_encodes_vectors(void) {
  static uint8_t dec_buf[HARK_MAX_COBS_FRAME_BYTES];
  int compared = 0;
  for (int i = 0; i < HARK_VECTOR_COUNT; i++) {
    const hark_vector_t *v = &hark_vectors[i];
    if (!v->encodable) continue;
    fake_reset();
    hark_link_init();
    hark_frame_decoder_t d;
    hark_frame_decoder_init(&d, dec_buf, sizeof dec_buf);
    reencode_failed = 0;
    oversized_hello = 0;
    hark_frame_decoder_push(&d, v->wire, v->wire_len, reencode, NULL);
    CHECK(!reencode_failed);
    if (oversized_hello) {
      CHECK_EQ(fake.tx_len, 0);
      continue;
    }
    /* The vector may start with flush delimiters the encoder never writes: compare from the first frame. */
    uint32_t skip = 0;
    while (skip < v->wire_len && v->wire[skip] == 0) skip++;
    int same = fake.tx_len == v->wire_len - skip && memcmp(fake.tx, v->wire + skip, fake.tx_len) == 0;
    if (!same) fprintf(stderr, "vector %s: board's encoding differs (%u vs %u bytes)\n", v->name, fake.tx_len, v->wire_len);
    CHECK(same);
    compared++;
  }
  CHECK(compared >= 20);
}

int main(void) {
  RUN(test_board_receives_vectors);
  RUN(test_board_encodes_vectors);
  HARK_TEST_MAIN_END();
}

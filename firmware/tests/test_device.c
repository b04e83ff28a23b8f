/* test_device.c — the whole core (hark_device) against a simulated host over the fake HAL:
 * handshake, heartbeats, utterances and their end reasons, overflow, speaker credits, LED, TONE, GPIO. */
#include <string.h>

#include "device/hark_device.h"
#include "fake_hal.h"
#include "hark_audio.h"
#include "hark_test.h"
#include "host_sim.h"

HARK_TEST_GLOBALS;

static const hark_gpio_info_t test_pins[] = {
    {4, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM},
    {34, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_ANALOG},
};
static const hark_board_t board = {
    .model = "test-board",
    .firmware_version = HARK_FIRMWARE_VERSION,
    .features = HARK_FEATURE_AUDIO_PCM16 | HARK_FEATURE_AUDIO_ULAW | HARK_FEATURE_AUDIO_ADPCM | HARK_FEATURE_SPEAKER |
                HARK_FEATURE_TONE | HARK_FEATURE_LED | HARK_FEATURE_GPIO | HARK_FEATURE_BOARD_VAD | HARK_FEATURE_CAPTURE,
    .mic_sample_rate_hz = 16000,
    .mic_bits = 16,
    .mic_codecs = 7,
    .default_codec = HARK_CODEC_PCM16,
    .buttons = 1,
    .led_count = 12,
    .led_kind = HARK_LED_KIND_ADDRESSABLE_RGB,
    .speaker_kind = HARK_SPEAKER_KIND_PCM,
    .speaker_sample_rate_hz = 16000,
    .speaker_codecs = 3,
    .max_utterance_ms = 15000,
    .gpio = test_pins,
    .gpio_count = 2,
};

/* Microphone: a ramp (so contiguity is checkable sample by sample) or a loud/quiet square wave. */
static int16_t mic_next;
static int mic_amplitude; /* 0 = ramp */
static void mic_tick(void) {
  if (!fake.mic_on) return;
  int16_t s[16];
  for (int i = 0; i < 16; i++) {
    s[i] = mic_amplitude == 0 ? (int16_t)(mic_next & 0x3FFF) : (int16_t)((mic_next & 8) ? mic_amplitude : -mic_amplitude);
    mic_next++;
  }
  hark_mic_push(s, 16);
}

static void run_ms(uint32_t ms) {
  for (uint32_t i = 0; i < ms; i++) {
    fake.now_ms++;
    mic_tick();
    hark_device_loop();
  }
  host_collect();
}

static void boot(void) {
  fake_reset();
  host_clear();
  memset(&hark_dev, 0, sizeof hark_dev);
  mic_next = 0;
  mic_amplitude = 0;
  fake.now_ms = 5000;
  hark_device_setup(&board);
  host_collect();
}

static void ack(uint8_t codec, uint8_t flags) {
  hark_msg_t m;
  m.type = HARK_MSG_HELLO_ACK;
  m.u.hello_ack = (hark_hello_ack_t){1, 0, 0x1FF, codec, 16000, 20, 1000, flags, 0};
  host_send(&m);
  run_ms(5);
}

static void send_simple(uint8_t type, uint8_t a, uint8_t b, uint16_t c) {
  hark_msg_t m;
  memset(&m, 0, sizeof m);
  m.type = type;
  switch (type) {
    case HARK_MSG_CAPTURE: m.u.capture = (hark_capture_t){a, b, c}; break;
    case HARK_MSG_PING: m.u.ping.token = c; break;
    case HARK_MSG_GPIO_MODE: m.u.gpio_mode = (hark_gpio_mode_t){a, b}; break;
    case HARK_MSG_GPIO_READ: m.u.gpio_read.pin = a; break;
    case HARK_MSG_SPEAKER_END: m.u.speaker_end.stream = a; break;
    case HARK_MSG_SPEAKER_STOP: m.u.speaker_stop.stream = a; break;
    default: break;
  }
  host_send(&m);
}

/* Checks every AUDIO of `stream` is in order and the PCM16 ramp has no hole; returns samples. */
static uint32_t check_stream(uint8_t stream, uint16_t *chunks_out) {
  uint16_t expect_chunk = 0;
  int32_t last = -1;
  uint32_t samples = 0;
  for (int i = 0; i < host_count; i++) {
    const hark_msg_t *m = &host_msgs[i].msg;
    if (m->type != HARK_MSG_AUDIO || m->u.audio.stream != stream) continue;
    CHECK_EQ(m->u.audio.chunk, expect_chunk);
    expect_chunk++;
    for (uint16_t k = 0; k + 1 < m->u.audio.data.len; k += 2) {
      int16_t v = (int16_t)(m->u.audio.data.data[k] | (m->u.audio.data.data[k + 1] << 8));
      if (last >= 0 && v != ((last + 1) & 0x3FFF)) {
        CHECK_EQ(v, (last + 1) & 0x3FFF);
        return samples;
      }
      last = v;
      samples++;
    }
  }
  *chunks_out = expect_chunk;
  return samples;
}

static void test_hello_until_ack_and_ping(void) {
  boot();
  CHECK_EQ(host_count_type(HARK_MSG_HELLO), 1);
  int h = host_find(HARK_MSG_HELLO, 0);
  CHECK(h >= 0 && host_msgs[h].seq == 0);
  CHECK(h >= 0 && host_msgs[h].msg.u.hello.gpio_count == 2);
  CHECK(h >= 0 && host_msgs[h].msg.u.hello.speaker_buffer_bytes == HARK_SPEAKER_BUFFER_BYTES);
  run_ms(2500);
  CHECK_EQ(host_count_type(HARK_MSG_HELLO), 3); /* resent every second */
  send_simple(HARK_MSG_PING, 0, 0, 77);
  run_ms(2);
  CHECK_EQ(host_count_type(HARK_MSG_PONG), 1);
  CHECK_EQ(host_count_type(HARK_MSG_HELLO), 4); /* a PING before the ACK asks for HELLO */
  int p = host_find(HARK_MSG_PONG, 0);
  CHECK(p >= 0 && host_msgs[p].msg.u.pong.token == 77);
  ack(HARK_CODEC_PCM16, 0);
  CHECK_EQ(hark_dev.link, HARK_LINK_READY);
  CHECK(host_count_type(HARK_MSG_LOG) >= 2); /* transition + dump_config */
  for (int i = 1; i <= 5; i++) { /* heartbeat tokens: never 0 */
    send_simple(HARK_MSG_PING, 0, 0, (uint16_t)i);
    run_ms(500);
  }
  CHECK_EQ(host_count_type(HARK_MSG_HELLO), 4); /* no more HELLO once acknowledged */
  CHECK_EQ(host_seq_gaps, 0);
}

static void test_button_utterance(void) {
  boot();
  ack(HARK_CODEC_PCM16, 0);
  host_clear();
  fake.button[0] = true;
  run_ms(1000);
  fake.button[0] = false;
  run_ms(200);
  CHECK_EQ(host_count_type(HARK_MSG_AUDIO_START), 1);
  int s = host_find(HARK_MSG_AUDIO_START, 0);
  CHECK(s >= 0 && host_msgs[s].msg.u.audio_start.trigger == HARK_AUDIO_TRIGGER_BUTTON);
  CHECK(s >= 0 && host_msgs[s].msg.u.audio_start.stream == 0);
  int e = host_find(HARK_MSG_AUDIO_END, 0);
  CHECK(e >= 0);
  if (e < 0) return;
  const hark_audio_end_t *end = &host_msgs[e].msg.u.audio_end;
  CHECK_EQ(end->reason, HARK_AUDIO_END_BUTTON_RELEASED);
  CHECK_EQ(end->dropped_samples, 0);
  uint16_t chunks = 0;
  uint32_t samples = check_stream(0, &chunks);
  CHECK_EQ(end->chunks, chunks);
  CHECK(samples >= 16000u * 95 / 100 && samples <= 16000u); /* ~1 s held, minus the debounce */
  CHECK_EQ(host_count_type(HARK_MSG_BUTTON), 3);           /* DOWN, LONG, UP */
  int b = host_find(HARK_MSG_BUTTON, 1);
  CHECK(b >= 0 && host_msgs[b].msg.u.button.event == HARK_BUTTON_LONG);
  CHECK(e > host_find(HARK_MSG_AUDIO, 0));
  CHECK_EQ(host_seq_gaps, 0);
}

static void test_overflow_truncates_never_holes(void) {
  boot();
  ack(HARK_CODEC_PCM16, 0);
  host_clear();
  send_simple(HARK_MSG_CAPTURE, 1, 0, 0);
  run_ms(100);
  fake.tx_room = 0; /* the host stops reading: audio backs up into the 1024-sample ring */
  run_ms(200);
  fake.tx_room = 0xFFFF;
  run_ms(50);
  int e = host_find(HARK_MSG_AUDIO_END, 0);
  CHECK(e >= 0);
  if (e < 0) return;
  const hark_audio_end_t *end = &host_msgs[e].msg.u.audio_end;
  CHECK_EQ(end->reason, HARK_AUDIO_END_OVERFLOW);
  CHECK(end->dropped_samples > 0);
  uint16_t chunks = 0;
  uint32_t samples = check_stream(0, &chunks); /* fails on any hole */
  CHECK_EQ(end->chunks, chunks);
  CHECK(samples + end->dropped_samples <= 16u * 300u);
  CHECK_EQ(hark_dev.cap, HARK_CAP_IDLE);
  int err = host_find(HARK_MSG_ERROR, 0);
  CHECK(err >= 0 && host_msgs[err].msg.u.error.code == HARK_ERROR_CAPTURE_OVERFLOW);
  CHECK(err >= 0 && err < e); /* reported as it happens, before the drained chunks end the stream */
  send_simple(HARK_MSG_PING, 0, 0, 1);
  run_ms(2);
  int p = host_find(HARK_MSG_PONG, 0);
  CHECK(p >= 0 && host_msgs[p].msg.u.pong.audio_overflows == 1);
}

static void test_max_length_and_host_stop(void) {
  boot();
  ack(HARK_CODEC_PCM16, 0);
  host_clear();
  send_simple(HARK_MSG_CAPTURE, 1, 0, 100);
  run_ms(300);
  int e = host_find(HARK_MSG_AUDIO_END, 0);
  CHECK(e >= 0 && host_msgs[e].msg.u.audio_end.reason == HARK_AUDIO_END_MAX_LENGTH);
  uint16_t chunks = 0;
  CHECK_EQ(check_stream(0, &chunks), 1600); /* exactly 100 ms */
  CHECK_EQ(chunks, 5);
  host_clear();
  send_simple(HARK_MSG_CAPTURE, 1, 0, 0);
  run_ms(100);
  send_simple(HARK_MSG_CAPTURE, 1, 0, 0); /* already streaming */
  run_ms(5);
  int err = host_find(HARK_MSG_ERROR, 0);
  CHECK(err >= 0 && host_msgs[err].msg.u.error.code == HARK_ERROR_BUSY);
  send_simple(HARK_MSG_CAPTURE, 0, 0, 0);
  run_ms(50);
  e = host_find(HARK_MSG_AUDIO_END, 0);
  CHECK(e >= 0 && host_msgs[e].msg.u.audio_end.reason == HARK_AUDIO_END_HOST_REQUEST);
  CHECK(e >= 0 && host_msgs[e].msg.u.audio_end.stream == 1);
}

static void test_tap_to_talk_ends_on_vad(void) {
  boot();
  ack(HARK_CODEC_IMA_ADPCM, 1); /* flags bit0: board VAD may end utterances */
  host_clear();
  mic_amplitude = 50;
  fake.button[0] = true;
  run_ms(100); /* a tap */
  fake.button[0] = false;
  run_ms(300);
  CHECK_EQ(hark_dev.cap, HARK_CAP_STREAMING); /* still listening after the tap */
  mic_amplitude = 4000;
  run_ms(600);
  mic_amplitude = 50;
  run_ms(1000);
  int e = host_find(HARK_MSG_AUDIO_END, 0);
  CHECK(e >= 0 && host_msgs[e].msg.u.audio_end.reason == HARK_AUDIO_END_BOARD_VAD);
  int a = host_find(HARK_MSG_AUDIO, 0);
  /* ADPCM 20 ms at 16 kHz: 4-byte header + 160 bytes. */
  CHECK(a >= 0 && host_msgs[a].msg.u.audio.data.len == HARK_ADPCM_BLOCK_BYTES(320));
}

static void send_speaker_data(uint8_t stream, uint16_t len) {
  static uint8_t data[1000];
  for (uint16_t i = 0; i < len; i++) data[i] = (uint8_t)(i & 1 ? 0x10 : 0x00); /* PCM16 4096 */
  hark_msg_t m;
  m.type = HARK_MSG_SPEAKER_DATA;
  m.u.speaker_data.stream = stream;
  m.u.speaker_data.data.data = data;
  m.u.speaker_data.data.len = len;
  host_send(&m);
}

static void ack_session(uint32_t session) {
  hark_msg_t m;
  m.type = HARK_MSG_HELLO_ACK;
  m.u.hello_ack = (hark_hello_ack_t){1, 1, 0x1FF, HARK_CODEC_PCM16, 16000, 20, 1000, 0, session};
  host_send(&m);
  run_ms(5);
}

static int logged(const char *text) {
  for (int i = 0; i < host_count; i++) {
    const hark_msg_t *m = &host_msgs[i].msg;
    if (m->type == HARK_MSG_LOG && m->u.log.text.len == strlen(text) && memcmp(m->u.log.text.data, text, m->u.log.text.len) == 0) {
      return 1;
    }
  }
  return 0;
}

/* SPEC 1.1 §2.3: the host_session in force is a duplicate; another one (or 0, a 1.0 host) a reconnect. */
static void test_host_session_duplicate_and_reconnect(void) {
  boot();
  ack_session(0x1234);
  CHECK_EQ(hark_dev.link, HARK_LINK_READY);
  send_simple(HARK_MSG_CAPTURE, 1, 1, 0); /* continuous: a stream that a reset would end */
  run_ms(100);
  host_clear();
  ack_session(0x1234); /* a repeat of the same handshake */
  run_ms(50);
  CHECK_EQ(host_count_type(HARK_MSG_AUDIO_END), 0);
  CHECK(!logged("host reconnected: resetting host-facing state"));
  CHECK_EQ(hark_dev.cap, HARK_CAP_STREAMING);
  ack_session(0x5678); /* the host reconnected */
  run_ms(50);
  int e = host_find(HARK_MSG_AUDIO_END, 0);
  CHECK(e >= 0 && host_msgs[e].msg.u.audio_end.reason == HARK_AUDIO_END_ERROR);
  CHECK(logged("host reconnected: resetting host-facing state"));
  CHECK_EQ(hark_dev.host_session, 0x5678);
  send_simple(HARK_MSG_CAPTURE, 1, 1, 0);
  run_ms(50);
  host_clear();
  ack_session(0); /* a 1.0 host: never a duplicate */
  run_ms(50);
  CHECK_EQ(host_count_type(HARK_MSG_AUDIO_END), 1);
  host_clear();
  ack_session(0);
  run_ms(50);
  CHECK(logged("host reconnected: resetting host-facing state"));
}

/* SPEC 1.1 §2.4: PING token 0 asks for HELLO, in READY too (PONG first); other tokens do not. */
static void test_ping_token_0_asks_for_hello(void) {
  boot();
  ack_session(7);
  host_clear();
  send_simple(HARK_MSG_PING, 0, 0, 3);
  run_ms(3);
  CHECK_EQ(host_count_type(HARK_MSG_HELLO), 0);
  send_simple(HARK_MSG_PING, 0, 0, 0);
  run_ms(3);
  int p = host_find(HARK_MSG_PONG, 1), h = host_find(HARK_MSG_HELLO, 0);
  CHECK(p >= 0 && h > p); /* PONG, then HELLO */
  CHECK_EQ(hark_dev.link, HARK_LINK_READY); /* unchanged until a HELLO_ACK */
  CHECK(h >= 0 && host_msgs[h].msg.u.hello.rx_window_bytes == HARK_RX_WINDOW_BYTES);
  CHECK(h >= 0 && host_msgs[h].msg.u.hello.version_minor == 1);
}

/* SPEC 1.1 §2.5.2: the host gone ends the capture (AUDIO_END 5) before the board's HELLO. */
static void test_host_gone_order(void) {
  boot();
  ack_session(9);
  send_simple(HARK_MSG_CAPTURE, 1, 1, 0);
  run_ms(100);
  host_clear();
  run_ms(3050);
  int e = host_find(HARK_MSG_AUDIO_END, 0), h = host_find(HARK_MSG_HELLO, 0);
  CHECK(e >= 0 && h > e);
  CHECK_EQ(hark_dev.host_session, 0);
  ack_session(9); /* the same session after AWAIT_ACK is accepted: READY again */
  CHECK_EQ(hark_dev.link, HARK_LINK_READY);
}

/* SPEC 1.1 §1.3.1: one 0x00 before the first frame after a reset. */
static void test_leading_delimiter(void) {
  fake_reset();
  host_clear();
  memset(&hark_dev, 0, sizeof hark_dev);
  fake.now_ms = 5000;
  hark_device_setup(&board);
  CHECK(fake.tx_len > 1 && fake.tx[0] == 0x00 && fake.tx[1] != 0x00);
  host_collect();
  CHECK_EQ(host_count_type(HARK_MSG_HELLO), 1);
}

/* SPEC 1.1 §4.3.5: chunk_ms outside 5..100, or a chunk too big for the board, becomes the largest
   chunk that fits, with a LOG (level warn). */
static void test_chunk_ms_sized_to_fit(void) {
  boot();
  hark_msg_t m;
  m.type = HARK_MSG_HELLO_ACK;
  m.u.hello_ack = (hark_hello_ack_t){1, 1, 0x1FF, HARK_CODEC_PCM16, 16000, 100, 1000, 0, 1};
  host_send(&m);
  run_ms(10);
  CHECK_EQ(hark_dev.chunk_samples, HARK_CHUNK_MAX_SAMPLES); /* 1600 samples would not fit */
  CHECK(logged("chunk_ms: chunks sized to fit this board"));
  m.u.hello_ack.chunk_ms = 2;
  m.u.hello_ack.host_session = 2;
  host_send(&m);
  run_ms(10);
  CHECK_EQ(hark_dev.chunk_samples, 80); /* 5 ms at 16 kHz */
  host_clear();
  m.u.hello_ack.chunk_ms = 10;
  m.u.hello_ack.host_session = 3;
  host_send(&m);
  run_ms(10);
  CHECK_EQ(hark_dev.chunk_samples, 160);
  CHECK(!logged("chunk_ms: chunks sized to fit this board"));
}

static void test_speaker_credit_flow(void) {
  boot();
  ack(HARK_CODEC_PCM16, 0);
  host_clear();
  hark_msg_t m;
  m.type = HARK_MSG_SPEAKER_START;
  m.u.speaker_start = (hark_speaker_start_t){7, HARK_CODEC_PCM16, 16000};
  host_send(&m);
  run_ms(2);
  int c = host_find(HARK_MSG_SPEAKER_CREDIT, 0);
  CHECK(c >= 0 && host_msgs[c].msg.u.speaker_credit.credit_bytes == HARK_SPEAKER_BUFFER_BYTES);
  uint32_t credit = c >= 0 ? host_msgs[c].msg.u.speaker_credit.credit_bytes : 0;
  /* Host sends exactly its credit; the sink takes nothing yet. */
  send_speaker_data(7, 600);
  send_speaker_data(7, (uint16_t)(credit - 600));
  run_ms(20); /* the link reads at most 256 bytes a loop pass */
  CHECK_EQ(host_count_type(HARK_MSG_ERROR), 0);
  send_speaker_data(7, 2); /* beyond the credit */
  run_ms(20);
  int err = host_find(HARK_MSG_ERROR, 0);
  CHECK(err >= 0 && host_msgs[err].msg.u.error.code == HARK_ERROR_SPEAKER_OVERRUN);
  /* The sink plays 300 samples (600 bytes): ≥ 25 % freed → a new grant of exactly what was freed. */
  fake.speaker_room = 300;
  run_ms(2);
  int g = host_find(HARK_MSG_SPEAKER_CREDIT, 1);
  CHECK(g >= 0 && host_msgs[g].msg.u.speaker_credit.credit_bytes == 600);
  CHECK(g >= 0 && host_msgs[g].msg.u.speaker_credit.buffered_bytes == credit - 600);
  send_simple(HARK_MSG_SPEAKER_END, 7, 0, 0);
  fake.speaker_room = 1000;
  run_ms(5);
  int f = host_find(HARK_MSG_SPEAKER_CREDIT, 2);
  CHECK(f >= 0 && host_msgs[f].msg.u.speaker_credit.state == HARK_SPEAKER_STATE_FINISHED);
  CHECK_EQ(fake.speaker_samples, credit / 2);
  CHECK_EQ(fake.speaker_last, 4096);
  /* Second stream, interrupted. */
  host_clear();
  m.u.speaker_start.stream = 8;
  host_send(&m);
  fake.speaker_room = 0;
  run_ms(2);
  send_speaker_data(8, 100);
  send_simple(HARK_MSG_SPEAKER_STOP, 8, 0, 0);
  run_ms(2);
  int st = host_find(HARK_MSG_SPEAKER_CREDIT, 1);
  CHECK(st >= 0 && host_msgs[st].msg.u.speaker_credit.state == HARK_SPEAKER_STATE_STOPPED);
  CHECK_EQ(fake.speaker_rate, 0);
  /* SPEC 1.1 §4.6.8: data still in flight for the stopped stream is counted, not answered */
  host_clear();
  uint16_t ignored = hark_dev.stats.speaker_ignored;
  send_speaker_data(8, 100);
  run_ms(3);
  CHECK_EQ(host_count_type(HARK_MSG_ERROR), 0);
  CHECK_EQ(hark_dev.stats.speaker_ignored, ignored + 1);
  /* SPEC 1.1 §4.6.6: PCM16 data must be whole samples; credits always are */
  m.u.speaker_start.stream = 9;
  host_send(&m);
  run_ms(3);
  int g9 = host_find(HARK_MSG_SPEAKER_CREDIT, 0);
  CHECK(g9 >= 0 && host_msgs[g9].msg.u.speaker_credit.credit_bytes % 2 == 0);
  send_speaker_data(9, 101);
  run_ms(3);
  int odd = host_find(HARK_MSG_ERROR, 0);
  CHECK(odd >= 0 && host_msgs[odd].msg.u.error.code == HARK_ERROR_BAD_MESSAGE);
  CHECK_EQ(hark_dev.speaker.used, 0); /* nothing of it was queued */
}

static void test_led_tone_gpio_messages(void) {
  boot();
  ack(HARK_CODEC_PCM16, 0);
  host_clear();
  hark_msg_t m;
  m.type = HARK_MSG_LED;
  m.u.led = (hark_led_t){HARK_LED_ALL, HARK_LED_EFFECT_SOLID, 0, 0, 200, 0, 300};
  host_send(&m);
  run_ms(10);
  CHECK_EQ(fake.led[11][2], 200);
  run_ms(400);
  CHECK_EQ(fake.led[11][2], 0); /* duration over */
  m.u.led.index = 12;           /* no such LED */
  host_send(&m);
  m.type = HARK_MSG_TONE;
  m.u.tone.count = 2;
  m.u.tone.steps[0] = (hark_tone_step_t){880, 50, 100};
  m.u.tone.steps[1] = (hark_tone_step_t){660, 50, 100};
  host_send(&m);
  m.type = HARK_MSG_VOLUME;
  m.u.volume.level = 40;
  host_send(&m);
  run_ms(2);
  CHECK_EQ(fake.tone_freq, 880);
  run_ms(60);
  CHECK_EQ(fake.tone_freq, 660);
  CHECK_EQ(fake.tone_volume, 40);
  run_ms(60);
  CHECK_EQ(fake.tone_freq, 0);
  int err = host_find(HARK_MSG_ERROR, 0);
  CHECK(err >= 0 && host_msgs[err].msg.u.error.code == HARK_ERROR_BAD_MESSAGE);
  host_clear();
  send_simple(HARK_MSG_GPIO_MODE, 13, HARK_GPIO_MODE_OUTPUT, 0); /* not in the pin table */
  send_simple(HARK_MSG_GPIO_MODE, 34, HARK_GPIO_MODE_ANALOG, 0);
  fake.gpio_value[34] = 700;
  send_simple(HARK_MSG_GPIO_READ, 34, 0, 0);
  run_ms(4); /* one frame a loop pass */
  err = host_find(HARK_MSG_ERROR, 0);
  CHECK(err >= 0 && host_msgs[err].msg.u.error.code == HARK_ERROR_GPIO_INVALID_PIN);
  int st = host_find(HARK_MSG_GPIO_STATE, 0);
  CHECK(st >= 0 && host_msgs[st].msg.u.gpio_state.pin == 34 && host_msgs[st].msg.u.gpio_state.value == 700);
}

static void test_heartbeat_loss_and_reconnect(void) {
  boot();
  ack(HARK_CODEC_PCM16, 0);
  send_simple(HARK_MSG_CAPTURE, 1, 1, 0); /* continuous */
  run_ms(100);
  host_clear();
  run_ms(3100); /* the host went silent for 3 heartbeats */
  CHECK_EQ(hark_dev.link, HARK_LINK_AWAIT_ACK);
  int e = host_find(HARK_MSG_AUDIO_END, 0);
  CHECK(e >= 0 && host_msgs[e].msg.u.audio_end.reason == HARK_AUDIO_END_ERROR);
  CHECK(host_count_type(HARK_MSG_HELLO) >= 1);
  ack(HARK_CODEC_ULAW, 0);
  CHECK_EQ(hark_dev.link, HARK_LINK_READY);
  CHECK_EQ(hark_dev.codec, HARK_CODEC_ULAW);
  /* Garbage and a corrupted frame are counted, and the link carries on. */
  const uint8_t junk[] = {0x12, 0x34, 0x00, 0x05, 0x03, 0x01, 0x02, 0x99, 0x00};
  fake_rx_append(junk, sizeof junk);
  host_clear();
  send_simple(HARK_MSG_PING, 0, 0, 9);
  run_ms(2);
  int p = host_find(HARK_MSG_PONG, 0);
  CHECK(p >= 0 && host_msgs[p].msg.u.pong.rx_frames_bad >= 1);
  CHECK(p >= 0 && host_msgs[p].msg.u.pong.token == 9);
}

/* Regression: time passing between the loop's clock read and a frame's arrival must not look like
   a host silent for 49 days (unsigned now - last_rx wrapping). */
static void test_clock_advancing_inside_the_loop(void) {
  boot();
  ack(HARK_CODEC_PCM16, 0);
  host_clear();
  fake.ms_per_read = 1;
  for (int i = 1; i <= 50; i++) { /* heartbeat tokens skip 0 */
    send_simple(HARK_MSG_PING, 0, 0, (uint16_t)i);
    run_ms(20);
  }
  fake.ms_per_read = 0;
  CHECK_EQ(hark_dev.link, HARK_LINK_READY);
  CHECK_EQ(host_count_type(HARK_MSG_HELLO), 0);
}


/* The chunk is encoded in place (hark_device_t.chunk_buf): for every codec and length, the block
   written over its own samples must equal the block written into a separate buffer. */
static void test_in_place_encoding_matches_separate_buffer(void) {
  static int16_t buf[HARK_CHUNK_SAMPLES_AT + HARK_CHUNK_MAX_SAMPLES];
  static int16_t src[HARK_CHUNK_MAX_SAMPLES];
  static uint8_t separate[2 * HARK_CHUNK_MAX_SAMPLES + 8];
  uint32_t seed = 12345;
  int mismatches = 0;
  for (uint8_t codec = 0; codec <= HARK_CODEC_IMA_ADPCM; codec++) {
    for (uint16_t n = 1; n <= HARK_CHUNK_MAX_SAMPLES; n++) {
      for (uint16_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        src[i] = (int16_t)((seed >> 8) & 0xFFFF);
      }
      uint8_t idx_a = (uint8_t)(n % 89), idx_b = idx_a;
      uint16_t la = hark_device_encode(codec, src, n, &idx_a, separate);
      memcpy(buf + HARK_CHUNK_SAMPLES_AT, src, n * sizeof src[0]);
      uint16_t lb = hark_device_encode(codec, buf + HARK_CHUNK_SAMPLES_AT, n, &idx_b, (uint8_t *)buf);
      if (la == 0 || la != lb || idx_a != idx_b || memcmp(separate, buf, la) != 0) mismatches++;
    }
  }
  CHECK_EQ(mismatches, 0);
}

int main(void) {
  RUN(test_hello_until_ack_and_ping);
  RUN(test_button_utterance);
  RUN(test_overflow_truncates_never_holes);
  RUN(test_max_length_and_host_stop);
  RUN(test_tap_to_talk_ends_on_vad);
  RUN(test_speaker_credit_flow);
  RUN(test_led_tone_gpio_messages);
  RUN(test_heartbeat_loss_and_reconnect);
  RUN(test_clock_advancing_inside_the_loop);
  RUN(test_in_place_encoding_matches_separate_buffer);
  RUN(test_host_session_duplicate_and_reconnect);
  RUN(test_ping_token_0_asks_for_hello);
  RUN(test_host_gone_order);
  RUN(test_leading_delimiter);
  RUN(test_chunk_ms_sized_to_fit);
  HARK_TEST_MAIN_END();
}

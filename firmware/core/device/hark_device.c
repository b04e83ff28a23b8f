/* hark_device.c — link state machine, message dispatch and the main loop (see hark_device.h). */
#include "device/hark_device.h"

#include <stddef.h>

#include "device/hark_link.h"
#include "hark_hal.h"
#include "hark_protocol.h"

hark_device_t hark_dev;

#define DEV hark_dev

/* The stats block's layout is read by the simulated-Uno harness (see hark_device_stats_t). */
_Static_assert(offsetof(hark_device_t, stats) == 0, "stats must be the first member of hark_device_t");
_Static_assert(offsetof(hark_device_stats_t, ring_peak_samples) == HARK_STATS_RING_PEAK_OFFSET, "stats layout");
_Static_assert(offsetof(hark_device_stats_t, rx_lost_frames) == HARK_STATS_RX_LOST_OFFSET, "stats layout");

static const char *link_name(uint8_t s) {
  return s == HARK_LINK_READY ? HARK_PSTR("READY") : HARK_PSTR("AWAIT_ACK");
}

static void set_link(uint8_t to) {
  if (DEV.link == to) return;
  uint8_t from = DEV.link;
  DEV.link = to;
  hark_device_log_transition(HARK_PSTR("link"), link_name(from), link_name(to));
}

/* ---- outgoing ---------------------------------------------------------------------------- */

void hark_device_send(const hark_msg_t *m) {
  if (hark_link_send(m) != HARK_OK) DEV.stats.tx_rejected++; /* a core bug: a field out of range */
}

__attribute__((noinline)) static void send_hello(uint32_t now_ms) {
  const hark_board_t *b = DEV.board;
  uint8_t pins[2 * HARK_GPIO_MAX];
  hark_msg_t m;
  m.type = HARK_MSG_HELLO;
  hark_hello_t *h = &m.u.hello;
  h->version_major = HARK_PROTOCOL_MAJOR;
  h->version_minor = HARK_PROTOCOL_MINOR;
  h->features = b->features;
  h->board_model = hark_cstr(b->model);
  h->firmware_version = hark_cstr(b->firmware_version);
  h->board_uid = hark_cstr(hark_board_uid());
  h->mic_sample_rate = b->mic_sample_rate_hz;
  h->mic_bits = b->mic_bits;
  h->mic_codecs = b->mic_codecs;
  h->mic_channels = 1;
  h->buttons = b->buttons;
  h->led_count = b->led_count;
  h->led_kind = b->led_kind;
  h->speaker_kind = b->speaker_kind;
  h->speaker_sample_rate = b->speaker_sample_rate_hz;
  h->speaker_codecs = b->speaker_codecs;
  h->speaker_buffer_bytes = HARK_SPEAKER_BUFFER_BYTES;
  h->max_rx_payload = HARK_RX_MAX_PAYLOAD;
  h->rx_window_bytes = HARK_RX_WINDOW_BYTES;
  h->gpio_count = DEV.gpio.count;
  for (uint8_t i = 0; i < DEV.gpio.count; i++) {
    pins[2 * i] = b->gpio[i].pin;
    pins[2 * i + 1] = b->gpio[i].caps;
  }
  h->gpio = pins;
  if (hark_link_send(&m) != HARK_OK) {
    /* Only a build error gets here: the strings outgrew HARK_HELLO_STRINGS_MAX_BYTES. Say so locally. */
    DEV.stats.tx_rejected++;
    hark_hal_debug(HARK_LOG_ERROR, "HELLO does not fit: raise HARK_HELLO_STRINGS_MAX_BYTES");
  }
  DEV.last_hello_ms = now_ms;
}

/* Print what the core believes about its hardware (ESPHome's dump_config), once per handshake, from
   the loop's top level. */
__attribute__((noinline)) static void dump_config(void) {
  const hark_board_t *b = DEV.board;
  hark_device_log_static(HARK_LOG_INFO, b->model);
  switch (DEV.codec) {
    case HARK_CODEC_PCM16: hark_device_log(HARK_LOG_INFO, HARK_PSTR("mic: streaming PCM16")); break;
    case HARK_CODEC_ULAW: hark_device_log(HARK_LOG_INFO, HARK_PSTR("mic: streaming mu-law")); break;
    default: hark_device_log(HARK_LOG_INFO, HARK_PSTR("mic: streaming IMA-ADPCM")); break;
  }
  if (b->speaker_kind == HARK_SPEAKER_KIND_PCM) hark_device_log(HARK_LOG_INFO, HARK_PSTR("speaker: PCM, credit flow"));
  if (b->speaker_kind == HARK_SPEAKER_KIND_PIEZO) hark_device_log(HARK_LOG_INFO, HARK_PSTR("speaker: piezo, tones only"));
  if (DEV.ack_flags & HARK_ACK_FLAG_BOARD_VAD) hark_device_log(HARK_LOG_INFO, HARK_PSTR("vad: may end utterances"));
}

/* ---- host-facing state -------------------------------------------------------------------- */

static void reset_host_state(void) {
  hark_device_capture_abort();
#if HARK_SPEAKER_BUFFER_BYTES > 0
  /* The STOPPED report still goes out: a host that was only slow learns its stream ended. */
  if (hark_speaker_active(&DEV.speaker)) hark_speaker_stop(&DEV.speaker, DEV.speaker.stream);
#endif
  hark_gpio_reset(&DEV.gpio);
  hark_tone_stop(&DEV.tone);
}

/* The chunk for chunk_ms (SPEC §4.3.5): 5..100 ms, 0 = 20; a chunk that does not fit the board's
   buffers or one 1024-byte payload (AUDIO header: 3 bytes) becomes the largest that does, with a LOG. */
static uint16_t chunk_samples_for(uint8_t chunk_ms) {
  uint32_t ms = chunk_ms == 0 ? HARK_DEFAULT_CHUNK_MS : chunk_ms < 5u ? 5u : chunk_ms > 100u ? 100u : chunk_ms;
  uint32_t samples = DEV.board->mic_sample_rate_hz * ms / 1000u;
  uint32_t fit = samples;
  if (fit > HARK_CHUNK_MAX_SAMPLES) fit = HARK_CHUNK_MAX_SAMPLES;
  while (fit > 1u && 3u + (uint32_t)hark_device_encoded_bytes((uint16_t)fit) > HARK_MAX_PAYLOAD_BYTES) fit--;
  if (fit != samples || ms != chunk_ms) {
    hark_device_log(HARK_LOG_WARN, HARK_PSTR("chunk_ms: chunks sized to fit this board"));
  }
  return (uint16_t)(fit != 0 ? fit : 1u);
}

/* SPEC §2.3: in READY, the host_session in force is a duplicate (ignored); another one, or 0 (a 1.0
   host), is the host reconnecting. In AWAIT_ACK any HELLO_ACK makes the board READY. */
static void on_hello_ack(const hark_hello_ack_t *a, uint32_t now_ms) {
  if (a->version_major != HARK_PROTOCOL_MAJOR) {
    hark_device_error(HARK_ERROR_VERSION_MISMATCH, HARK_PSTR("protocol version mismatch: board speaks 1.x"));
    return;
  }
  if (DEV.link == HARK_LINK_READY && a->host_session != 0 && a->host_session == DEV.host_session) return;
  uint8_t codec = a->audio_codec;
  if (codec > HARK_CODEC_IMA_ADPCM || (DEV.board->mic_codecs & (1u << codec)) == 0) {
    hark_device_error(HARK_ERROR_UNSUPPORTED, HARK_PSTR("audio_codec not offered: using the default"));
    codec = DEV.board->default_codec;
  }
  if (DEV.link == HARK_LINK_READY) {
    hark_device_log(HARK_LOG_INFO, HARK_PSTR("host reconnected: resetting host-facing state"));
    reset_host_state();
  }
  DEV.host_session = a->host_session;
  DEV.features = a->features & DEV.board->features;
  DEV.codec = codec;
  DEV.chunk_ms = a->chunk_ms != 0 ? a->chunk_ms : HARK_DEFAULT_CHUNK_MS;
  DEV.heartbeat_ms = a->heartbeat_ms != 0 ? a->heartbeat_ms : HARK_DEFAULT_HEARTBEAT_MS;
  DEV.ack_flags = a->flags;
  DEV.chunk_samples = chunk_samples_for(a->chunk_ms);
  DEV.last_rx_ms = now_ms;
  set_link(HARK_LINK_READY);
  DEV.config_due = true;
}

/* PONG in the PING's own message: the token has been read, the struct is free. */
static void send_pong(hark_msg_t *m) {
  uint32_t token = m->u.ping.token;
  m->type = HARK_MSG_PONG;
  m->u.pong.token = token;
  m->u.pong.uptime_ms = hark_hal_millis();
  /* Every frame lost on the way in: decoder drops, payloads that did not decode, frames the receive
     buffer lost (SPEC 1.1: real counts, mod 65536). */
  m->u.pong.rx_frames_bad = (uint16_t)(hark_link_rx_dropped() + DEV.stats.rx_frames_bad);
  m->u.pong.audio_overflows = DEV.ring.overflows;
  hark_device_send(m);
}

static void on_gpio(hark_msg_t *m, uint32_t now_ms) {
  uint8_t err = 0;
  uint16_t v = 0;
  switch (m->type) {
    case HARK_MSG_GPIO_MODE: err = hark_gpio_mode(&DEV.gpio, m->u.gpio_mode.pin, m->u.gpio_mode.mode); break;
    case HARK_MSG_GPIO_WRITE: err = hark_gpio_write(&DEV.gpio, m->u.gpio_write.pin, m->u.gpio_write.value); break;
    case HARK_MSG_GPIO_READ: {
      uint8_t pin = m->u.gpio_read.pin;
      err = hark_gpio_read(&DEV.gpio, pin, &v);
      if (err == 0) {
        m->type = HARK_MSG_GPIO_STATE; /* the answer reuses the request's message */
        m->u.gpio_state.pin = pin;
        m->u.gpio_state.value = v;
        hark_device_send(m);
      }
      break;
    }
    default:
      err = hark_gpio_report(&DEV.gpio, m->u.gpio_report.pin, m->u.gpio_report.enable != 0,
                             m->u.gpio_report.interval_ms, now_ms);
      break;
  }
  if (err == HARK_ERROR_GPIO_INVALID_PIN) hark_device_error(err, HARK_PSTR("GPIO: pin not usable or lacks that mode"));
  if (err == HARK_ERROR_BAD_MESSAGE) hark_device_error(err, HARK_PSTR("GPIO: value out of range for the mode"));
}

#if HARK_SPEAKER_BUFFER_BYTES > 0
static void on_speaker(const hark_msg_t *m) {
  hark_speaker_t *s = &DEV.speaker;
  switch (m->type) {
    case HARK_MSG_SPEAKER_START:
      if (hark_speaker_active(s)) hark_speaker_stop(s, s->stream);
      if (!hark_speaker_start(s, m->u.speaker_start.stream, m->u.speaker_start.codec, m->u.speaker_start.sample_rate)) {
        hark_device_error(HARK_ERROR_UNSUPPORTED, HARK_PSTR("SPEAKER_START: codec must be PCM16 or mu-law"));
      }
      break;
    case HARK_MSG_SPEAKER_DATA:
      switch (hark_speaker_data(s, m->u.speaker_data.stream, m->u.speaker_data.data.data, m->u.speaker_data.data.len)) {
        case HARK_SPEAKER_OVERRUN:
          DEV.stats.speaker_overruns++;
          hark_device_error(HARK_ERROR_SPEAKER_OVERRUN, HARK_PSTR("SPEAKER_DATA beyond the granted credit"));
          break;
        case HARK_SPEAKER_IGNORED: DEV.stats.speaker_ignored++; break; /* late data for a stopped stream */
        case HARK_SPEAKER_PARTIAL:
          DEV.stats.rx_frames_bad++;
          hark_device_error(HARK_ERROR_BAD_MESSAGE, HARK_PSTR("SPEAKER_DATA: PCM16 needs whole samples"));
          break;
        default: break;
      }
      break;
    case HARK_MSG_SPEAKER_END: hark_speaker_end(s, m->u.speaker_end.stream); break;
    default: hark_speaker_stop(s, m->u.speaker_stop.stream); break;
  }
}
#endif

void hark_device_on_frame(uint8_t type, const uint8_t *payload, uint16_t len, hark_msg_t *m) {
  uint32_t now_ms = hark_hal_millis();
  DEV.stats.frames_rx++;
  DEV.last_rx_ms = now_ms;
  int rc = hark_msg_decode(type, payload, len, m);
  if (rc == HARK_ERR_UNKNOWN_TYPE) {
    DEV.stats.unknown_type++; /* a newer host's message: skip (SPEC §2) */
    return;
  }
  if (rc != HARK_OK) {
    DEV.stats.rx_frames_bad++;
    hark_device_error(HARK_ERROR_BAD_MESSAGE, HARK_PSTR("payload too short or invalid for its type"));
    return;
  }
  if (type == HARK_MSG_HELLO_ACK) {
    on_hello_ack(&m->u.hello_ack, now_ms);
    return;
  }
  if (type == HARK_MSG_PING) {
    /* SPEC §2.4: token 0 asks for HELLO in any state; any PING does before HELLO_ACK (1.0). The HELLO
       goes out from the loop's top level, after the PONG. */
    if (m->u.ping.token == HARK_PING_TOKEN_HELLO || DEV.link != HARK_LINK_READY) DEV.hello_due = true;
    send_pong(m);
    return;
  }
  /* Output messages count only after HELLO_ACK (SPEC §2); board→host types are not for us. */
  if (DEV.link != HARK_LINK_READY) return;
  switch (type) {
    case HARK_MSG_CAPTURE:
      if (m->u.capture.action == HARK_CAPTURE_STOP) {
        hark_device_capture_end(HARK_AUDIO_END_HOST_REQUEST);
      } else if (!hark_device_capture_start(m->u.capture.mode == HARK_CAPTURE_MODE_CONTINUOUS
                                                ? HARK_AUDIO_TRIGGER_CONTINUOUS
                                                : HARK_AUDIO_TRIGGER_HOST_CAPTURE,
                                            m->u.capture.mode == HARK_CAPTURE_MODE_CONTINUOUS, m->u.capture.max_ms)) {
        hark_device_error(HARK_ERROR_BUSY, HARK_PSTR("CAPTURE: an utterance is already streaming"));
      }
      break;
    case HARK_MSG_LED: {
      const hark_led_t *l = &m->u.led;
      if (!hark_led_set(&DEV.led, l->index, l->effect, l->r, l->g, l->b, l->period_ms, l->duration_ms, now_ms)) {
        hark_device_error(HARK_ERROR_BAD_MESSAGE, HARK_PSTR("LED: no such LED index or effect"));
      }
      break;
    }
    case HARK_MSG_TONE: hark_tone_play(&DEV.tone, m->u.tone.steps, m->u.tone.count, now_ms); break;
    case HARK_MSG_VOLUME:
      DEV.volume_pct = m->u.volume.level > 100 ? 100 : m->u.volume.level;
      DEV.tone.master_pct = DEV.volume_pct;
#if HARK_SPEAKER_BUFFER_BYTES > 0
      DEV.speaker.volume_pct = DEV.volume_pct;
#endif
      break;
    case HARK_MSG_SPEAKER_START:
    case HARK_MSG_SPEAKER_DATA:
    case HARK_MSG_SPEAKER_END:
    case HARK_MSG_SPEAKER_STOP:
#if HARK_SPEAKER_BUFFER_BYTES > 0
      on_speaker(m);
#else
      if (type == HARK_MSG_SPEAKER_START) hark_device_error(HARK_ERROR_UNSUPPORTED, HARK_PSTR("this board has no PCM speaker"));
      if (type == HARK_MSG_SPEAKER_DATA) DEV.stats.speaker_ignored++;
#endif
      break;
    case HARK_MSG_GPIO_MODE:
    case HARK_MSG_GPIO_WRITE:
    case HARK_MSG_GPIO_READ:
    case HARK_MSG_GPIO_REPORT: on_gpio(m, now_ms); break;
    default: DEV.stats.unknown_type++; break; /* HELLO, AUDIO, BUTTON ...: board → host only */
  }
}

/* ---- loop steps: each its own frame, so the loop's stack is the deepest step's, not their sum ---- */

/* Up to HARK_RX_FRAMES_PER_PASS frames (and HARK_RX_BYTES_PER_PASS bytes) a pass: enough to keep up
   with frames arriving back to back at line rate, few enough that the replies they cause (PONG,
   GPIO_STATE; ERRORs are deferred) keep a pass short. */
__attribute__((noinline)) static void frame_step(void) {
  hark_frame_t f;
  hark_msg_t m;
  for (uint8_t i = 0; i < HARK_RX_FRAMES_PER_PASS && hark_link_poll(&f); i++) {
    hark_device_on_frame(f.type, f.payload, f.len, &m);
  }
}

__attribute__((noinline)) static void send_button(uint8_t id, uint8_t event) {
  hark_msg_t m;
  m.type = HARK_MSG_BUTTON;
  m.u.button.button = id;
  m.u.button.event = event;
  hark_device_send(&m);
}

__attribute__((noinline)) static void buttons_step(uint32_t now_ms) {
  for (uint8_t id = 0; id < DEV.board->buttons && id < HARK_BUTTON_MAX; id++) {
    uint8_t ev = hark_button_update(&DEV.button[id], hark_hal_button_pressed(id), now_ms);
    if (ev == 0 || DEV.link != HARK_LINK_READY) continue;
    for (uint8_t k = 0; k < 5; k++) {
      uint8_t e = hark_button_event_order[k];
      if ((ev & HARK_BUTTON_BIT(e)) == 0) continue;
      send_button(id, e);
      if (id != 0) continue;
      if (e == HARK_BUTTON_DOWN) DEV.press_ms = now_ms;
      if (e == HARK_BUTTON_DOWN && DEV.cap == HARK_CAP_IDLE) {
        hark_device_capture_start(HARK_AUDIO_TRIGGER_BUTTON, false, 0);
      } else if (e == HARK_BUTTON_UP && DEV.cap == HARK_CAP_STREAMING && DEV.trigger == HARK_AUDIO_TRIGGER_BUTTON) {
        /* A tap keeps listening when the board VAD may end the utterance; a hold ends on release. */
        bool tap = (DEV.ack_flags & HARK_ACK_FLAG_BOARD_VAD) != 0 && now_ms - DEV.press_ms < HARK_TAP_MS;
        if (!tap) hark_device_capture_end(HARK_AUDIO_END_BUTTON_RELEASED);
      }
    }
  }
}

__attribute__((noinline)) static void send_gpio_state(void *ctx, uint8_t pin, uint16_t value) {
  (void)ctx;
  hark_msg_t m;
  m.type = HARK_MSG_GPIO_STATE;
  m.u.gpio_state.pin = pin;
  m.u.gpio_state.value = value;
  hark_device_send(&m);
}

#if HARK_SPEAKER_BUFFER_BYTES > 0
__attribute__((noinline)) static void speaker_step(void) {
  hark_speaker_loop(&DEV.speaker);
  hark_msg_t m;
  if (hark_speaker_take_report(&DEV.speaker, &m.u.speaker_credit)) {
    m.type = HARK_MSG_SPEAKER_CREDIT;
    hark_device_send(&m);
  }
}
#endif

/* ---- setup and loop ------------------------------------------------------------------------- */

void hark_device_setup(const hark_board_t *board) {
  DEV.board = board;
  DEV.link = HARK_LINK_AWAIT_ACK;
  DEV.codec = board->default_codec;
  DEV.chunk_ms = HARK_DEFAULT_CHUNK_MS;
  DEV.heartbeat_ms = HARK_DEFAULT_HEARTBEAT_MS;
  DEV.chunk_samples = (uint16_t)(board->mic_sample_rate_hz * HARK_DEFAULT_CHUNK_MS / 1000u);
  if (DEV.chunk_samples > HARK_CHUNK_MAX_SAMPLES) DEV.chunk_samples = HARK_CHUNK_MAX_SAMPLES;
  DEV.volume_pct = 100;
  DEV.cap = HARK_CAP_IDLE;
  DEV.stream = 0xFF; /* the first utterance is stream 0 */
  DEV.report_count = 0;
  hark_capture_init(&DEV.ring, DEV.ring_buf, HARK_CAPTURE_RING_SAMPLES);
  for (uint8_t i = 0; i < HARK_BUTTON_MAX; i++) hark_button_init(&DEV.button[i], NULL);
  hark_led_init(&DEV.led, board->led_count, board->led_kind == HARK_LED_KIND_GPIO_MONO);
  hark_tone_init(&DEV.tone);
  hark_vad_init(&DEV.vad, NULL);
  hark_gpio_init(&DEV.gpio, board->gpio, board->gpio_count);
#if HARK_SPEAKER_BUFFER_BYTES > 0
  hark_speaker_init(&DEV.speaker, DEV.speaker_buf, HARK_SPEAKER_BUFFER_BYTES);
#endif
  hark_link_init();
  /* SPEC §1.3.1: one 0x00 before the first frame after a reset, so whatever the host had buffered (boot
     text, half a frame) ends as one dropped chunk instead of corrupting our first HELLO. */
  static const uint8_t delimiter = 0;
  hark_hal_serial_write(&delimiter, 1);
  hark_device_log(HARK_LOG_INFO, HARK_PSTR("hark firmware " HARK_FIRMWARE_VERSION " booted"));
  dump_config(); /* locally now (hark_hal_debug); again as LOG frames once a host is connected */
  hark_device_flush_reports();
  send_hello(hark_hal_millis());
}

void hark_device_loop(void) {
  frame_step();
  /* Read the clock after the frames were handled: they stamp last_rx_ms with the time they arrived,
     and an earlier now_ms would make now_ms - last_rx_ms wrap to "host gone for 49 days". */
  uint32_t now_ms = hark_hal_millis();
  if (DEV.link == HARK_LINK_READY && now_ms - DEV.last_rx_ms >= hark_host_gone_ms(DEV.heartbeat_ms)) {
    /* SPEC §2.5.2, in this order: AUDIO_END 5 and the speaker's STOPPED (the steps below send them),
       GPIO reports off, tones stopped, the transition, then HELLO (at the end of this pass). */
    hark_device_log(HARK_LOG_WARN, HARK_PSTR("no frame from the host for 3 heartbeats"));
    reset_host_state();
    set_link(HARK_LINK_AWAIT_ACK);
    DEV.host_session = 0;
    DEV.hello_due = true;
  }
  buttons_step(now_ms);
  hark_device_capture_loop(now_ms);
  hark_led_loop(&DEV.led, now_ms);
  hark_tone_loop(&DEV.tone, now_ms);
#if HARK_SPEAKER_BUFFER_BYTES > 0
  speaker_step();
#endif
  if (DEV.link == HARK_LINK_READY) hark_gpio_loop(&DEV.gpio, now_ms, send_gpio_state, NULL);
  DEV.stats.rx_lost_frames = hark_hal_serial_rx_lost();
  hark_device_flush_reports();
  if (DEV.config_due) { /* after the link transition's LOG, which the flush above just sent */
    DEV.config_due = false;
    dump_config();
    hark_device_flush_reports();
  }
  if (DEV.hello_due || (DEV.link == HARK_LINK_AWAIT_ACK && now_ms - DEV.last_hello_ms >= HARK_HELLO_INTERVAL_MS)) {
    DEV.hello_due = false;
    send_hello(now_ms);
  }
}

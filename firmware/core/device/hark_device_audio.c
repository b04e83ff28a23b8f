/* hark_device_audio.c — utterance streaming: AUDIO_START, AUDIO chunks, AUDIO_END (SPEC §4.3).
 *
 *   IDLE ──start──► STREAMING ──end requested / ring overflow──► DRAINING ──ring empty──► IDLE
 *                               └──────abort (host gone, reconnect): ring discarded──► DRAINING
 *
 * DRAINING sends what the ring still holds (full chunks, then one short final chunk) and then
 * AUDIO_END, so every chunk is contiguous audio: an overflow truncates an utterance, never holes it.
 * A chunk leaves only when the serial port has room for the whole frame: a slow or stalled host
 * backs audio up into the ring (where overflow is accounted) instead of blocking the loop. At most one
 * chunk leaves per loop pass (hark_device.h: bounded work per pass); the ring's peak fill is kept in
 * stats.ring_peak_samples. */
#include "device/hark_device.h"
#include "device/hark_link.h"
#include "hark_audio.h"
#include "hark_hal.h"
#include "hark_protocol.h"

#define DEV hark_dev

static const char *cap_name(uint8_t s) {
  switch (s) {
    case HARK_CAP_STREAMING: return HARK_PSTR("STREAMING");
    case HARK_CAP_DRAINING: return HARK_PSTR("DRAINING");
    default: return HARK_PSTR("IDLE");
  }
}

static void set_cap(uint8_t to) {
  if (DEV.cap == to) return;
  uint8_t from = DEV.cap;
  DEV.cap = to;
  hark_device_log_transition(HARK_PSTR("capture"), cap_name(from), cap_name(to));
}

uint16_t hark_device_encoded_bytes(uint16_t samples) {
  switch (DEV.codec) {
    case HARK_CODEC_PCM16: return (uint16_t)(samples * 2u);
    case HARK_CODEC_ULAW: return samples;
    default: return (uint16_t)(samples == 0 ? 0 : HARK_ADPCM_BLOCK_BYTES(samples));
  }
}

bool hark_device_capture_start(uint8_t trigger, bool continuous, uint16_t max_ms) {
  if (DEV.link != HARK_LINK_READY || DEV.cap != HARK_CAP_IDLE) return false;
  uint16_t limit = max_ms != 0 ? max_ms : DEV.board->max_utterance_ms;
  DEV.stream = (uint8_t)(DEV.stream + 1u);
  DEV.trigger = trigger;
  DEV.continuous = continuous;
  DEV.chunk_index = 0;
  DEV.samples_sent = 0;
  DEV.max_samples = continuous ? 0 : (uint32_t)limit * (DEV.board->mic_sample_rate_hz / 1000u);
  DEV.end_requested = false;
  DEV.adpcm_index = 0;
  hark_vad_reset(&DEV.vad);
  hark_capture_reset(&DEV.ring);
  hark_hal_mic_enable(true);
  DEV.start_due = true; /* AUDIO_START goes out from the capture loop, before the first chunk */
  set_cap(HARK_CAP_STREAMING);
  return true;
}

void hark_device_capture_end(uint8_t reason) {
  if (DEV.cap != HARK_CAP_STREAMING) return;
  DEV.end_reason = reason;
  hark_hal_mic_enable(false);
  set_cap(HARK_CAP_DRAINING);
}

__attribute__((noinline)) static void send_start(void) {
  hark_msg_t m;
  m.type = HARK_MSG_AUDIO_START;
  m.u.audio_start.stream = DEV.stream;
  m.u.audio_start.codec = DEV.codec;
  m.u.audio_start.sample_rate = DEV.board->mic_sample_rate_hz;
  m.u.audio_start.trigger = DEV.trigger;
  hark_device_send(&m);
  DEV.start_due = false;
}

__attribute__((noinline)) static void send_end(void) {
  hark_msg_t m;
  m.type = HARK_MSG_AUDIO_END;
  m.u.audio_end.stream = DEV.stream;
  m.u.audio_end.reason = DEV.end_reason;
  m.u.audio_end.chunks = DEV.chunk_index;
  m.u.audio_end.dropped_samples = DEV.end_reason == HARK_AUDIO_END_OVERFLOW ? hark_capture_dropped(&DEV.ring) : 0u;
  hark_device_send(&m);
  hark_capture_reset(&DEV.ring);
  set_cap(HARK_CAP_IDLE);
}

/* Host gone or reconnected: the utterance ends now, without its remaining audio (reason 5, error).
   AUDIO_END leaves from the capture loop; a stream whose AUDIO_START never left just ends. */
void hark_device_capture_abort(void) {
  if (DEV.cap == HARK_CAP_IDLE) return;
  hark_hal_mic_enable(false);
  hark_capture_reset(&DEV.ring);
  DEV.end_reason = HARK_AUDIO_END_ERROR;
  if (DEV.start_due) {
    DEV.start_due = false;
    set_cap(HARK_CAP_IDLE);
    return;
  }
  DEV.samples_sent = DEV.max_samples = 0;
  set_cap(HARK_CAP_DRAINING);
}

#define CHUNK_SAMPLES (DEV.chunk_buf + HARK_CHUNK_SAMPLES_AT)
#define CHUNK_BLOCK ((uint8_t *)DEV.chunk_buf)

uint16_t hark_device_encode(uint8_t codec, const int16_t *samples, uint16_t n, uint8_t *adpcm_index, uint8_t *out) {
  switch (codec) {
    case HARK_CODEC_PCM16:
      for (uint16_t i = 0; i < n; i++) {
        uint16_t v = (uint16_t)samples[i]; /* read before out[2i] (4 bytes below it) is written */
        out[2 * i] = (uint8_t)v;
        out[2 * i + 1] = (uint8_t)(v >> 8);
      }
      return (uint16_t)(2u * n);
    case HARK_CODEC_ULAW:
      for (uint16_t i = 0; i < n; i++) out[i] = hark_ulaw_encode(samples[i]);
      return n;
    default:
      return hark_adpcm_encode_block(samples, n, adpcm_index, out, (uint16_t)HARK_ADPCM_BLOCK_BYTES(n));
  }
}

/* Encode the chunk in place and send it as one AUDIO frame (its own stack frame: the message is not
   on the capture loop's). */
__attribute__((noinline)) static void send_chunk(uint16_t n) {
  uint16_t len = hark_device_encode(DEV.codec, CHUNK_SAMPLES, n, &DEV.adpcm_index, CHUNK_BLOCK);
  if (len == 0) return;
  hark_msg_t m;
  m.type = HARK_MSG_AUDIO;
  m.u.audio.stream = DEV.stream;
  m.u.audio.chunk = DEV.chunk_index;
  m.u.audio.data.data = CHUNK_BLOCK;
  m.u.audio.data.len = len;
  hark_device_send(&m);
  DEV.chunk_index++;
  DEV.stats.audio_chunks++;
}

void hark_device_capture_loop(uint32_t now_ms) {
  (void)now_ms;
  hark_hal_mic_poll();
  if (DEV.cap == HARK_CAP_IDLE) return;
  if (DEV.start_due) send_start();
  if (DEV.cap == HARK_CAP_STREAMING && hark_capture_overflowed(&DEV.ring)) {
    hark_device_error(HARK_ERROR_CAPTURE_OVERFLOW, HARK_PSTR("capture buffer overflow: utterance cut short"));
    hark_device_capture_end(HARK_AUDIO_END_OVERFLOW);
  }
  uint16_t avail = hark_capture_available(&DEV.ring);
  if (avail > DEV.stats.ring_peak_samples) DEV.stats.ring_peak_samples = avail;
  uint16_t n = DEV.chunk_samples;
  if (DEV.max_samples != 0 && DEV.samples_sent + n > DEV.max_samples) {
    n = (uint16_t)(DEV.max_samples - DEV.samples_sent);
  }
  if (avail < n || n == 0) {
    if (DEV.cap != HARK_CAP_DRAINING) return;
    if (avail == 0 || n == 0) {
      send_end();
      /* Continuous listening survives an overflow: start the next stream at once. */
      if (DEV.continuous && DEV.end_reason == HARK_AUDIO_END_OVERFLOW) {
        hark_device_capture_start(HARK_AUDIO_TRIGGER_CONTINUOUS, true, 0);
      }
      return;
    }
    n = avail; /* the short last chunk of an ended utterance */
  }
  /* Frame on the wire: payload + type/seq/crc + COBS overhead + delimiter. */
  uint16_t wire = (uint16_t)HARK_FRAME_WIRE_BYTES(3u + hark_device_encoded_bytes(n));
  if (hark_hal_serial_tx_room() < wire) return; /* backpressure: audio waits in the ring */
  hark_capture_read(&DEV.ring, CHUNK_SAMPLES, n);
  bool vad_end = false;
  if (DEV.cap == HARK_CAP_STREAMING && (DEV.ack_flags & HARK_ACK_FLAG_BOARD_VAD) && (DEV.features & HARK_FEATURE_BOARD_VAD)) {
    uint16_t ms = (uint16_t)((uint32_t)n * 1000u / DEV.board->mic_sample_rate_hz);
    vad_end = hark_vad_process(&DEV.vad, CHUNK_SAMPLES, n, ms) == HARK_VAD_END;
  }
  send_chunk(n);
  DEV.samples_sent += n;
  if (DEV.cap == HARK_CAP_STREAMING) {
    if (DEV.max_samples != 0 && DEV.samples_sent >= DEV.max_samples) {
      hark_device_capture_end(HARK_AUDIO_END_MAX_LENGTH);
    } else if (vad_end && !DEV.continuous) {
      hark_device_capture_end(HARK_AUDIO_END_BOARD_VAD);
    }
  }
}

/* hark_speaker.c — see hark_speaker.h. */
#include "speaker/hark_speaker.h"

#include "hark_audio.h"
#include "hark_hal.h"

#define CHUNK_SAMPLES 64 /* decode granularity: small enough for the stack of any target */

void hark_speaker_init(hark_speaker_t *s, uint8_t *buf, uint16_t size) {
  s->buf = buf;
  s->size = (uint16_t)(size & ~1u);
  s->head = s->used = 0;
  s->outstanding = s->freed = 0;
  s->played_samples = 0;
  s->underruns = 0;
  s->stream = 0;
  s->codec = 0;
  s->phase = HARK_SPK_IDLE;
  s->volume_pct = 100;
  s->starved = false;
  s->report_due = false;
  s->report_state = HARK_SPEAKER_PLAYING;
}

bool hark_speaker_start(hark_speaker_t *s, uint8_t stream, uint8_t codec, uint32_t sample_rate_hz) {
  if (codec > 1 || sample_rate_hz == 0) return false;
  s->stream = stream;
  s->codec = codec;
  s->head = s->used = 0;
  s->played_samples = 0;
  s->underruns = 0;
  s->starved = false;
  s->phase = HARK_SPK_PLAYING;
  hark_hal_speaker_open(sample_rate_hz);
  /* The first grant is the whole (empty) buffer: SPEC §4.6 step 2. */
  s->outstanding = s->size;
  s->freed = 0;
  s->report_state = HARK_SPEAKER_PLAYING;
  s->report_due = true;
  return true;
}

hark_speaker_result_t hark_speaker_data(hark_speaker_t *s, uint8_t stream, const uint8_t *data,
                                        uint16_t len) {
  if (s->phase != HARK_SPK_PLAYING || stream != s->stream) return HARK_SPEAKER_IGNORED;
  if (s->codec == 0 && (len & 1u) != 0) return HARK_SPEAKER_PARTIAL; /* half a sample would shift every later one */
  if (len > s->outstanding || len > (uint16_t)(s->size - s->used)) return HARK_SPEAKER_OVERRUN;
  for (uint16_t i = 0; i < len; i++) s->buf[(uint16_t)((s->head + i) % s->size)] = data[i];
  s->head = (uint16_t)((s->head + len) % s->size);
  s->used = (uint16_t)(s->used + len);
  s->outstanding -= len;
  s->starved = false;
  return HARK_SPEAKER_OK;
}

static void finish(hark_speaker_t *s, uint8_t state) {
  s->phase = HARK_SPK_IDLE;
  s->used = 0;
  s->outstanding = 0;
  s->freed = 0;
  s->report_state = state;
  s->report_due = true;
  hark_hal_speaker_open(0);
}

void hark_speaker_end(hark_speaker_t *s, uint8_t stream) {
  if (s->phase == HARK_SPK_PLAYING && stream == s->stream) s->phase = HARK_SPK_DRAINING;
}

void hark_speaker_stop(hark_speaker_t *s, uint8_t stream) {
  if (s->phase != HARK_SPK_IDLE && stream == s->stream) finish(s, HARK_SPEAKER_STOPPED);
}

static int16_t apply_volume(int16_t x, uint8_t pct) {
  return (int16_t)(((int32_t)x * pct) / 100);
}

void hark_speaker_loop(hark_speaker_t *s) {
  if (s->phase == HARK_SPK_IDLE) return;
  uint8_t bps = s->codec == 0 ? 2 : 1;
  for (;;) {
    uint16_t room = hark_hal_speaker_room();
    uint16_t have = (uint16_t)(s->used / bps);
    if (room == 0) break;
    if (have == 0) {
      if (s->phase == HARK_SPK_DRAINING) {
        finish(s, HARK_SPEAKER_FINISHED);
        return;
      }
      /* The sink wants audio and we have none: one underrun per starvation episode. */
      if (!s->starved && s->played_samples > 0) {
        s->underruns++;
        s->starved = true;
      }
      break;
    }
    uint16_t n = room < have ? room : have;
    if (n > CHUNK_SAMPLES) n = CHUNK_SAMPLES;
    int16_t pcm[CHUNK_SAMPLES];
    uint16_t tail = (uint16_t)((s->head + s->size - s->used) % s->size);
    for (uint16_t i = 0; i < n; i++) {
      int16_t v;
      if (bps == 2) {
        uint8_t lo = s->buf[tail];
        uint8_t hi = s->buf[(uint16_t)((tail + 1u) % s->size)];
        v = (int16_t)((uint16_t)lo | ((uint16_t)hi << 8));
      } else {
        v = hark_ulaw_decode(s->buf[tail]);
      }
      tail = (uint16_t)((tail + bps) % s->size);
      pcm[i] = apply_volume(v, s->volume_pct);
    }
    hark_hal_speaker_write(pcm, n);
    uint16_t bytes = (uint16_t)(n * bps);
    s->used = (uint16_t)(s->used - bytes);
    s->freed += bytes;
    s->played_samples += n;
  }
  /* Grant freed space back in batches of ≥ 25 % of the buffer (SPEC §4.6 step 4). */
  if (s->phase == HARK_SPK_PLAYING && s->freed >= s->size / 4u) s->report_due = true;
}

bool hark_speaker_take_report(hark_speaker_t *s, hark_speaker_report_t *r) {
  if (!s->report_due) return false;
  s->report_due = false;
  r->stream = s->stream;
  r->buffered_bytes = s->used;
  r->underruns = s->underruns;
  if (s->phase == HARK_SPK_IDLE) {
    r->state = s->report_state;
    r->credit_bytes = 0;
    return true;
  }
  r->state = HARK_SPEAKER_PLAYING;
  /* First grant has outstanding preset and freed 0; later grants move freed into the credit. */
  r->credit_bytes = s->freed != 0 ? s->freed : s->outstanding;
  s->outstanding += s->freed;
  s->freed = 0;
  return true;
}

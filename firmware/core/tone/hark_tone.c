/* hark_tone.c — see hark_tone.h. */
#include "tone/hark_tone.h"

#include "hark_hal.h"

void hark_tone_init(hark_tone_seq_t *t) {
  t->count = 0;
  t->index = 0;
  t->master_pct = 100;
  t->step_start_ms = 0;
}

static void start_step(hark_tone_seq_t *t, uint32_t now_ms) {
  const hark_tone_seq_step_t *s = &t->steps[t->index];
  t->step_start_ms = now_ms;
  uint8_t vol = (uint8_t)(((uint16_t)s->volume * t->master_pct) / 100u);
  hark_hal_tone(s->freq_hz, s->freq_hz == 0 ? 0 : vol);
}

void hark_tone_play(hark_tone_seq_t *t, const hark_tone_seq_step_t *steps, uint8_t count, uint32_t now_ms) {
  if (count > HARK_TONE_MAX_STEPS) count = HARK_TONE_MAX_STEPS;
  for (uint8_t i = 0; i < count; i++) {
    t->steps[i] = steps[i];
    if (t->steps[i].volume > 100) t->steps[i].volume = 100;
  }
  t->count = count;
  t->index = 0;
  if (count == 0) {
    hark_hal_tone(0, 0);
    return;
  }
  start_step(t, now_ms);
}

void hark_tone_stop(hark_tone_seq_t *t) {
  if (t->index < t->count) hark_hal_tone(0, 0);
  t->count = 0;
  t->index = 0;
}

bool hark_tone_loop(hark_tone_seq_t *t, uint32_t now_ms) {
  if (t->index >= t->count) return false;
  /* Catch up over several steps if the loop was late, so a sequence never stretches. */
  while (t->index < t->count && now_ms - t->step_start_ms >= t->steps[t->index].duration_ms) {
    uint32_t end = t->step_start_ms + t->steps[t->index].duration_ms;
    t->index++;
    if (t->index < t->count) {
      start_step(t, end);
    } else {
      hark_hal_tone(0, 0);
      return false;
    }
  }
  return true;
}

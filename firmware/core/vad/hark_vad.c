/* hark_vad.c — see hark_vad.h. */
#include "vad/hark_vad.h"

#include <stddef.h>

void hark_vad_init(hark_vad_t *v, const hark_vad_config_t *cfg) {
  static const hark_vad_config_t defaults = {400, 3, 300, 700};
  v->cfg = cfg != NULL ? *cfg : defaults;
  v->floor = 0;
  v->primed = false;
  v->last_level = 0;
  hark_vad_reset(v);
}

void hark_vad_reset(hark_vad_t *v) {
  v->speech_ms = 0;
  v->silence_ms = 0;
}

static uint16_t sat_add(uint16_t a, uint16_t b) {
  uint32_t s = (uint32_t)a + b;
  return s > 0xFFFFu ? 0xFFFFu : (uint16_t)s;
}

hark_vad_result_t hark_vad_process(hark_vad_t *v, const int16_t *samples, uint16_t n, uint16_t chunk_ms) {
  if (n == 0) return HARK_VAD_SILENCE;
  uint32_t sum = 0;
  for (uint16_t i = 0; i < n; i++) {
    int32_t x = samples[i];
    sum += (uint32_t)(x < 0 ? -x : x);
  }
  uint16_t level = (uint16_t)(sum / n);
  v->last_level = level;
  if (!v->primed) {
    v->floor = level < v->cfg.min_level ? level : v->cfg.min_level;
    v->primed = true;
  }
  uint32_t threshold = (uint32_t)v->floor * v->cfg.ratio;
  if (threshold < v->cfg.min_level) threshold = v->cfg.min_level;
  bool speech = level > threshold;
  if (speech) {
    v->speech_ms = sat_add(v->speech_ms, chunk_ms);
    v->silence_ms = 0;
    return HARK_VAD_SPEECH;
  }
  /* Track the floor only on non-speech chunks, slowly (1/8 per chunk), so speech never raises it. */
  v->floor = (uint16_t)(v->floor + ((int32_t)level - (int32_t)v->floor) / 8);
  v->silence_ms = sat_add(v->silence_ms, chunk_ms);
  if (v->speech_ms >= v->cfg.min_speech_ms && v->silence_ms >= v->cfg.silence_ms) return HARK_VAD_END;
  return HARK_VAD_SILENCE;
}

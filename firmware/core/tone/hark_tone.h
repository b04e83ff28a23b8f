/*
 * hark_tone.h — tone sequencer for earcons (SPEC §4.5): up to 8 steps of (freq, duration, volume),
 * freq 0 = rest. A new sequence replaces the one playing. The loop drives hark_hal_tone only on a
 * step change, so the HAL sees one call per step plus a final silence.
 */
#ifndef HARK_TONE_H
#define HARK_TONE_H

#include <stdbool.h>
#include <stdint.h>

#include "hark_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HARK_TONE_MAX_STEPS HARK_MAX_TONE_STEPS

/** One step: the TONE message's own step (protocol/c hark_msg.h: freq_hz, duration_ms, volume in
 *  percent), so a received TONE is played without a copy on the stack. */
typedef hark_tone_step_t hark_tone_seq_step_t;

typedef struct {
  hark_tone_seq_step_t steps[HARK_TONE_MAX_STEPS];
  uint8_t count;
  uint8_t index;     /**< step playing; == count when idle */
  uint8_t master_pct; /**< VOLUME message, 0..100, scales every step */
  uint32_t step_start_ms;
} hark_tone_seq_t;

void hark_tone_init(hark_tone_seq_t *t);
/** Start a sequence (count clamped to 8; 0 just stops). */
void hark_tone_play(hark_tone_seq_t *t, const hark_tone_seq_step_t *steps, uint8_t count, uint32_t now_ms);
/** Silence now. */
void hark_tone_stop(hark_tone_seq_t *t);
/** Advance; returns true while a sequence is playing. */
bool hark_tone_loop(hark_tone_seq_t *t, uint32_t now_ms);
static inline bool hark_tone_playing(const hark_tone_seq_t *t) { return t->index < t->count; }

#ifdef __cplusplus
}
#endif
#endif

/*
 * hark_vad.h — a simple energy-based voice activity detector that can end an utterance.
 *
 * Per chunk it takes the mean absolute amplitude, tracks the noise floor while nobody speaks
 * (slow exponential average) and calls a chunk "speech" when it is above both an absolute
 * minimum and `ratio` × the floor. An utterance is over once at least min_speech_ms of speech
 * was heard and then silence_ms of silence followed (Home Assistant's defaults: 0.3 s, 0.7 s).
 * Integer-only, no buffers: it costs a few bytes of RAM on an ATmega328P.
 */
#ifndef HARK_VAD_H
#define HARK_VAD_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint16_t min_level;     /**< mean |x| below this is never speech; default 400 (≈ -38 dBFS) */
  uint8_t ratio;          /**< speech when level > ratio × floor; default 3 */
  uint16_t min_speech_ms; /**< default 300 */
  uint16_t silence_ms;    /**< default 700 */
} hark_vad_config_t;

typedef enum { HARK_VAD_SILENCE = 0, HARK_VAD_SPEECH = 1, HARK_VAD_END = 2 } hark_vad_result_t;

typedef struct {
  hark_vad_config_t cfg;
  uint16_t floor;       /**< noise floor estimate, mean |x| */
  uint16_t speech_ms;   /**< speech heard in this utterance */
  uint16_t silence_ms;  /**< silence since the last speech chunk */
  uint16_t last_level;
  bool primed;          /**< floor initialised from a first chunk */
} hark_vad_t;

/** cfg NULL = defaults. */
void hark_vad_init(hark_vad_t *v, const hark_vad_config_t *cfg);
/** Start of an utterance: forget speech/silence counters, keep the noise floor. */
void hark_vad_reset(hark_vad_t *v);
/** Classify one chunk of n samples lasting chunk_ms. */
hark_vad_result_t hark_vad_process(hark_vad_t *v, const int16_t *samples, uint16_t n, uint16_t chunk_ms);

#ifdef __cplusplus
}
#endif
#endif

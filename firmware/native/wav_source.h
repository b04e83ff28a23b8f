/* wav_source.h — the native board's microphone: a 16-bit PCM WAV file (any rate, mono or stereo)
 * played back at the board's sample rate (linear resampling, first channel), then silence. */
#ifndef WAV_SOURCE_H
#define WAV_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  int16_t *samples; /* at the board's rate; malloc'd once at start-up (host build only) */
  uint32_t count;
  uint32_t pos;
  bool loop;
} wav_source_t;

/** Load path resampled to rate_hz. Returns false with a message on stderr. */
bool wav_source_load(wav_source_t *w, const char *path, uint32_t rate_hz);
/** Next sample (0 after the end unless looping). */
int16_t wav_source_next(wav_source_t *w);
void wav_source_rewind(wav_source_t *w);

#endif

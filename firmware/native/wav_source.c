/* wav_source.c — see wav_source.h. The firmware core never allocates; this host-only loader does
 * once, at start-up, because a WAV file's size is only known at run time. */
#include "wav_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

bool wav_source_load(wav_source_t *w, const char *path, uint32_t rate_hz) {
  memset(w, 0, sizeof *w);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "hark-native-board: cannot open WAV %s\n", path);
    return false;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(size > 0 ? (size_t)size : 1u);
  bool ok = buf != NULL && size >= 44 && fread(buf, 1, (size_t)size, f) == (size_t)size;
  fclose(f);
  if (!ok || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0) {
    fprintf(stderr, "hark-native-board: %s is not a RIFF/WAVE file\n", path);
    free(buf);
    return false;
  }
  uint16_t channels = 0, bits = 0, format = 0;
  uint32_t src_rate = 0;
  const uint8_t *data = NULL;
  uint32_t data_len = 0;
  for (long off = 12; off + 8 <= size;) {
    uint32_t len = le32(buf + off + 4);
    if (memcmp(buf + off, "fmt ", 4) == 0 && len >= 16) {
      format = le16(buf + off + 8);
      channels = le16(buf + off + 10);
      src_rate = le32(buf + off + 12);
      bits = le16(buf + off + 22);
    } else if (memcmp(buf + off, "data", 4) == 0) {
      data = buf + off + 8;
      data_len = (uint32_t)(len <= (uint32_t)(size - off - 8) ? len : (uint32_t)(size - off - 8));
    }
    off += 8 + (long)len + (long)(len & 1u);
  }
  if (format != 1 || bits != 16 || channels == 0 || src_rate == 0 || data == NULL) {
    fprintf(stderr, "hark-native-board: %s must be 16-bit PCM (format %u, %u bits)\n", path, format, bits);
    free(buf);
    return false;
  }
  uint32_t frames = data_len / (2u * channels);
  uint64_t out_n = (uint64_t)frames * rate_hz / src_rate;
  w->samples = malloc((size_t)(out_n + 1) * sizeof(int16_t));
  if (w->samples == NULL) {
    free(buf);
    return false;
  }
  for (uint64_t i = 0; i < out_n; i++) {
    /* Linear interpolation between the two nearest source frames (first channel). */
    uint64_t num = i * src_rate;
    uint32_t j = (uint32_t)(num / rate_hz);
    uint32_t frac = (uint32_t)(num % rate_hz);
    int32_t a = (int16_t)le16(data + (size_t)j * 2u * channels);
    int32_t b = j + 1 < frames ? (int16_t)le16(data + (size_t)(j + 1) * 2u * channels) : a;
    w->samples[i] = (int16_t)(a + (int32_t)(((int64_t)(b - a) * frac) / rate_hz));
  }
  w->count = (uint32_t)out_n;
  free(buf);
  return true;
}

int16_t wav_source_next(wav_source_t *w) {
  if (w->count == 0) return 0;
  if (w->pos >= w->count) {
    if (!w->loop) return 0;
    w->pos = 0;
  }
  return w->samples[w->pos++];
}

void wav_source_rewind(wav_source_t *w) { w->pos = 0; }

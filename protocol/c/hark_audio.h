/*
 * hark_audio.h — audio block codecs of SPEC §7: G.711 µ-law and self-contained IMA-ADPCM blocks.
 * (PCM16 needs no codec: samples are sent as little-endian int16.)
 *
 * Contract
 * - Sample counts are in samples, sizes in bytes; the names say which.
 * - No heap, no global state; tables live in flash on AVR. The caller owns every buffer.
 * - IMA-ADPCM block: `predictor i16 LE | step_index u8 | flags u8 | 4-bit codes, low nibble first`.
 *   The predictor is the first sample; flags bit0 (HARK_ADPCM_FLAG_PAD) marks a padding high nibble
 *   in the last byte, so blocks may hold any number of samples. Each block decodes on its own.
 * - The encoder's step index is carried between blocks of one stream through `*step_index` (start a
 *   stream with 0), so each block begins well adapted.
 *
 * Usage (board, one 20 ms chunk at 8 kHz):
 *     static uint8_t step_index;                 // 0 at the start of each stream
 *     uint8_t block[HARK_ADPCM_BLOCK_BYTES(160)];
 *     uint16_t n = hark_adpcm_encode_block(samples, 160, &step_index, block, sizeof block);
 */
#ifndef HARK_AUDIO_H
#define HARK_AUDIO_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HARK_ADPCM_HEADER_BYTES 4U
#define HARK_ADPCM_FLAG_PAD 0x01U
/** Bytes of an IMA-ADPCM block holding `samples` (≥ 1) samples. */
#define HARK_ADPCM_BLOCK_BYTES(samples) (HARK_ADPCM_HEADER_BYTES + (uint16_t)((samples) / 2U))

/** One sample to µ-law. */
uint8_t hark_ulaw_encode(int16_t sample);
/** One µ-law byte to a sample. */
int16_t hark_ulaw_decode(uint8_t ulaw);
/** `n` samples to `n` bytes. */
void hark_ulaw_encode_block(const int16_t *samples, uint16_t n, uint8_t *out);
/** `n` bytes to `n` samples. */
void hark_ulaw_decode_block(const uint8_t *data, uint16_t n, int16_t *out);

/** Samples in an IMA-ADPCM block of `len` bytes (0 when shorter than its header). */
uint16_t hark_adpcm_block_samples(const uint8_t *block, uint16_t len);

/**
 * Encodes `n` samples into one block at `out` (capacity `cap` bytes). `*step_index` (0..88) is the
 * starting step index and receives the final one. Returns the block's length in bytes, or 0 when n is
 * 0, out is too small (HARK_ADPCM_BLOCK_BYTES(n) is enough) or a pointer is NULL.
 */
uint16_t hark_adpcm_encode_block(const int16_t *samples, uint16_t n, uint8_t *step_index, uint8_t *out,
                                 uint16_t cap);

/**
 * Decodes one block of `len` bytes into `out` (room for `cap` samples). Returns the number of samples
 * written: all of them, or `cap` if the block holds more. Never reads past `len`; a step index above 88
 * is clamped.
 */
uint16_t hark_adpcm_decode_block(const uint8_t *block, uint16_t len, int16_t *out, uint16_t cap);

#ifdef __cplusplus
}
#endif

#endif /* HARK_AUDIO_H */

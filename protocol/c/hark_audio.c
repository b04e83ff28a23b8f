/* hark_audio.c — see hark_audio.h. Bit-exact twin of protocol/ts/audio/. */
#include "hark_audio.h"

#include <stddef.h>

#include "hark_pgm.h"

#define ULAW_BIAS 0x84
#define ULAW_CLIP 32635

uint8_t hark_ulaw_encode(int16_t sample)
{
    int32_t s = sample;
    uint8_t sign = 0, exponent = 7, mantissa;
    uint16_t mask;
    if (s < 0) {
        sign = 0x80;
        s = -s;
    }
    if (s > ULAW_CLIP) s = ULAW_CLIP;
    s += ULAW_BIAS;
    for (mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) exponent--;
    mantissa = (uint8_t)((s >> (exponent + 3)) & 0x0F);
    return (uint8_t)~(sign | (exponent << 4) | mantissa);
}

int16_t hark_ulaw_decode(uint8_t ulaw)
{
    uint8_t u = (uint8_t)~ulaw;
    uint8_t exponent = (uint8_t)((u >> 4) & 0x07);
    int32_t magnitude = ((((int32_t)(u & 0x0F) << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
    return (int16_t)((u & 0x80) ? -magnitude : magnitude);
}

void hark_ulaw_encode_block(const int16_t *samples, uint16_t n, uint8_t *out)
{
    uint16_t i;
    for (i = 0; i < n; i++) out[i] = hark_ulaw_encode(samples[i]);
}

void hark_ulaw_decode_block(const uint8_t *data, uint16_t n, int16_t *out)
{
    uint16_t i;
    for (i = 0; i < n; i++) out[i] = hark_ulaw_decode(data[i]);
}

static const uint16_t step_table[89] HARK_PGM = {
    7,     8,     9,     10,    11,    12,    13,    14,    16,    17,    19,    21,    23,    25,    28,
    31,    34,    37,    41,    45,    50,    55,    60,    66,    73,    80,    88,    97,    107,   118,
    130,   143,   157,   173,   190,   209,   230,   253,   279,   307,   337,   371,   408,   449,   494,
    544,   598,   658,   724,   796,   876,   963,   1060,  1166,  1282,  1411,  1552,  1707,  1878,  2066,
    2272,  2499,  2749,  3024,  3327,  3660,  4026,  4428,  4871,  5358,  5894,  6484,  7132,  7845,  8630,
    9493,  10442, 11487, 12635, 13899, 15289, 16818, 18500, 20350, 22385, 24623, 27086, 29794, 32767,
};
static const int8_t index_table[16] HARK_PGM = {-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8};

static int32_t clamp_sample(int32_t s)
{
    return s < -32768 ? -32768 : (s > 32767 ? 32767 : s);
}

static uint8_t next_index(uint8_t index, uint8_t code)
{
    int16_t i = (int16_t)(index + HARK_PGM_I8(index_table, code));
    return (uint8_t)(i < 0 ? 0 : (i > 88 ? 88 : i));
}

/* Applies one 4-bit code to the predictor (shared by encoder and decoder so they cannot disagree). */
static int32_t apply_code(int32_t predictor, uint16_t step, uint8_t code)
{
    int32_t vpdiff = step >> 3;
    if (code & 4) vpdiff += step;
    if (code & 2) vpdiff += step >> 1;
    if (code & 1) vpdiff += step >> 2;
    return clamp_sample((code & 8) ? predictor - vpdiff : predictor + vpdiff);
}

uint16_t hark_adpcm_block_samples(const uint8_t *block, uint16_t len)
{
    if (block == NULL || len < HARK_ADPCM_HEADER_BYTES) return 0;
    return (uint16_t)(1U + 2U * (uint32_t)(len - HARK_ADPCM_HEADER_BYTES) - (block[3] & HARK_ADPCM_FLAG_PAD));
}

uint16_t hark_adpcm_encode_block(const int16_t *samples, uint16_t n, uint8_t *step_index, uint8_t *out,
                                 uint16_t cap)
{
    int32_t predictor;
    uint8_t index;
    uint16_t i, bytes;
    if (samples == NULL || step_index == NULL || out == NULL || n == 0) return 0;
    bytes = (uint16_t)(HARK_ADPCM_HEADER_BYTES + (uint16_t)(n / 2U));
    if (cap < bytes) return 0;
    predictor = samples[0];
    index = *step_index > 88 ? 88 : *step_index;
    out[0] = (uint8_t)(predictor & 0xFF);
    out[1] = (uint8_t)((predictor >> 8) & 0xFF);
    out[2] = index;
    out[3] = (uint8_t)(((n - 1U) & 1U) ? HARK_ADPCM_FLAG_PAD : 0);
    for (i = 1; i < n; i++) {
        uint16_t step = HARK_PGM_U16(step_table, index);
        int32_t diff = (int32_t)samples[i] - predictor;
        uint8_t code = 0;
        if (diff < 0) {
            code = 8;
            diff = -diff;
        }
        if (diff >= step) {
            code |= 4;
            diff -= step;
        }
        if (diff >= (step >> 1)) {
            code |= 2;
            diff -= step >> 1;
        }
        if (diff >= (step >> 2)) code |= 1;
        predictor = apply_code(predictor, step, code);
        index = next_index(index, code);
        if (((i - 1U) & 1U) == 0) out[HARK_ADPCM_HEADER_BYTES + (i - 1U) / 2U] = code;
        else out[HARK_ADPCM_HEADER_BYTES + (i - 1U) / 2U] |= (uint8_t)(code << 4);
    }
    *step_index = index;
    return bytes;
}

uint16_t hark_adpcm_decode_block(const uint8_t *block, uint16_t len, int16_t *out, uint16_t cap)
{
    uint16_t n = hark_adpcm_block_samples(block, len), i;
    int32_t predictor;
    uint8_t index;
    if (n == 0 || out == NULL || cap == 0) return 0;
    if (n > cap) n = cap;
    predictor = (int16_t)(uint16_t)(block[0] | ((uint16_t)block[1] << 8));
    index = block[2] > 88 ? 88 : block[2];
    out[0] = (int16_t)predictor;
    for (i = 1; i < n; i++) {
        uint8_t byte = block[HARK_ADPCM_HEADER_BYTES + (i - 1U) / 2U];
        uint8_t code = (uint8_t)(((i - 1U) & 1U) ? (byte >> 4) : (byte & 0x0F));
        predictor = apply_code(predictor, HARK_PGM_U16(step_table, index), code);
        index = next_index(index, code);
        out[i] = (int16_t)predictor;
    }
    return n;
}

/* random_msg.c — see random_msg.h. Strings are ASCII so both codecs dump them identically. The message
 * types and fields come from hark_layout.h (generated from protocol/ts/message-layout.ts), so a new field
 * is fuzzed without an edit here. */
#include "random_msg.h"

#include <string.h>

uint32_t rnd(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

uint32_t rnd_below(uint32_t *s, uint32_t n)
{
    return rnd(s) % n;
}

#define TYPE_ID(NAME, member, type) HARK_MSG_##NAME,
static const uint8_t types[] = {HARK_MESSAGES(TYPE_ID)};

#define R8(max) ((uint8_t)rnd_below(s, (uint32_t)(max) + 1U))
#define R16(max) ((uint16_t)rnd_below(s, (uint32_t)(max) + 1U))

static hark_bytes_t ascii(uint32_t *s, uint8_t **p, uint16_t max)
{
    hark_bytes_t b;
    uint16_t i, n = (uint16_t)rnd_below(s, (uint32_t)max + 1U);
    for (i = 0; i < n; i++) (*p)[i] = (uint8_t)(0x20 + rnd_below(s, 0x5F));
    b.data = *p;
    b.len = n;
    *p += n;
    return b;
}

static hark_bytes_t bytes(uint32_t *s, uint8_t **p, uint16_t max)
{
    hark_bytes_t b;
    uint16_t i, n = (uint16_t)rnd_below(s, (uint32_t)max + 1U);
    uint32_t zero_pct = rnd_below(s, 101);
    for (i = 0; i < n; i++) (*p)[i] = rnd_below(s, 100) < zero_pct ? 0 : (uint8_t)rnd(s);
    b.data = *p;
    b.len = n;
    *p += n;
    return b;
}

static void random_gpio(uint32_t *s, uint8_t **p, uint8_t *count, const uint8_t **pins, uint8_t max)
{
    uint8_t i;
    *count = (uint8_t)rnd_below(s, (uint32_t)max + 1U);
    for (i = 0; i < *count; i++) {
        (*p)[2 * i] = (uint8_t)rnd(s);
        (*p)[2 * i + 1] = (uint8_t)rnd_below(s, HARK_GPIO_CAPS_ALL + 1U);
    }
    *pins = *p;
    *p += 2U * *count;
}

static void random_tones(uint32_t *s, uint8_t *count, hark_tone_step_t *steps, uint8_t max)
{
    uint8_t i;
    *count = (uint8_t)(1U + rnd_below(s, max));
    for (i = 0; i < *count; i++) {
        steps[i].freq_hz = (uint16_t)rnd(s);
        steps[i].duration_ms = (uint16_t)rnd(s);
        steps[i].volume = (uint8_t)rnd_below(s, HARK_MAX_PERCENT + 1U);
    }
}

/* One field of a HARK_LAYOUT_<NAME> list: a random value the encoder accepts. `used` counts the
   payload bytes so far, so a trailing data block fills at most what is left of the 1024. */
#define RANDOM_FIELD(KIND, q, name, max, since) RANDOM_##KIND(q, name, max);
#define RANDOM_U8(q, name, max) ((q)->name = R8(max), used += 1U)
#define RANDOM_U16(q, name, max) ((q)->name = R16(max), used += 2U)
#define RANDOM_U32(q, name, max) ((q)->name = rnd(s), used += 4U)
#define RANDOM_CODEC RANDOM_U8
#define RANDOM_STR8(q, name, max) ((q)->name = ascii(s, &p, (uint16_t)(max)), used += 1U + (q)->name.len)
#define RANDOM_TEXT(q, name, max) ((q)->name = ascii(s, &p, 200))
#define RANDOM_BYTES(q, name, max) ((q)->name = bytes(s, &p, (uint16_t)(HARK_MAX_PAYLOAD_BYTES - used)))
#define RANDOM_GPIO(q, name, max) \
    (random_gpio(s, &p, &(q)->name##_count, &(q)->name, (uint8_t)(max)), used += 1U + 2U * (q)->name##_count)
#define RANDOM_TONES(q, name, max) (random_tones(s, &(q)->count, (q)->name, (uint8_t)(max)), used += 1U + 5U * (q)->count)

#define RANDOM_CASE(NAME, member, type)                 \
    case HARK_MSG_##NAME:                               \
        HARK_LAYOUT_##NAME(RANDOM_FIELD, &m->u.member) \
        break;

void random_msg(uint32_t *s, hark_msg_t *m, uint8_t *storage)
{
    uint8_t *p = storage;
    uint16_t used = 0;
    memset(m, 0, sizeof *m);
    m->type = types[rnd_below(s, sizeof types)];
    switch (m->type) {
        HARK_MESSAGES(RANDOM_CASE)
    default:
        break;
    }
    (void)used;
}

/*
 * fuzz.c — see fuzz.h. Built with -fsanitize=address,undefined so any out-of-bounds access or UB aborts.
 * Every buffer handed to a decoder is malloc'ed at its exact size, so ASan sees a one-byte over-read.
 *
 * Invariants checked for each stream:
 *  - every non-empty chunk before a 0x00 is accounted for exactly once (delivered or counted as dropped);
 *  - a decoder's fill level never exceeds its buffer; delivered payloads fit in it;
 *  - after garbage, a flushing 0x00 and a good frame, that frame is the last one delivered, intact;
 *  - decoded messages re-encode without crashing, and valid random messages round-trip exactly.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hark.h"
#include "random_msg.h"

#define STREAM_MAX 8192
/* room for STREAM_MAX bytes, the flushing 0x00 and one more largest frame */
#define STREAM_CAP (STREAM_MAX + 1 + HARK_MAX_WIRE_FRAME_BYTES)

static int violations;

#define EXPECT(cond, ...)                                                  \
    do {                                                                   \
        if (!(cond)) {                                                     \
            if (violations++ < 10) {                                       \
                fprintf(stderr, "fuzz violation %s:%d: ", __FILE__, __LINE__); \
                fprintf(stderr, __VA_ARGS__);                              \
                fprintf(stderr, "\n");                                     \
            }                                                              \
        }                                                                  \
    } while (0)

typedef struct {
    uint8_t *out;
    size_t cap;
    size_t len;
} sink_t;

static void sink_put(void *ctx, uint8_t b)
{
    sink_t *s = (sink_t *)ctx;
    if (s->len < s->cap) s->out[s->len++] = b;
}

typedef struct {
    hark_frame_t last;
    uint8_t last_payload[HARK_MAX_PAYLOAD_BYTES];
    unsigned long delivered;
    uint16_t cap;
} seen_t;

static void on_frame(void *ctx, const hark_frame_t *f)
{
    seen_t *seen = (seen_t *)ctx;
    hark_msg_t m;
    uint8_t *exact;
    int st;
    uint8_t out[HARK_MAX_PAYLOAD_BYTES];
    uint16_t n;
    EXPECT((uint32_t)f->len + HARK_FRAME_OVERHEAD_BYTES <= seen->cap, "payload %u exceeds buffer %u", f->len, seen->cap);
    seen->delivered++;
    seen->last = *f;
    memcpy(seen->last_payload, f->payload, f->len);
    /* decode from an exact-size heap copy so an over-read by one byte is caught */
    exact = (uint8_t *)malloc(f->len ? f->len : 1);
    if (exact == NULL) return;
    memcpy(exact, f->payload, f->len);
    st = hark_msg_decode(f->type, exact, f->len, &m);
    EXPECT(st == HARK_OK || st == HARK_ERR_UNKNOWN_TYPE || st == HARK_ERR_BAD_PAYLOAD, "decode status %d", st);
    if (st == HARK_OK) {
        st = hark_msg_encode(&m, out, sizeof out, &n);
        EXPECT(st == HARK_OK || st == HARK_ERR_RANGE, "re-encode status %d", st);
        if (st == HARK_OK) EXPECT(n <= f->len && memcmp(out, exact, n) == 0, "re-encoding differs (type %u)", f->type);
    }
    free(exact);
}

/* Appends a random valid frame; returns its length. */
static size_t append_frame(uint32_t *s, uint8_t *buf, size_t cap)
{
    static uint8_t storage[RANDOM_MSG_STORAGE_BYTES];
    uint8_t scratch[HARK_MSG_HEAD_MAX_BYTES];
    hark_msg_t m;
    sink_t k;
    if (cap < HARK_MAX_WIRE_FRAME_BYTES) return 0;
    random_msg(s, &m, storage);
    k.out = buf;
    k.cap = cap;
    k.len = 0;
    EXPECT(hark_msg_write(&m, (uint16_t)rnd(s), scratch, sizeof scratch, sink_put, &k) == HARK_OK, "random msg encode");
    return k.len;
}

static void mutate(uint32_t *s, uint8_t *buf, size_t *len)
{
    unsigned k, edits = 1 + rnd_below(s, 8);
    for (k = 0; k < edits && *len > 0; k++) {
        size_t at = rnd_below(s, (uint32_t)*len);
        switch (rnd_below(s, 5)) {
        case 0: buf[at] ^= (uint8_t)(1u << rnd_below(s, 8)); break;               /* bit flip */
        case 1: buf[at] = (uint8_t)rnd(s); break;                                  /* byte change */
        case 2: memmove(buf + at, buf + at + 1, *len - at - 1); (*len)--; break;  /* deletion */
        case 3:                                                                    /* insertion */
            if (*len < STREAM_MAX) {
                memmove(buf + at + 1, buf + at, *len - at);
                buf[at] = (uint8_t)rnd(s);
                (*len)++;
            }
            break;
        default: *len = at; break;                                                 /* truncation */
        }
    }
}

/* Non-empty chunks terminated by 0x00 in buf (what the decoder must account for). */
static unsigned long count_chunks(const uint8_t *buf, size_t len)
{
    unsigned long chunks = 0;
    size_t run = 0, i;
    for (i = 0; i < len; i++) {
        if (buf[i] != 0) run++;
        else {
            if (run > 0) chunks++;
            run = 0;
        }
    }
    return chunks;
}

static void feed(hark_frame_decoder_t *d, uint32_t *s, const uint8_t *buf, size_t len, seen_t *seen)
{
    size_t i = 0;
    while (i < len) {
        size_t n = 1 + rnd_below(s, 300);
        if (n > len - i) n = len - i;
        hark_frame_decoder_push(d, buf + i, n, on_frame, seen);
        EXPECT(d->len <= d->cap, "decoder holds %u bytes in a %u-byte buffer", d->len, d->cap);
        i += n;
    }
}

static void one_case(uint32_t *s, uint8_t *stream)
{
    static seen_t seen;
    size_t len = 0, good_at, good_len;
    uint16_t cap = rnd_below(s, 4) == 0 ? (uint16_t)(5 + rnd_below(s, HARK_MAX_COBS_FRAME_BYTES - 5))
                                        : (uint16_t)HARK_MAX_COBS_FRAME_BYTES;
    uint8_t *buf = (uint8_t *)malloc(cap);
    hark_frame_decoder_t d;
    unsigned long chunks, accounted;
    uint32_t kind = rnd_below(s, 3);
    if (buf == NULL) return;
    hark_frame_decoder_init(&d, buf, cap);
    seen.delivered = 0;
    seen.cap = cap;
    if (kind == 0) { /* pure noise, sometimes zero-rich */
        uint32_t zero_pct = rnd_below(s, 4) == 0 ? rnd_below(s, 50) : 0;
        len = rnd_below(s, STREAM_MAX);
        for (good_at = 0; good_at < len; good_at++)
            stream[good_at] = rnd_below(s, 100) < zero_pct ? 0 : (uint8_t)rnd(s);
    } else { /* valid frames, then mutations */
        unsigned frames = 1 + rnd_below(s, 6);
        while (frames-- > 0) len += append_frame(s, stream + len, STREAM_MAX - len);
        if (kind == 1) mutate(s, stream, &len);
    }
    /* then always: a flushing 0x00 and one good frame that must come out intact */
    stream[len++] = 0;
    good_at = len;
    good_len = append_frame(s, stream + len, STREAM_CAP - len);
    len += good_len;
    feed(&d, s, stream, len, &seen);
    chunks = count_chunks(stream, len);
    accounted = d.stats.frames_ok + hark_frame_stats_dropped(&d.stats);
    EXPECT(accounted == chunks, "%lu chunks but %lu accounted (cap %u)", chunks, accounted, cap);
    EXPECT(d.stats.bytes == len, "bytes %lu != %lu", (unsigned long)d.stats.bytes, (unsigned long)len);
    if (good_len - 1 <= cap) {
        hark_frame_decoder_t check;
        static uint8_t cbuf[HARK_MAX_COBS_FRAME_BYTES];
        hark_frame_t f;
        size_t i;
        int found = 0;
        hark_frame_decoder_init(&check, cbuf, sizeof cbuf);
        for (i = good_at; i < len; i++) found += hark_frame_decoder_feed(&check, stream[i], &f);
        EXPECT(found == 1 && seen.delivered > 0 && seen.last.seq == f.seq && seen.last.type == f.type &&
                   seen.last.len == f.len && memcmp(seen.last_payload, f.payload, f.len) == 0,
               "the good frame after garbage was not delivered intact");
    }
    free(buf);
}

static void other_decoders(uint32_t *s)
{
    size_t n = rnd_below(s, 1100), i, out_len;
    uint8_t *in = (uint8_t *)malloc(n ? n : 1), *out;
    int16_t *pcm;
    hark_msg_t m;
    uint16_t cap = (uint16_t)rnd_below(s, 1100);
    if (in == NULL) return;
    for (i = 0; i < n; i++) in[i] = rnd_below(s, 8) == 0 ? 0 : (uint8_t)rnd(s);
    out = (uint8_t *)malloc(cap ? cap : 1);
    pcm = (int16_t *)malloc((cap ? cap : 1) * sizeof(int16_t));
    if (out != NULL && pcm != NULL) {
        int st = hark_cobs_decode(in, n, out, cap, &out_len);
        EXPECT(st == HARK_OK || st == HARK_ERR_BAD_PAYLOAD || st == HARK_ERR_NO_SPACE, "cobs status %d", st);
        if (st == HARK_OK) EXPECT(out_len <= cap, "cobs wrote %lu into %u", (unsigned long)out_len, cap);
        EXPECT(hark_adpcm_decode_block(in, (uint16_t)n, pcm, cap) <= cap, "adpcm decode overran");
        st = hark_msg_decode((uint8_t)rnd(s), in, (uint16_t)n, &m);
        EXPECT(st == HARK_OK || st == HARK_ERR_UNKNOWN_TYPE || st == HARK_ERR_BAD_PAYLOAD, "msg status %d", st);
    }
    free(in);
    free(out);
    free(pcm);
}

int fuzz(unsigned long cases, uint32_t seed)
{
    uint32_t s = seed ? seed : 1;
    unsigned long i;
    uint8_t *stream = (uint8_t *)malloc(STREAM_CAP);
    if (stream == NULL) return 2;
    for (i = 0; i < cases; i++) {
        if (i % 4 == 3) other_decoders(&s);
        else one_case(&s, stream);
    }
    free(stream);
    printf("fuzz: %lu cases, seed %lu, %d violations\n", cases, (unsigned long)seed, violations);
    return violations == 0 ? 0 : 1;
}

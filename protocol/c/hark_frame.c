/* hark_frame.c — see hark_frame.h. */
#include "hark_frame.h"

#include "hark_cobs.h"
#include "hark_crc16.h"

/* The raw frame as four consecutive pieces, read without assembling it anywhere. */
typedef struct {
    uint8_t hdr[3];
    uint8_t crc[2];
    const uint8_t *head;
    const uint8_t *tail;
    uint16_t head_len;
    uint16_t tail_len;
    uint16_t total;
} raw_frame_t;

static uint8_t raw_byte(const raw_frame_t *r, uint16_t i)
{
    if (i < 3) return r->hdr[i];
    i = (uint16_t)(i - 3);
    if (i < r->head_len) return r->head[i];
    i = (uint16_t)(i - r->head_len);
    if (i < r->tail_len) return r->tail[i];
    return r->crc[i - r->tail_len];
}

static int raw_init(raw_frame_t *r, uint8_t type, uint16_t seq, const uint8_t *head, uint16_t head_len,
                    const uint8_t *tail, uint16_t tail_len)
{
    uint16_t crc;
    if ((head == NULL && head_len > 0) || (tail == NULL && tail_len > 0)) return HARK_ERR_ARG;
    if (type == 0x00 || type == 0xFF) return HARK_ERR_RANGE;
    if (head_len > HARK_MAX_PAYLOAD_BYTES || tail_len > HARK_MAX_PAYLOAD_BYTES - head_len) return HARK_ERR_RANGE;
    r->hdr[0] = type;
    r->hdr[1] = (uint8_t)(seq & 0xFF);
    r->hdr[2] = (uint8_t)(seq >> 8);
    r->head = head;
    r->head_len = head_len;
    r->tail = tail;
    r->tail_len = tail_len;
    crc = hark_crc16_update(HARK_CRC16_INIT, r->hdr, 3);
    crc = hark_crc16_update(crc, head, head_len);
    crc = hark_crc16_update(crc, tail, tail_len);
    r->crc[0] = (uint8_t)(crc & 0xFF);
    r->crc[1] = (uint8_t)(crc >> 8);
    r->total = (uint16_t)(head_len + tail_len + HARK_FRAME_OVERHEAD_BYTES);
    return HARK_OK;
}

/* COBS with look-ahead: each block's code byte is known before its bytes are emitted, so no buffer. */
static void raw_write_cobs(const raw_frame_t *r, hark_put_fn put, void *ctx)
{
    uint16_t pos = 0, run, k;
    for (;;) {
        run = 0;
        while (run < 254 && pos + run < r->total && raw_byte(r, (uint16_t)(pos + run)) != 0) run++;
        put(ctx, (uint8_t)(run + 1));
        for (k = 0; k < run; k++) put(ctx, raw_byte(r, (uint16_t)(pos + k)));
        pos = (uint16_t)(pos + run);
        if (pos >= r->total) break;
        if (run < 254) pos++; /* skip the zero this block stands for */
    }
    put(ctx, 0);
}

typedef struct {
    uint8_t *out;
    uint16_t cap;
    uint16_t len;
    uint8_t overflow;
} buf_sink_t;

static void buf_put(void *ctx, uint8_t byte)
{
    buf_sink_t *s = (buf_sink_t *)ctx;
    if (s->len < s->cap) s->out[s->len++] = byte;
    else s->overflow = 1;
}

int hark_frame_encode(uint8_t type, uint16_t seq, const uint8_t *payload, uint16_t len, uint8_t *out,
                      uint16_t cap, uint16_t *out_len)
{
    raw_frame_t r;
    buf_sink_t s;
    int st;
    if (out == NULL || out_len == NULL) return HARK_ERR_ARG;
    st = raw_init(&r, type, seq, payload, len, NULL, 0);
    if (st != HARK_OK) return st;
    s.out = out;
    s.cap = cap;
    s.len = 0;
    s.overflow = 0;
    raw_write_cobs(&r, buf_put, &s);
    if (s.overflow) return HARK_ERR_NO_SPACE;
    *out_len = s.len;
    return HARK_OK;
}

int hark_frame_write(uint8_t type, uint16_t seq, const uint8_t *head, uint16_t head_len, const uint8_t *tail,
                     uint16_t tail_len, hark_put_fn put, void *ctx)
{
    raw_frame_t r;
    int st;
    if (put == NULL) return HARK_ERR_ARG;
    st = raw_init(&r, type, seq, head, head_len, tail, tail_len);
    if (st != HARK_OK) return st;
    raw_write_cobs(&r, put, ctx);
    return HARK_OK;
}

void hark_frame_decoder_init(hark_frame_decoder_t *d, uint8_t *buf, uint16_t cap)
{
    d->buf = buf;
    d->cap = buf == NULL ? 0 : cap;
    d->len = 0;
    d->discarding = 0;
    d->stats.frames_ok = 0;
    d->stats.oversized = 0;
    d->stats.malformed = 0;
    d->stats.truncated = 0;
    d->stats.crc_errors = 0;
    d->stats.bytes = 0;
}

void hark_frame_decoder_reset(hark_frame_decoder_t *d)
{
    d->len = 0;
    d->discarding = 0;
}

/* Decodes the buffered chunk in place and checks it; returns 1 for an intact frame. */
static int finish(hark_frame_decoder_t *d, uint16_t encoded_len, hark_frame_t *frame)
{
    size_t raw_len;
    uint16_t crc;
    if (hark_cobs_decode(d->buf, encoded_len, d->buf, d->cap, &raw_len) != HARK_OK) {
        d->stats.malformed++;
        return 0;
    }
    if (raw_len < HARK_FRAME_OVERHEAD_BYTES) {
        d->stats.truncated++;
        return 0;
    }
    crc = (uint16_t)(d->buf[raw_len - 2] | ((uint16_t)d->buf[raw_len - 1] << 8));
    if (hark_crc16(d->buf, raw_len - 2) != crc) {
        d->stats.crc_errors++;
        return 0;
    }
    d->stats.frames_ok++;
    frame->type = d->buf[0];
    frame->seq = (uint16_t)(d->buf[1] | ((uint16_t)d->buf[2] << 8));
    frame->payload = d->buf + 3;
    frame->len = (uint16_t)(raw_len - HARK_FRAME_OVERHEAD_BYTES);
    return 1;
}

int hark_frame_decoder_feed(hark_frame_decoder_t *d, uint8_t byte, hark_frame_t *frame)
{
    uint16_t n;
    d->stats.bytes++;
    if (byte != 0) {
        if (d->discarding) return 0;
        if (d->len >= d->cap) {
            d->discarding = 1; /* stop buffering; skip to the next delimiter */
            d->len = 0;
            return 0;
        }
        d->buf[d->len++] = byte;
        return 0;
    }
    if (d->discarding) {
        d->discarding = 0;
        d->stats.oversized++;
        return 0;
    }
    n = d->len;
    d->len = 0;
    if (n == 0) return 0; /* an empty chunk is a flush, not an error */
    return finish(d, n, frame);
}

void hark_frame_decoder_push(hark_frame_decoder_t *d, const uint8_t *bytes, size_t len, hark_frame_fn on_frame,
                             void *ctx)
{
    size_t i;
    hark_frame_t f;
    for (i = 0; i < len; i++) {
        if (hark_frame_decoder_feed(d, bytes[i], &f) && on_frame != NULL) on_frame(ctx, &f);
    }
}

uint32_t hark_frame_stats_dropped(const hark_frame_stats_t *s)
{
    return s->oversized + s->malformed + s->truncated + s->crc_errors;
}

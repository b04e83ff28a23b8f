/*
 * hark_msg.c — see hark_msg.h.
 *
 * Each message layout is described once, in protocol/ts/message-layout.ts; hark_layout.h (generated from
 * it) gives codec() one field list per message, and the same field calls encode or decode depending on
 * the io_t mode, so the two directions (and the two codecs) cannot disagree. Checks that hold both ways (codec ids, string
 * limits, list counts) fail with HARK_ERR_RANGE when encoding and HARK_ERR_BAD_PAYLOAD when decoding;
 * enum bounds are checked only when encoding (forward compatibility, SPEC §2).
 */
#include "hark_msg.h"

#define ANY8 0xFFU
#define ANY16 0xFFFFU

typedef struct {
    uint8_t *w;       /* encode: output */
    const uint8_t *r; /* decode: input */
    uint16_t cap;     /* encode: capacity of w; decode: payload length (the byte budget) */
    uint16_t pos;
    int status;       /* the first error; later calls do nothing */
    uint8_t enc;
    hark_bytes_t tail; /* encode: trailing text/data block, sent after w[0..pos) */
} io_t;

static void fail(io_t *io, int status)
{
    if (io->status == HARK_OK) io->status = status;
}

/* Room for n more bytes? Sets the error otherwise. */
static int room(io_t *io, uint16_t n)
{
    if (io->status != HARK_OK) return 0;
    if (io->enc) {
        if ((uint32_t)io->pos + n > HARK_MAX_PAYLOAD_BYTES) fail(io, HARK_ERR_RANGE);
        else if ((uint32_t)io->pos + n > io->cap) fail(io, HARK_ERR_NO_SPACE);
    } else if ((uint32_t)io->pos + n > io->cap) {
        fail(io, HARK_ERR_BAD_PAYLOAD);
    }
    return io->status == HARK_OK;
}

static void io_u8(io_t *io, uint8_t *v, uint8_t max)
{
    if (io->enc && *v > max) fail(io, HARK_ERR_RANGE);
    if (!room(io, 1)) return;
    if (io->enc) io->w[io->pos] = *v;
    else *v = io->r[io->pos];
    io->pos++;
}

static void io_u16(io_t *io, uint16_t *v, uint16_t max)
{
    if (io->enc && *v > max) fail(io, HARK_ERR_RANGE);
    if (!room(io, 2)) return;
    if (io->enc) {
        io->w[io->pos] = (uint8_t)(*v & 0xFF);
        io->w[io->pos + 1] = (uint8_t)(*v >> 8);
    } else {
        *v = (uint16_t)(io->r[io->pos] | ((uint16_t)io->r[io->pos + 1] << 8));
    }
    io->pos = (uint16_t)(io->pos + 2);
}

static void io_u32(io_t *io, uint32_t *v)
{
    uint8_t i;
    if (!room(io, 4)) return;
    if (io->enc) {
        for (i = 0; i < 4; i++) io->w[io->pos + i] = (uint8_t)(*v >> (8 * i));
    } else {
        *v = 0;
        for (i = 0; i < 4; i++) *v |= (uint32_t)io->r[io->pos + i] << (8 * i);
    }
    io->pos = (uint16_t)(io->pos + 4);
}

/* A value checked both ways: out of [min, max] is RANGE when encoding, BAD_PAYLOAD when decoding. */
static void io_checked_u8(io_t *io, uint8_t *v, uint8_t min, uint8_t max)
{
    io_u8(io, v, ANY8);
    if (io->status == HARK_OK && (*v < min || *v > max)) fail(io, io->enc ? HARK_ERR_RANGE : HARK_ERR_BAD_PAYLOAD);
}

static void io_raw(io_t *io, const uint8_t **data, uint16_t n)
{
    uint16_t i;
    if (io->enc && *data == NULL && n > 0) fail(io, HARK_ERR_ARG);
    if (!room(io, n)) return;
    if (io->enc) {
        for (i = 0; i < n; i++) io->w[io->pos + i] = (*data)[i];
    } else {
        *data = io->r + io->pos;
    }
    io->pos = (uint16_t)(io->pos + n);
}

static void io_str8(io_t *io, hark_bytes_t *s, uint8_t max)
{
    uint8_t n = 0;
    if (io->enc) {
        if (s->len > max) fail(io, HARK_ERR_RANGE);
        n = (uint8_t)(s->len > 0xFF ? 0xFF : s->len);
    }
    io_checked_u8(io, &n, 0, max);
    io_raw(io, &s->data, n);
    if (!io->enc) s->len = n;
}

/* The rest of the payload (text or data). Encoding records it as the tail instead of copying it. */
static void io_rest(io_t *io, hark_bytes_t *s)
{
    if (io->status != HARK_OK) return;
    if (io->enc) {
        if (s->data == NULL && s->len > 0) fail(io, HARK_ERR_ARG);
        else if ((uint32_t)io->pos + s->len > HARK_MAX_PAYLOAD_BYTES) fail(io, HARK_ERR_RANGE);
        else io->tail = *s;
    } else {
        s->data = io->r + io->pos;
        s->len = (uint16_t)(io->cap - io->pos);
        io->pos = io->cap;
    }
}

/* A u8 count in [min, max] both ways, then count {pin, caps} pairs (caps within HARK_GPIO_CAP_*). */
static void io_gpio(io_t *io, uint8_t *count, const uint8_t **pins, uint8_t max)
{
    uint8_t i;
    io_checked_u8(io, count, 0, max);
    if (io->enc && io->status == HARK_OK) {
        for (i = 0; i < *count; i++) {
            if (*pins == NULL) fail(io, HARK_ERR_ARG);
            else if ((*pins)[2 * i + 1] > HARK_GPIO_CAPS_ALL) fail(io, HARK_ERR_RANGE);
        }
    }
    if (io->status == HARK_OK) io_raw(io, pins, (uint16_t)(2U * *count));
}

static void io_tones(io_t *io, uint8_t *count, hark_tone_step_t *steps, uint8_t max)
{
    uint8_t i;
    io_checked_u8(io, count, 1, max);
    for (i = 0; io->status == HARK_OK && i < *count; i++) {
        io_u16(io, &steps[i].freq_hz, ANY16);
        io_u16(io, &steps[i].duration_ms, ANY16);
        io_u8(io, &steps[i].volume, HARK_MAX_PERCENT);
    }
}

/* One field of a HARK_LAYOUT_<NAME> list (hark_layout.h). An appended field (since > 0) is absent when
   an older sender's payload ends right before it, and reads as 0 (only integers are ever appended; a
   payload cut inside it fails in the field's own bounds check). For the others the `since` test folds
   away at compile time. */
#define IO_FIELD(KIND, p, name, max, since) \
    if ((since) == 0 || io->enc || io->pos < io->cap) { \
        IO_##KIND(p, name, max);             \
    } else {                                 \
        ZERO_##KIND(p, name);                \
    }
#define ZERO_U8(p, name) (p)->name = 0
#define ZERO_U16(p, name) (p)->name = 0
#define ZERO_U32(p, name) (p)->name = 0
#define ZERO_CODEC(p, name) (p)->name = 0
#define ZERO_STR8(p, name) (void)0
#define ZERO_TEXT(p, name) (void)0
#define ZERO_BYTES(p, name) (void)0
#define ZERO_GPIO(p, name) (void)0
#define ZERO_TONES(p, name) (void)0
#define IO_U8(p, name, max) io_u8(io, &(p)->name, (uint8_t)(max))
#define IO_U16(p, name, max) io_u16(io, &(p)->name, (uint16_t)(max))
#define IO_U32(p, name, max) io_u32(io, &(p)->name)
#define IO_CODEC(p, name, max) io_checked_u8(io, &(p)->name, 0, (uint8_t)(max))
#define IO_STR8(p, name, max) io_str8(io, &(p)->name, (uint8_t)(max))
#define IO_TEXT(p, name, max) io_rest(io, &(p)->name)
#define IO_BYTES(p, name, max) io_rest(io, &(p)->name)
#define IO_GPIO(p, name, max) io_gpio(io, &(p)->name##_count, &(p)->name, (uint8_t)(max))
#define IO_TONES(p, name, max) io_tones(io, &(p)->count, (p)->name, (uint8_t)(max))

#define IO_CASE(NAME, member, type)              \
    case HARK_MSG_##NAME:                        \
        HARK_LAYOUT_##NAME(IO_FIELD, &m->u.member) \
        break;

/* Every message's fields, encoded or decoded in wire order (the lists come from hark_layout.h). */
static void codec(io_t *io, hark_msg_t *m)
{
    switch (m->type) {
        HARK_MESSAGES(IO_CASE)
    default:
        fail(io, HARK_ERR_UNKNOWN_TYPE);
        break;
    }
}

hark_bytes_t hark_cstr(const char *s)
{
    hark_bytes_t b;
    size_t n = 0;
    if (s != NULL)
        while (s[n] != '\0' && n < 0xFFFF) n++;
    b.data = (const uint8_t *)s;
    b.len = (uint16_t)n;
    return b;
}

/* Encodes the fixed fields into out; the trailing block (if any) is left in io->tail. */
static int encode_head(const hark_msg_t *msg, uint8_t *out, uint16_t cap, io_t *io)
{
    hark_msg_t copy; /* codec() takes a mutable message; encoding never changes it, but const stays const */
    if (msg == NULL || (out == NULL && cap > 0)) return HARK_ERR_ARG;
    copy = *msg;
    io->w = out;
    io->r = NULL;
    io->cap = cap;
    io->pos = 0;
    io->status = HARK_OK;
    io->enc = 1;
    io->tail.data = NULL;
    io->tail.len = 0;
    codec(io, &copy);
    return io->status;
}

int hark_msg_encode(const hark_msg_t *msg, uint8_t *out, uint16_t cap, uint16_t *out_len)
{
    io_t io;
    int st;
    uint16_t i;
    if (out_len == NULL) return HARK_ERR_ARG;
    st = encode_head(msg, out, cap, &io);
    if (st != HARK_OK) return st;
    if (io.tail.len > cap - io.pos) return HARK_ERR_NO_SPACE;
    for (i = 0; i < io.tail.len; i++) out[io.pos + i] = io.tail.data[i];
    *out_len = (uint16_t)(io.pos + io.tail.len);
    return HARK_OK;
}

int hark_msg_write(const hark_msg_t *msg, uint16_t seq, uint8_t *scratch, uint16_t cap, hark_put_fn put, void *ctx)
{
    io_t io;
    int st;
    if (put == NULL) return HARK_ERR_ARG;
    st = encode_head(msg, scratch, cap, &io);
    if (st != HARK_OK) return st;
    return hark_frame_write(msg->type, seq, scratch, io.pos, io.tail.data, io.tail.len, put, ctx);
}

int hark_msg_decode(uint8_t type, const uint8_t *payload, uint16_t len, hark_msg_t *out)
{
    io_t io;
    if (out == NULL || (payload == NULL && len > 0)) return HARK_ERR_ARG;
    io.w = NULL;
    io.r = payload;
    io.cap = len;
    io.pos = 0;
    io.status = HARK_OK;
    io.enc = 0;
    out->type = type;
    codec(&io, out);
    return io.status;
}

/*
 * hark_msg.c — see hark_msg.h.
 *
 * Each message layout is written once, in codec(): the same field calls encode or decode depending on
 * the io_t mode, so the two directions cannot disagree. Checks that hold both ways (codec ids, string
 * limits, list counts) fail with HARK_ERR_RANGE when encoding and HARK_ERR_BAD_PAYLOAD when decoding;
 * enum bounds are checked only when encoding (forward compatibility, SPEC §2).
 */
#include "hark_msg.h"

#define CODEC_MAX HARK_CODEC_IMA_ADPCM
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

static void io_hello(io_t *io, hark_hello_t *m)
{
    uint8_t i;
    io_u8(io, &m->version_major, ANY8);
    io_u8(io, &m->version_minor, ANY8);
    io_u32(io, &m->features);
    io_str8(io, &m->board_model, HARK_MAX_BOARD_MODEL_BYTES);
    io_str8(io, &m->firmware_version, HARK_MAX_FIRMWARE_VERSION_BYTES);
    io_str8(io, &m->board_uid, HARK_MAX_BOARD_UID_BYTES);
    io_u32(io, &m->mic_sample_rate);
    io_u8(io, &m->mic_bits, ANY8);
    io_u8(io, &m->mic_codecs, 0x07);
    io_u8(io, &m->mic_channels, ANY8);
    io_u8(io, &m->buttons, ANY8);
    io_u8(io, &m->led_count, ANY8);
    io_u8(io, &m->led_kind, HARK_LED_KIND_ADDRESSABLE_RGB);
    io_u8(io, &m->speaker_kind, HARK_SPEAKER_KIND_PCM);
    io_u32(io, &m->speaker_sample_rate);
    io_u8(io, &m->speaker_codecs, 0x07);
    io_u32(io, &m->speaker_buffer_bytes);
    io_u16(io, &m->max_rx_payload, HARK_MAX_PAYLOAD_BYTES);
    io_checked_u8(io, &m->gpio_count, 0, HARK_MAX_HELLO_GPIO_PINS);
    if (io->enc && io->status == HARK_OK) {
        for (i = 0; i < m->gpio_count; i++) {
            if (m->gpio == NULL) fail(io, HARK_ERR_ARG);
            else if (m->gpio[2 * i + 1] > 0x1F) fail(io, HARK_ERR_RANGE);
        }
    }
    if (io->status == HARK_OK) io_raw(io, &m->gpio, (uint16_t)(2U * m->gpio_count));
}

static void io_tone(io_t *io, hark_tone_t *m)
{
    uint8_t i;
    io_checked_u8(io, &m->count, 1, HARK_MAX_TONE_STEPS);
    for (i = 0; io->status == HARK_OK && i < m->count; i++) {
        io_u16(io, &m->steps[i].freq_hz, ANY16);
        io_u16(io, &m->steps[i].duration_ms, ANY16);
        io_u8(io, &m->steps[i].volume, HARK_MAX_PERCENT);
    }
}

static void codec(io_t *io, hark_msg_t *m)
{
    switch (m->type) {
    case HARK_MSG_HELLO:
        io_hello(io, &m->u.hello);
        break;
    case HARK_MSG_HELLO_ACK:
        io_u8(io, &m->u.hello_ack.version_major, ANY8);
        io_u8(io, &m->u.hello_ack.version_minor, ANY8);
        io_u32(io, &m->u.hello_ack.features);
        io_checked_u8(io, &m->u.hello_ack.audio_codec, 0, CODEC_MAX);
        io_u32(io, &m->u.hello_ack.audio_sample_rate);
        io_u8(io, &m->u.hello_ack.chunk_ms, ANY8);
        io_u16(io, &m->u.hello_ack.heartbeat_ms, ANY16);
        io_u8(io, &m->u.hello_ack.flags, 0x01);
        break;
    case HARK_MSG_PING:
        io_u32(io, &m->u.ping.token);
        break;
    case HARK_MSG_PONG:
        io_u32(io, &m->u.pong.token);
        io_u32(io, &m->u.pong.uptime_ms);
        io_u16(io, &m->u.pong.rx_frames_bad, ANY16);
        io_u16(io, &m->u.pong.audio_overflows, ANY16);
        break;
    case HARK_MSG_LOG:
        io_u8(io, &m->u.log.level, HARK_LOG_ERROR);
        io_rest(io, &m->u.log.text);
        break;
    case HARK_MSG_ERROR:
        io_u16(io, &m->u.error.code, ANY16);
        io_rest(io, &m->u.error.message);
        break;
    case HARK_MSG_AUDIO_START:
        io_u8(io, &m->u.audio_start.stream, ANY8);
        io_checked_u8(io, &m->u.audio_start.codec, 0, CODEC_MAX);
        io_u32(io, &m->u.audio_start.sample_rate);
        io_u8(io, &m->u.audio_start.trigger, HARK_AUDIO_TRIGGER_CONTINUOUS);
        break;
    case HARK_MSG_AUDIO:
        io_u8(io, &m->u.audio.stream, ANY8);
        io_u16(io, &m->u.audio.chunk, ANY16);
        io_rest(io, &m->u.audio.data);
        break;
    case HARK_MSG_AUDIO_END:
        io_u8(io, &m->u.audio_end.stream, ANY8);
        io_u8(io, &m->u.audio_end.reason, HARK_AUDIO_END_ERROR);
        io_u16(io, &m->u.audio_end.chunks, ANY16);
        io_u32(io, &m->u.audio_end.dropped_samples);
        break;
    case HARK_MSG_CAPTURE:
        io_u8(io, &m->u.capture.action, HARK_CAPTURE_START);
        io_u8(io, &m->u.capture.mode, HARK_CAPTURE_MODE_CONTINUOUS);
        io_u16(io, &m->u.capture.max_ms, ANY16);
        break;
    case HARK_MSG_BUTTON:
        io_u8(io, &m->u.button.button, ANY8);
        io_u8(io, &m->u.button.event, HARK_BUTTON_LONG);
        break;
    case HARK_MSG_LED:
        io_u8(io, &m->u.led.index, ANY8);
        io_u8(io, &m->u.led.effect, HARK_LED_EFFECT_SPIN);
        io_u8(io, &m->u.led.r, ANY8);
        io_u8(io, &m->u.led.g, ANY8);
        io_u8(io, &m->u.led.b, ANY8);
        io_u16(io, &m->u.led.period_ms, ANY16);
        io_u16(io, &m->u.led.duration_ms, ANY16);
        break;
    case HARK_MSG_TONE:
        io_tone(io, &m->u.tone);
        break;
    case HARK_MSG_VOLUME:
        io_u8(io, &m->u.volume.level, HARK_MAX_PERCENT);
        break;
    case HARK_MSG_SPEAKER_START:
        io_u8(io, &m->u.speaker_start.stream, ANY8);
        io_checked_u8(io, &m->u.speaker_start.codec, 0, CODEC_MAX);
        io_u32(io, &m->u.speaker_start.sample_rate);
        break;
    case HARK_MSG_SPEAKER_DATA:
        io_u8(io, &m->u.speaker_data.stream, ANY8);
        io_rest(io, &m->u.speaker_data.data);
        break;
    case HARK_MSG_SPEAKER_END:
        io_u8(io, &m->u.speaker_end.stream, ANY8);
        break;
    case HARK_MSG_SPEAKER_STOP:
        io_u8(io, &m->u.speaker_stop.stream, ANY8);
        break;
    case HARK_MSG_SPEAKER_CREDIT:
        io_u8(io, &m->u.speaker_credit.stream, ANY8);
        io_u32(io, &m->u.speaker_credit.credit_bytes);
        io_u32(io, &m->u.speaker_credit.buffered_bytes);
        io_u8(io, &m->u.speaker_credit.state, HARK_SPEAKER_STATE_STOPPED);
        io_u16(io, &m->u.speaker_credit.underruns, ANY16);
        break;
    case HARK_MSG_GPIO_MODE:
        io_u8(io, &m->u.gpio_mode.pin, ANY8);
        io_u8(io, &m->u.gpio_mode.mode, HARK_GPIO_MODE_INPUT_PULLUP);
        break;
    case HARK_MSG_GPIO_WRITE:
        io_u8(io, &m->u.gpio_write.pin, ANY8);
        io_u16(io, &m->u.gpio_write.value, ANY16);
        break;
    case HARK_MSG_GPIO_READ:
        io_u8(io, &m->u.gpio_read.pin, ANY8);
        break;
    case HARK_MSG_GPIO_REPORT:
        io_u8(io, &m->u.gpio_report.pin, ANY8);
        io_u8(io, &m->u.gpio_report.enable, 1);
        io_u16(io, &m->u.gpio_report.interval_ms, ANY16);
        break;
    case HARK_MSG_GPIO_STATE:
        io_u8(io, &m->u.gpio_state.pin, ANY8);
        io_u16(io, &m->u.gpio_state.value, ANY16);
        break;
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

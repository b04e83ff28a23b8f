/* dump.c — see dump.h. Fields come from hark_layout.h, generated from protocol/ts/message-layout.ts, so
 * names and order are the TypeScript dump's (transcript.ts) by construction. */
#include "dump.h"

#include <stdarg.h>
#include <stdio.h>

#include "../hark_crc16.h"

void sb_init(sb_t *sb, char *buf, size_t cap)
{
    sb->buf = buf;
    sb->cap = cap;
    sb->len = 0;
    sb->overflow = 0;
    if (cap > 0) buf[0] = '\0';
}

void sb_printf(sb_t *sb, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (sb->len + 1 >= sb->cap) {
        sb->overflow = 1;
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sb->cap - sb->len) {
        sb->overflow = 1;
        sb->len = sb->cap - 1;
    } else {
        sb->len += (size_t)n;
    }
}

static void hex(sb_t *sb, const char *name, hark_bytes_t b)
{
    uint16_t i;
    sb_printf(sb, " %s=", name);
    for (i = 0; i < b.len; i++) sb_printf(sb, "%02x", b.data[i]);
}

static void gpio(sb_t *sb, const char *name, uint8_t count, const uint8_t *pins)
{
    uint8_t i;
    sb_printf(sb, " %s=", name);
    for (i = 0; i < count; i++) sb_printf(sb, "%s%u:%u", i ? "," : "", pins[2 * i], pins[2 * i + 1]);
}

static void tones(sb_t *sb, const char *name, uint8_t count, const hark_tone_step_t *steps)
{
    uint8_t i;
    sb_printf(sb, " %s=", name);
    for (i = 0; i < count; i++)
        sb_printf(sb, "%s%u/%u/%u", i ? "," : "", steps[i].freq_hz, steps[i].duration_ms, steps[i].volume);
}

/* One field of a HARK_LAYOUT_<NAME> list, as ` name=value`. */
#define DUMP_FIELD(KIND, p, name, max, since) DUMP_##KIND(p, name);
#define DUMP_INT(p, name) sb_printf(sb, " %s=%lu", #name, (unsigned long)(p)->name)
#define DUMP_U8 DUMP_INT
#define DUMP_U16 DUMP_INT
#define DUMP_U32 DUMP_INT
#define DUMP_CODEC DUMP_INT
#define DUMP_STR8(p, name) hex(sb, #name, (p)->name)
#define DUMP_TEXT DUMP_STR8
#define DUMP_BYTES DUMP_STR8
#define DUMP_GPIO(p, name) gpio(sb, #name, (p)->name##_count, (p)->name)
#define DUMP_TONES(p, name) tones(sb, #name, (p)->count, (p)->name)

#define DUMP_CASE(NAME, member, type)                 \
    case HARK_MSG_##NAME:                             \
        sb_printf(sb, "%s", #NAME);                   \
        HARK_LAYOUT_##NAME(DUMP_FIELD, &m->u.member) \
        break;

void dump_message(sb_t *sb, const hark_msg_t *m)
{
    switch (m->type) {
        HARK_MESSAGES(DUMP_CASE)
    default:
        sb_printf(sb, "UNKNOWN_0x%02x", m->type);
        break;
    }
}

static void on_frame(void *ctx, const hark_frame_t *f)
{
    sb_t *sb = (sb_t *)ctx;
    hark_msg_t m;
    int st;
    sb_printf(sb, "frame type=0x%02x seq=%u len=%u sum=%04x\n", f->type, f->seq, f->len, hark_crc16(f->payload, f->len));
    st = hark_msg_decode(f->type, f->payload, f->len, &m);
    if (st == HARK_OK) {
        sb_printf(sb, "msg ");
        dump_message(sb, &m);
        sb_printf(sb, "\n");
    } else {
        sb_printf(sb, "drop %s\n", st == HARK_ERR_UNKNOWN_TYPE ? "unknown_type" : "bad_payload");
    }
}

void transcribe(sb_t *sb, const uint8_t *wire, size_t len)
{
    static uint8_t buf[HARK_MAX_COBS_FRAME_BYTES];
    hark_frame_decoder_t d;
    hark_frame_decoder_init(&d, buf, sizeof buf);
    hark_frame_decoder_push(&d, wire, len, on_frame, sb);
    sb_printf(sb, "stats ok=%lu oversized=%lu malformed=%lu truncated=%lu crc=%lu bytes=%lu\n",
              (unsigned long)d.stats.frames_ok, (unsigned long)d.stats.oversized, (unsigned long)d.stats.malformed,
              (unsigned long)d.stats.truncated, (unsigned long)d.stats.crc_errors, (unsigned long)d.stats.bytes);
}

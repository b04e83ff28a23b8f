/* dump.c — see dump.h. Field names and order mirror protocol/ts/message-layout.ts (snake_case). */
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

#define U(name, v) sb_printf(sb, " %s=%lu", name, (unsigned long)(v))

void dump_message(sb_t *sb, const hark_msg_t *m)
{
    uint8_t i;
    switch (m->type) {
    case HARK_MSG_HELLO: {
        const hark_hello_t *h = &m->u.hello;
        sb_printf(sb, "HELLO");
        U("version_major", h->version_major);
        U("version_minor", h->version_minor);
        U("features", h->features);
        hex(sb, "board_model", h->board_model);
        hex(sb, "firmware_version", h->firmware_version);
        hex(sb, "board_uid", h->board_uid);
        U("mic_sample_rate", h->mic_sample_rate);
        U("mic_bits", h->mic_bits);
        U("mic_codecs", h->mic_codecs);
        U("mic_channels", h->mic_channels);
        U("buttons", h->buttons);
        U("led_count", h->led_count);
        U("led_kind", h->led_kind);
        U("speaker_kind", h->speaker_kind);
        U("speaker_sample_rate", h->speaker_sample_rate);
        U("speaker_codecs", h->speaker_codecs);
        U("speaker_buffer_bytes", h->speaker_buffer_bytes);
        U("max_rx_payload", h->max_rx_payload);
        sb_printf(sb, " gpio=");
        for (i = 0; i < h->gpio_count; i++) sb_printf(sb, "%s%u:%u", i ? "," : "", h->gpio[2 * i], h->gpio[2 * i + 1]);
        break;
    }
    case HARK_MSG_HELLO_ACK:
        sb_printf(sb, "HELLO_ACK");
        U("version_major", m->u.hello_ack.version_major);
        U("version_minor", m->u.hello_ack.version_minor);
        U("features", m->u.hello_ack.features);
        U("audio_codec", m->u.hello_ack.audio_codec);
        U("audio_sample_rate", m->u.hello_ack.audio_sample_rate);
        U("chunk_ms", m->u.hello_ack.chunk_ms);
        U("heartbeat_ms", m->u.hello_ack.heartbeat_ms);
        U("flags", m->u.hello_ack.flags);
        break;
    case HARK_MSG_PING:
        sb_printf(sb, "PING");
        U("token", m->u.ping.token);
        break;
    case HARK_MSG_PONG:
        sb_printf(sb, "PONG");
        U("token", m->u.pong.token);
        U("uptime_ms", m->u.pong.uptime_ms);
        U("rx_frames_bad", m->u.pong.rx_frames_bad);
        U("audio_overflows", m->u.pong.audio_overflows);
        break;
    case HARK_MSG_LOG:
        sb_printf(sb, "LOG");
        U("level", m->u.log.level);
        hex(sb, "text", m->u.log.text);
        break;
    case HARK_MSG_ERROR:
        sb_printf(sb, "ERROR");
        U("code", m->u.error.code);
        hex(sb, "message", m->u.error.message);
        break;
    case HARK_MSG_AUDIO_START:
        sb_printf(sb, "AUDIO_START");
        U("stream", m->u.audio_start.stream);
        U("codec", m->u.audio_start.codec);
        U("sample_rate", m->u.audio_start.sample_rate);
        U("trigger", m->u.audio_start.trigger);
        break;
    case HARK_MSG_AUDIO:
        sb_printf(sb, "AUDIO");
        U("stream", m->u.audio.stream);
        U("chunk", m->u.audio.chunk);
        hex(sb, "data", m->u.audio.data);
        break;
    case HARK_MSG_AUDIO_END:
        sb_printf(sb, "AUDIO_END");
        U("stream", m->u.audio_end.stream);
        U("reason", m->u.audio_end.reason);
        U("chunks", m->u.audio_end.chunks);
        U("dropped_samples", m->u.audio_end.dropped_samples);
        break;
    case HARK_MSG_CAPTURE:
        sb_printf(sb, "CAPTURE");
        U("action", m->u.capture.action);
        U("mode", m->u.capture.mode);
        U("max_ms", m->u.capture.max_ms);
        break;
    case HARK_MSG_BUTTON:
        sb_printf(sb, "BUTTON");
        U("button", m->u.button.button);
        U("event", m->u.button.event);
        break;
    case HARK_MSG_LED:
        sb_printf(sb, "LED");
        U("index", m->u.led.index);
        U("effect", m->u.led.effect);
        U("r", m->u.led.r);
        U("g", m->u.led.g);
        U("b", m->u.led.b);
        U("period_ms", m->u.led.period_ms);
        U("duration_ms", m->u.led.duration_ms);
        break;
    case HARK_MSG_TONE:
        sb_printf(sb, "TONE steps=");
        for (i = 0; i < m->u.tone.count; i++) {
            const hark_tone_step_t *s = &m->u.tone.steps[i];
            sb_printf(sb, "%s%u/%u/%u", i ? "," : "", s->freq_hz, s->duration_ms, s->volume);
        }
        break;
    case HARK_MSG_VOLUME:
        sb_printf(sb, "VOLUME");
        U("level", m->u.volume.level);
        break;
    case HARK_MSG_SPEAKER_START:
        sb_printf(sb, "SPEAKER_START");
        U("stream", m->u.speaker_start.stream);
        U("codec", m->u.speaker_start.codec);
        U("sample_rate", m->u.speaker_start.sample_rate);
        break;
    case HARK_MSG_SPEAKER_DATA:
        sb_printf(sb, "SPEAKER_DATA");
        U("stream", m->u.speaker_data.stream);
        hex(sb, "data", m->u.speaker_data.data);
        break;
    case HARK_MSG_SPEAKER_END:
        sb_printf(sb, "SPEAKER_END");
        U("stream", m->u.speaker_end.stream);
        break;
    case HARK_MSG_SPEAKER_STOP:
        sb_printf(sb, "SPEAKER_STOP");
        U("stream", m->u.speaker_stop.stream);
        break;
    case HARK_MSG_SPEAKER_CREDIT:
        sb_printf(sb, "SPEAKER_CREDIT");
        U("stream", m->u.speaker_credit.stream);
        U("credit_bytes", m->u.speaker_credit.credit_bytes);
        U("buffered_bytes", m->u.speaker_credit.buffered_bytes);
        U("state", m->u.speaker_credit.state);
        U("underruns", m->u.speaker_credit.underruns);
        break;
    case HARK_MSG_GPIO_MODE:
        sb_printf(sb, "GPIO_MODE");
        U("pin", m->u.gpio_mode.pin);
        U("mode", m->u.gpio_mode.mode);
        break;
    case HARK_MSG_GPIO_WRITE:
        sb_printf(sb, "GPIO_WRITE");
        U("pin", m->u.gpio_write.pin);
        U("value", m->u.gpio_write.value);
        break;
    case HARK_MSG_GPIO_READ:
        sb_printf(sb, "GPIO_READ");
        U("pin", m->u.gpio_read.pin);
        break;
    case HARK_MSG_GPIO_REPORT:
        sb_printf(sb, "GPIO_REPORT");
        U("pin", m->u.gpio_report.pin);
        U("enable", m->u.gpio_report.enable);
        U("interval_ms", m->u.gpio_report.interval_ms);
        break;
    case HARK_MSG_GPIO_STATE:
        sb_printf(sb, "GPIO_STATE");
        U("pin", m->u.gpio_state.pin);
        U("value", m->u.gpio_state.value);
        break;
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

/* random_msg.c — see random_msg.h. Strings are ASCII so both codecs dump them identically. */
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

static const uint8_t types[] = {
    HARK_MSG_HELLO,         HARK_MSG_HELLO_ACK,     HARK_MSG_PING,           HARK_MSG_PONG,       HARK_MSG_LOG,
    HARK_MSG_ERROR,         HARK_MSG_AUDIO_START,   HARK_MSG_AUDIO,          HARK_MSG_AUDIO_END,  HARK_MSG_CAPTURE,
    HARK_MSG_BUTTON,        HARK_MSG_LED,           HARK_MSG_TONE,           HARK_MSG_VOLUME,     HARK_MSG_SPEAKER_START,
    HARK_MSG_SPEAKER_DATA,  HARK_MSG_SPEAKER_END,   HARK_MSG_SPEAKER_STOP,   HARK_MSG_SPEAKER_CREDIT,
    HARK_MSG_GPIO_MODE,     HARK_MSG_GPIO_WRITE,    HARK_MSG_GPIO_READ,      HARK_MSG_GPIO_REPORT, HARK_MSG_GPIO_STATE,
};

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

void random_msg(uint32_t *s, hark_msg_t *m, uint8_t *storage)
{
    uint8_t *p = storage;
    uint8_t i;
    memset(m, 0, sizeof *m);
    m->type = types[rnd_below(s, sizeof types)];
    switch (m->type) {
    case HARK_MSG_HELLO: {
        hark_hello_t *h = &m->u.hello;
        h->version_major = (uint8_t)rnd(s);
        h->version_minor = (uint8_t)rnd(s);
        h->features = rnd(s);
        h->board_model = ascii(s, &p, HARK_MAX_BOARD_MODEL_BYTES);
        h->firmware_version = ascii(s, &p, HARK_MAX_FIRMWARE_VERSION_BYTES);
        h->board_uid = ascii(s, &p, HARK_MAX_BOARD_UID_BYTES);
        h->mic_sample_rate = rnd(s);
        h->mic_bits = (uint8_t)rnd(s);
        h->mic_codecs = R8(7);
        h->mic_channels = (uint8_t)rnd(s);
        h->buttons = (uint8_t)rnd(s);
        h->led_count = (uint8_t)rnd(s);
        h->led_kind = R8(3);
        h->speaker_kind = R8(2);
        h->speaker_sample_rate = rnd(s);
        h->speaker_codecs = R8(7);
        h->speaker_buffer_bytes = rnd(s);
        h->max_rx_payload = R16(1024);
        h->gpio_count = R8(HARK_MAX_HELLO_GPIO_PINS);
        for (i = 0; i < h->gpio_count; i++) {
            p[2 * i] = (uint8_t)rnd(s);
            p[2 * i + 1] = R8(0x1F);
        }
        h->gpio = p;
        break;
    }
    case HARK_MSG_HELLO_ACK:
        m->u.hello_ack.version_major = (uint8_t)rnd(s);
        m->u.hello_ack.version_minor = (uint8_t)rnd(s);
        m->u.hello_ack.features = rnd(s);
        m->u.hello_ack.audio_codec = R8(2);
        m->u.hello_ack.audio_sample_rate = rnd(s);
        m->u.hello_ack.chunk_ms = (uint8_t)rnd(s);
        m->u.hello_ack.heartbeat_ms = (uint16_t)rnd(s);
        m->u.hello_ack.flags = R8(1);
        break;
    case HARK_MSG_PING:
        m->u.ping.token = rnd(s);
        break;
    case HARK_MSG_PONG:
        m->u.pong.token = rnd(s);
        m->u.pong.uptime_ms = rnd(s);
        m->u.pong.rx_frames_bad = (uint16_t)rnd(s);
        m->u.pong.audio_overflows = (uint16_t)rnd(s);
        break;
    case HARK_MSG_LOG:
        m->u.log.level = R8(3);
        m->u.log.text = ascii(s, &p, 200);
        break;
    case HARK_MSG_ERROR:
        m->u.error.code = (uint16_t)rnd(s);
        m->u.error.message = ascii(s, &p, 200);
        break;
    case HARK_MSG_AUDIO_START:
        m->u.audio_start.stream = (uint8_t)rnd(s);
        m->u.audio_start.codec = R8(2);
        m->u.audio_start.sample_rate = rnd(s);
        m->u.audio_start.trigger = R8(3);
        break;
    case HARK_MSG_AUDIO:
        m->u.audio.stream = (uint8_t)rnd(s);
        m->u.audio.chunk = (uint16_t)rnd(s);
        m->u.audio.data = bytes(s, &p, 1021);
        break;
    case HARK_MSG_AUDIO_END:
        m->u.audio_end.stream = (uint8_t)rnd(s);
        m->u.audio_end.reason = R8(5);
        m->u.audio_end.chunks = (uint16_t)rnd(s);
        m->u.audio_end.dropped_samples = rnd(s);
        break;
    case HARK_MSG_CAPTURE:
        m->u.capture.action = R8(1);
        m->u.capture.mode = R8(1);
        m->u.capture.max_ms = (uint16_t)rnd(s);
        break;
    case HARK_MSG_BUTTON:
        m->u.button.button = (uint8_t)rnd(s);
        m->u.button.event = R8(4);
        break;
    case HARK_MSG_LED:
        m->u.led.index = (uint8_t)rnd(s);
        m->u.led.effect = R8(4);
        m->u.led.r = (uint8_t)rnd(s);
        m->u.led.g = (uint8_t)rnd(s);
        m->u.led.b = (uint8_t)rnd(s);
        m->u.led.period_ms = (uint16_t)rnd(s);
        m->u.led.duration_ms = (uint16_t)rnd(s);
        break;
    case HARK_MSG_TONE:
        m->u.tone.count = (uint8_t)(1 + rnd_below(s, HARK_MAX_TONE_STEPS));
        for (i = 0; i < m->u.tone.count; i++) {
            m->u.tone.steps[i].freq_hz = (uint16_t)rnd(s);
            m->u.tone.steps[i].duration_ms = (uint16_t)rnd(s);
            m->u.tone.steps[i].volume = R8(100);
        }
        break;
    case HARK_MSG_VOLUME:
        m->u.volume.level = R8(100);
        break;
    case HARK_MSG_SPEAKER_START:
        m->u.speaker_start.stream = (uint8_t)rnd(s);
        m->u.speaker_start.codec = R8(2);
        m->u.speaker_start.sample_rate = rnd(s);
        break;
    case HARK_MSG_SPEAKER_DATA:
        m->u.speaker_data.stream = (uint8_t)rnd(s);
        m->u.speaker_data.data = bytes(s, &p, 1023);
        break;
    case HARK_MSG_SPEAKER_END:
        m->u.speaker_end.stream = (uint8_t)rnd(s);
        break;
    case HARK_MSG_SPEAKER_STOP:
        m->u.speaker_stop.stream = (uint8_t)rnd(s);
        break;
    case HARK_MSG_SPEAKER_CREDIT:
        m->u.speaker_credit.stream = (uint8_t)rnd(s);
        m->u.speaker_credit.credit_bytes = rnd(s);
        m->u.speaker_credit.buffered_bytes = rnd(s);
        m->u.speaker_credit.state = R8(2);
        m->u.speaker_credit.underruns = (uint16_t)rnd(s);
        break;
    case HARK_MSG_GPIO_MODE:
        m->u.gpio_mode.pin = (uint8_t)rnd(s);
        m->u.gpio_mode.mode = R8(5);
        break;
    case HARK_MSG_GPIO_WRITE:
        m->u.gpio_write.pin = (uint8_t)rnd(s);
        m->u.gpio_write.value = (uint16_t)rnd(s);
        break;
    case HARK_MSG_GPIO_READ:
        m->u.gpio_read.pin = (uint8_t)rnd(s);
        break;
    case HARK_MSG_GPIO_REPORT:
        m->u.gpio_report.pin = (uint8_t)rnd(s);
        m->u.gpio_report.enable = R8(1);
        m->u.gpio_report.interval_ms = (uint16_t)rnd(s);
        break;
    default: /* HARK_MSG_GPIO_STATE */
        m->u.gpio_state.pin = (uint8_t)rnd(s);
        m->u.gpio_state.value = (uint16_t)rnd(s);
        break;
    }
}

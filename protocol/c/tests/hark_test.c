/*
 * hark_test.c — the C codec's test program, built and run by protocol/c/c-codec.test.ts (and fuzz).
 *
 *   hark_test                  unit checks + every golden vector (vectors.h); exit 1 on any failure
 *   hark_test --serve          line commands on stdin, answers on stdout, for cross-checks with TS:
 *                                t <wire hex>            transcript lines, then "."
 *                                r <wire hex>            re-encode every decodable frame (same seq): hex
 *                                ue|ud|ae <step>|ad <hex> audio codecs: hex out ("ae" adds the step index)
 *   hark_test --random N SEED  N random valid messages: "<wire hex> <dump>" per line
 *   hark_test --fuzz N SEED    N random and mutated streams through every decoder (build with sanitizers)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hark.h"
#include "dump.h"
#include "fuzz.h"
#include "random_msg.h"
#include "vectors.h"

static int failures;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            failures++;                                                         \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);     \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, "\n");                                              \
        }                                                                       \
    } while (0)

static char text[1 << 16];

typedef struct {
    uint8_t *out;
    size_t cap;
    size_t len;
} sink_t;

static void sink_put(void *ctx, uint8_t b)
{
    sink_t *s = (sink_t *)ctx;
    if (s->len < s->cap) s->out[s->len] = b;
    s->len++;
}

/* Decodes every frame of `wire` and re-encodes each valid message with its seq into `s`,
 * both through hark_msg_write and hark_msg_encode + hark_frame_encode (which must agree). */
static int reencode(const uint8_t *wire, size_t len, sink_t *s)
{
    static uint8_t buf[HARK_MAX_COBS_FRAME_BYTES];
    hark_frame_decoder_t d;
    hark_frame_t f;
    size_t i;
    int bad = 0;
    hark_frame_decoder_init(&d, buf, sizeof buf);
    for (i = 0; i < len; i++) {
        hark_msg_t m;
        uint8_t scratch[HARK_MSG_HEAD_MAX_BYTES], payload[HARK_MAX_PAYLOAD_BYTES], frame[HARK_MAX_WIRE_FRAME_BYTES];
        uint16_t plen = 0, flen = 0;
        size_t before = s->len;
        if (!hark_frame_decoder_feed(&d, wire[i], &f)) continue;
        if (hark_msg_decode(f.type, f.payload, f.len, &m) != HARK_OK) continue;
        if (hark_msg_write(&m, f.seq, scratch, sizeof scratch, sink_put, s) != HARK_OK) bad++;
        if (hark_msg_encode(&m, payload, sizeof payload, &plen) != HARK_OK) bad++;
        if (hark_frame_encode(m.type, f.seq, payload, plen, frame, sizeof frame, &flen) != HARK_OK) bad++;
        if (s->len - before != flen || (s->len <= s->cap && memcmp(s->out + before, frame, flen) != 0)) bad++;
    }
    return bad;
}

static void run_vectors(void)
{
    static uint8_t again[1 << 15];
    int i;
    for (i = 0; i < HARK_VECTOR_COUNT; i++) {
        const hark_vector_t *v = &hark_vectors[i];
        sb_t sb;
        sb_init(&sb, text, sizeof text);
        transcribe(&sb, v->wire, v->wire_len);
        CHECK(!sb.overflow && strcmp(text, v->expect) == 0, "vector %s\n--- expected\n%s--- got\n%s", v->name, v->expect,
              text);
        if (v->encodable) {
            sink_t s;
            s.out = again;
            s.cap = sizeof again;
            s.len = 0;
            CHECK(reencode(v->wire, v->wire_len, &s) == 0, "vector %s: encoders disagree", v->name);
            CHECK(s.len == v->wire_len && memcmp(again, v->wire, v->wire_len) == 0, "vector %s: re-encoding differs",
                  v->name);
        }
    }
    printf("vectors: %d checked\n", HARK_VECTOR_COUNT);
}

static hark_msg_t led(void)
{
    hark_msg_t m;
    memset(&m, 0, sizeof m);
    m.type = HARK_MSG_LED;
    m.u.led.index = HARK_LED_ALL;
    m.u.led.effect = HARK_LED_EFFECT_BLINK;
    return m;
}

static void run_units(void)
{
    static const uint8_t check[] = "123456789";
    static const uint8_t ex_raw[] = {0x11, 0x22, 0x00, 0x33};
    static const uint8_t ex_enc[] = {0x03, 0x11, 0x22, 0x02, 0x33};
    uint8_t enc[16], dec[16], out[64], small[8];
    size_t n = 0;
    uint16_t n16 = 0;
    hark_msg_t m, m2;
    uint8_t pins[4] = {2, 0x03, 13, 0x20};
    hark_frame_decoder_t d;
    hark_frame_t f;
    int got = 0;
    unsigned k;

    CHECK(hark_crc16(check, 9) == 0x29B1, "crc check value %04x", hark_crc16(check, 9));
    CHECK(HARK_FRAME_DECODER_BUF_BYTES(HARK_MAX_PAYLOAD_BYTES) == HARK_MAX_COBS_FRAME_BYTES, "decoder buffer macro");
    CHECK(HARK_FRAME_WIRE_BYTES(HARK_MAX_PAYLOAD_BYTES) == HARK_MAX_WIRE_FRAME_BYTES, "wire bytes macro");
    CHECK(HARK_COBS_MAX_ENCODED(HARK_MAX_RAW_FRAME_BYTES) == HARK_MAX_COBS_FRAME_BYTES, "cobs macro");
    CHECK(HARK_ADPCM_BLOCK_BYTES(320) == 164 && HARK_ADPCM_BLOCK_BYTES(1) == 4, "adpcm block macro");
    CHECK(hark_cobs_encode(ex_raw, 4, enc, sizeof enc, &n) == HARK_OK && n == 5 && memcmp(enc, ex_enc, 5) == 0, "cobs");
    CHECK(hark_cobs_decode(enc, n, dec, sizeof dec, &n) == HARK_OK && n == 4 && memcmp(dec, ex_raw, 4) == 0, "uncobs");
    CHECK(hark_cobs_encode(ex_raw, 4, enc, 4, &n) == HARK_ERR_NO_SPACE, "cobs no space");
    CHECK(hark_frame_encode(0x00, 0, NULL, 0, out, sizeof out, &n16) == HARK_ERR_RANGE, "type 0");
    CHECK(hark_frame_encode(0xFF, 0, NULL, 0, out, sizeof out, &n16) == HARK_ERR_RANGE, "type 255");
    CHECK(hark_frame_encode(0x03, 0, NULL, 0, out, 6, &n16) == HARK_ERR_NO_SPACE, "frame no space");
    CHECK(hark_frame_encode(0x03, 0, NULL, 1025, out, 6, &n16) == HARK_ERR_ARG, "NULL payload");

    /* encoder range checks mirror message-codec.test.ts */
    m = led();
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_OK && n16 == 9, "led ok");
    m.u.led.effect = HARK_LED_EFFECT_SPIN + 1;
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_ERR_RANGE, "led effect range");
    m = led();
    CHECK(hark_msg_encode(&m, out, 8, &n16) == HARK_ERR_NO_SPACE, "led no space");
    memset(&m, 0, sizeof m);
    m.type = HARK_MSG_VOLUME;
    m.u.volume.level = 101;
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_ERR_RANGE, "volume 101");
    m.type = HARK_MSG_TONE;
    memset(&m.u, 0, sizeof m.u);
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_ERR_RANGE, "tone 0 steps");
    m.u.tone.count = 9;
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_ERR_RANGE, "tone 9 steps");
    m.type = HARK_MSG_AUDIO_START;
    memset(&m.u, 0, sizeof m.u);
    m.u.audio_start.codec = 3;
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_ERR_RANGE, "codec 3");
    m.type = HARK_MSG_HELLO;
    memset(&m.u, 0, sizeof m.u);
    m.u.hello.board_model = hark_cstr("0123456789abcdef0123456789abcdefX");
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_ERR_RANGE, "board_model 33 bytes");
    m.u.hello.board_model = hark_cstr("uno");
    m.u.hello.gpio_count = 2;
    m.u.hello.gpio = pins;
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_ERR_RANGE, "caps 0x20");
    pins[3] = 0x1F;
    m.u.hello.rx_window_bytes = 0xBEEF;
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_OK && n16 == HARK_MSG_HELLO_MIN_BYTES + 3 + 4,
          "hello ok (%u)", n16);
    /* SPEC §2.1.4: a 1.0 HELLO (no rx_window_bytes) decodes with rx_window_bytes 0; a cut field is bad */
    CHECK(hark_msg_decode(HARK_MSG_HELLO, out, n16, &m2) == HARK_OK && m2.u.hello.rx_window_bytes == 0xBEEF &&
              m2.u.hello.gpio_count == 2, "hello 1.1 round trip");
    CHECK(hark_msg_decode(HARK_MSG_HELLO, out, (uint16_t)(n16 - 2), &m2) == HARK_OK &&
              m2.u.hello.rx_window_bytes == 0 && m2.u.hello.gpio_count == 2 && m2.u.hello.gpio[3] == 0x1F,
          "hello 1.0 length");
    CHECK(hark_msg_decode(HARK_MSG_HELLO, out, (uint16_t)(n16 - 1), &m2) == HARK_ERR_BAD_PAYLOAD, "hello cut field");
    m.u.hello.gpio = NULL;
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_ERR_ARG, "gpio NULL");
    m.type = 0x7F;
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_ERR_UNKNOWN_TYPE, "unknown type");
    memset(&m, 0, sizeof m);
    m.type = HARK_MSG_HELLO_ACK;
    m.u.hello_ack.version_minor = HARK_PROTOCOL_MINOR;
    m.u.hello_ack.flags = HARK_HELLO_ACK_FLAG_BOARD_VAD_MAY_END;
    m.u.hello_ack.host_session = 0xC0FFEE01UL;
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_OK && n16 == HARK_MSG_HELLO_ACK_MIN_BYTES &&
              n16 == HARK_MSG_HELLO_ACK_V1_0_MIN_BYTES + 4, "hello_ack 1.1 is 1.0 + host_session (%u)", n16);
    CHECK(hark_msg_decode(HARK_MSG_HELLO_ACK, out, n16, &m2) == HARK_OK && m2.u.hello_ack.host_session == 0xC0FFEE01UL,
          "hello_ack round trip");
    memset(&m2, 0xAA, sizeof m2);
    CHECK(hark_msg_decode(HARK_MSG_HELLO_ACK, out, HARK_MSG_HELLO_ACK_V1_0_MIN_BYTES, &m2) == HARK_OK &&
              m2.u.hello_ack.host_session == 0 && m2.u.hello_ack.flags == HARK_HELLO_ACK_FLAG_BOARD_VAD_MAY_END,
          "a 1.0 HELLO_ACK reads as host_session 0");
    for (k = 1; k < 4; k++) {
        CHECK(hark_msg_decode(HARK_MSG_HELLO_ACK, out, (uint16_t)(HARK_MSG_HELLO_ACK_V1_0_MIN_BYTES + k), &m2) ==
                  HARK_ERR_BAD_PAYLOAD, "hello_ack with %u bytes of host_session", k);
    }
    m.type = HARK_MSG_AUDIO;
    memset(&m.u, 0, sizeof m.u);
    m.u.audio.data.data = out;
    m.u.audio.data.len = 1022;
    CHECK(hark_msg_encode(&m, out, sizeof out, &n16) == HARK_ERR_RANGE, "audio over 1024");
    CHECK(hark_msg_decode(HARK_MSG_PING, out, 3, &m) == HARK_ERR_BAD_PAYLOAD, "short ping");
    CHECK(hark_msg_decode(0x99, out, 3, &m) == HARK_ERR_UNKNOWN_TYPE, "unknown decode");

    /* a small decoder buffer counts bigger frames as oversized and still decodes the next small one */
    hark_frame_decoder_init(&d, small, sizeof small);
    CHECK(hark_frame_encode(HARK_MSG_PING, 1, (const uint8_t *)"abcd", 4, out, sizeof out, &n16) == HARK_OK, "ping");
    for (k = 0; k < n16; k++) got += hark_frame_decoder_feed(&d, out[k], &f);
    CHECK(got == 0 && d.stats.oversized == 1, "oversized for small buffer");
    CHECK(hark_frame_encode(HARK_MSG_VOLUME, 2, (const uint8_t *)"\x32", 1, out, sizeof out, &n16) == HARK_OK, "vol");
    for (k = 0; k < n16; k++) got += hark_frame_decoder_feed(&d, out[k], &f);
    CHECK(got == 1 && f.seq == 2 && f.len == 1 && f.payload[0] == 0x32, "small frame after oversized");
    printf("units: done\n");
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (s[0] && s[1] && hexval(s[0]) >= 0 && hexval(s[1]) >= 0 && n < cap) {
        out[n++] = (uint8_t)(hexval(s[0]) * 16 + hexval(s[1]));
        s += 2;
    }
    return n;
}

static void put_hex(const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) printf("%02x", b[i]);
}

static int serve(void)
{
    static char line[1 << 17];
    static uint8_t bytes[1 << 16], out[1 << 16];
    static int16_t samples[1 << 15];
    while (fgets(line, sizeof line, stdin)) {
        char *arg = strchr(line, ' ');
        size_t n, i;
        arg = arg ? arg + 1 : line + strlen(line);
        if (line[0] == 't') {
            sb_t sb;
            n = unhex(arg, bytes, sizeof bytes);
            sb_init(&sb, text, sizeof text);
            transcribe(&sb, bytes, n);
            fputs(text, stdout);
            puts(".");
        } else if (line[0] == 'r') {
            sink_t s;
            n = unhex(arg, bytes, sizeof bytes);
            s.out = out;
            s.cap = sizeof out;
            s.len = 0;
            if (reencode(bytes, n, &s) != 0) printf("encoders-disagree");
            else put_hex(out, s.len);
            puts("");
        } else if (line[0] == 'u' && line[1] == 'e') {
            n = unhex(arg, bytes, sizeof bytes) / 2;
            for (i = 0; i < n; i++) samples[i] = (int16_t)(uint16_t)(bytes[2 * i] | (bytes[2 * i + 1] << 8));
            hark_ulaw_encode_block(samples, (uint16_t)n, out);
            put_hex(out, n);
            puts("");
        } else if (line[0] == 'u' && line[1] == 'd') {
            n = unhex(arg, bytes, sizeof bytes);
            hark_ulaw_decode_block(bytes, (uint16_t)n, samples);
            for (i = 0; i < n; i++) printf("%02x%02x", (uint16_t)samples[i] & 0xFF, (uint16_t)samples[i] >> 8);
            puts("");
        } else if (line[0] == 'a' && line[1] == 'e') {
            uint8_t step = (uint8_t)strtoul(arg, &arg, 10);
            uint16_t len;
            n = unhex(arg + 1, bytes, sizeof bytes) / 2;
            for (i = 0; i < n; i++) samples[i] = (int16_t)(uint16_t)(bytes[2 * i] | (bytes[2 * i + 1] << 8));
            len = hark_adpcm_encode_block(samples, (uint16_t)n, &step, out, 0xFFFF);
            put_hex(out, len);
            printf(" %u\n", step);
        } else if (line[0] == 'a' && line[1] == 'd') {
            uint16_t k;
            n = unhex(arg, bytes, sizeof bytes);
            k = hark_adpcm_decode_block(bytes, (uint16_t)n, samples, (uint16_t)(sizeof samples / 2));
            for (i = 0; i < k; i++) printf("%02x%02x", (uint16_t)samples[i] & 0xFF, (uint16_t)samples[i] >> 8);
            puts("");
        } else {
            printf("? unknown command\n");
        }
        fflush(stdout);
    }
    return 0;
}

static int random_messages(unsigned long count, uint32_t seed)
{
    static uint8_t storage[RANDOM_MSG_STORAGE_BYTES], wire[HARK_MAX_WIRE_FRAME_BYTES];
    unsigned long i;
    uint32_t st = seed ? seed : 1;
    for (i = 0; i < count; i++) {
        hark_msg_t m;
        uint8_t scratch[HARK_MSG_HEAD_MAX_BYTES];
        sink_t s;
        sb_t sb;
        random_msg(&st, &m, storage);
        s.out = wire;
        s.cap = sizeof wire;
        s.len = 0;
        if (hark_msg_write(&m, (uint16_t)i, scratch, sizeof scratch, sink_put, &s) != HARK_OK) {
            fprintf(stderr, "random message %lu (type 0x%02x) did not encode\n", i, m.type);
            return 1;
        }
        put_hex(wire, s.len);
        sb_init(&sb, text, sizeof text);
        dump_message(&sb, &m);
        printf(" %s\n", text);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--serve") == 0) return serve();
    if (argc >= 4 && strcmp(argv[1], "--random") == 0)
        return random_messages(strtoul(argv[2], NULL, 10), (uint32_t)strtoul(argv[3], NULL, 10));
    if (argc >= 4 && strcmp(argv[1], "--fuzz") == 0)
        return fuzz(strtoul(argv[2], NULL, 10), (uint32_t)strtoul(argv[3], NULL, 10));
    run_units();
    run_vectors();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all C checks passed\n");
    return 0;
}

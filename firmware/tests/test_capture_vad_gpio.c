/* test_capture_vad_gpio.c — capture ring overflow accounting, energy VAD, GPIO checks. */
#include "capture/hark_capture.h"
#include "fake_hal.h"
#include "gpio/hark_gpio.h"
#include "hark_test.h"
#include "vad/hark_vad.h"

HARK_TEST_GLOBALS;

static void test_ring_roundtrip_and_wrap(void) {
  fake_reset();
  int16_t buf[8];
  hark_capture_ring_t c;
  CHECK(!hark_capture_init(&c, buf, 6)); /* not a power of two */
  CHECK(hark_capture_init(&c, buf, 8));
  int16_t out[8];
  int16_t next = 0, expect = 0;
  for (int round = 0; round < 50; round++) { /* indexes wrap many times around the buffer */
    int16_t in[5];
    for (int i = 0; i < 5; i++) in[i] = next++;
    CHECK_EQ(hark_capture_push(&c, in, 5), 5);
    uint16_t n = hark_capture_read(&c, out, 8);
    CHECK_EQ(n, 5);
    for (uint16_t i = 0; i < n; i++) CHECK_EQ(out[i], expect++);
  }
  CHECK(!hark_capture_overflowed(&c));
  CHECK_EQ(fake.irq_depth_errors, 0);
}

static void test_overflow_latches_and_never_leaves_a_hole(void) {
  int16_t buf[16];
  hark_capture_ring_t c;
  hark_capture_init(&c, buf, 16);
  int16_t seq = 0;
  for (int i = 0; i < 12; i++) hark_capture_push1(&c, seq++);
  int16_t out[16];
  CHECK_EQ(hark_capture_read(&c, out, 4), 4); /* consumer frees 4: 8 used, 8 free */
  int16_t block[10];
  for (int i = 0; i < 10; i++) block[i] = seq++;
  CHECK_EQ(hark_capture_push(&c, block, 10), 8); /* 8 fit, 2 dropped */
  CHECK(hark_capture_overflowed(&c));
  CHECK_EQ(hark_capture_dropped(&c), 2);
  CHECK_EQ(c.overflows, 1);
  /* Latched: even after the consumer frees space, nothing more is stored until reset. */
  CHECK_EQ(hark_capture_read(&c, out, 4), 4);
  hark_capture_push1(&c, seq++);
  CHECK_EQ(hark_capture_push(&c, block, 3), 0);
  CHECK_EQ(hark_capture_dropped(&c), 6);
  CHECK_EQ(c.overflows, 1); /* one episode */
  /* What is left is exactly the contiguous samples 8..19: no hole. */
  uint16_t n = hark_capture_read(&c, out, 16);
  CHECK_EQ(n, 12);
  for (uint16_t i = 0; i < n; i++) CHECK_EQ(out[i], 8 + i);
  hark_capture_reset(&c);
  CHECK(!hark_capture_overflowed(&c));
  CHECK_EQ(hark_capture_dropped(&c), 0);
  hark_capture_push1(&c, 42);
  CHECK_EQ(hark_capture_available(&c), 1);
}

static void fill(int16_t *s, uint16_t n, int16_t amp) {
  for (uint16_t i = 0; i < n; i++) s[i] = (int16_t)((i & 8) ? amp : -amp);
}

static void test_vad_ends_after_speech_then_silence(void) {
  hark_vad_t v;
  hark_vad_init(&v, NULL);
  int16_t chunk[320];
  /* 400 ms of room noise: never speech, never an end. */
  for (int i = 0; i < 20; i++) {
    fill(chunk, 320, 60);
    CHECK_EQ(hark_vad_process(&v, chunk, 320, 20), HARK_VAD_SILENCE);
  }
  /* 200 ms of speech is not enough to end on silence (min_speech 300 ms)... */
  for (int i = 0; i < 10; i++) {
    fill(chunk, 320, 3000);
    CHECK_EQ(hark_vad_process(&v, chunk, 320, 20), HARK_VAD_SPEECH);
  }
  for (int i = 0; i < 50; i++) {
    fill(chunk, 320, 60);
    CHECK_EQ(hark_vad_process(&v, chunk, 320, 20), HARK_VAD_SILENCE);
  }
  /* ...another 200 ms makes it 400 ms; then 700 ms of silence ends the utterance. */
  for (int i = 0; i < 10; i++) {
    fill(chunk, 320, 3000);
    hark_vad_process(&v, chunk, 320, 20);
  }
  int end_at = -1;
  for (int i = 0; i < 60 && end_at < 0; i++) {
    fill(chunk, 320, 60);
    if (hark_vad_process(&v, chunk, 320, 20) == HARK_VAD_END) end_at = i;
  }
  CHECK_EQ(end_at, 34); /* the 35th silent chunk completes 700 ms */
  hark_vad_reset(&v);
  fill(chunk, 320, 60);
  CHECK_EQ(hark_vad_process(&v, chunk, 320, 20), HARK_VAD_SILENCE);
}

static void test_vad_adapts_to_loud_floor(void) {
  hark_vad_t v;
  hark_vad_init(&v, NULL);
  int16_t chunk[160];
  for (int i = 0; i < 100; i++) {
    fill(chunk, 160, 900); /* a fan: above min_level but steady */
    hark_vad_process(&v, chunk, 160, 20);
  }
  CHECK(v.floor > 700);
  fill(chunk, 160, 1200); /* barely louder than the fan: not speech */
  CHECK_EQ(hark_vad_process(&v, chunk, 160, 20), HARK_VAD_SILENCE);
  fill(chunk, 160, 6000);
  CHECK_EQ(hark_vad_process(&v, chunk, 160, 20), HARK_VAD_SPEECH);
}

static uint8_t emitted_pin;
static uint16_t emitted_value;
static int emitted;
static void emit(void *ctx, uint8_t pin, uint16_t value) {
  (void)ctx;
  emitted_pin = pin;
  emitted_value = value;
  emitted++;
}

static void test_gpio_table_checks_and_reports(void) {
  fake_reset();
  static const hark_gpio_info_t pins[] = {
      {4, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT},
      {5, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM},
      {15, HARK_GPIO_CAP_ANALOG},
  };
  hark_gpio_t g;
  hark_gpio_init(&g, pins, 3);
  CHECK_EQ(hark_gpio_mode(&g, 13, HARK_GPIO_OUTPUT), 6); /* not in the table (LED pin) */
  CHECK_EQ(hark_gpio_mode(&g, 4, HARK_GPIO_PWM), 6);     /* lacks PWM */
  CHECK_EQ(hark_gpio_mode(&g, 4, 9), 6);                 /* no such mode */
  CHECK_EQ(hark_gpio_mode(&g, 5, HARK_GPIO_PWM), 0);
  CHECK_EQ(fake.gpio_mode[5], HARK_GPIO_PWM);
  CHECK_EQ(hark_gpio_write(&g, 5, 300), 2); /* pwm is 0..255 */
  CHECK_EQ(hark_gpio_write(&g, 5, 128), 0);
  CHECK_EQ(fake.gpio_value[5], 128);
  uint16_t v = 0;
  CHECK_EQ(hark_gpio_read(&g, 5, &v), 0);
  CHECK_EQ(v, 128);
  CHECK_EQ(hark_gpio_write(&g, 4, 1), 0); /* unconfigured: becomes an output */
  CHECK_EQ(fake.gpio_mode[4], HARK_GPIO_OUTPUT);
  CHECK_EQ(hark_gpio_write(&g, 15, 1), 6); /* analog-only pin cannot be written */
  CHECK_EQ(hark_gpio_mode(&g, 4, HARK_GPIO_INPUT_PULLUP), 0);
  /* Digital report: one at once, then only on change. */
  fake.gpio_value[4] = 1;
  CHECK_EQ(hark_gpio_report(&g, 4, true, 0, 1000), 0);
  emitted = 0;
  hark_gpio_loop(&g, 1000, emit, NULL);
  CHECK_EQ(emitted, 1);
  CHECK_EQ(emitted_pin, 4);
  CHECK_EQ(emitted_value, 1);
  hark_gpio_loop(&g, 1001, emit, NULL);
  CHECK_EQ(emitted, 1);
  fake.gpio_value[4] = 0;
  hark_gpio_loop(&g, 1002, emit, NULL);
  CHECK_EQ(emitted, 2);
  CHECK_EQ(emitted_value, 0);
  /* Analog report every interval. */
  CHECK_EQ(hark_gpio_mode(&g, 15, HARK_GPIO_ANALOG), 0);
  fake.gpio_value[15] = 512;
  CHECK_EQ(hark_gpio_report(&g, 15, true, 50, 2000), 0);
  emitted = 0;
  for (uint32_t t = 2000; t < 2200; t++) hark_gpio_loop(&g, t, emit, NULL);
  CHECK_EQ(emitted, 4); /* 2000, 2050, 2100, 2150 */
  hark_gpio_reset(&g);
  emitted = 0;
  hark_gpio_loop(&g, 3000, emit, NULL);
  CHECK_EQ(emitted, 0);
}

int main(void) {
  RUN(test_ring_roundtrip_and_wrap);
  RUN(test_overflow_latches_and_never_leaves_a_hole);
  RUN(test_vad_ends_after_speech_then_silence);
  RUN(test_vad_adapts_to_loud_floor);
  RUN(test_gpio_table_checks_and_reports);
  HARK_TEST_MAIN_END();
}

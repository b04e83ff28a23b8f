/* test_led_tone.c — LED effect engine and tone sequencer, through the fake HAL. */
#include "fake_hal.h"
#include "hark_test.h"
#include "led/hark_led.h"
#include "tone/hark_tone.h"

HARK_TEST_GLOBALS;

static void render(hark_leds_t *l, uint8_t i, uint32_t t, uint8_t out[3]) { hark_led_render(l, i, t, out); }

static void test_solid_and_duration(void) {
  fake_reset();
  hark_leds_t l;
  hark_led_init(&l, 1, false);
  CHECK(hark_led_set(&l, 0, HARK_LED_SOLID, 10, 20, 30, 0, 500, 1000));
  hark_led_loop(&l, 1000);
  CHECK_EQ(fake.led[0][0], 10);
  CHECK_EQ(fake.led[0][2], 30);
  uint32_t shows = fake.led_shows;
  hark_led_loop(&l, 1200); /* unchanged: no HAL traffic */
  CHECK_EQ(fake.led_shows, shows);
  hark_led_loop(&l, 1500); /* duration over: off */
  CHECK_EQ(fake.led[0][0], 0);
  CHECK_EQ(fake.led[0][2], 0);
  CHECK_EQ(l.slot[0].effect, HARK_LED_OFF);
}

static void test_blink_and_pulse(void) {
  hark_leds_t l;
  uint8_t c[3];
  hark_led_init(&l, 1, false);
  hark_led_set(&l, 0, HARK_LED_BLINK, 255, 0, 0, 200, 0, 0);
  render(&l, 0, 50, c);
  CHECK_EQ(c[0], 255);
  render(&l, 0, 150, c);
  CHECK_EQ(c[0], 0);
  render(&l, 0, 250, c);
  CHECK_EQ(c[0], 255);
  hark_led_set(&l, 0, HARK_LED_PULSE, 0, 0, 200, 1000, 0, 0);
  render(&l, 0, 0, c);
  CHECK_EQ(c[2], 0);
  render(&l, 0, 250, c);
  CHECK(c[2] > 90 && c[2] < 110); /* half way up */
  render(&l, 0, 500, c);
  CHECK_EQ(c[2], 200); /* peak */
  render(&l, 0, 750, c);
  CHECK(c[2] > 90 && c[2] < 110);
  hark_led_set(&l, 0, HARK_LED_BLINK, 255, 0, 0, 0, 0, 0); /* period 0 = default 500 */
  render(&l, 0, 300, c);
  CHECK_EQ(c[0], 0);
}

static void test_spin_ring_and_mono(void) {
  hark_leds_t l;
  uint8_t c[3];
  hark_led_init(&l, 4, false);
  CHECK(hark_led_set(&l, HARK_LED_ALL, HARK_LED_SPIN, 0, 255, 0, 400, 0, 0));
  /* At t = 150 ms of a 400 ms cycle the head is LED 1, the tail LED 0. */
  render(&l, 1, 150, c);
  CHECK_EQ(c[1], 255);
  render(&l, 0, 150, c);
  CHECK_EQ(c[1], 64);
  render(&l, 2, 150, c);
  CHECK_EQ(c[1], 0);
  render(&l, 3, 350, c);
  CHECK_EQ(c[1], 255);
  CHECK(!hark_led_set(&l, 4, HARK_LED_SOLID, 1, 1, 1, 0, 0, 0)); /* no LED 4 */
  CHECK(!hark_led_set(&l, 0, 9, 1, 1, 1, 0, 0, 0));              /* no effect 9 */
  hark_leds_t m;
  hark_led_init(&m, 1, true);
  hark_led_set(&m, 0, HARK_LED_SOLID, 10, 200, 30, 0, 0, 0);
  render(&m, 0, 0, c);
  CHECK_EQ(c[0], 200);
  CHECK_EQ(c[1], 200);
  CHECK_EQ(c[2], 200);
}

static void test_tone_sequence(void) {
  fake_reset();
  hark_tone_seq_t t;
  hark_tone_init(&t);
  hark_tone_seq_step_t steps[3] = {{880, 100, 50}, {0, 50, 100}, {1320, 100, 100}};
  t.master_pct = 50;
  hark_tone_play(&t, steps, 3, 1000);
  CHECK_EQ(fake.tone_freq, 880);
  CHECK_EQ(fake.tone_volume, 25); /* 50 % of 50 % */
  CHECK(hark_tone_loop(&t, 1099));
  CHECK_EQ(fake.tone_freq, 880);
  CHECK(hark_tone_loop(&t, 1100));
  CHECK_EQ(fake.tone_freq, 0); /* rest */
  CHECK(hark_tone_loop(&t, 1150));
  CHECK_EQ(fake.tone_freq, 1320);
  CHECK(!hark_tone_loop(&t, 1250));
  CHECK_EQ(fake.tone_freq, 0);
  CHECK(!hark_tone_playing(&t));
  /* A late loop catches up without stretching the sequence. */
  hark_tone_play(&t, steps, 3, 2000);
  CHECK(!hark_tone_loop(&t, 2400));
  CHECK_EQ(fake.tone_freq, 0);
  /* A new sequence replaces a playing one. */
  hark_tone_play(&t, steps, 3, 3000);
  hark_tone_seq_step_t beep = {440, 30, 100};
  hark_tone_play(&t, &beep, 1, 3010);
  CHECK_EQ(fake.tone_freq, 440);
  CHECK(!hark_tone_loop(&t, 3040));
}

int main(void) {
  RUN(test_solid_and_duration);
  RUN(test_blink_and_pulse);
  RUN(test_spin_ring_and_mono);
  RUN(test_tone_sequence);
  HARK_TEST_MAIN_END();
}

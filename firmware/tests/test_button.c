/* test_button.c — debouncer and click / double / long detection against a fake clock. */
#include "button/hark_button.h"
#include "hark_test.h"

HARK_TEST_GLOBALS;

#define B(ev) HARK_BUTTON_BIT(HARK_BUTTON_##ev)

/* Drive the button with `level` from t to t+ms in 1 ms steps; OR together the events seen. */
static uint8_t hold(hark_btn_t *b, bool level, uint32_t *t, uint32_t ms) {
  uint8_t ev = 0;
  for (uint32_t i = 0; i < ms; i++) ev |= hark_button_update(b, level, (*t)++);
  return ev;
}

static void test_bounce_is_filtered(void) {
  hark_btn_t b;
  hark_button_init(&b, NULL);
  uint32_t t = 1000;
  uint8_t ev = 0;
  /* 20 ms of chatter shorter than the 25 ms debounce: nothing. */
  for (int i = 0; i < 10; i++) {
    ev |= hold(&b, true, &t, 1);
    ev |= hold(&b, false, &t, 1);
  }
  CHECK_EQ(ev, 0);
  CHECK(!hark_button_is_down(&b));
  ev = hold(&b, true, &t, 24);
  CHECK_EQ(ev, 0);
  ev = hold(&b, true, &t, 2);
  CHECK_EQ(ev, B(DOWN));
  CHECK(hark_button_is_down(&b));
}

static void test_click(void) {
  hark_btn_t b;
  hark_button_init(&b, NULL);
  uint32_t t = 0;
  CHECK_EQ(hold(&b, true, &t, 100), B(DOWN));
  CHECK_EQ(hold(&b, false, &t, 30), B(UP));
  /* The click is only known once the 300 ms double window has passed. */
  CHECK_EQ(hold(&b, false, &t, 250), 0);
  CHECK_EQ(hold(&b, false, &t, 100), B(CLICK));
  CHECK_EQ(hold(&b, false, &t, 1000), 0);
}

static void test_double(void) {
  hark_btn_t b;
  hark_button_init(&b, NULL);
  uint32_t t = 0;
  CHECK_EQ(hold(&b, true, &t, 80), B(DOWN));
  CHECK_EQ(hold(&b, false, &t, 150), B(UP));
  CHECK_EQ(hold(&b, true, &t, 80), B(DOWN));
  CHECK_EQ(hold(&b, false, &t, 30), B(UP) | B(DOUBLE));
  CHECK_EQ(hold(&b, false, &t, 1000), 0); /* no trailing CLICK */
}

static void test_long(void) {
  hark_btn_t b;
  hark_button_init(&b, NULL);
  uint32_t t = 0;
  CHECK_EQ(hold(&b, true, &t, 500), B(DOWN));
  CHECK(hark_button_held_ms(&b, t) >= 470);
  CHECK_EQ(hold(&b, true, &t, 400), B(LONG)); /* 825 ms after the debounced edge */
  CHECK_EQ(hold(&b, true, &t, 2000), 0);      /* once per hold */
  CHECK_EQ(hold(&b, false, &t, 30), B(UP));
  CHECK_EQ(hold(&b, false, &t, 1000), 0); /* a long press is not also a click */
}

static void test_slow_second_press_is_two_clicks(void) {
  hark_btn_t b;
  hark_button_init(&b, NULL);
  uint32_t t = 0;
  CHECK_EQ(hold(&b, true, &t, 80), B(DOWN));
  CHECK_EQ(hold(&b, false, &t, 400), B(UP) | B(CLICK));
  CHECK_EQ(hold(&b, true, &t, 80), B(DOWN));
  CHECK_EQ(hold(&b, false, &t, 400), B(UP) | B(CLICK));
}

static void test_custom_timing_and_wraparound(void) {
  hark_button_timing_t timing = {5, 100, 200};
  hark_btn_t b;
  hark_button_init(&b, &timing);
  uint32_t t = 0xFFFFFF00u; /* the millisecond clock wraps during this press */
  CHECK_EQ(hold(&b, true, &t, 10), B(DOWN));
  CHECK_EQ(hold(&b, true, &t, 300), B(LONG));
  CHECK_EQ(hold(&b, false, &t, 10), B(UP));
}

int main(void) {
  RUN(test_bounce_is_filtered);
  RUN(test_click);
  RUN(test_double);
  RUN(test_long);
  RUN(test_slow_second_press_is_two_clicks);
  RUN(test_custom_timing_and_wraparound);
  HARK_TEST_MAIN_END();
}

/* hark_button.c — see hark_button.h. */
#include "button/hark_button.h"

#include <stddef.h>

const uint8_t hark_button_event_order[5] = {HARK_BUTTON_DOWN, HARK_BUTTON_LONG, HARK_BUTTON_UP,
                                            HARK_BUTTON_CLICK, HARK_BUTTON_DOUBLE};

void hark_button_init(hark_btn_t *b, const hark_button_timing_t *timing) {
  static const hark_button_timing_t defaults = {25, 300, 800};
  b->timing = timing != NULL ? *timing : defaults;
  b->state = HARK_BUTTON_S_IDLE;
  b->raw = false;
  b->stable = false;
  b->raw_since_ms = 0;
  b->edge_ms = 0;
}

uint32_t hark_button_held_ms(const hark_btn_t *b, uint32_t now_ms) {
  return b->stable ? now_ms - b->edge_ms : 0;
}

uint8_t hark_button_update(hark_btn_t *b, bool raw_pressed, uint32_t now_ms) {
  uint8_t ev = 0;
  if (raw_pressed != b->raw) {
    b->raw = raw_pressed;
    b->raw_since_ms = now_ms;
  }
  /* Debounce: the stable level follows raw only once raw has held for debounce_ms. */
  if (b->raw != b->stable && (uint32_t)(now_ms - b->raw_since_ms) >= b->timing.debounce_ms) {
    b->stable = b->raw;
    b->edge_ms = now_ms;
    if (b->stable) {
      ev |= HARK_BUTTON_BIT(HARK_BUTTON_DOWN);
      b->state = b->state == HARK_BUTTON_S_WAIT_2ND ? HARK_BUTTON_S_PRESSED_2ND : HARK_BUTTON_S_PRESSED;
    } else {
      ev |= HARK_BUTTON_BIT(HARK_BUTTON_UP);
      if (b->state == HARK_BUTTON_S_PRESSED) {
        b->state = HARK_BUTTON_S_WAIT_2ND;
      } else if (b->state == HARK_BUTTON_S_PRESSED_2ND) {
        ev |= HARK_BUTTON_BIT(HARK_BUTTON_DOUBLE);
        b->state = HARK_BUTTON_S_IDLE;
      } else {
        b->state = HARK_BUTTON_S_IDLE; /* released after LONG: no click */
      }
    }
  }
  /* Long press: once per hold, whichever press of a pair it is (a held second press is a long
     press, not a double-click). */
  if ((b->state == HARK_BUTTON_S_PRESSED || b->state == HARK_BUTTON_S_PRESSED_2ND) &&
      (uint32_t)(now_ms - b->edge_ms) >= b->timing.long_ms) {
    ev |= HARK_BUTTON_BIT(HARK_BUTTON_LONG);
    b->state = HARK_BUTTON_S_LONG;
  }
  /* A single click is only known once the double-click window has passed (a second press still
     being debounced holds it open). */
  if (b->state == HARK_BUTTON_S_WAIT_2ND && !b->raw && (uint32_t)(now_ms - b->edge_ms) >= b->timing.double_ms) {
    ev |= HARK_BUTTON_BIT(HARK_BUTTON_CLICK);
    b->state = HARK_BUTTON_S_IDLE;
  }
  return ev;
}

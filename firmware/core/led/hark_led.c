/* hark_led.c — see hark_led.h. */
#include "led/hark_led.h"

#include "hark_hal.h"

void hark_led_init(hark_leds_t *l, uint8_t count, bool mono) {
  l->count = count > HARK_LED_MAX ? HARK_LED_MAX : count;
  l->mono = mono;
  l->fresh = true;
  for (uint8_t i = 0; i < HARK_LED_MAX; i++) {
    hark_led_slot_t *s = &l->slot[i];
    s->effect = HARK_LED_OFF;
    s->r = s->g = s->b = 0;
    s->period_ms = s->duration_ms = 0;
    s->start_ms = 0;
    l->shown[i][0] = l->shown[i][1] = l->shown[i][2] = 0;
  }
}

bool hark_led_set(hark_leds_t *l, uint8_t index, uint8_t effect, uint8_t r, uint8_t g, uint8_t b,
                  uint16_t period_ms, uint16_t duration_ms, uint32_t now_ms) {
  if (effect > HARK_LED_SPIN) return false;
  if (index != HARK_LED_ALL && index >= l->count) return false;
  uint8_t first = index == HARK_LED_ALL ? 0 : index;
  uint8_t last = index == HARK_LED_ALL ? l->count : (uint8_t)(index + 1);
  for (uint8_t i = first; i < last; i++) {
    hark_led_slot_t *s = &l->slot[i];
    s->effect = effect;
    s->r = r;
    s->g = g;
    s->b = b;
    s->period_ms = period_ms;
    s->duration_ms = duration_ms;
    s->start_ms = now_ms; /* one start for the whole ring keeps a spin coherent */
  }
  return true;
}

static uint16_t period_of(const hark_led_slot_t *s) {
  if (s->period_ms != 0) return s->period_ms;
  switch (s->effect) {
    case HARK_LED_BLINK: return HARK_LED_DEFAULT_BLINK_MS;
    case HARK_LED_PULSE: return HARK_LED_DEFAULT_PULSE_MS;
    default: return HARK_LED_DEFAULT_SPIN_MS;
  }
}

/* Triangle wave 0..255..0 over one period: cheap on an 8-bit MCU, looks like breathing. */
static uint8_t triangle(uint32_t t, uint16_t period) {
  uint32_t half = period / 2u;
  if (half == 0) return 255;
  uint32_t x = t < half ? t : (uint32_t)period - t;
  if (x > half) x = half;
  return (uint8_t)((x * 255u) / half);
}

static void scale(const hark_led_slot_t *s, uint8_t level, uint8_t rgb[3]) {
  rgb[0] = (uint8_t)(((uint16_t)s->r * level) / 255u);
  rgb[1] = (uint8_t)(((uint16_t)s->g * level) / 255u);
  rgb[2] = (uint8_t)(((uint16_t)s->b * level) / 255u);
}

void hark_led_render(const hark_leds_t *l, uint8_t index, uint32_t now_ms, uint8_t rgb[3]) {
  rgb[0] = rgb[1] = rgb[2] = 0;
  if (index >= l->count) return;
  const hark_led_slot_t *s = &l->slot[index];
  uint32_t elapsed = now_ms - s->start_ms;
  if (s->effect == HARK_LED_OFF) return;
  if (s->duration_ms != 0 && elapsed >= s->duration_ms) return;
  uint16_t period = period_of(s);
  uint32_t t = elapsed % period;
  uint8_t level = 255;
  switch (s->effect) {
    case HARK_LED_SOLID: break;
    case HARK_LED_BLINK: level = t < period / 2u ? 255 : 0; break;
    case HARK_LED_PULSE: level = triangle(t, period); break;
    case HARK_LED_SPIN: {
      if (l->count < 2) {
        level = triangle(t, period);
        break;
      }
      uint8_t head = (uint8_t)((t * l->count) / period);
      uint8_t tail = head == 0 ? (uint8_t)(l->count - 1) : (uint8_t)(head - 1);
      level = index == head ? 255 : index == tail ? 64 : 0;
      break;
    }
    default: level = 0; break;
  }
  scale(s, level, rgb);
  if (l->mono) {
    uint8_t m = rgb[0] > rgb[1] ? rgb[0] : rgb[1];
    if (rgb[2] > m) m = rgb[2];
    rgb[0] = rgb[1] = rgb[2] = m;
  }
}

uint8_t hark_led_loop(hark_leds_t *l, uint32_t now_ms) {
  uint8_t written = 0;
  for (uint8_t i = 0; i < l->count; i++) {
    hark_led_slot_t *s = &l->slot[i];
    if (s->effect != HARK_LED_OFF && s->duration_ms != 0 && now_ms - s->start_ms >= s->duration_ms) {
      s->effect = HARK_LED_OFF; /* the duration ran out: back to off until the host says more */
    }
    uint8_t rgb[3];
    hark_led_render(l, i, now_ms, rgb);
    if (l->fresh || rgb[0] != l->shown[i][0] || rgb[1] != l->shown[i][1] || rgb[2] != l->shown[i][2]) {
      hark_hal_led_write(i, rgb[0], rgb[1], rgb[2]);
      l->shown[i][0] = rgb[0];
      l->shown[i][1] = rgb[1];
      l->shown[i][2] = rgb[2];
      written++;
    }
  }
  if (written != 0) hark_hal_led_show();
  l->fresh = false;
  return written;
}

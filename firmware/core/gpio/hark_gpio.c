/* hark_gpio.c — see hark_gpio.h. */
#include "gpio/hark_gpio.h"

#include "hark_hal.h"

#define ERR_BAD_MESSAGE HARK_ERROR_BAD_MESSAGE
#define ERR_INVALID_PIN HARK_ERROR_GPIO_INVALID_PIN

static const uint8_t cap_for_mode[6] = {HARK_GPIO_CAP_INPUT, HARK_GPIO_CAP_OUTPUT, HARK_GPIO_CAP_ANALOG,
                                        HARK_GPIO_CAP_PWM,   HARK_GPIO_CAP_SERVO,  HARK_GPIO_CAP_INPUT};

void hark_gpio_init(hark_gpio_t *g, const hark_gpio_info_t *info, uint8_t count) {
  g->info = info;
  g->count = count > HARK_GPIO_MAX ? HARK_GPIO_MAX : count;
  hark_gpio_reset(g);
}

void hark_gpio_reset(hark_gpio_t *g) {
  g->next = 0;
  for (uint8_t i = 0; i < HARK_GPIO_MAX; i++) {
    g->pin[i].mode = HARK_GPIO_UNSET;
    g->pin[i].report = false;
    g->pin[i].interval_ms = 0;
    g->pin[i].last_value = 0;
    g->pin[i].last_ms = 0;
  }
}

static int8_t find(const hark_gpio_t *g, uint8_t pin) {
  for (uint8_t i = 0; i < g->count; i++) {
    if (g->info[i].pin == pin) return (int8_t)i;
  }
  return -1;
}

uint8_t hark_gpio_mode(hark_gpio_t *g, uint8_t pin, uint8_t mode) {
  int8_t i = find(g, pin);
  if (i < 0 || mode > HARK_GPIO_INPUT_PULLUP) return ERR_INVALID_PIN;
  if ((g->info[i].caps & cap_for_mode[mode]) == 0) return ERR_INVALID_PIN;
  g->pin[i].mode = mode;
  hark_hal_gpio_mode(pin, mode);
  return 0;
}

uint8_t hark_gpio_write(hark_gpio_t *g, uint8_t pin, uint16_t value) {
  int8_t i = find(g, pin);
  if (i < 0) return ERR_INVALID_PIN;
  uint8_t mode = g->pin[i].mode;
  if (mode == HARK_GPIO_UNSET) {
    /* Firmata habit: a write to an unconfigured output-capable pin makes it an output. */
    if (hark_gpio_mode(g, pin, HARK_GPIO_OUTPUT) != 0) return ERR_INVALID_PIN;
    mode = HARK_GPIO_OUTPUT;
  }
  if (mode != HARK_GPIO_OUTPUT && mode != HARK_GPIO_PWM && mode != HARK_GPIO_SERVO) return ERR_INVALID_PIN;
  if ((mode == HARK_GPIO_OUTPUT && value > 1) || (mode == HARK_GPIO_PWM && value > 255) ||
      (mode == HARK_GPIO_SERVO && value > 180)) {
    return ERR_BAD_MESSAGE;
  }
  hark_hal_gpio_write(pin, mode, value);
  g->pin[i].last_value = value;
  return 0;
}

static uint8_t read_mode(const hark_gpio_t *g, int8_t i) {
  uint8_t mode = g->pin[i].mode;
  if (mode != HARK_GPIO_UNSET) return mode;
  return (g->info[i].caps & HARK_GPIO_CAP_INPUT) ? HARK_GPIO_INPUT : HARK_GPIO_ANALOG;
}

uint8_t hark_gpio_read(hark_gpio_t *g, uint8_t pin, uint16_t *value) {
  int8_t i = find(g, pin);
  if (i < 0) return ERR_INVALID_PIN;
  uint8_t mode = read_mode(g, i);
  /* Outputs read back what was written (PWM duty, servo angle): reading the pin would lie. */
  *value = (mode == HARK_GPIO_PWM || mode == HARK_GPIO_SERVO) ? g->pin[i].last_value
                                                              : hark_hal_gpio_read(pin, mode);
  return 0;
}

uint8_t hark_gpio_report(hark_gpio_t *g, uint8_t pin, bool enable, uint16_t interval_ms, uint32_t now_ms) {
  int8_t i = find(g, pin);
  if (i < 0) return ERR_INVALID_PIN;
  hark_gpio_pin_t *p = &g->pin[i];
  p->report = enable;
  p->interval_ms = interval_ms;
  /* Force a first report at once so the host starts from the real level. */
  p->last_ms = (uint16_t)(now_ms - (interval_ms != 0 ? interval_ms : HARK_GPIO_DEFAULT_ANALOG_MS));
  p->last_value = 0xFFFF;
  return 0;
}

void hark_gpio_loop(hark_gpio_t *g, uint32_t now_ms, hark_gpio_emit_fn emit, void *ctx) {
  /* At most one report a call, and the search starts after the pin reported last, so every
     reporting pin gets its turn and a pass costs one frame however many pins report. */
  uint8_t i = g->next < g->count ? g->next : 0;
  for (uint8_t k = 0; k < g->count; k++, i = (uint8_t)(i + 1u == g->count ? 0u : i + 1u)) {
    /* (no % here: a division costs ~200 cycles on an ATmega, and this runs for every pin each pass) */
    hark_gpio_pin_t *p = &g->pin[i];
    if (!p->report) continue;
    uint8_t mode = read_mode(g, (int8_t)i);
    bool analog = mode == HARK_GPIO_ANALOG;
    uint16_t every = p->interval_ms != 0 ? p->interval_ms : (analog ? HARK_GPIO_DEFAULT_ANALOG_MS : 0);
    if ((uint16_t)((uint16_t)now_ms - p->last_ms) < every) continue;
    uint16_t v = hark_hal_gpio_read(g->info[i].pin, mode);
    if (analog || v != p->last_value) {
      p->last_value = v;
      p->last_ms = (uint16_t)now_ms;
      g->next = (uint8_t)(i + 1u == g->count ? 0u : i + 1u);
      emit(ctx, g->info[i].pin, v);
      return;
    }
  }
}

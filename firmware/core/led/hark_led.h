/*
 * hark_led.h — LED effect engine: off, solid, blink, pulse, spin, each with an optional duration.
 *
 * One slot per LED holds the effect the host asked for (SPEC §4.4). hark_led_loop renders every
 * LED for the current time and writes only the LEDs whose colour changed, then calls show once.
 * Works for a single GPIO LED (mono: level = brightest channel) and for WS2812 strips/rings.
 * Spin on a ring lights one LED that travels around it once per period with a dim tail; on a
 * single LED it pulses (a spin needs at least two LEDs to be visible as one).
 */
#ifndef HARK_LED_H
#define HARK_LED_H

#include <stdbool.h>
#include <stdint.h>

#include "hark_config.h"
#include "hark_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif


#define HARK_LED_OFF 0
#define HARK_LED_SOLID 1
#define HARK_LED_BLINK 2
#define HARK_LED_PULSE 3
#define HARK_LED_SPIN 4

#define HARK_LED_DEFAULT_BLINK_MS 500
#define HARK_LED_DEFAULT_PULSE_MS 1500
#define HARK_LED_DEFAULT_SPIN_MS 1000

typedef struct {
  uint8_t effect;
  uint8_t r, g, b;
  uint16_t period_ms;   /**< cycle; 0 = the effect's default */
  uint16_t duration_ms; /**< 0 = until changed; then the LED returns to off */
  uint32_t start_ms;
} hark_led_slot_t;

typedef struct {
  hark_led_slot_t slot[HARK_LED_MAX];
  uint8_t shown[HARK_LED_MAX][3]; /**< last colours written to the HAL */
  uint8_t count;
  bool mono;  /**< a single-colour LED: r = g = b = brightest channel */
  bool fresh; /**< force a full write on the next loop */
} hark_leds_t;

/** count LEDs (clamped to HARK_LED_MAX), mono for GPIO single-colour LEDs. All start off. */
void hark_led_init(hark_leds_t *l, uint8_t count, bool mono);
/** Apply an LED message at now_ms. index HARK_LED_ALL = every LED (a spin then runs around the
 *  ring). Returns false when index names no LED or effect is unknown (nothing changes). */
bool hark_led_set(hark_leds_t *l, uint8_t index, uint8_t effect, uint8_t r, uint8_t g, uint8_t b,
                  uint16_t period_ms, uint16_t duration_ms, uint32_t now_ms);
/** Colour of LED index at now_ms (pure; used by the loop and the tests). */
void hark_led_render(const hark_leds_t *l, uint8_t index, uint32_t now_ms, uint8_t rgb[3]);
/** Expire finished effects, render, write changed LEDs through the HAL; returns LEDs written. */
uint8_t hark_led_loop(hark_leds_t *l, uint32_t now_ms);

#ifdef __cplusplus
}
#endif
#endif

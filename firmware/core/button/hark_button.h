/*
 * hark_button.h — debouncer with click / double-click / long-press detection.
 *
 * A pure state machine over (raw level, time): it owns no pin and no clock, so the unit tests
 * drive it with a fake clock. Feed it every loop; it returns a bitmask of the events that
 * happened in that call (HARK_BUTTON_BIT(ev)). Deliver them in hark_button_event_order.
 *
 *   raw ──debounce──► stable press ──► DOWN ──(held ≥ long_ms)──► LONG ──release──► UP
 *                                   └─release──► UP ─┬─(2nd press within double_ms)──► ... UP, DOUBLE
 *                                                    └─(window passes)──► CLICK
 *
 * Example:
 *   hark_btn_t b; hark_button_init(&b, NULL);
 *   uint8_t ev = hark_button_update(&b, hal_pressed, now_ms);
 *   if (ev & HARK_BUTTON_BIT(HARK_BUTTON_CLICK)) ...
 */
#ifndef HARK_BUTTON_H
#define HARK_BUTTON_H

#include <stdbool.h>
#include <stdint.h>

#include "hark_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Event numbers are the wire's BUTTON.event values: HARK_BUTTON_DOWN .. HARK_BUTTON_LONG. */
#define HARK_BUTTON_BIT(ev) ((uint8_t)(1u << (ev)))

/** Order in which events reported by one update happened. */
extern const uint8_t hark_button_event_order[5];

/** Timing, all in milliseconds. */
typedef struct {
  uint16_t debounce_ms; /**< raw level must hold this long to count; default 25 */
  uint16_t double_ms;   /**< max gap between release and second press for DOUBLE; default 300 */
  uint16_t long_ms;     /**< hold time for LONG; default 800 */
} hark_button_timing_t;

typedef enum {
  HARK_BUTTON_S_IDLE = 0,   /**< released, nothing pending */
  HARK_BUTTON_S_PRESSED,    /**< first press held */
  HARK_BUTTON_S_LONG,       /**< held past long_ms (LONG sent) */
  HARK_BUTTON_S_WAIT_2ND,   /**< released after a short press, waiting for a second one */
  HARK_BUTTON_S_PRESSED_2ND /**< second press held */
} hark_button_state_t;

typedef struct {
  hark_button_timing_t timing;
  uint8_t state;         /**< hark_button_state_t */
  bool raw;              /**< last raw level seen */
  bool stable;           /**< debounced level */
  uint32_t raw_since_ms; /**< when raw last changed */
  uint32_t edge_ms;      /**< when stable last changed */
} hark_btn_t;

/** Reset to released. timing NULL = defaults. */
void hark_button_init(hark_btn_t *b, const hark_button_timing_t *timing);
/** Advance with the raw level at now_ms; returns the events of this step as a bitmask. */
uint8_t hark_button_update(hark_btn_t *b, bool raw_pressed, uint32_t now_ms);
/** Debounced level: true while pressed. */
static inline bool hark_button_is_down(const hark_btn_t *b) { return b->stable; }
/** Milliseconds the button has been down (0 when up). */
uint32_t hark_button_held_ms(const hark_btn_t *b, uint32_t now_ms);

#ifdef __cplusplus
}
#endif
#endif

/*
 * hark_gpio.h — GPIO commands for the host's johnny-five IO plugin (SPEC §3 GPIO_*).
 *
 * The board layer declares which pins the host may use and what each can do (the same table
 * goes out in HELLO.gpio[]); pins wired to the mic, LED, button or speaker are simply not in it.
 * Every message is checked against that table before the HAL is touched, so a host bug cannot
 * reconfigure the microphone pin. Reports: digital pins on change (sampled every loop, at most
 * every interval_ms), analog pins every interval_ms.
 */
#ifndef HARK_GPIO_H
#define HARK_GPIO_H

#include <stdbool.h>
#include <stdint.h>

#include "hark_config.h"
#include "hark_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif



#define HARK_GPIO_INPUT 0
#define HARK_GPIO_OUTPUT 1
#define HARK_GPIO_ANALOG 2
#define HARK_GPIO_PWM 3
#define HARK_GPIO_SERVO 4
#define HARK_GPIO_INPUT_PULLUP 5
#define HARK_GPIO_UNSET 0xFF

#define HARK_GPIO_DEFAULT_ANALOG_MS 100

/** One usable pin: number as the host names it (Arduino / GPIO number) and caps bits. */
typedef struct {
  uint8_t pin;
  uint8_t caps;
} hark_gpio_info_t;

typedef struct {
  uint8_t mode; /**< HARK_GPIO_UNSET until GPIO_MODE */
  bool report;
  uint16_t interval_ms;
  uint16_t last_value;
  uint16_t last_ms; /**< low 16 bits of the clock at the last report: intervals are < 65536 ms */
} hark_gpio_pin_t;

typedef struct {
  const hark_gpio_info_t *info;
  uint8_t count;
  uint8_t next; /**< where the next report search starts (round robin) */
  hark_gpio_pin_t pin[HARK_GPIO_MAX];
} hark_gpio_t;

/** Called for each GPIO_STATE to send. */
typedef void (*hark_gpio_emit_fn)(void *ctx, uint8_t pin, uint16_t value);

/** info must outlive g (board tables are static const). */
void hark_gpio_init(hark_gpio_t *g, const hark_gpio_info_t *info, uint8_t count);
/** Host reconnected: reports off, modes forgotten (pins left as they are). */
void hark_gpio_reset(hark_gpio_t *g);
/* Each returns 0 or a protocol error code (6 GPIO_INVALID_PIN, 2 BAD_MESSAGE). */
uint8_t hark_gpio_mode(hark_gpio_t *g, uint8_t pin, uint8_t mode);
uint8_t hark_gpio_write(hark_gpio_t *g, uint8_t pin, uint16_t value);
uint8_t hark_gpio_read(hark_gpio_t *g, uint8_t pin, uint16_t *value);
uint8_t hark_gpio_report(hark_gpio_t *g, uint8_t pin, bool enable, uint16_t interval_ms, uint32_t now_ms);
/** Sample reporting pins; emit at most one state (a change, or an elapsed analog interval) per call,
 *  taking the pins in turn. */
void hark_gpio_loop(hark_gpio_t *g, uint32_t now_ms, hark_gpio_emit_fn emit, void *ctx);

#ifdef __cplusplus
}
#endif
#endif

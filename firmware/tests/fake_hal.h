/* fake_hal.h — an in-memory HAL for the core's unit tests: a settable clock, a captured serial
 * transmit buffer, an injectable receive buffer, and records of LED, tone, speaker and GPIO calls. */
#ifndef FAKE_HAL_H
#define FAKE_HAL_H

#include <stdbool.h>
#include <stdint.h>

#define FAKE_TX_MAX 65536
#define FAKE_RX_MAX 8192

typedef struct {
  uint32_t now_ms;
  uint32_t ms_per_read; /* >0: every hark_hal_millis() call advances the clock (time passes inside a loop) */
  uint8_t tx[FAKE_TX_MAX];
  uint32_t tx_len;
  uint16_t tx_room;       /* what serial_tx_room reports */
  uint8_t rx[FAKE_RX_MAX];
  uint32_t rx_len, rx_pos;
  uint16_t rx_lost; /* what hark_hal_serial_rx_lost reports */
  bool button[4];
  uint8_t led[16][3];
  uint32_t led_writes, led_shows;
  uint16_t tone_freq;
  uint8_t tone_volume;
  uint32_t tone_calls;
  uint32_t speaker_rate;
  uint16_t speaker_room;
  uint32_t speaker_samples;
  int16_t speaker_last;
  bool mic_on;
  uint8_t gpio_mode[64];
  uint16_t gpio_value[64];
  uint32_t irq_depth_errors;
} fake_hal_t;

extern fake_hal_t fake;
void fake_reset(void);
void fake_rx_append(const uint8_t *data, uint32_t len);

#endif

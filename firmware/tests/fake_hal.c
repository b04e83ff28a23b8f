/* fake_hal.c — see fake_hal.h. */
#include "fake_hal.h"

#include <string.h>

#include "hark_hal.h"

fake_hal_t fake;
static int irq_depth;

void fake_reset(void) {
  memset(&fake, 0, sizeof fake);
  fake.tx_room = 0xFFFF;
  irq_depth = 0;
}

void fake_rx_append(const uint8_t *data, uint32_t len) {
  if (fake.rx_pos == fake.rx_len) fake.rx_pos = fake.rx_len = 0;
  memcpy(fake.rx + fake.rx_len, data, len);
  fake.rx_len += len;
}

uint32_t hark_hal_millis(void) {
  fake.now_ms += fake.ms_per_read;
  return fake.now_ms;
}
void hark_hal_irq_lock(void) {
  if (irq_depth++ != 0) fake.irq_depth_errors++;
}
void hark_hal_irq_unlock(void) {
  if (--irq_depth != 0) fake.irq_depth_errors++;
}
uint16_t hark_hal_serial_read(uint8_t *dst, uint16_t max) {
  uint32_t n = fake.rx_len - fake.rx_pos;
  if (n > max) n = max;
  memcpy(dst, fake.rx + fake.rx_pos, n);
  fake.rx_pos += n;
  return (uint16_t)n;
}
uint16_t hark_hal_serial_rx_lost(void) { return fake.rx_lost; }
uint16_t hark_hal_serial_tx_room(void) { return fake.tx_room; }
void hark_hal_serial_write(const uint8_t *src, uint16_t len) {
  if (fake.tx_len + len > FAKE_TX_MAX) fake.tx_len = 0; /* tests drain before this */
  memcpy(fake.tx + fake.tx_len, src, len);
  fake.tx_len += len;
}
bool hark_hal_button_pressed(uint8_t id) { return id < 4 && fake.button[id]; }
void hark_hal_led_write(uint8_t index, uint8_t r, uint8_t g, uint8_t b) {
  fake.led[index & 15][0] = r;
  fake.led[index & 15][1] = g;
  fake.led[index & 15][2] = b;
  fake.led_writes++;
}
void hark_hal_led_show(void) { fake.led_shows++; }
void hark_hal_tone(uint16_t freq_hz, uint8_t volume_pct) {
  fake.tone_freq = freq_hz;
  fake.tone_volume = volume_pct;
  fake.tone_calls++;
}
void hark_hal_speaker_open(uint32_t sample_rate_hz) { fake.speaker_rate = sample_rate_hz; }
uint16_t hark_hal_speaker_room(void) { return fake.speaker_room; }
void hark_hal_speaker_write(const int16_t *samples, uint16_t n) {
  fake.speaker_samples += n;
  if (n > 0) fake.speaker_last = samples[n - 1];
  fake.speaker_room = (uint16_t)(fake.speaker_room - n);
}
void hark_hal_mic_enable(bool on) { fake.mic_on = on; }
void hark_hal_mic_poll(void) {}
void hark_hal_gpio_mode(uint8_t pin, uint8_t mode) { fake.gpio_mode[pin & 63] = mode; }
void hark_hal_gpio_write(uint8_t pin, uint8_t mode, uint16_t value) {
  (void)mode;
  fake.gpio_value[pin & 63] = value;
}
uint16_t hark_hal_gpio_read(uint8_t pin, uint8_t mode) {
  (void)mode;
  return fake.gpio_value[pin & 63];
}
void hark_hal_debug(uint8_t level, const char *text) {
  (void)level;
  (void)text;
}

/* Board layer hook the device needs for HELLO. */
const char *hark_board_uid(void) { return "test-uid-1"; }

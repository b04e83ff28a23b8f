/* esp32_wrong_calls.cpp — proof that the ESP32 stand-ins (tests/esp32_stubs/) are strict: built with
 * -DWRONG=n, each n is one call the real Arduino-ESP32 2.0.x / ESP-IDF 4.4 headers reject, and it must
 * fail to compile here too; -DWRONG=0 is the same code written correctly and must compile.
 * test/firmware/esp32-check.test.ts runs every case (make esp32-wrong-call WRONG=n). */
#include <Arduino.h>
#include <driver/i2s.h>

#ifndef WRONG
#define WRONG 0
#endif

void esp32_wrong_calls(void);
void esp32_wrong_calls(void) {
  i2s_config_t cfg = {};
  i2s_pin_config_t pins = {I2S_PIN_NO_CHANGE, 26, 25, I2S_PIN_NO_CHANGE, 33};
#if WRONG == 1 /* ESP-IDF 5's two-argument install */
  (void)i2s_driver_install(I2S_NUM_0, &cfg);
#else
  (void)i2s_driver_install(I2S_NUM_0, &cfg, 0, NULL);
#endif
#if WRONG == 2 /* Arduino-ESP32 3.x's LEDC API */
  (void)ledcAttach(18, 5000, 8);
#else
  (void)ledcSetup(0, 5000, 8);
  ledcAttachPin(18, 0);
#endif
#if WRONG == 3 /* a port as a bare number */
  (void)i2s_set_pin(0, &pins);
#else
  (void)i2s_set_pin(I2S_NUM_0, &pins);
#endif
#if WRONG == 4 /* ESP-IDF 5's name for the DMA buffer count */
  cfg.dma_desc_num = 8;
#else
  cfg.dma_buf_count = 8;
#endif
#if WRONG == 5 /* a pin field that does not exist (MCLK is mck_io_num) */
  pins.mclk_io_num = I2S_PIN_NO_CHANGE;
#else
  pins.mck_io_num = I2S_PIN_NO_CHANGE;
#endif
#if WRONG == 6 /* HardwareSerial::begin has no default baud rate (HWCDC's has) */
  Serial.begin();
#else
  Serial.begin(921600);
#endif
}

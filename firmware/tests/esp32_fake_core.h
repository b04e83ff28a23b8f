/* esp32_fake_core.h — what the recording fake of the ESP32 SDK (esp32_fake_core.cpp) saw. */
#ifndef ESP32_FAKE_CORE_H
#define ESP32_FAKE_CORE_H

#include <Arduino.h>
#include <driver/i2s.h>

#define ESP32_FAKE_MAX_CALLS 16
enum { ESP32_FAKE_RX_BUFFER = 1, ESP32_FAKE_TX_BUFFER = 2, ESP32_FAKE_BEGIN = 3 };

typedef struct {
  bool installed;
  int installs;
  i2s_config_t cfg;
  i2s_pin_config_t pins;
  uint32_t writes, samples_written, largest_write_samples;
} esp32_fake_i2s_t;

typedef struct {
  /* Serial calls in order: ESP32_FAKE_* and their argument */
  int serial_call[ESP32_FAKE_MAX_CALLS];
  size_t serial_value[ESP32_FAKE_MAX_CALLS];
  int serial_calls;
  OnReceiveErrorCb on_receive_error;
  esp32_fake_i2s_t i2s[2];
  bool fail_install, fail_set_pin; /* make the next driver calls fail */
  uint8_t pin_mode[64], pin_level[64];
  int8_t ledc_channel_of_pin[64];
  uint32_t ledc_freq[16], ledc_duty[16];
  uint8_t ledc_bits[16];
  int ledc_detaches;
} esp32_fake_t;

extern esp32_fake_t esp32_fake;

/* The board layer's Arduino entry points. */
void setup();
void loop();

#endif

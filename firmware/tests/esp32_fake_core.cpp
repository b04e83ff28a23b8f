/* esp32_fake_core.cpp — a recording fake of the Arduino-ESP32 2.0.x / ESP-IDF 4.4 calls that
 * firmware/boards/esp32/esp32_board.cpp makes, implementing exactly the declarations of the stand-ins
 * in tests/esp32_stubs/. A mock, because no ESP32 runs here: it lets test_esp32_layer.cpp run the real
 * board layer (and the real core behind it) on the host and check what it asks of the SDK — pins,
 * DMA sizes, LEDC channels, the order of Serial calls, and what it does when a driver call fails.
 * Serial's bytes go through the fake_hal_t buffers, so host_sim.c plays the host as in test_device. */
#include "esp32_fake_core.h"

#include <Adafruit_NeoPixel.h>
#include <Arduino.h>
#include <driver/i2s.h>

extern "C" {
#include "fake_hal.h"
}

fake_hal_t fake;
esp32_fake_t esp32_fake;

extern "C" void fake_rx_append(const uint8_t *data, uint32_t len) {
  if (fake.rx_pos == fake.rx_len) fake.rx_pos = fake.rx_len = 0;
  memcpy(fake.rx + fake.rx_len, data, len);
  fake.rx_len += len;
}

static int serial_available() { return (int)(fake.rx_len - fake.rx_pos); }
static size_t serial_read(uint8_t *buffer, size_t size) {
  size_t n = (size_t)serial_available();
  if (n > size) n = size;
  memcpy(buffer, fake.rx + fake.rx_pos, n);
  fake.rx_pos += (uint32_t)n;
  return n;
}
static size_t serial_write(const uint8_t *buffer, size_t size) {
  if (fake.tx_len + size > FAKE_TX_MAX) fake.tx_len = 0;
  memcpy(fake.tx + fake.tx_len, buffer, size);
  fake.tx_len += (uint32_t)size;
  return size;
}
static void serial_call(int what, size_t value) {
  esp32_fake_t &f = esp32_fake;
  if (f.serial_calls < ESP32_FAKE_MAX_CALLS) {
    f.serial_call[f.serial_calls] = what;
    f.serial_value[f.serial_calls] = value;
    f.serial_calls++;
  }
}

/* ---- Arduino core ---------------------------------------------------------------------------- */
extern "C" {
void pinMode(uint8_t pin, uint8_t mode) { esp32_fake.pin_mode[pin & 63u] = mode; }
void digitalWrite(uint8_t pin, uint8_t val) { esp32_fake.pin_level[pin & 63u] = val; }
int digitalRead(uint8_t pin) { return esp32_fake.pin_level[pin & 63u]; }
uint16_t analogRead(uint8_t pin) { return (uint16_t)(pin * 16u); }
unsigned long millis(void) { return fake.now_ms; }
uint32_t ledcSetup(uint8_t channel, uint32_t freq, uint8_t resolution_bits) {
  esp32_fake.ledc_freq[channel & 15u] = freq;
  esp32_fake.ledc_bits[channel & 15u] = resolution_bits;
  return freq;
}
void ledcWrite(uint8_t channel, uint32_t duty) { esp32_fake.ledc_duty[channel & 15u] = duty; }
void ledcAttachPin(uint8_t pin, uint8_t channel) { esp32_fake.ledc_channel_of_pin[pin & 63u] = (int8_t)channel; }
void ledcDetachPin(uint8_t pin) {
  esp32_fake.ledc_channel_of_pin[pin & 63u] = -1;
  esp32_fake.ledc_detaches++;
}

/* ---- ESP-IDF 4.4 I2S ------------------------------------------------------------------------- */
esp_err_t i2s_set_pin(i2s_port_t i2s_num, const i2s_pin_config_t *pin) {
  esp32_fake.i2s[i2s_num].pins = *pin;
  return esp32_fake.fail_set_pin ? ESP_FAIL : ESP_OK;
}
esp_err_t i2s_driver_install(i2s_port_t i2s_num, const i2s_config_t *i2s_config, int queue_size, void *i2s_queue) {
  (void)queue_size;
  (void)i2s_queue;
  esp32_fake.i2s[i2s_num].installs++;
  if (esp32_fake.fail_install) return ESP_FAIL;
  esp32_fake.i2s[i2s_num].installed = true;
  esp32_fake.i2s[i2s_num].cfg = *i2s_config;
  return ESP_OK;
}
esp_err_t i2s_driver_uninstall(i2s_port_t i2s_num) {
  esp32_fake.i2s[i2s_num].installed = false;
  return ESP_OK;
}
esp_err_t i2s_write(i2s_port_t i2s_num, const void *src, size_t size, size_t *bytes_written, TickType_t ticks_to_wait) {
  (void)src;
  (void)ticks_to_wait;
  esp32_fake_i2s_t &p = esp32_fake.i2s[i2s_num];
  if (p.writes == 0 || size / 2u > p.largest_write_samples) p.largest_write_samples = (uint32_t)(size / 2u);
  p.writes++;
  p.samples_written += size / 2u;
  *bytes_written = size;
  return ESP_OK;
}
esp_err_t i2s_read(i2s_port_t i2s_num, void *dest, size_t size, size_t *bytes_read, TickType_t ticks_to_wait) {
  (void)i2s_num;
  (void)dest;
  (void)size;
  (void)ticks_to_wait;
  *bytes_read = 0;
  return ESP_OK;
}
esp_err_t i2s_set_sample_rates(i2s_port_t i2s_num, uint32_t rate) {
  esp32_fake.i2s[i2s_num].cfg.sample_rate = rate;
  return ESP_OK;
}
esp_err_t i2s_zero_dma_buffer(i2s_port_t i2s_num) {
  (void)i2s_num;
  return ESP_OK;
}
}

/* ---- Serial ---------------------------------------------------------------------------------- */
HardwareSerial::HardwareSerial(int uart_nr) { (void)uart_nr; }
void HardwareSerial::onReceiveError(OnReceiveErrorCb function) { esp32_fake.on_receive_error = function; }
void HardwareSerial::begin(unsigned long baud, uint32_t, int8_t, int8_t, bool, unsigned long, uint8_t) {
  serial_call(ESP32_FAKE_BEGIN, baud);
}
int HardwareSerial::available(void) { return serial_available(); }
int HardwareSerial::availableForWrite(void) { return 8192; }
size_t HardwareSerial::read(uint8_t *buffer, size_t size) { return serial_read(buffer, size); }
size_t HardwareSerial::write(const uint8_t *buffer, size_t size) { return serial_write(buffer, size); }
size_t HardwareSerial::setRxBufferSize(size_t n) {
  serial_call(ESP32_FAKE_RX_BUFFER, n);
  return n;
}
size_t HardwareSerial::setTxBufferSize(size_t n) {
  serial_call(ESP32_FAKE_TX_BUFFER, n);
  return n;
}
HWCDC::HWCDC() {}
size_t HWCDC::setRxBufferSize(size_t n) {
  serial_call(ESP32_FAKE_RX_BUFFER, n);
  return n;
}
size_t HWCDC::setTxBufferSize(size_t n) {
  serial_call(ESP32_FAKE_TX_BUFFER, n);
  return n;
}
void HWCDC::begin(unsigned long baud) { serial_call(ESP32_FAKE_BEGIN, baud); }
int HWCDC::available(void) { return serial_available(); }
int HWCDC::availableForWrite(void) { return 8192; }
size_t HWCDC::read(uint8_t *buffer, size_t size) { return serial_read(buffer, size); }
size_t HWCDC::write(const uint8_t *buffer, size_t size) { return serial_write(buffer, size); }
#if ARDUINO_USB_MODE && ARDUINO_USB_CDC_ON_BOOT
HWCDC Serial;
#else
HardwareSerial Serial(0);
#endif

uint64_t EspClass::getEfuseMac() { return 0x0000A1B2C3D4E5F6ull; }
EspClass ESP;

Adafruit_NeoPixel::Adafruit_NeoPixel(uint16_t n, int16_t pin, neoPixelType type) {
  (void)n;
  (void)pin;
  (void)type;
}
void Adafruit_NeoPixel::begin(void) {}
void Adafruit_NeoPixel::show(void) {}
void Adafruit_NeoPixel::clear(void) {}
void Adafruit_NeoPixel::setPixelColor(uint16_t n, uint8_t r, uint8_t g, uint8_t b) {
  (void)n;
  (void)r;
  (void)g;
  (void)b;
}

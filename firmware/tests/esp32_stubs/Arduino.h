/* Arduino.h — DECLARATIONS ONLY: a stand-in for the Arduino-ESP32 2.0.x core (PlatformIO espressif32
 * 6.x), so that `make esp32-check` (test/firmware/esp32-check.test.ts) type-checks
 * firmware/boards/esp32/ here, where no ESP32 toolchain exists. Nothing is linked or run against it.
 *
 * Every declaration is transcribed from the real header named above it, with the signature that
 * header has in Arduino-ESP32 2.0.x (checked against 2.0.14), and only the declarations the board
 * layer uses: a call with the wrong arguments, or of an API from another major version (3.x's
 * ledcAttach, say), fails to compile here as it would on the real core. test/firmware/esp32-check
 * compiles deliberately wrong calls and expects each to fail. Keep it that way: add a declaration
 * only by copying its signature from the real 2.0.x header, and name that header. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <functional>

/* cores/esp32/esp32-hal-gpio.h (2.0.x) */
#define LOW 0x0
#define HIGH 0x1
#define INPUT 0x01
#define OUTPUT 0x03
#define INPUT_PULLUP 0x05
extern "C" {
void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t val);
int digitalRead(uint8_t pin);

/* cores/esp32/esp32-hal-adc.h (2.0.x) */
uint16_t analogRead(uint8_t pin);

/* cores/esp32/esp32-hal.h (2.0.x) */
unsigned long millis(void);

/* cores/esp32/esp32-hal-ledc.h (2.0.x; docs/source/api/ledc.rst of 2.0.14). Channel c uses timer
 * (c / 2) % 4 of group c / 8 (esp32-hal-ledc.c): channels 2k and 2k + 1 share one timer. */
uint32_t ledcSetup(uint8_t channel, uint32_t freq, uint8_t resolution_bits);
void ledcWrite(uint8_t channel, uint32_t duty);
void ledcAttachPin(uint8_t pin, uint8_t channel);
void ledcDetachPin(uint8_t pin);
}

/* cores/esp32/HardwareSerial.h (2.0.x) */
#define SERIAL_8N1 0x800001c
typedef enum {
  UART_BREAK_ERROR,
  UART_BUFFER_FULL_ERROR,
  UART_FIFO_OVF_ERROR,
  UART_FRAME_ERROR,
  UART_PARITY_ERROR
} hardwareSerial_error_t;
typedef std::function<void(hardwareSerial_error_t)> OnReceiveErrorCb;
class HardwareSerial {
 public:
  explicit HardwareSerial(int uart_nr);
  void onReceiveError(OnReceiveErrorCb function);
  void begin(unsigned long baud, uint32_t config = SERIAL_8N1, int8_t rxPin = -1, int8_t txPin = -1,
             bool invert = false, unsigned long timeout_ms = 20000UL, uint8_t rxfifo_full_thrhd = 112);
  int available(void);
  int availableForWrite(void);
  size_t read(uint8_t *buffer, size_t size);
  size_t write(const uint8_t *buffer, size_t size);
  size_t setRxBufferSize(size_t new_size);
  size_t setTxBufferSize(size_t new_size);
};

/* cores/esp32/HWCDC.h (2.0.x): the ESP32-S3's USB Serial/JTAG port. With ARDUINO_USB_MODE=1 and
 * ARDUINO_USB_CDC_ON_BOOT=1 (platformio.ini, env esp32-s3-devkitc-1) `Serial` is this class. Its TX
 * ring buffer is 256 bytes unless setTxBufferSize() runs before begin(). */
class HWCDC {
 public:
  HWCDC();
  size_t setRxBufferSize(size_t);
  size_t setTxBufferSize(size_t);
  void begin(unsigned long baud = 0);
  int available(void);
  int availableForWrite(void);
  size_t read(uint8_t *buffer, size_t size);
  size_t write(const uint8_t *buffer, size_t size);
};

#if ARDUINO_USB_MODE && ARDUINO_USB_CDC_ON_BOOT
extern HWCDC Serial; /* HWCDC.h */
#else
extern HardwareSerial Serial; /* HardwareSerial.h */
#endif

/* cores/esp32/Esp.h (2.0.x) */
class EspClass {
 public:
  uint64_t getEfuseMac();
};
extern EspClass ESP;

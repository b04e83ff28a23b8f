/* Arduino.h — DECLARATIONS ONLY, a stand-in for Arduino-ESP32 2.0.x so that
 * test/firmware/esp32-syntax.test.ts can type-check firmware/boards/esp32/ here, where no ESP32
 * toolchain exists. Nothing is linked or run against it; signatures follow Arduino-ESP32 2.0.14. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#define HIGH 1
#define LOW 0
#define INPUT 0x01
#define OUTPUT 0x03
#define INPUT_PULLUP 0x05
void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t val);
int digitalRead(uint8_t pin);
uint16_t analogRead(uint8_t pin);
unsigned long millis(void);
uint32_t ledcSetup(uint8_t channel, uint32_t freq, uint8_t resolution_bits);
void ledcAttachPin(uint8_t pin, uint8_t channel);
void ledcWrite(uint8_t channel, uint32_t duty);
class HardwareSerial {
 public:
  void begin(unsigned long baud);
  size_t setRxBufferSize(size_t);
  size_t setTxBufferSize(size_t);
  int available(void);
  int availableForWrite(void);
  size_t read(uint8_t *buffer, size_t size);
  size_t write(const uint8_t *buffer, size_t size);
};
extern HardwareSerial Serial;
class EspClass {
 public:
  uint64_t getEfuseMac(void);
};
extern EspClass ESP;

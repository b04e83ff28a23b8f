/* Adafruit_NeoPixel.h — DECLARATIONS ONLY (see Arduino.h in this folder), transcribed from
 * Adafruit_NeoPixel.h of the Adafruit NeoPixel library 1.12 (platformio.ini: ^1.12.0). */
#pragma once
#include <stdint.h>
#define NEO_GRB ((1 << 6) | (1 << 4) | (0 << 2) | (2))
#define NEO_KHZ800 0x0000
#define NEO_KHZ400 0x0100
typedef uint16_t neoPixelType; /* uint16_t because NEO_KHZ400 is defined */
class Adafruit_NeoPixel {
 public:
  Adafruit_NeoPixel(uint16_t n, int16_t pin = 6, neoPixelType type = NEO_GRB + NEO_KHZ800);
  void begin(void);
  void show(void);
  void clear(void);
  void setPixelColor(uint16_t n, uint8_t r, uint8_t g, uint8_t b);
};

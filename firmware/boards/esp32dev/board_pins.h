/*
 * board_pins.h — ESP32 DevKitC (ESP32-WROOM-32) + INMP441 I2S mic + MAX98357A I2S amp + one WS2812
 * + a push button to GND. Every pin and size of this board in one place; must match
 * boards/profiles/esp32-devkitc-inmp441.json (test/firmware/board-pins.test.ts checks it).
 * GPIO 12 is avoided on purpose: it is a strapping pin (flash voltage) and a pulled-up amp input
 * there can stop the module from booting.
 */
#ifndef BOARD_PINS_H
#define BOARD_PINS_H

#define HARK_BOARD_PROFILE "esp32-devkitc-inmp441"
#define HARK_SERIAL_BAUD 921600UL
#define HARK_MIC_SAMPLE_RATE_HZ 16000
#define HARK_MIC_BITS 16

#define HARK_MIC_KIND_I2S 1
#define HARK_PIN_MIC_BCLK 26 /* INMP441 SCK */
#define HARK_PIN_MIC_WS 25   /* INMP441 WS; L/R tied to GND = left slot */
#define HARK_PIN_MIC_DIN 33  /* INMP441 SD */

#define HARK_PIN_LED_DATA 4 /* WS2812B DIN */
#define HARK_LED_COUNT 1

#define HARK_PIN_BUTTON_0 13 /* to GND, internal pull-up */
#define HARK_BUTTON_0_ACTIVE_LOW 1

#define HARK_PIN_SPEAKER_BCLK 27 /* MAX98357A BCLK */
#define HARK_PIN_SPEAKER_LRC 14  /* MAX98357A LRC */
#define HARK_PIN_SPEAKER_DOUT 22 /* MAX98357A DIN */
#define HARK_SPEAKER_SAMPLE_RATE_HZ 16000

#define HARK_GPIO_TABLE                                                                                     \
  HARK_GPIO_PIN(18, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO)    \
  HARK_GPIO_PIN(19, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO)    \
  HARK_GPIO_PIN(23, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO)    \
  HARK_GPIO_PIN(32, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG | HARK_GPIO_CAP_PWM)   \
  HARK_GPIO_PIN(34, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_ANALOG)                                             \
  HARK_GPIO_PIN(35, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_ANALOG)

#define HARK_CAPTURE_RING_SAMPLES 8192 /* 512 ms */
#define HARK_CHUNK_MAX_SAMPLES 640     /* 40 ms */
#define HARK_SPEAKER_BUFFER_BYTES 16384
#define HARK_RX_WINDOW_BYTES 4096 /* Serial.setRxBufferSize in setup() */
#define HARK_RX_MAX_PAYLOAD 1024
#define HARK_LED_MAX 1
#define HARK_GPIO_MAX 6

#endif

/*
 * board_pins.h — ESP32-S3-DevKitC-1 on its native USB port (USB CDC, ttyACM*, VID 303a): INMP441
 * mic, MAX98357A amp, the on-board WS2812 (GPIO 48 on v1.0 boards; 38 on v1.1 — change it here),
 * BOOT button. Must match boards/profiles/esp32-s3-devkitc-1.json (test/firmware/board-pins.test.ts).
 */
#ifndef BOARD_PINS_H
#define BOARD_PINS_H

#define HARK_BOARD_PROFILE "esp32-s3-devkitc-1"
#define HARK_SERIAL_BAUD 921600UL /* ignored by USB CDC, kept for the profile */
#define HARK_SERIAL_USB_CDC 1
#define HARK_MIC_SAMPLE_RATE_HZ 16000
#define HARK_MIC_BITS 16

#define HARK_MIC_KIND_I2S 1
#define HARK_PIN_MIC_BCLK 5
#define HARK_PIN_MIC_WS 4
#define HARK_PIN_MIC_DIN 6

#define HARK_PIN_LED_DATA 48
#define HARK_LED_COUNT 1

#define HARK_PIN_BUTTON_0 0 /* BOOT */
#define HARK_BUTTON_0_ACTIVE_LOW 1

#define HARK_PIN_SPEAKER_BCLK 15
#define HARK_PIN_SPEAKER_LRC 16
#define HARK_PIN_SPEAKER_DOUT 7
#define HARK_SPEAKER_SAMPLE_RATE_HZ 16000

#define HARK_GPIO_TABLE                                                                                              \
  HARK_GPIO_PIN(1, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(2, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(17, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO)             \
  HARK_GPIO_PIN(18, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO)

#define HARK_CAPTURE_RING_SAMPLES 8192
#define HARK_CHUNK_MAX_SAMPLES 640
#define HARK_SPEAKER_BUFFER_BYTES 32768
#define HARK_RX_WINDOW_BYTES 4096 /* Serial.setRxBufferSize in setup() (USB CDC also has flow control) */
#define HARK_RX_MAX_PAYLOAD 1024
#define HARK_LED_MAX 1
#define HARK_GPIO_MAX 4

#endif

/*
 * board_pins.h — M5Stack ATOM Echo: SPM1423 PDM mic and NS4168 I2S amp on one I2S peripheral
 * (GPIO 33 is both the mic's PDM clock and the amp's LRCK, so the board layer runs them half-duplex:
 * the mic while capturing, the amp while playing), one SK6812 LED, the top button on G39.
 * Must match boards/profiles/m5stack-atom-echo.json (test/firmware/board-pins.test.ts checks it).
 */
#ifndef BOARD_PINS_H
#define BOARD_PINS_H

#define HARK_BOARD_PROFILE "m5stack-atom-echo"
#define HARK_SERIAL_BAUD 921600UL
#define HARK_MIC_SAMPLE_RATE_HZ 16000
#define HARK_MIC_BITS 16

#define HARK_MIC_KIND_PDM 1
#define HARK_PIN_MIC_CLK 33
#define HARK_PIN_MIC_DIN 23

#define HARK_PIN_LED_DATA 27 /* SK6812 */
#define HARK_LED_COUNT 1

#define HARK_PIN_BUTTON_0 39 /* input-only pin with an external pull-up on the board */
#define HARK_BUTTON_0_ACTIVE_LOW 1

#define HARK_PIN_SPEAKER_BCLK 19
#define HARK_PIN_SPEAKER_LRC 33
#define HARK_PIN_SPEAKER_DOUT 22
#define HARK_SPEAKER_SAMPLE_RATE_HZ 16000
#define HARK_I2S_HALF_DUPLEX 1

#define HARK_GPIO_TABLE                                                                                              \
  HARK_GPIO_PIN(26, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(32, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_ANALOG | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO) \
  HARK_GPIO_PIN(21, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO)             \
  HARK_GPIO_PIN(25, HARK_GPIO_CAP_INPUT | HARK_GPIO_CAP_OUTPUT | HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO)

#define HARK_CAPTURE_RING_SAMPLES 8192
#define HARK_CHUNK_MAX_SAMPLES 640
#define HARK_SPEAKER_BUFFER_BYTES 16384
#define HARK_RX_WINDOW_BYTES 4096 /* Serial.setRxBufferSize in setup() */
#define HARK_RX_MAX_PAYLOAD 1024
#define HARK_LED_MAX 1
#define HARK_GPIO_MAX 4

#endif

/* board_pins.h for the core's unit tests: a board with every feature and small buffers, so
 * overflow and flow-control edges are reached with little data. */
#ifndef BOARD_PINS_H
#define BOARD_PINS_H
#define HARK_CAPTURE_RING_SAMPLES 1024
#define HARK_CHUNK_MAX_SAMPLES 320
#define HARK_SPEAKER_BUFFER_BYTES 1024
#define HARK_RX_MAX_PAYLOAD 1024
#define HARK_LED_MAX 12
#define HARK_GPIO_MAX 8
#endif

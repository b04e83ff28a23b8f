/*
 * board_config.h — the firmware's own sizes for the ESP32 DevKitC kit. Hand-written; included at
 * the end of the generated board_pins.h (boards/profiles/esp32-devkitc-inmp441.json).
 * GPIO 12 is avoided on purpose: it is a strapping pin (flash voltage) and a pulled-up amp input
 * there can stop the module from booting.
 */
#ifndef BOARD_CONFIG_H
#define BOARD_CONFIG_H

#define HARK_CAPTURE_RING_SAMPLES 8192 /* 512 ms */
#define HARK_CHUNK_MAX_SAMPLES 640     /* 40 ms */

#endif

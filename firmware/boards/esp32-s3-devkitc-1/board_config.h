/*
 * board_config.h — the firmware's own sizes and switches for the ESP32-S3-DevKitC-1 on its native
 * USB port. Hand-written; included at the end of the generated board_pins.h
 * (boards/profiles/esp32-s3-devkitc-1.json: the LED is GPIO 48 on v1.0 boards, 38 on v1.1 — change
 * the profile and regenerate).
 */
#ifndef BOARD_CONFIG_H
#define BOARD_CONFIG_H

#define HARK_SERIAL_USB_CDC 1 /* Serial is HWCDC: HARK_SERIAL_BAUD is ignored */
#define HARK_CAPTURE_RING_SAMPLES 8192
#define HARK_CHUNK_MAX_SAMPLES 640

#endif

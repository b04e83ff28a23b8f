/*
 * board_config.h — the firmware's own sizes for the native emulated board (the core built for the
 * host, firmware/native/). Hand-written; included at the end of the generated board_pins.h
 * (boards/profiles/emulated.json, the same profile as the TypeScript emulator: no real pins).
 */
#ifndef BOARD_CONFIG_H
#define BOARD_CONFIG_H

#define HARK_CAPTURE_RING_SAMPLES 4096 /* 256 ms */
#define HARK_CHUNK_MAX_SAMPLES 320     /* 20 ms */

#endif

/*
 * board_config.h — the firmware's own sizes for the M5Stack ATOM Echo. Hand-written; included at
 * the end of the generated board_pins.h (boards/profiles/m5stack-atom-echo.json). GPIO 33 is both
 * the mic's PDM clock and the amp's LRCK, so the board layer runs them half-duplex (the generated
 * HARK_I2S_HALF_DUPLEX): the mic while capturing, the amp while playing.
 */
#ifndef BOARD_CONFIG_H
#define BOARD_CONFIG_H

#define HARK_CAPTURE_RING_SAMPLES 8192
#define HARK_CHUNK_MAX_SAMPLES 640

#endif

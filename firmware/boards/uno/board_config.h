/*
 * board_config.h — the firmware's own sizes for the Arduino Uno / Nano (ATmega328P, 2 KiB of RAM).
 * Hand-written; included at the end of the generated board_pins.h, which has every fact the host
 * knows too (pins, line speed, HELLO contents) from boards/profiles/arduino-uno-electret.json.
 *
 * Timers: Timer2 = 8 kHz sampler + millis + piezo square wave + LED soft-PWM (so no PWM on 3, 11);
 * Timer1 = PWM / servo on 9, 10 at 50 Hz; Timer0 = PWM on 5, 6.
 */
#ifndef BOARD_CONFIG_H
#define BOARD_CONFIG_H

/* 256 samples = 32 ms of capture buffer. Chunks are 10 ms (80 samples): the core halves the host's
 * 20 ms until a chunk fits, which saves 240 bytes of buffers. */
#define HARK_CAPTURE_RING_SAMPLES 256
#define HARK_CHUNK_MAX_SAMPLES 80
#define HARK_REPORT_SLOTS 4 /* deferred LOG/ERROR reports (8 bytes each) */
#define HARK_RX_BYTES_PER_PASS 64 /* the receive ring's size: one call never decodes more */
#define HARK_RX_CARRY_BYTES 8 /* the UART ring is the receive buffer; this only batches reads */
#define HARK_TX_SCRATCH_BYTES 16 /* the board sends nothing with more than 12 fixed bytes but HELLO */
#define HARK_HELLO_STRINGS_MAX_BYTES 32 /* "arduino-uno-electret" + "0.1.0" + "" */

/* The UART receive ring in avr_board.c is exactly the window the profile announces. */
#if HARK_RX_WINDOW_BYTES != 64
#error "avr_board.c's receive ring is 64 bytes: the profile's rxWindowBytes must say 64"
#endif

#endif

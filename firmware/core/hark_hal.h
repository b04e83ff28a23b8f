/*
 * hark_hal.h — the hardware abstraction the portable firmware core is written against.
 *
 * The core (firmware/core/) never touches a register, a driver or an OS call: every board layer
 * (firmware/boards/esp32, firmware/boards/avr, firmware/native) implements the functions below.
 * That is what lets the same core run on an ESP32, an ATmega328P and the host (as the native
 * emulated board and in the unit tests).
 *
 * Rules for implementers:
 *  - Nothing here may block for longer than one serial frame takes to transmit. The core calls
 *    these from its non-blocking loop and from nowhere else (no callbacks into the core from
 *    interrupts except hark_capture_push*, see capture/hark_capture.h).
 *  - Units are in the names: _ms milliseconds, _hz hertz, _pct percent 0..100, samples are
 *    signed 16-bit mono at the rate the board announced.
 */
#ifndef HARK_HAL_H
#define HARK_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- strings kept in flash (AVR keeps string literals in RAM otherwise) ---------------------- */
#ifdef __AVR__
#include <avr/pgmspace.h>
#define HARK_PSTR(s) PSTR(s)
#define HARK_PGM_BYTE(p) pgm_read_byte(p)
#else
#define HARK_PSTR(s) (s)
#define HARK_PGM_BYTE(p) (*(const uint8_t *)(p))
#endif

/* ---- time ------------------------------------------------------------------------------------ */
/** Milliseconds since boot; wraps after ~49 days (the core compares with subtraction). */
uint32_t hark_hal_millis(void);

/* ---- interrupts: protects state shared with a sample-producing ISR --------------------------- */
/** Disable the interrupt that pushes microphone samples (no-op where producer and core share a thread). */
void hark_hal_irq_lock(void);
/** Re-enable it. Calls never nest. */
void hark_hal_irq_unlock(void);

/* ---- serial link to the host ----------------------------------------------------------------- */
/** Copy up to max received bytes into dst; returns how many (0 when none). Never blocks. */
uint16_t hark_hal_serial_read(uint8_t *dst, uint16_t max);
/** Frames the receive path lost before hark_hal_serial_read could return them, since boot (wraps):
 *  a byte that arrived while the receive buffer was full is dropped, and each dropped frame end
 *  (0x00) is one frame lost — the bytes of a frame that lost only its middle fail its CRC and the
 *  decoder counts that one. So decoder drops + this = the frames the host sent that never arrived. */
uint16_t hark_hal_serial_rx_lost(void);
/** Bytes hark_hal_serial_write can take now without blocking longer than one frame time. */
uint16_t hark_hal_serial_tx_room(void);
/** Queue len bytes for the host. Audio frames are written only when tx_room said they fit; control
 *  frames (≤ ~150 bytes) are written regardless: an implementation may block briefly (ESP32, AVR)
 *  or drop bytes when its buffer is full (native) — the host then resyncs at the next delimiter. */
void hark_hal_serial_write(const uint8_t *src, uint16_t len);

/* ---- button(s) ------------------------------------------------------------------------------- */
/** Raw, undebounced level of button `id`: true while pressed (active-low wiring is the HAL's business). */
bool hark_hal_button_pressed(uint8_t id);

/* ---- LEDs ------------------------------------------------------------------------------------ */
/** Set LED `index` to a colour; a mono LED is given r == g == b (its level). Takes effect at show(). */
void hark_hal_led_write(uint8_t index, uint8_t r, uint8_t g, uint8_t b);
/** Push the written colours out (WS2812 frame, PWM duty ...). Called once per changed render. */
void hark_hal_led_show(void);

/* ---- tones (piezo, or synthesised into the I2S amplifier) ------------------------------------ */
/** Start a square/sine tone at freq_hz and volume_pct; freq_hz 0 or volume_pct 0 silences it. */
void hark_hal_tone(uint16_t freq_hz, uint8_t volume_pct);

/* ---- PCM speaker sink (only boards with speaker_kind 2) --------------------------------------- */
/** Open (sample_rate_hz > 0) or close (0) the speaker output. */
void hark_hal_speaker_open(uint32_t sample_rate_hz);
/** How many samples the sink accepts right now without blocking. */
uint16_t hark_hal_speaker_room(void);
/** Hand the sink n samples (n ≤ room). The sink applies nothing: volume is the core's job. */
void hark_hal_speaker_write(const int16_t *samples, uint16_t n);

/* ---- microphone ------------------------------------------------------------------------------ */
/** Start (true) or stop (false) delivering samples into the core's capture ring
 *  (the board layer calls hark_capture_push/push1 from its ISR, DMA task or loop). */
void hark_hal_mic_enable(bool on);
/** Let the board layer move pending mic samples into the capture ring; called every core loop
 *  (boards whose ISR pushes directly do nothing here). */
void hark_hal_mic_poll(void);

/* ---- GPIO for the host's johnny-five IO plugin ------------------------------------------------ */
/** Configure `pin` (mode: protocol GPIO mode 0 input .. 5 input_pullup). The core has already
 *  checked the pin and mode against the board's capability table. */
void hark_hal_gpio_mode(uint8_t pin, uint8_t mode);
/** Write: digital 0/1, pwm 0..255, servo degrees 0..180 (per the pin's current mode). */
void hark_hal_gpio_write(uint8_t pin, uint8_t mode, uint16_t value);
/** Read: digital 0/1, analog 0..1023. */
uint16_t hark_hal_gpio_read(uint8_t pin, uint8_t mode);

/* ---- diagnostics ----------------------------------------------------------------------------- */
/** Optional local echo of a log line (native board: stdout JSON; MCUs: nothing). `text` is in RAM. */
void hark_hal_debug(uint8_t level, const char *text);

#ifdef __cplusplus
}
#endif
#endif /* HARK_HAL_H */

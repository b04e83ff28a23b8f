/* native_hal.c — hark_hal.h for the host: a pseudo-terminal as the serial port, a WAV file as the
 * microphone, a real-time clocked sink as the speaker, and JSON lines on stdout for what a real
 * board would show on its LED, piezo and pins. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "device/hark_device.h"
#include "hark_hal.h"
#include "native_board.h"

native_board_t nb;

#define TX_BYTES (256u * 1024u)
static uint8_t tx_buf[TX_BYTES];
static uint32_t tx_head, tx_len;

uint64_t nb_micros(void) {
  static uint64_t t0;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
  if (t0 == 0) t0 = now;
  return now - t0;
}

void nb_emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

uint32_t hark_hal_millis(void) { return (uint32_t)(nb_micros() / 1000u); }
void hark_hal_irq_lock(void) {}   /* producer and consumer share the one thread */
void hark_hal_irq_unlock(void) {}

uint16_t hark_hal_serial_read(uint8_t *dst, uint16_t max) {
  ssize_t n = read(nb.serial_fd, dst, max);
  return n > 0 ? (uint16_t)n : 0; /* EAGAIN, or EIO while no host holds the pty open */
}

/* The kernel's pty buffer never drops a byte: the writer blocks (or gets EAGAIN) instead. */
uint16_t hark_hal_serial_rx_lost(void) { return 0; }

uint16_t hark_hal_serial_tx_room(void) {
  uint32_t room = TX_BYTES - tx_len;
  return room > 0xFFFFu ? 0xFFFFu : (uint16_t)room;
}

void hark_hal_serial_write(const uint8_t *src, uint16_t len) {
  for (uint16_t i = 0; i < len && tx_len < TX_BYTES; i++) {
    tx_buf[(tx_head + tx_len) % TX_BYTES] = src[i];
    tx_len++;
  }
  nb_serial_flush();
}

void nb_serial_flush(void) {
  while (tx_len > 0) {
    uint32_t run = TX_BYTES - tx_head < tx_len ? TX_BYTES - tx_head : tx_len;
    ssize_t n = write(nb.serial_fd, tx_buf + tx_head, run);
    if (n <= 0) return; /* EAGAIN: the pty is full (host not reading); try again next loop */
    tx_head = (tx_head + (uint32_t)n) % TX_BYTES;
    tx_len -= (uint32_t)n;
  }
}

bool nb_serial_pending(void) { return tx_len > 0; }

bool hark_hal_button_pressed(uint8_t id) { return id < 2 && nb.buttons[id]; }

void hark_hal_led_write(uint8_t index, uint8_t r, uint8_t g, uint8_t b) {
  (void)index;
  (void)r;
  (void)g;
  (void)b; /* the LED's *state* is reported from the effect engine in native_main.c */
}
void hark_hal_led_show(void) {}

void hark_hal_tone(uint16_t freq_hz, uint8_t volume_pct) {
  nb_emit("{\"event\":\"tone\",\"freqHz\":%u,\"volume\":%u}", freq_hz, volume_pct);
}

/* Speaker: a sink that consumes samples in real time, with a 32 ms DMA-like cushion. */
static uint32_t spk_rate;
static uint64_t spk_t0_us, spk_consumed;
void hark_hal_speaker_open(uint32_t sample_rate_hz) {
  if (sample_rate_hz != 0) {
    spk_rate = sample_rate_hz;
    spk_t0_us = nb_micros();
    spk_consumed = 0;
    nb_emit("{\"event\":\"speaker\",\"state\":\"open\",\"sampleRate\":%u}", sample_rate_hz);
  } else if (spk_rate != 0) {
    nb_emit("{\"event\":\"speaker\",\"state\":\"closed\",\"samples\":%llu}", (unsigned long long)spk_consumed);
    spk_rate = 0;
  }
}
uint16_t hark_hal_speaker_room(void) {
  if (spk_rate == 0) return 0;
  uint64_t due = (nb_micros() - spk_t0_us) * spk_rate / 1000000u + spk_rate * 32u / 1000u;
  uint64_t room = due > spk_consumed ? due - spk_consumed : 0;
  return room > 4096u ? 4096u : (uint16_t)room;
}
void hark_hal_speaker_write(const int16_t *samples, uint16_t n) {
  (void)samples;
  spk_consumed += n;
}

/* Microphone: the WAV from its start at each utterance, paced by the clock. */
static bool mic_on;
static uint64_t mic_t0_us, mic_produced;
void hark_hal_mic_enable(bool on) {
  if (on == mic_on) return;
  mic_on = on;
  if (on) {
    mic_t0_us = nb_micros();
    mic_produced = 0;
    wav_source_rewind(&nb.wav);
  }
  nb_emit("{\"event\":\"mic\",\"on\":%s}", on ? "true" : "false");
}
void hark_hal_mic_poll(void) {
  if (!mic_on) return;
  uint64_t due = (nb_micros() - mic_t0_us) * hark_dev.board->mic_sample_rate_hz / 1000000u;
  while (mic_produced < due) {
    int16_t block[256];
    uint64_t n = due - mic_produced > 256 ? 256 : due - mic_produced;
    for (uint64_t i = 0; i < n; i++) block[i] = wav_source_next(&nb.wav);
    hark_mic_push(block, (uint16_t)n);
    mic_produced += n;
  }
}

void hark_hal_gpio_mode(uint8_t pin, uint8_t mode) {
  nb_emit("{\"event\":\"gpio\",\"pin\":%u,\"mode\":%u}", pin, mode);
}
void hark_hal_gpio_write(uint8_t pin, uint8_t mode, uint16_t value) {
  nb.gpio_value[pin & 63u] = value;
  nb_emit("{\"event\":\"gpio\",\"pin\":%u,\"mode\":%u,\"value\":%u}", pin, mode, value);
}
uint16_t hark_hal_gpio_read(uint8_t pin, uint8_t mode) {
  (void)mode;
  return nb.gpio_value[pin & 63u];
}

void hark_hal_debug(uint8_t level, const char *text) {
  char esc[160];
  size_t o = 0;
  for (const char *p = text; *p != 0 && o + 7 < sizeof esc; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '"' || c == '\\') {
      esc[o++] = '\\';
      esc[o++] = (char)c;
    } else if (c < 0x20) {
      o += (size_t)snprintf(esc + o, sizeof esc - o, "\\u%04x", c);
    } else {
      esc[o++] = (char)c;
    }
  }
  esc[o] = 0;
  nb_emit("{\"event\":\"log\",\"level\":%u,\"text\":\"%s\"}", level, esc);
}

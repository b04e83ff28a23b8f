/*
 * hark_capture.h — microphone capture ring with overflow accounting.
 *
 * Single producer (the board's mic ISR / DMA task / loop) and single consumer (the core loop).
 * Head and tail are free-running 16-bit counters; the size is a power of two ≤ 32768 samples.
 *
 * Overflow policy (SPEC §4.3: "never sends a chunk with a hole in it"): when a push does not fit,
 * the samples that fit are stored (they are contiguous with the ones before), the rest are
 * counted in `dropped` and the ring *latches*: every later push is dropped and counted until the
 * consumer calls hark_capture_reset. The consumer drains the intact samples, ends the utterance
 * with reason 2 (overflow) and resets. So an utterance is always a gap-free prefix of what the
 * mic heard.
 *
 * On targets where the producer is an interrupt, the consumer-side calls take hark_hal_irq_lock
 * around the shared indexes (16-bit reads are not atomic on AVR).
 */
#ifndef HARK_CAPTURE_H
#define HARK_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int16_t *buf;
  uint16_t mask;              /**< size - 1 */
  volatile uint16_t head;     /**< written by the producer */
  volatile uint16_t tail;     /**< written by the consumer */
  volatile bool overflowed;   /**< latched by the producer */
  volatile uint32_t dropped;  /**< samples lost since the last reset */
  uint16_t overflows;         /**< overflow episodes since boot (PONG.audio_overflows) */
} hark_capture_ring_t;

/** buf holds size samples; size must be a power of two (2..32768). Returns false otherwise. */
bool hark_capture_init(hark_capture_ring_t *c, int16_t *buf, uint16_t size);
/** Producer: push one sample (from an ISR). */
void hark_capture_push1(hark_capture_ring_t *c, int16_t sample);
/** Producer: push n samples; returns how many were stored (the rest were dropped and latched). */
uint16_t hark_capture_push(hark_capture_ring_t *c, const int16_t *samples, uint16_t n);
/** Consumer: samples ready to read. */
uint16_t hark_capture_available(hark_capture_ring_t *c);
/** Consumer: copy up to n samples out; returns how many. */
uint16_t hark_capture_read(hark_capture_ring_t *c, int16_t *dst, uint16_t n);
/** Consumer: has the producer latched an overflow? */
bool hark_capture_overflowed(hark_capture_ring_t *c);
/** Consumer: samples dropped since the last reset. */
uint32_t hark_capture_dropped(hark_capture_ring_t *c);
/** Consumer: empty the ring and clear the latch (start of an utterance, after an overflow end). */
void hark_capture_reset(hark_capture_ring_t *c);

#ifdef __cplusplus
}
#endif
#endif

/* hark_capture.c — see hark_capture.h. */
#include "capture/hark_capture.h"

#include "hark_hal.h"

bool hark_capture_init(hark_capture_ring_t *c, int16_t *buf, uint16_t size) {
  if (size < 2 || size > 32768u || (size & (size - 1u)) != 0) return false;
  c->buf = buf;
  c->mask = (uint16_t)(size - 1u);
  c->head = 0;
  c->tail = 0;
  c->overflowed = false;
  c->dropped = 0;
  c->overflows = 0;
  return true;
}

static void latch(hark_capture_ring_t *c, uint16_t lost) {
  if (!c->overflowed) c->overflows++;
  c->overflowed = true;
  c->dropped += lost;
}

void hark_capture_push1(hark_capture_ring_t *c, int16_t sample) {
  uint16_t head = c->head;
  if (c->overflowed || (uint16_t)(head - c->tail) > c->mask) {
    latch(c, 1);
    return;
  }
  c->buf[head & c->mask] = sample;
  c->head = (uint16_t)(head + 1u);
}

uint16_t hark_capture_push(hark_capture_ring_t *c, const int16_t *samples, uint16_t n) {
  if (c->overflowed) {
    latch(c, n);
    return 0;
  }
  uint16_t head = c->head;
  uint16_t room = (uint16_t)(c->mask + 1u - (uint16_t)(head - c->tail));
  uint16_t take = n < room ? n : room;
  for (uint16_t i = 0; i < take; i++) c->buf[(uint16_t)(head + i) & c->mask] = samples[i];
  c->head = (uint16_t)(head + take);
  if (take < n) latch(c, (uint16_t)(n - take));
  return take;
}

uint16_t hark_capture_available(hark_capture_ring_t *c) {
  hark_hal_irq_lock();
  uint16_t n = (uint16_t)(c->head - c->tail);
  hark_hal_irq_unlock();
  return n;
}

uint16_t hark_capture_read(hark_capture_ring_t *c, int16_t *dst, uint16_t n) {
  uint16_t avail = hark_capture_available(c);
  uint16_t take = n < avail ? n : avail;
  uint16_t tail = c->tail;
  for (uint16_t i = 0; i < take; i++) dst[i] = c->buf[(uint16_t)(tail + i) & c->mask];
  hark_hal_irq_lock();
  c->tail = (uint16_t)(tail + take);
  hark_hal_irq_unlock();
  return take;
}

bool hark_capture_overflowed(hark_capture_ring_t *c) { return c->overflowed; }

uint32_t hark_capture_dropped(hark_capture_ring_t *c) {
  hark_hal_irq_lock();
  uint32_t d = c->dropped;
  hark_hal_irq_unlock();
  return d;
}

void hark_capture_reset(hark_capture_ring_t *c) {
  hark_hal_irq_lock();
  c->tail = c->head;
  c->overflowed = false;
  c->dropped = 0;
  hark_hal_irq_unlock();
}

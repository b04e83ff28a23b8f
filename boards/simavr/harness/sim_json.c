/* sim_json.c — one JSON object per line on stdout, and the two clocks every line is stamped with. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "sim_board.h"

void sim_emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  fflush(stdout);
}

uint64_t sim_wall_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t sim_cycle_us(const sim_board_t *b, uint64_t cycle) {
  return cycle * 1000000u / b->avr->frequency;
}

uint64_t sim_t_us(const sim_board_t *b) { return sim_cycle_us(b, b->avr->cycle); }

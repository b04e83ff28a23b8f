/* native_board.h — state shared by the native board's HAL (native_hal.c) and main loop
 * (native_main.c). Host build only. */
#ifndef NATIVE_BOARD_H
#define NATIVE_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "wav_source.h"

typedef struct {
  int serial_fd;        /* pty master or the tty given with --port */
  int slave_fd;         /* our own pty: we keep the slave open so the master never sees a hangup */
  bool buttons[2];
  wav_source_t wav;
  bool have_wav;
  char uid[33];
  uint16_t gpio_value[64]; /* simulated pin levels: outputs as written, inputs as set on stdin */
} native_board_t;

extern native_board_t nb;

/** Print one JSON line on stdout (the machine-readable state the board shows). */
void nb_emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Write pending serial output; call every loop. */
void nb_serial_flush(void);
/** True while serial output is waiting for the pty to drain. */
bool nb_serial_pending(void);
/** Microseconds since start-up (monotonic). */
uint64_t nb_micros(void);

#endif

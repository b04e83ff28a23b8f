/*
 * sim_uart.c — UART0 of the simulated ATmega328P, joined to the host at line rate.
 *
 * Host → board: bytes from the pty (real-time) or from `send` (scripted) wait in a queue that stands
 * for the USB bridge's buffer and go onto the wire one every byte time (10 bit times at 250000 baud:
 * 40 µs, 640 cycles). Like the ATmega's receiver, the UART holds at most two received bytes: a byte
 * that completes while two are unread is lost (counted as a UART overrun), and bytes arriving while
 * the receiver is disabled (during reset, before the firmware enables RXEN0) are lost too. simavr's
 * own 64-byte input FIFO is never allowed to fill, so it cannot hide a firmware that reads late.
 *
 * Board → host: each byte the firmware writes to UDR0 (simavr paces UDRE0 at the corrected byte time)
 * goes to the pty when a host holds it open and is dropped otherwise, as a USB bridge without a host
 * would. Both directions are split at 0x00 into the frame log: {"e":"tx"|"rx","t":µs,"hex":...},
 * stamped when the frame's delimiter left or reached the UART.
 *
 * Reset on open: an Uno's DTR line resets the ATmega when a host opens the port. The harness keeps no
 * descriptor of the pty's slave end, so the master reports POLLHUP while no host has it open; the
 * moment that clears (inotify wakes us on the open), the harness resets the AVR (see sim_reset).
 */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 600
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <termios.h>
#include <unistd.h>

#include <simavr/sim_cycle_timers.h>
#include <simavr/sim_io.h>

#include "sim_board.h"

static sim_board_t *board;

static void frame_byte(sim_board_t *b, sim_frame_buf_t *f, const char *dir, uint8_t byte, uint64_t cycle) {
  if (byte != 0) {
    if (f->len < SIM_FRAME_MAX_BYTES) f->bytes[f->len++] = byte;
    else f->truncated = true;
    return;
  }
  if (f->len == 0) return; /* a lone delimiter (the leading 0x00 that flushes a receiver) */
  static char hex[2 * SIM_FRAME_MAX_BYTES + 1];
  static const char digits[] = "0123456789abcdef";
  for (uint16_t i = 0; i < f->len; i++) {
    hex[2 * i] = digits[f->bytes[i] >> 4];
    hex[2 * i + 1] = digits[f->bytes[i] & 15];
  }
  hex[2 * f->len] = 0;
  if (b->realtime) {
    sim_emit("{\"e\":\"%s\",\"t\":%llu,\"w\":%llu,\"hex\":\"%s\"%s}", dir,
             (unsigned long long)sim_cycle_us(b, cycle), (unsigned long long)(sim_wall_us() - b->wall_start_us), hex,
             f->truncated ? ",\"truncated\":true" : "");
  } else {
    sim_emit("{\"e\":\"%s\",\"t\":%llu,\"hex\":\"%s\"%s}", dir, (unsigned long long)sim_cycle_us(b, cycle), hex,
             f->truncated ? ",\"truncated\":true" : "");
  }
  if (dir[0] == 't') sim_frame_sent(f->len > 1 && f->bytes[0] > 1 ? f->bytes[1] : 0);
  f->len = 0;
  f->truncated = false;
}

/* ---- host → board ----------------------------------------------------------------------------- */
static avr_cycle_count_t rx_pump(avr_t *avr, avr_cycle_count_t when, void *param) {
  (void)param;
  sim_board_t *b = board;
  if (b->rx_len == 0) {
    b->rx_pump_on = false;
    return 0;
  }
  uint8_t byte = b->rx_queue[b->rx_head];
  b->rx_head = (b->rx_head + 1u) % SIM_RX_QUEUE_BYTES;
  b->rx_len--;
  avr_uart_t *u = b->uart;
  unsigned unread = (unsigned)((u->input.write + uart_fifo_fifo_size - u->input.read) & (uart_fifo_fifo_size - 1));
  bool rx_enabled = avr_regbit_get(avr, u->rxen);
  if (!rx_enabled || avr->cycle < b->held_until_cycle) {
    /* lost on the wire: nobody is listening (reset, bootloader, receiver off) */
  } else if (unread >= 2) {
    b->m.uart_overruns++;
    sim_emit("{\"e\":\"uart-overrun\",\"t\":%llu}", (unsigned long long)sim_cycle_us(b, when));
  } else {
    avr_raise_irq(u->io.irq + UART_IRQ_INPUT, byte);
  }
  frame_byte(b, &b->rx_frame, "rx", byte, when + b->cycles_per_byte);
  return when + b->cycles_per_byte;
}

void sim_uart_host_send(sim_board_t *b, const uint8_t *bytes, uint32_t n) {
  for (uint32_t i = 0; i < n && b->rx_len < SIM_RX_QUEUE_BYTES; i++) {
    b->rx_queue[(b->rx_head + b->rx_len) % SIM_RX_QUEUE_BYTES] = bytes[i];
    b->rx_len++;
  }
  if (!b->rx_pump_on && b->rx_len > 0) {
    b->rx_pump_on = true;
    avr_cycle_timer_register(b->avr, b->cycles_per_byte, rx_pump, NULL);
  }
}

/* ---- board → host ----------------------------------------------------------------------------- */
static void on_tx_byte(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)param;
  sim_board_t *b = board;
  uint8_t byte = (uint8_t)value;
  frame_byte(b, &b->tx_frame, "tx", byte, b->avr->cycle + b->cycles_per_byte);
  if (!b->realtime) return;
  if (!b->host_open || b->tx_len == SIM_RX_QUEUE_BYTES) {
    b->tx_dropped++;
    return;
  }
  b->tx_out[(b->tx_head + b->tx_len) % SIM_RX_QUEUE_BYTES] = byte;
  b->tx_len++;
}

void sim_uart_install(sim_board_t *b) {
  board = b;
  for (avr_io_t *io = b->avr->io_port; io != NULL; io = io->next) {
    if (strcmp(io->kind, "uart") == 0 && ((avr_uart_t *)io)->name == '0') b->uart = (avr_uart_t *)io;
  }
  if (b->uart == NULL) {
    fprintf(stderr, "hark-simavr: this simavr core has no UART0\n");
    exit(2);
  }
  avr_irq_register_notify(b->uart->io.irq + UART_IRQ_OUTPUT, on_tx_byte, NULL);
}

void sim_uart_after_reset(sim_board_t *b) {
  /* avr_reset() cancelled every cycle timer, the pump's included; the queue waits for it. */
  b->rx_pump_on = false;
  b->tx_frame.len = 0;
  b->rx_frame.len = 0;
  sim_uart_host_send(b, NULL, 0);
}

/* ---- the pty ------------------------------------------------------------------------------------ */
bool sim_uart_open_pty(sim_board_t *b) {
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0 || ptsname(m) == NULL) return false;
  snprintf(b->pty_path, sizeof b->pty_path, "%s", ptsname(m));
  /* Raw once, through a short-lived slave descriptor: the settings stay with the pty, and after this
     close the master reports POLLHUP until a host opens the slave. */
  int s = open(b->pty_path, O_RDWR | O_NOCTTY);
  struct termios t;
  if (s < 0 || tcgetattr(s, &t) != 0) return false;
  cfmakeraw(&t);
  if (tcsetattr(s, TCSANOW, &t) != 0) return false;
  close(s);
  b->pty_master = m;
  b->pty_inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (b->pty_inotify < 0 || inotify_add_watch(b->pty_inotify, b->pty_path, IN_OPEN | IN_CLOSE) < 0) return false;
  b->host_open = false;
  return true;
}

static bool master_hung_up(const sim_board_t *b) {
  struct pollfd p = {b->pty_master, POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP) != 0;
}

void sim_uart_pty_service(sim_board_t *b, bool readable) {
  char ev[512];
  while (read(b->pty_inotify, ev, sizeof ev) > 0) {
  }
  bool open_now = !master_hung_up(b);
  if (open_now && !b->host_open) {
    b->host_open = true;
    sim_emit("{\"e\":\"port\",\"state\":\"open\",\"t\":%llu}", (unsigned long long)sim_t_us(b));
    if (b->reset_on_open) sim_reset(b, "dtr");
  } else if (!open_now && b->host_open) {
    b->host_open = false;
    b->tx_len = 0;
    sim_emit("{\"e\":\"port\",\"state\":\"closed\",\"t\":%llu}", (unsigned long long)sim_t_us(b));
  }
  if (!b->host_open) return;
  if (readable) {
    uint8_t buf[4096];
    for (;;) {
      ssize_t n = read(b->pty_master, buf, sizeof buf);
      if (n <= 0) break;
      sim_uart_host_send(b, buf, (uint32_t)n);
    }
  }
  while (b->tx_len > 0) {
    uint32_t run = SIM_RX_QUEUE_BYTES - b->tx_head < b->tx_len ? SIM_RX_QUEUE_BYTES - b->tx_head : b->tx_len;
    ssize_t n = write(b->pty_master, b->tx_out + b->tx_head, run);
    if (n <= 0) break; /* EAGAIN: the host is not reading; the bytes wait (bounded, then dropped) */
    b->tx_head = (b->tx_head + (uint32_t)n) % SIM_RX_QUEUE_BYTES;
    b->tx_len -= (uint32_t)n;
  }
}

/*
 * hark_simavr.c — a simulated Arduino Uno running the real hark Uno image, for tests and benchmarks.
 *
 *   hark-simavr --elf uno.elf [--mode scripted|realtime] [--wav FILE] [--pin-edges 5,6]
 *               [--pin-window-us 32000] [--no-reset-on-open]
 *
 * Two modes, one board model (sim_board.h):
 * - scripted (default): no pty, no wall clock. Simulated time advances only inside `run` and `until`
 *   commands, as fast as the host CPU allows, so a test's outcome never depends on how busy the
 *   machine is. Host bytes come from `send`.
 * - realtime: the UART is joined to a pseudo-terminal whose path is printed in the `ready` line; the
 *   simulation is paced to the wall clock in 1 ms slices. It never runs ahead, and when the host CPU
 *   starves it, it catches up by at most SIM_MAX_CATCH_UP_US and lets the board lose the rest (as a
 *   board that stalled would), so bytes never reach the wire faster than the line rate; `measure`
 *   reports the worst lag and the time lost. A host opening the pty resets the AVR, as DTR does.
 *
 * stdin, one command a line (both modes unless noted):
 *   run MS                     scripted: simulate MS milliseconds, then print {"e":"ran","t":µs}
 *   until tx TYPE MS           scripted: simulate until the board sends a frame of type TYPE (decimal
 *                              message id) or MS ms pass; prints {"e":"ran","t":µs,"hit":true|false}
 *   send HEX                   bytes from the host (line rate from now on)
 *   press [ID] / release [ID]  the button (only ID 0: pin 2, active low)
 *   pin N LEVEL                drive input pin N (Arduino number) 0 or 1; LEVEL -1 stops driving it
 *   adc CH MV                  a fixed voltage on ADC channel CH (1..7; A0 is the microphone)
 *   wav PATH / play            load a WAV (16-bit PCM, resampled to 8 kHz) / start it on A0 now
 *   reset                      pulse RESET
 *   measure [reset]            print {"e":"measure",...} (sim_measure.c) / then start the marks anew
 *   profile start / profile    sample the program counter / print {"e":"profile","top":[{fn,pct}]}
 *   count FN / count print     count entries into function FN (e.g. a loop step) / print {"e":"count"}
 *   reg ADDR                   print {"e":"reg","addr","value"}: one byte of data memory (an I/O register)
 *   quit
 * stdout: one JSON object a line — ready, ran, tx, rx, pin, edge, wav, port, reset, uart-overrun,
 * measure, error, exit — each with "e" and the simulated time "t" in µs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <simavr/sim_elf.h>
#include <simavr/sim_time.h>

#include "sim_board.h"

static sim_board_t sim;
static int until_type = -1; /* `until tx TYPE`: the frame type that stops the run */
static bool until_hit;

void sim_reset(sim_board_t *b, const char *cause) {
  avr_reset(b->avr);
  sim_emit("{\"e\":\"reset\",\"t\":%llu,\"cause\":\"%s\"}", (unsigned long long)sim_t_us(b), cause);
  sim_quirks_after_reset(b);
  sim_uart_after_reset(b);
}

void sim_frame_sent(uint8_t type) {
  if (until_type >= 0 && type == until_type) until_hit = true;
}

static void no_sleep(avr_t *avr, avr_cycle_count_t how_long) {
  (void)avr;
  (void)how_long; /* time is the simulation's, never the host's */
}

/* Runs until the cycle count reaches `until` (or a stop condition). */
static void run_until(sim_board_t *b, uint64_t until) {
  avr_t *avr = b->avr;
  while (avr->cycle < until && !until_hit) {
    uint32_t pc = avr->pc;
    int state = avr_run(avr);
    sim_measure_step(b, pc);
    if (avr->pc == b->m.count_addr && pc != b->m.count_addr) b->m.count_hits++;
    if (state == cpu_Done || state == cpu_Crashed) {
      sim_emit("{\"e\":\"error\",\"t\":%llu,\"text\":\"the AVR %s at pc 0x%x\"}", (unsigned long long)sim_t_us(b),
               state == cpu_Done ? "stopped" : "crashed", avr->pc);
      exit(3);
    }
  }
}

static int hex_nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void command(sim_board_t *b, char *line) {
  char *save = NULL;
  const char *cmd = strtok_r(line, " \t\r\n", &save);
  const char *a1 = strtok_r(NULL, " \t\r\n", &save);
  const char *a2 = strtok_r(NULL, " \t\r\n", &save);
  const char *a3 = strtok_r(NULL, " \t\r\n", &save);
  unsigned long long t = (unsigned long long)sim_t_us(b);
  if (cmd == NULL) return;
  if (strcmp(cmd, "run") == 0 && a1 != NULL && !b->realtime) {
    run_until(b, b->avr->cycle + avr_usec_to_cycles(b->avr, (uint32_t)(atof(a1) * 1000.0)));
    sim_emit("{\"e\":\"ran\",\"t\":%llu}", (unsigned long long)sim_t_us(b));
  } else if (strcmp(cmd, "until") == 0 && a1 != NULL && strcmp(a1, "tx") == 0 && a2 != NULL && a3 != NULL &&
             !b->realtime) {
    until_type = atoi(a2);
    until_hit = false;
    run_until(b, b->avr->cycle + avr_usec_to_cycles(b->avr, (uint32_t)(atof(a3) * 1000.0)));
    sim_emit("{\"e\":\"ran\",\"t\":%llu,\"hit\":%s}", (unsigned long long)sim_t_us(b), until_hit ? "true" : "false");
    until_type = -1;
    until_hit = false;
  } else if (strcmp(cmd, "send") == 0 && a1 != NULL) {
    uint8_t bytes[2048];
    uint32_t n = 0;
    for (const char *p = a1; p[0] && p[1] && n < sizeof bytes; p += 2) {
      int hi = hex_nibble(p[0]), lo = hex_nibble(p[1]);
      if (hi < 0 || lo < 0) {
        sim_emit("{\"e\":\"error\",\"t\":%llu,\"text\":\"send: not hex\"}", t);
        return;
      }
      bytes[n++] = (uint8_t)(hi << 4 | lo);
    }
    sim_uart_host_send(b, bytes, n);
  } else if (strcmp(cmd, "press") == 0 || strcmp(cmd, "release") == 0) {
    if (a1 != NULL && atoi(a1) != 0) {
      sim_emit("{\"e\":\"error\",\"t\":%llu,\"text\":\"the Uno has one button (0)\"}", t);
      return;
    }
    bool down = cmd[0] == 'p';
    sim_pins_drive(b, SIM_PIN_BUTTON, down ? SIM_BUTTON_PRESSED_LEVEL : !SIM_BUTTON_PRESSED_LEVEL);
    sim_emit("{\"e\":\"button\",\"t\":%llu,\"id\":0,\"pressed\":%s}", t, down ? "true" : "false");
  } else if (strcmp(cmd, "pin") == 0 && a1 != NULL && a2 != NULL) {
    sim_pins_drive(b, atoi(a1), atoi(a2));
  } else if (strcmp(cmd, "adc") == 0 && a1 != NULL && a2 != NULL && atoi(a1) > 0 && atoi(a1) < 8) {
    b->adc_mv[atoi(a1)] = (uint16_t)atoi(a2);
  } else if (strcmp(cmd, "wav") == 0 && a1 != NULL) {
    if (!sim_mic_load(b, a1)) sim_emit("{\"e\":\"error\",\"t\":%llu,\"text\":\"cannot load WAV %s\"}", t, a1);
  } else if (strcmp(cmd, "play") == 0) {
    sim_mic_play(b);
  } else if (strcmp(cmd, "reset") == 0) {
    sim_reset(b, "command");
  } else if (strcmp(cmd, "measure") == 0) {
    sim_measure_print(b);
    if (a1 != NULL && strcmp(a1, "reset") == 0) sim_measure_reset(b);
  } else if (strcmp(cmd, "count") == 0 && a1 != NULL) {
    if (strcmp(a1, "print") == 0) {
      sim_emit("{\"e\":\"count\",\"t\":%llu,\"hits\":%u}", t, b->m.count_hits);
    } else {
      b->m.count_addr = sim_measure_fn_addr(a1);
      b->m.count_hits = 0;
      if (b->m.count_addr == 0) sim_emit("{\"e\":\"error\",\"t\":%llu,\"text\":\"no function %s\"}", t, a1);
    }
  } else if (strcmp(cmd, "reg") == 0 && a1 != NULL) {
    unsigned long addr = strtoul(a1, NULL, 0);
    if (addr > b->avr->ramend) {
      sim_emit("{\"e\":\"error\",\"t\":%llu,\"text\":\"reg: no data address %lu\"}", t, addr);
      return;
    }
    sim_emit("{\"e\":\"reg\",\"t\":%llu,\"addr\":%lu,\"value\":%u}", t, addr, b->avr->data[addr]);
  } else if (strcmp(cmd, "profile") == 0) {
    sim_measure_profile(b, a1 != NULL && strcmp(a1, "start") == 0);
  } else if (strcmp(cmd, "quit") == 0) {
    sim_emit("{\"e\":\"exit\",\"t\":%llu}", t);
    exit(0);
  } else {
    sim_emit("{\"e\":\"error\",\"t\":%llu,\"text\":\"unknown or incomplete command: %s\"}", t, cmd);
  }
}

static void scripted_loop(sim_board_t *b) {
  char line[8192];
  while (fgets(line, sizeof line, stdin) != NULL) command(b, line);
  sim_emit("{\"e\":\"exit\",\"t\":%llu}", (unsigned long long)sim_t_us(b));
}

static void realtime_loop(sim_board_t *b) {
  const uint64_t slice = avr_usec_to_cycles(b->avr, 1000);
  static char in[16384];
  size_t in_len = 0;
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  b->wall_t0_us = sim_wall_us() - sim_t_us(b);
  b->wall_start_us = sim_wall_us();
  for (;;) {
    run_until(b, b->avr->cycle + slice);
    int64_t ahead_us = (int64_t)sim_t_us(b) - (int64_t)(sim_wall_us() - b->wall_t0_us);
    if (ahead_us < 0 && (uint64_t)-ahead_us > b->m.lag_max_us) b->m.lag_max_us = (uint64_t)-ahead_us;
    if (ahead_us < -(int64_t)SIM_MAX_CATCH_UP_US) {
      /* Starved of CPU: let the board lose that time rather than race to catch up, which would put
         bytes on the wire faster than the line rate allows. */
      b->m.lag_lost_us += (uint64_t)(-ahead_us - (int64_t)SIM_MAX_CATCH_UP_US);
      b->wall_t0_us += (uint64_t)(-ahead_us - (int64_t)SIM_MAX_CATCH_UP_US);
      ahead_us = -(int64_t)SIM_MAX_CATCH_UP_US;
    }
    struct pollfd fds[2] = {{0, POLLIN, 0}, {b->host_open ? b->pty_master : b->pty_inotify, POLLIN, 0}};
    struct timespec ts = {0, ahead_us > 0 ? ahead_us * 1000 : 0};
    if (ppoll(fds, 2, &ts, NULL) < 0 && errno != EINTR) exit(4);
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t n = read(0, in + in_len, sizeof in - in_len - 1);
      if (n == 0) {
        sim_emit("{\"e\":\"exit\",\"t\":%llu}", (unsigned long long)sim_t_us(b));
        return;
      }
      if (n > 0) in_len += (size_t)n;
      char *nl;
      while ((nl = memchr(in, '\n', in_len)) != NULL) {
        *nl = 0;
        command(b, in);
        size_t used = (size_t)(nl - in) + 1u;
        memmove(in, in + used, in_len - used);
        in_len -= used;
      }
      if (in_len == sizeof in - 1) in_len = 0; /* a line that long is garbage */
    }
    sim_uart_pty_service(b, (fds[1].revents & POLLIN) != 0 && b->host_open);
  }
}

int main(int argc, char **argv) {
  const char *elf = NULL, *wav = NULL, *edges = NULL, *mode = "scripted";
  sim.pin_window_us = 32000;
  sim.reset_on_open = true;
  sim.pty_master = sim.pty_inotify = -1;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(argv[i], "--elf") == 0 && v) elf = argv[++i];
    else if (strcmp(argv[i], "--mode") == 0 && v) mode = argv[++i];
    else if (strcmp(argv[i], "--wav") == 0 && v) wav = argv[++i];
    else if (strcmp(argv[i], "--pin-edges") == 0 && v) edges = argv[++i];
    else if (strcmp(argv[i], "--pin-window-us") == 0 && v) sim.pin_window_us = (uint32_t)atoi(argv[++i]);
    else if (strcmp(argv[i], "--no-reset-on-open") == 0) sim.reset_on_open = false;
    else {
      fprintf(stderr, "hark-simavr: unknown or incomplete argument %s (see the top of hark_simavr.c)\n", argv[i]);
      return 2;
    }
  }
  if (elf == NULL || (strcmp(mode, "scripted") != 0 && strcmp(mode, "realtime") != 0)) {
    fprintf(stderr, "usage: hark-simavr --elf uno.elf [--mode scripted|realtime] [--wav FILE] [--pin-edges N,N]\n");
    return 2;
  }
  sim.realtime = strcmp(mode, "realtime") == 0;
  signal(SIGPIPE, SIG_IGN);
  elf_firmware_t fw;
  memset(&fw, 0, sizeof fw);
  if (elf_read_firmware(elf, &fw) != 0) {
    fprintf(stderr, "hark-simavr: cannot read %s\n", elf);
    return 2;
  }
  sim.avr = avr_make_mcu_by_name("atmega328p");
  if (sim.avr == NULL || avr_init(sim.avr) != 0) return 2;
  sim.avr->log = LOG_ERROR;
  fw.frequency = 16000000;
  fw.vcc = fw.avcc = fw.aref = 5000;
  avr_load_firmware(sim.avr, &fw);
  sim.avr->sleep = no_sleep;
  sim_uart_install(&sim);
  sim_quirks_install(&sim);
  sim_pins_install(&sim, edges);
  sim_pins_drive(&sim, SIM_PIN_BUTTON, !SIM_BUTTON_PRESSED_LEVEL); /* the button, released */
  sim_measure_install(&sim, elf);
  if (wav != NULL && !sim_mic_load(&sim, wav)) return 2;
  if (sim.realtime && !sim_uart_open_pty(&sim)) {
    fprintf(stderr, "hark-simavr: cannot create a pseudo-terminal: %s\n", strerror(errno));
    return 2;
  }
  if (sim.realtime) {
    sim_emit("{\"e\":\"ready\",\"t\":0,\"mode\":\"realtime\",\"path\":\"%s\",\"pid\":%d,\"heapStart\":%u}", sim.pty_path,
             (int)getpid(), sim.m.heap_start);
    realtime_loop(&sim);
  } else {
    sim_emit("{\"e\":\"ready\",\"t\":0,\"mode\":\"scripted\",\"pid\":%d,\"heapStart\":%u}", (int)getpid(),
             sim.m.heap_start);
    scripted_loop(&sim);
  }
  return 0;
}

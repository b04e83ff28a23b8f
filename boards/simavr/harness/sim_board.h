/*
 * sim_board.h — the simulated Arduino Uno: one ATmega328P in libsimavr running the real hark image
 * (firmware/Makefile `uno`), with the board around it modelled by this harness:
 *
 *   host ⇄ pty (real-time) or stdin `send` (scripted) ⇄ line-rate byte pump ⇄ UART0 of the ATmega
 *   WAV file ─► ADC0 (A0, the microphone) on each conversion;   stdin ─► the button (pin 2), input pins
 *   output pins (LED 13, piezo 8, GPIO) ─► pin log;   UART bytes ─► frame log (split at 0x00)
 *   every instruction ─► stack-pointer low-water mark;  interrupt entry/exit ─► ISR cycle counts
 *
 * Everything the harness prints is one JSON object per line on stdout (see hark_simavr.c).
 * Times are simulated microseconds since the harness started ("t") and, in real-time mode, wall
 * microseconds ("w"). Pins use Arduino numbers (0–7 PORTD, 8–13 PORTB, 14–19 PORTC = A0–A5).
 *
 * This is test equipment, not firmware: it allocates, prints and may exit on bad input.
 */
#ifndef SIM_BOARD_H
#define SIM_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include <simavr/avr_uart.h>
#include <simavr/sim_avr.h>

#include "board_pins.h" /* the Uno's pins, generated from boards/profiles/arduino-uno-electret.json */
#include "wav_source.h"

/* The board around the ATmega is wired as the profile says. */
#define SIM_PIN_BUTTON HARK_PIN_BUTTON_0
#define SIM_BUTTON_PRESSED_LEVEL (HARK_BUTTON_0_ACTIVE_LOW ? 0 : 1)
#define SIM_ADC_MIC (HARK_PIN_MIC_ADC - 14) /**< ADC channel of the microphone (A0 = pin 14) */

#define SIM_PINS 20            /**< Arduino pins 0..19 */
#define SIM_RX_QUEUE_BYTES 65536u /**< host → board bytes not yet on the wire (the USB bridge's buffer) */
#define SIM_FRAME_MAX_BYTES 1100u
#define SIM_MAX_CATCH_UP_US 20000u /**< real-time mode: the most lag the simulation makes up by running fast */ /**< longest frame logged whole; longer ones are logged truncated */

/** One direction's frame assembler (bytes until 0x00). */
typedef struct {
  uint8_t bytes[SIM_FRAME_MAX_BYTES];
  uint16_t len;
  bool truncated;
} sim_frame_buf_t;

/** Per output pin: edge statistics over the current pin-log window. */
typedef struct {
  bool watched;
  bool edges_logged;    /**< --pin-edges: every edge is printed */
  uint8_t level;        /**< last level seen */
  uint64_t last_edge_cycle;
  uint32_t window_edges;
  uint32_t window_rising;
  uint64_t first_rising_cycle, last_rising_cycle;
  uint64_t first_edge_cycle;
  uint64_t high_cycles;  /**< high time inside the window */
  uint64_t level_since;  /**< cycle of the last level change or window start */
  /* what was last printed */
  int printed_state;     /**< -1 none, 0 low, 1 high, 2 oscillating */
  double printed_freq_hz, printed_duty_pct;
} sim_pin_t;

/** What the harness measures (printed by `measure`). */
typedef struct {
  uint16_t sp_min;          /**< lowest stack pointer seen since the last `measure reset` */
  uint32_t sp_min_pc;       /**< byte address of the instruction that reached it */
  uint8_t sp_min_stack[2048]; /**< the stack at that moment (SP_min+1 .. RAMEND), for its call chain */
  uint16_t sp_min_stack_len;
  bool sp_split;            /**< between a frame's `out SPH` and `out SPL` (see sim_measure_step) */
  uint32_t count_addr;      /**< `count FN`: entries into this address are counted */
  uint32_t count_hits;
  uint16_t heap_start;      /**< first byte above .data + .bss (+ .noinit) */
  uint16_t diag_addr;       /**< &hark_dev (its first member is the stats block) */
  uint64_t isr_entry_cycle[32];
  uint64_t isr_pending_cycle[32];
  bool isr_running[32];
  uint32_t isr_max_cycles[32];
  uint32_t isr_max_latency_cycles[32];
  uint64_t isr_total_cycles[32];
  uint32_t isr_count[32];
  uint32_t timer_reraised;  /**< simavr quirk 1: interrupts re-raised after an unmask */
  uint32_t uart_overruns;   /**< bytes the UART hardware dropped (2-byte FIFO full) */
  uint64_t lag_max_us;      /**< real-time mode: how far the simulation fell behind the wall clock */
  uint64_t lag_lost_us;     /**< real-time mode: wall time the board lost (not caught up) when starved */
} sim_measure_t;

typedef struct {
  avr_t *avr;
  avr_uart_t *uart;
  uint32_t cycles_per_byte; /**< corrected: 10 bits per 8N1 byte */
  bool realtime;
  /* serial: host side */
  int pty_master;           /**< -1 in scripted mode */
  int pty_inotify;          /**< wakes us when a host opens the slave */
  char pty_path[64];
  bool host_open;           /**< a process holds the slave open (the master reports no POLLHUP) */
  bool reset_on_open;
  uint32_t boot_ms;         /**< held in reset this long after a DTR reset (a bootloader's wait) */
  uint64_t held_until_cycle;
  uint8_t rx_queue[SIM_RX_QUEUE_BYTES];
  uint32_t rx_head, rx_len;
  bool rx_pump_on;
  uint8_t tx_out[SIM_RX_QUEUE_BYTES]; /**< real-time: board → pty bytes not yet written */
  uint32_t tx_head, tx_len;
  uint32_t tx_dropped;      /**< board bytes dropped while no host had the port open */
  sim_frame_buf_t tx_frame, rx_frame;
  /* pins */
  sim_pin_t pin[SIM_PINS];
  int8_t drive[SIM_PINS];   /**< -1 floating (firmware decides), 0/1 driven by the harness */
  uint32_t pin_window_us;
  uint64_t pin_window_start;
  /* microphone */
  wav_source_t wav;
  bool wav_loaded, wav_playing;
  uint64_t wav_start_cycle;
  uint16_t adc_mv[8];       /**< fixed voltages on ADC channels (A0 is the WAV while playing) */
  /* measurement */
  sim_measure_t m;
  /** Wall time at simulated time 0; moved forward when the board loses time to a starved CPU. */
  uint64_t wall_t0_us;
  /** Wall time the real-time loop started: frames' `w` counts from here and is never moved. */
  uint64_t wall_start_us;
} sim_board_t;

/* sim_json.c */
void sim_emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t sim_wall_us(void);
uint64_t sim_t_us(const sim_board_t *b);
uint64_t sim_cycle_us(const sim_board_t *b, uint64_t cycle);

/* sim_quirks.c — the corrections for simavr 1.6 (see the file's top comment) */
void sim_quirks_install(sim_board_t *b);
void sim_quirks_after_reset(sim_board_t *b);

/* sim_uart.c */
void sim_uart_install(sim_board_t *b);
void sim_uart_after_reset(sim_board_t *b);
/** Queue bytes from the host; they reach the UART at line rate. */
void sim_uart_host_send(sim_board_t *b, const uint8_t *bytes, uint32_t n);
/** Real-time mode: move bytes between the pty and the queues; notice the host opening the port. */
void sim_uart_pty_service(sim_board_t *b, bool readable);
bool sim_uart_open_pty(sim_board_t *b);

/* sim_pins.c */
void sim_pins_install(sim_board_t *b, const char *edges_csv);
void sim_pins_after_reset(sim_board_t *b);
void sim_pins_drive(sim_board_t *b, int pin, int level);
void sim_pins_window(sim_board_t *b);
bool sim_mic_load(sim_board_t *b, const char *path);
void sim_mic_play(sim_board_t *b);

/* sim_measure.c */
void sim_measure_install(sim_board_t *b, const char *elf_path);
void sim_measure_reset(sim_board_t *b);
void sim_measure_print(sim_board_t *b);
void sim_measure_new_low(sim_board_t *b, uint16_t sp);
/** `profile start` samples the program counter every 53 cycles; `profile` prints the top functions. */
void sim_measure_profile(sim_board_t *b, bool start);
/** Address of function `name` in the image (0 when it has none). */
uint32_t sim_measure_fn_addr(const char *name);
/* After each instruction (pc_before: its address). A frame's prologue and epilogue set SP in two
   writes, SPH first (with interrupts masked): in between, SP is a mix of old and new bytes that can lie
   up to 255 bytes below the real stack, so SP is not sampled from an `out SPH` until the `out SPL`. */
static inline void sim_measure_step(sim_board_t *b, uint32_t pc_before) {
  const uint8_t *f = b->avr->flash;
  uint16_t op = (uint16_t)(f[pc_before] | f[pc_before + 1u] << 8);
  if ((op & 0xFE0Fu) == 0xBE0Eu) b->m.sp_split = true;       /* out 0x3e (SPH), rX */
  else if ((op & 0xFE0Fu) == 0xBE0Du) b->m.sp_split = false; /* out 0x3d (SPL), rX */
  if (b->m.sp_split) return;
  uint16_t sp = (uint16_t)(b->avr->data[R_SPL] | (b->avr->data[R_SPH] << 8));
  if (sp < b->m.sp_min) sim_measure_new_low(b, sp);
}

/* hark_simavr.c */
void sim_reset(sim_board_t *b, const char *cause);
/** A frame the board sent, by its type (first COBS-decoded byte; 0 when it has none). */
void sim_frame_sent(uint8_t type);

#endif

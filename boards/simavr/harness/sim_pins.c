/*
 * sim_pins.c — the Uno's pins as the outside world sees them.
 *
 * Inputs: the harness drives a pin to a level (the button on 2: released = high, pressed = low,
 * like a switch to GND with a pull-up) and keeps driving it across resets (simavr quirk 4).
 *
 * Outputs: every level change of pins 2–19 (0 and 1 are the UART) is folded into windows of
 * pin_window_us; at each window's end a pin is "low", "high" (no edge, or one) or "osc" (two or
 * more edges: its frequency from the rising edges, its duty cycle from the time spent high). An event
 * is printed only when that state changes — {"e":"pin","t":µs,"pin":13,"state":"osc","freqHz":250,
 * "dutyPct":50} — so a 1 kHz piezo tone or the LED's 250 Hz soft PWM costs one line, not thousands.
 * After a reset every pin is "float" until the firmware drives it again. `--pin-edges 5,6` prints
 * each edge of those pins as well ({"e":"edge",...}), for checks of single spikes.
 *
 * Microphone: A0 gets the next sample of the WAV file at each conversion the firmware starts (one
 * sample a conversion: the firmware's own 8 kHz timer sets the rate, as on the real board), biased at
 * 2.5 V like an electret module's output; silence (2.5 V) when no WAV plays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simavr/avr_adc.h>
#include <simavr/avr_ioport.h>
#include <simavr/sim_cycle_timers.h>
#include <simavr/sim_io.h>
#include <simavr/sim_time.h>

#include "sim_board.h"

static sim_board_t *board;
static bool driving; /* our own raise of a pin IRQ: not a firmware output */
static avr_irq_t *adc_in;

static char port_of(int pin) { return pin < 8 ? 'D' : pin < 14 ? 'B' : 'C'; }
static int bit_of(int pin) { return pin < 8 ? pin : pin < 14 ? pin - 8 : pin - 14; }
/* DDRx data address; PORTx is the next one (ATmega328P: DDRB 0x24, DDRC 0x27, DDRD 0x2A). */
static uint16_t ddr_addr(int pin) { return pin < 8 ? 0x2A : pin < 14 ? 0x24 : 0x27; }
static avr_irq_t *pin_irq(sim_board_t *b, int pin) {
  return avr_io_getirq(b->avr, AVR_IOCTL_IOPORT_GETIRQ(port_of(pin)), bit_of(pin));
}

static void on_pin(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  if (driving) return;
  sim_board_t *b = board;
  int n = (int)(intptr_t)param;
  sim_pin_t *p = &b->pin[n];
  uint8_t level = (uint8_t)(value & 1u);
  if (!p->watched || b->drive[n] >= 0 || level == p->level) return;
  uint64_t c = b->avr->cycle;
  if (p->level) p->high_cycles += c - p->level_since;
  p->level_since = c;
  p->level = level;
  if (p->window_edges++ == 0) p->first_edge_cycle = c;
  p->last_edge_cycle = c;
  if (level) {
    if (p->window_rising++ == 0) p->first_rising_cycle = c;
    p->last_rising_cycle = c;
  }
  if (p->edges_logged) {
    sim_emit("{\"e\":\"edge\",\"t\":%llu,\"pin\":%d,\"level\":%u}", (unsigned long long)sim_cycle_us(b, c), n, level);
  }
}

static void print_state(sim_board_t *b, int n, uint64_t cycle, const char *state, double freq, double duty) {
  if (freq > 0) {
    sim_emit("{\"e\":\"pin\",\"t\":%llu,\"pin\":%d,\"state\":\"%s\",\"freqHz\":%.1f,\"dutyPct\":%.1f}",
             (unsigned long long)sim_cycle_us(b, cycle), n, state, freq, duty);
  } else {
    sim_emit("{\"e\":\"pin\",\"t\":%llu,\"pin\":%d,\"state\":\"%s\"}", (unsigned long long)sim_cycle_us(b, cycle), n,
             state);
  }
}

void sim_pins_window(sim_board_t *b) {
  uint64_t end = b->avr->cycle;
  uint64_t start = b->pin_window_start;
  if (end <= start) return;
  for (int n = 0; n < SIM_PINS; n++) {
    sim_pin_t *p = &b->pin[n];
    if (!p->watched || b->drive[n] >= 0) continue; /* inputs the harness drives are not outputs */
    if (p->level) p->high_cycles += end - p->level_since;
    p->level_since = end;
    if (p->window_edges >= 2) {
      double f = 0;
      if (p->window_rising >= 2) {
        f = (double)(p->window_rising - 1) * b->avr->frequency / (double)(p->last_rising_cycle - p->first_rising_cycle);
      } else {
        f = (double)p->window_edges * 0.5 * b->avr->frequency / (double)(end - start);
      }
      double duty = 100.0 * (double)p->high_cycles / (double)(end - start);
      bool changed = p->printed_state != 2 || f > p->printed_freq_hz * 1.03 || f < p->printed_freq_hz * 0.97 ||
                     duty > p->printed_duty_pct + 2.0 || duty < p->printed_duty_pct - 2.0;
      if (changed) {
        print_state(b, n, p->printed_state == 2 ? start : p->first_edge_cycle, "osc", f, duty);
        p->printed_state = 2;
        p->printed_freq_hz = f;
        p->printed_duty_pct = duty;
      }
    } else {
      /* steady; an input with neither pull-up nor the harness driving it floats */
      uint8_t mask = (uint8_t)(1u << bit_of(n));
      bool out = (b->avr->data[ddr_addr(n)] & mask) != 0, pullup = (b->avr->data[ddr_addr(n) + 1] & mask) != 0;
      int state = !out && !pullup && b->drive[n] < 0 ? -2 : (int)p->level;
      if (state != p->printed_state) {
        /* since its last edge: the level change, or where an oscillation stopped */
        print_state(b, n, p->last_edge_cycle > 0 ? p->last_edge_cycle : start,
                    state == -2 ? "float" : state ? "high" : "low", 0, 0);
        p->printed_state = state;
      }
    }
    p->window_edges = p->window_rising = 0;
    p->high_cycles = 0;
  }
  b->pin_window_start = end;
}

static avr_cycle_count_t window_timer(avr_t *avr, avr_cycle_count_t when, void *param) {
  (void)avr;
  (void)param;
  sim_pins_window(board);
  return when + avr_usec_to_cycles(board->avr, board->pin_window_us);
}

/* The driven pins of a port as simavr's "external" state: without it, every write to PORTx makes
   simavr re-raise an input pin whose PORT bit is set (a pull-up) as high — so a pressed button (pin 2,
   pull-up on) would read released the moment the firmware wrote PORTD for any other pin. With it,
   simavr's port update raises the level the harness drives, as an external switch would win over the
   pull-up on real silicon. */
static void apply_external(sim_board_t *b, char port) {
  avr_ioport_external_t ext = {.name = (unsigned)port, .mask = 0, .value = 0};
  for (int n = 0; n < SIM_PINS; n++) {
    if (port_of(n) != port || b->drive[n] < 0) continue;
    ext.mask |= 1u << bit_of(n);
    if (b->drive[n]) ext.value |= 1u << bit_of(n);
  }
  avr_ioctl(b->avr, AVR_IOCTL_IOPORT_SET_EXTERNAL(port), &ext);
}

void sim_pins_drive(sim_board_t *b, int pin, int level) {
  if (pin < 0 || pin >= SIM_PINS) return;
  b->drive[pin] = (int8_t)level;
  apply_external(b, port_of(pin));
  if (level < 0) return;
  avr_irq_t *irq = pin_irq(b, pin);
  driving = true;
  irq->flags |= IRQ_FLAG_INIT; /* raise even if simavr thinks the level is unchanged */
  avr_raise_irq(irq, (uint32_t)level);
  driving = false;
}

/* ---- microphone ---------------------------------------------------------------------------------- */
static void on_adc_start(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)param;
  sim_board_t *b = board;
  union {
    avr_adc_mux_t mux;
    uint32_t v;
  } e = {.v = value};
  unsigned ch = e.mux.src & 7u;
  uint32_t mv = b->adc_mv[ch];
  if (ch == SIM_ADC_MIC) {
    mv = 2500; /* the module's VCC/2 bias */
    if (b->wav_playing) {
      if (b->wav.pos < b->wav.count) {
        int32_t s = wav_source_next(&b->wav);
        mv = (uint32_t)(2500 + s * 2500 / 32768);
      } else {
        b->wav_playing = false;
        sim_emit("{\"e\":\"wav\",\"state\":\"ended\",\"t\":%llu}", (unsigned long long)sim_t_us(b));
      }
    }
  }
  avr_raise_irq(adc_in + ch, mv);
}

bool sim_mic_load(sim_board_t *b, const char *path) {
  if (b->wav_loaded) free(b->wav.samples);
  b->wav_loaded = wav_source_load(&b->wav, path, HARK_MIC_SAMPLE_RATE_HZ);
  b->wav_playing = false;
  return b->wav_loaded;
}

void sim_mic_play(sim_board_t *b) {
  if (!b->wav_loaded) return;
  wav_source_rewind(&b->wav);
  b->wav_playing = true;
  b->wav_start_cycle = b->avr->cycle;
  sim_emit("{\"e\":\"wav\",\"state\":\"playing\",\"t\":%llu,\"samples\":%u}", (unsigned long long)sim_t_us(b),
           b->wav.count);
}

/* ---- set-up -------------------------------------------------------------------------------------- */
void sim_pins_install(sim_board_t *b, const char *edges_csv) {
  board = b;
  for (int n = 0; n < SIM_PINS; n++) {
    b->drive[n] = -1;
    b->pin[n].watched = n >= 2 && n != HARK_PIN_MIC_ADC;
    b->pin[n].printed_state = -2;
    avr_irq_register_notify(pin_irq(b, n), on_pin, (void *)(intptr_t)n);
  }
  for (const char *s = edges_csv; s != NULL && *s != 0;) {
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s) break;
    if (n >= 0 && n < SIM_PINS) b->pin[n].edges_logged = true;
    s = *end == ',' ? end + 1 : end;
  }
  adc_in = avr_io_getirq(b->avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_ADC0);
  avr_irq_register_notify(avr_io_getirq(b->avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_OUT_TRIGGER), on_adc_start, NULL);
  sim_pins_after_reset(b);
}

void sim_pins_after_reset(sim_board_t *b) {
  /* Every pin is an input again: the firmware's outputs float until it drives them. */
  sim_pins_window(b); /* close the window the reset interrupted */
  for (int n = 0; n < SIM_PINS; n++) {
    sim_pin_t *p = &b->pin[n];
    pin_irq(b, n)->flags |= IRQ_FLAG_INIT;
    if (p->watched && p->printed_state != -2 && b->drive[n] < 0) print_state(b, n, b->avr->cycle, "float", 0, 0);
    p->printed_state = -2;
    p->level = 0;
    p->level_since = b->avr->cycle;
    p->window_edges = p->window_rising = 0;
    p->high_cycles = 0;
    if (b->drive[n] >= 0) sim_pins_drive(b, n, b->drive[n]);
  }
  b->pin_window_start = b->avr->cycle;
  avr_cycle_timer_register_usec(b->avr, b->pin_window_us, window_timer, NULL);
}

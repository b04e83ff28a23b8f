/*
 * sim_measure.c — what the harness measures about the firmware, printed by `measure`:
 *
 * - Stack: the lowest stack pointer seen after any instruction (sim_measure_step, called by the run
 *   loop after every avr_run), and the code address that reached it. Margin = bytes between the end
 *   of static data (__bss_end, or __heap_start when malloc is linked) and the deepest byte the stack wrote: (SP_min + 1) − __heap_start.
 * - Interrupts, per vector: cycles from entering the vector to its RETI (max, mean, count), and the
 *   latency from the flag being raised to the vector being entered (what masked sections cost).
 * - The firmware's own counters, read from its memory: hark_dev starts with hark_device_stats_t
 *   (firmware/core/device/hark_device.h fixes its layout), which holds the capture ring's peak fill
 *   and the frames lost to a full receive buffer.
 * Symbols come from the ELF's symbol table (libelf), so the harness needs no address configuration.
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <simavr/sim_cycle_timers.h>
#include <simavr/sim_interrupts.h>

#include "sim_board.h"

#define AVR_DATA_OFFSET 0x800000u /* avr-ld puts SRAM at this virtual address */
/* hark_device_stats_t on AVR (no padding): firmware/core/device/hark_device.h, asserted there. */
#define STATS_RING_PEAK_OFFSET 20u
#define STATS_RX_LOST_OFFSET 22u

typedef struct {
  uint32_t addr;
  char name[40];
} fn_sym_t;

static sim_board_t *board;
static fn_sym_t *fns;
static size_t fn_count;

static void read_symbols(sim_board_t *b, const char *path) {
  if (elf_version(EV_CURRENT) == EV_NONE) return;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return;
  Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
  Elf_Scn *scn = NULL;
  while (elf != NULL && (scn = elf_nextscn(elf, scn)) != NULL) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_SYMTAB) continue;
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t count = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
    fns = calloc(count + 1, sizeof *fns);
    for (size_t i = 0; i < count; i++) {
      GElf_Sym s;
      if (gelf_getsym(data, (int)i, &s) == NULL) continue;
      const char *name = elf_strptr(elf, sh.sh_link, s.st_name);
      if (name == NULL) continue;
      /* end of static data: __heap_start when malloc is linked, else __bss_end / __noinit_end */
      if (strcmp(name, "__heap_start") == 0 || strcmp(name, "__bss_end") == 0 || strcmp(name, "__noinit_end") == 0) {
        uint16_t end = (uint16_t)(s.st_value - AVR_DATA_OFFSET);
        if (end > b->m.heap_start) b->m.heap_start = end;
      }
      if (strcmp(name, "hark_dev") == 0) b->m.diag_addr = (uint16_t)(s.st_value - AVR_DATA_OFFSET);
      /* code symbols: C functions, and the labels of assembly routines (libgcc's __udivmodhi4 ...) */
      bool code = GELF_ST_TYPE(s.st_info) == STT_FUNC ||
                  (GELF_ST_TYPE(s.st_info) == STT_NOTYPE && s.st_value < AVR_DATA_OFFSET && name[0] == '_' &&
                   name[1] == '_' && s.st_shndx != SHN_ABS && s.st_shndx != SHN_UNDEF);
      if (code && fns != NULL) {
        fns[fn_count].addr = (uint32_t)s.st_value;
        snprintf(fns[fn_count].name, sizeof fns[fn_count].name, "%s", name);
        fn_count++;
      }
    }
  }
  if (elf != NULL) elf_end(elf);
  close(fd);
}

static int fn_index_at(uint32_t pc) {
  int best = -1;
  uint32_t best_addr = 0;
  for (size_t i = 0; i < fn_count; i++) {
    if (fns[i].addr <= pc && fns[i].addr >= best_addr) {
      best_addr = fns[i].addr;
      best = (int)i;
    }
  }
  return best;
}

static const char *function_at(uint32_t pc) {
  int i = fn_index_at(pc);
  return i < 0 ? "?" : fns[i].name;
}

/* ---- profile: where the CPU spends its cycles (`profile start` / `profile`) ---------------------- */
#define PROFILE_PERIOD_CYCLES 53 /* prime, so the samples do not lock onto a loop */
static uint32_t *profile_hits; /* per function symbol, plus one for "outside any" */
static bool profiling;

static avr_cycle_count_t profile_tick(avr_t *avr, avr_cycle_count_t when, void *param) {
  (void)param;
  if (!profiling) return 0;
  int i = fn_index_at(avr->pc);
  profile_hits[i < 0 ? fn_count : (size_t)i]++;
  return when + PROFILE_PERIOD_CYCLES;
}

uint32_t sim_measure_fn_addr(const char *name) {
  for (size_t i = 0; i < fn_count; i++) {
    if (strcmp(fns[i].name, name) == 0) return fns[i].addr;
  }
  return 0;
}

void sim_measure_profile(sim_board_t *b, bool start) {
  if (start) {
    if (profile_hits == NULL) profile_hits = calloc(fn_count + 1, sizeof *profile_hits);
    memset(profile_hits, 0, (fn_count + 1) * sizeof *profile_hits);
    if (!profiling) avr_cycle_timer_register(b->avr, PROFILE_PERIOD_CYCLES, profile_tick, NULL);
    profiling = true;
    return;
  }
  if (profile_hits == NULL) return;
  uint64_t total = 0;
  for (size_t i = 0; i <= fn_count; i++) total += profile_hits[i];
  char out[2048];
  size_t o = 0;
  for (int k = 0; k < 20 && o < sizeof out - 96; k++) {
    size_t best = 0;
    for (size_t i = 1; i <= fn_count; i++) if (profile_hits[i] > profile_hits[best]) best = i;
    if (profile_hits[best] == 0) break;
    o += (size_t)snprintf(out + o, sizeof out - o, "%s{\"fn\":\"%s\",\"pct\":%.1f}", k ? "," : "",
                          best == fn_count ? "?" : fns[best].name, 100.0 * profile_hits[best] / (double)(total ? total : 1));
    profile_hits[best] = 0;
  }
  out[o] = 0;
  sim_emit("{\"e\":\"profile\",\"t\":%llu,\"samples\":%llu,\"top\":[%s]}", (unsigned long long)sim_t_us(b),
           (unsigned long long)total, out);
  profiling = false;
}

static void on_pending(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  int v = (int)(intptr_t)param;
  if (value) board->m.isr_pending_cycle[v] = board->avr->cycle;
}

static void on_running(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  sim_measure_t *m = &board->m;
  int v = (int)(intptr_t)param;
  uint64_t now = board->avr->cycle;
  if (value) {
    m->isr_running[v] = true;
    m->isr_entry_cycle[v] = now;
    uint64_t lat = now - m->isr_pending_cycle[v];
    if (lat > m->isr_max_latency_cycles[v] && lat < 1000000u) m->isr_max_latency_cycles[v] = (uint32_t)lat;
  } else if (m->isr_running[v]) {
    m->isr_running[v] = false;
    uint64_t dt = now - m->isr_entry_cycle[v];
    if (dt > m->isr_max_cycles[v]) m->isr_max_cycles[v] = (uint32_t)dt;
    m->isr_total_cycles[v] += dt;
    m->isr_count[v]++;
  }
}

void sim_measure_install(sim_board_t *b, const char *elf_path) {
  board = b;
  read_symbols(b, elf_path);
  if (b->m.heap_start == 0 || b->m.diag_addr == 0) {
    fprintf(stderr, "hark-simavr: %s lacks __bss_end or hark_dev: not a hark Uno image?\n", elf_path);
    exit(2);
  }
  avr_int_table_p t = &b->avr->interrupts;
  for (int i = 0; i < t->vector_count; i++) {
    avr_int_vector_t *vec = t->vector[i];
    if (vec->vector >= 32) continue;
    avr_irq_register_notify(vec->irq + AVR_INT_IRQ_PENDING, on_pending, (void *)(intptr_t)vec->vector);
    avr_irq_register_notify(vec->irq + AVR_INT_IRQ_RUNNING, on_running, (void *)(intptr_t)vec->vector);
  }
  sim_measure_reset(b);
}

void sim_measure_new_low(sim_board_t *b, uint16_t sp) {
  b->m.sp_min = sp;
  b->m.sp_min_pc = b->avr->pc;
  uint16_t n = (uint16_t)(b->avr->ramend - sp);
  if (n > sizeof b->m.sp_min_stack) n = sizeof b->m.sp_min_stack;
  memcpy(b->m.sp_min_stack, b->avr->data + sp + 1u, n);
  b->m.sp_min_stack_len = n;
}

/* A return address on the stack: pushed high byte at the lower address, in words; the instruction
   before it must be a CALL (4 bytes), RCALL or ICALL (2 bytes). */
static bool is_return_address(const sim_board_t *b, uint32_t ret) {
  const uint8_t *f = b->avr->flash;
  if (ret < 4 || ret >= b->avr->flashend) return false;
  uint16_t w2 = (uint16_t)(f[ret - 2] | f[ret - 1] << 8), w4 = (uint16_t)(f[ret - 4] | f[ret - 3] << 8);
  return (w4 & 0xFE0E) == 0x940E || (w2 & 0xF000) == 0xD000 || w2 == 0x9509;
}

/* The call chain at the stack's low-water mark, innermost first: "f<g<main" (best effort). */
static void call_chain(const sim_board_t *b, char *out, size_t cap) {
  size_t o = (size_t)snprintf(out, cap, "%s", function_at(b->m.sp_min_pc));
  const uint8_t *st = b->m.sp_min_stack;
  for (uint16_t i = 0; i + 1u < b->m.sp_min_stack_len && o < cap - 48; i++) {
    uint32_t ret = (uint32_t)((st[i] << 8) | st[i + 1u]) * 2u;
    if (!is_return_address(b, ret)) continue;
    o += (size_t)snprintf(out + o, cap - o, "<%s@%u", function_at(ret), (unsigned)i);
    i++;
  }
}

static uint16_t read16(const sim_board_t *b, uint16_t addr) {
  return (uint16_t)(b->avr->data[addr] | (b->avr->data[addr + 1u] << 8));
}

void sim_measure_reset(sim_board_t *b) {
  b->m.sp_min = 0xFFFF;
  for (int v = 0; v < 32; v++) {
    b->m.isr_max_cycles[v] = b->m.isr_max_latency_cycles[v] = 0;
    b->m.isr_total_cycles[v] = 0;
    b->m.isr_count[v] = 0;
  }
  /* the firmware's high-water mark, so the next figure covers only what follows */
  b->avr->data[b->m.diag_addr + STATS_RING_PEAK_OFFSET] = 0;
  b->avr->data[b->m.diag_addr + STATS_RING_PEAK_OFFSET + 1u] = 0;
  b->m.lag_max_us = b->m.lag_lost_us = 0;
}

void sim_measure_print(sim_board_t *b) {
  const sim_measure_t *m = &b->m;
  int margin = (int)m->sp_min + 1 - (int)m->heap_start;
  char isr[1024];
  size_t o = 0;
  for (int v = 1; v < 32 && o < sizeof isr - 120; v++) {
    if (m->isr_count[v] == 0) continue;
    o += (size_t)snprintf(isr + o, sizeof isr - o, "%s\"%d\":{\"count\":%u,\"maxCycles\":%u,\"meanCycles\":%.1f,\"maxLatencyCycles\":%u}",
                          o ? "," : "", v, m->isr_count[v], m->isr_max_cycles[v],
                          (double)m->isr_total_cycles[v] / m->isr_count[v], m->isr_max_latency_cycles[v]);
  }
  isr[o] = 0;
  char chain[1024];
  call_chain(b, chain, sizeof chain);
  sim_emit("{\"e\":\"measure\",\"t\":%llu,\"spMin\":%u,\"spMinAt\":\"%s\",\"heapStart\":%u,\"ramEnd\":%u,"
           "\"stackMarginBytes\":%d,\"stackUsedBytes\":%u,\"spMinChain\":\"%s\",\"isr\":{%s},\"timerReraised\":%u,\"uartOverruns\":%u,"
           "\"ringPeakSamples\":%u,\"rxLostFrames\":%u,\"txDropped\":%u,\"lagMaxUs\":%llu,\"lagLostUs\":%llu}",
           (unsigned long long)sim_t_us(b), m->sp_min, function_at(m->sp_min_pc), m->heap_start, b->avr->ramend,
           margin, (unsigned)(b->avr->ramend - m->sp_min), chain, isr, m->timer_reraised, m->uart_overruns,
           read16(b, (uint16_t)(m->diag_addr + STATS_RING_PEAK_OFFSET)),
           read16(b, (uint16_t)(m->diag_addr + STATS_RX_LOST_OFFSET)), b->tx_dropped,
           (unsigned long long)m->lag_max_us, (unsigned long long)m->lag_lost_us);
}

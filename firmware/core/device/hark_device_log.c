/* hark_device_log.c — LOG and ERROR frames from the core, deferred (see "Deferred reports" in
 * hark_device.h). Texts are HARK_PSTR strings (in flash on AVR), copied into a short stack buffer only
 * while a frame is written, at the loop's top level; every line also goes to hark_hal_debug so a
 * board's own console (the native board's stdout) sees it before a host does. */
#include "device/hark_device.h"
#include "device/hark_link.h"
#include "hark_hal.h"
#include "hark_protocol.h"

#define DEV hark_dev
#define TEXT_MAX_BYTES 48 /* log lines and error messages are written to fit; longer ones are cut */

static void queue(uint8_t kind, uint8_t code, const char *a, const char *b, const char *c) {
  if (DEV.report_count == HARK_REPORT_SLOTS) {
    DEV.stats.reports_dropped++;
    return;
  }
  hark_device_report_t *r = &DEV.reports[DEV.report_count++];
  r->kind = kind;
  r->code = code;
  r->a = a;
  r->b = b;
  r->c = c;
}

void hark_device_error(uint8_t code, const char *pstr_msg) { queue(HARK_REPORT_ERROR, code, pstr_msg, NULL, NULL); }

void hark_device_log(uint8_t level, const char *pstr_text) { queue(HARK_REPORT_LOG, level, pstr_text, NULL, NULL); }

void hark_device_log_static(uint8_t level, const char *text) { queue(HARK_REPORT_LOG_RAM, level, text, NULL, NULL); }

void hark_device_log_transition(const char *pstr_what, const char *pstr_from, const char *pstr_to) {
  queue(HARK_REPORT_TRANSITION, HARK_LOG_DEBUG, pstr_what, pstr_from, pstr_to);
}

void hark_device_log_ram(uint8_t level, const char *text, uint8_t n) {
  hark_hal_debug(level, text);
  if (DEV.link != HARK_LINK_READY) return; /* a host not yet handshaken would only count these */
  hark_msg_t m;
  m.type = HARK_MSG_LOG;
  m.u.log.level = level;
  m.u.log.text.data = (const uint8_t *)text;
  m.u.log.text.len = n;
  hark_device_send(&m);
}

static uint8_t append(char *text, uint8_t n, const char *pstr) {
  for (const char *p = pstr; p != NULL && HARK_PGM_BYTE(p) != 0 && n < TEXT_MAX_BYTES - 1u; p++) {
    text[n++] = (char)HARK_PGM_BYTE(p);
  }
  return n;
}

/* One report, from the top of the loop: text[] and the message sit on a shallow stack here. Returns
   false, sending nothing, while the serial port lacks room for its frame (it waits for a later pass:
   a report never makes the loop wait for the line). */
__attribute__((noinline)) static bool send_report(const hark_device_report_t *r) {
  char text[TEXT_MAX_BYTES];
  uint8_t n = 0;
  if (r->kind == HARK_REPORT_LOG_RAM) {
    for (const char *p = r->a; *p != 0 && n < TEXT_MAX_BYTES - 1u; p++) text[n++] = *p;
  } else {
    n = append(text, 0, r->a);
  }
  if (r->kind == HARK_REPORT_TRANSITION) {
    n = append(text, n, HARK_PSTR(": "));
    n = append(text, n, r->b);
    n = append(text, n, HARK_PSTR(" -> "));
    n = append(text, n, r->c);
  }
  text[n] = 0;
  bool framed = r->kind == HARK_REPORT_ERROR || DEV.link == HARK_LINK_READY;
  if (framed && hark_hal_serial_tx_room() < HARK_FRAME_WIRE_BYTES(2u + n)) return false;
  if (r->kind != HARK_REPORT_ERROR) {
    hark_device_log_ram(r->code, text, n);
    return true;
  }
  hark_msg_t m;
  m.type = HARK_MSG_ERROR;
  m.u.error.code = r->code;
  m.u.error.message.data = (const uint8_t *)text;
  m.u.error.message.len = n;
  hark_device_send(&m);
  return true;
}

void hark_device_flush_reports(void) {
  /* Audio first: while a whole chunk waits for room on the line, reports wait (they go in the gaps
     between chunks), so an ERROR flood cannot back the capture ring up. */
  if (DEV.cap != HARK_CAP_IDLE && hark_capture_available(&DEV.ring) >= DEV.chunk_samples) return;
  if (DEV.reports_dropped_told != DEV.stats.reports_dropped && DEV.report_count < HARK_REPORT_SLOTS) {
    DEV.reports_dropped_told = DEV.stats.reports_dropped; /* say once that some were lost (count: stats) */
    queue(HARK_REPORT_LOG, HARK_LOG_WARN, HARK_PSTR("reports dropped: the report queue was full"), NULL, NULL);
  }
  uint8_t sent = 0;
  while (sent < DEV.report_count && send_report(&DEV.reports[sent])) sent++;
  for (uint8_t i = sent; i < DEV.report_count; i++) DEV.reports[i - sent] = DEV.reports[i];
  DEV.report_count = (uint8_t)(DEV.report_count - sent);
}

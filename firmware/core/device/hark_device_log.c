/* hark_device_log.c — LOG and ERROR frames from the core. Texts are HARK_PSTR strings (in flash on
 * AVR), copied into a short stack buffer only while a frame is written; every line also goes to
 * hark_hal_debug so a board's own console (the native board's stdout) sees it before a host does. */
#include "device/hark_device.h"
#include "device/hark_link.h"
#include "hark_hal.h"
#include "hark_protocol.h"

#define DEV hark_dev

void hark_device_error(uint8_t code, const char *pstr_msg) {
  char text[48]; /* messages are written to fit; longer ones are cut, never overflow */
  uint8_t n = 0;
  for (const char *p = pstr_msg; HARK_PGM_BYTE(p) != 0 && n < sizeof text; p++) text[n++] = (char)HARK_PGM_BYTE(p);
  hark_msg_t m;
  m.type = HARK_MSG_ERROR;
  m.u.error.code = code;
  m.u.error.message.data = (const uint8_t *)text;
  m.u.error.message.len = n;
  hark_device_send(&m);
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

void hark_device_log(uint8_t level, const char *pstr_text) {
  char text[48]; /* log lines are short: this sits on the AVR's ~650-byte stack */
  uint8_t n = 0;
  for (const char *p = pstr_text; HARK_PGM_BYTE(p) != 0 && n < sizeof text - 1u; p++) text[n++] = (char)HARK_PGM_BYTE(p);
  text[n] = 0;
  hark_device_log_ram(level, text, n);
}

void hark_device_log_transition(const char *pstr_what, const char *pstr_from, const char *pstr_to) {
  /* "<what>: <from> -> <to>", assembled in RAM (the pieces live in flash on AVR). */
  char line[48];
  uint8_t n = 0;
  const char *parts[5] = {pstr_what, HARK_PSTR(": "), pstr_from, HARK_PSTR(" -> "), pstr_to};
  for (uint8_t i = 0; i < 5; i++) {
    for (const char *p = parts[i]; HARK_PGM_BYTE(p) != 0 && n < sizeof line - 1u; p++) line[n++] = (char)HARK_PGM_BYTE(p);
  }
  line[n] = 0;
  hark_device_log_ram(HARK_LOG_DEBUG, line, n);
}


/* dump.h — the canonical transcript format of protocol/ts/transcript.ts, in C (test support only). */
#ifndef HARK_TEST_DUMP_H
#define HARK_TEST_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "../hark_frame.h"
#include "../hark_msg.h"

/** A bounded text buffer; output past its capacity is cut off and `overflow` is set. */
typedef struct {
    char *buf;
    size_t cap;
    size_t len;
    int overflow;
} sb_t;

void sb_init(sb_t *sb, char *buf, size_t cap);
void sb_printf(sb_t *sb, const char *fmt, ...);

/** Appends `msg` as `TYPE field=value ...` (no newline). */
void dump_message(sb_t *sb, const hark_msg_t *msg);

/** Appends the transcript of feeding `wire` to a fresh decoder (every line ends in \n). */
void transcribe(sb_t *sb, const uint8_t *wire, size_t len);

#endif

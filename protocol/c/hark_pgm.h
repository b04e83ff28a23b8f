/*
 * hark_pgm.h — internal: constant tables in flash on AVR (PROGMEM), plain const arrays elsewhere.
 * An ATmega328P has 2 KiB of RAM; without this every const table would be copied into it at boot.
 * Not part of the public API.
 */
#ifndef HARK_PGM_H
#define HARK_PGM_H

#if defined(__AVR__)
#include <avr/pgmspace.h>
#define HARK_PGM PROGMEM
#define HARK_PGM_U16(table, i) ((uint16_t)pgm_read_word(&(table)[(i)]))
#define HARK_PGM_I8(table, i) ((int8_t)pgm_read_byte(&(table)[(i)]))
#else
#define HARK_PGM
#define HARK_PGM_U16(table, i) ((uint16_t)(table)[(i)])
#define HARK_PGM_I8(table, i) ((int8_t)(table)[(i)])
#endif

#endif /* HARK_PGM_H */

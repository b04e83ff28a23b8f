/*
 * hark_crc16.h — CRC-16/CCITT-FALSE (SPEC §1): polynomial 0x1021, initial value 0xFFFF, no
 * reflection, no final XOR; hark_crc16("123456789", 9) == 0x29B1.
 *
 * A 16-entry nibble table (32 bytes, in flash on AVR) keeps it small and still fast. Pure functions,
 * no state, safe from interrupts.
 *
 * Usage:
 *     uint16_t crc = hark_crc16(bytes, len);
 *     // or incrementally:
 *     uint16_t c = HARK_CRC16_INIT;
 *     c = hark_crc16_update(c, part1, n1);
 *     c = hark_crc16_update(c, part2, n2);
 */
#ifndef HARK_CRC16_H
#define HARK_CRC16_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HARK_CRC16_INIT 0xFFFFU

/** Continues `crc` over `len` bytes at `data` (data may be NULL when len is 0). */
uint16_t hark_crc16_update(uint16_t crc, const uint8_t *data, size_t len);

/** CRC of `len` bytes at `data`. */
uint16_t hark_crc16(const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* HARK_CRC16_H */

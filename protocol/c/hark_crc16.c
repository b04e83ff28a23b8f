/* hark_crc16.c — see hark_crc16.h. */
#include "hark_crc16.h"

#include "hark_pgm.h"

/* CRC of each 4-bit value shifted to the top nibble: table[n] = crc16 step of n << 12. */
static const uint16_t nibble_table[16] HARK_PGM = {
    0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50A5, 0x60C6, 0x70E7,
    0x8108, 0x9129, 0xA14A, 0xB16B, 0xC18C, 0xD1AD, 0xE1CE, 0xF1EF,
};

uint16_t hark_crc16_update(uint16_t crc, const uint8_t *data, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        uint8_t b = data[i];
        crc = (uint16_t)((crc << 4) ^ HARK_PGM_U16(nibble_table, ((crc >> 12) ^ (b >> 4)) & 0x0F));
        crc = (uint16_t)((crc << 4) ^ HARK_PGM_U16(nibble_table, ((crc >> 12) ^ (b & 0x0F)) & 0x0F));
    }
    return crc;
}

uint16_t hark_crc16(const uint8_t *data, size_t len)
{
    return hark_crc16_update(HARK_CRC16_INIT, data, len);
}

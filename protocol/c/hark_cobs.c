/* hark_cobs.c — see hark_cobs.h. */
#include "hark_cobs.h"

int hark_cobs_encode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out_len)
{
    size_t code_idx = 0, out = 1, i;
    uint8_t code = 1;
    if ((src == NULL && len > 0) || dst == NULL || out_len == NULL) return HARK_ERR_ARG;
    if (cap < 1) return HARK_ERR_NO_SPACE;
    for (i = 0; i < len; i++) {
        uint8_t b = src[i];
        if (b != 0) {
            if (out >= cap) return HARK_ERR_NO_SPACE;
            dst[out++] = b;
            code++;
        }
        if (b == 0 || code == 0xFF) {
            dst[code_idx] = code;
            code = 1;
            code_idx = out;
            if (b == 0 || i + 1 < len) {
                if (out >= cap) return HARK_ERR_NO_SPACE;
                out++;
            }
        }
    }
    if (code_idx < out) dst[code_idx] = code;
    *out_len = out;
    return HARK_OK;
}

int hark_cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out_len)
{
    size_t i = 0, out = 0;
    if ((src == NULL && len > 0) || (dst == NULL && cap > 0) || out_len == NULL) return HARK_ERR_ARG;
    while (i < len) {
        uint8_t code = src[i];
        size_t block_end = i + code;
        if (code == 0 || block_end > len) return HARK_ERR_BAD_PAYLOAD;
        i++;
        while (i < block_end) {
            uint8_t b = src[i++];
            if (b == 0) return HARK_ERR_BAD_PAYLOAD;
            if (out >= cap) return HARK_ERR_NO_SPACE;
            dst[out++] = b;
        }
        if (code != 0xFF && i < len) {
            if (out >= cap) return HARK_ERR_NO_SPACE;
            dst[out++] = 0;
        }
    }
    *out_len = out;
    return HARK_OK;
}

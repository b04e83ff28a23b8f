/*
 * hark_cobs.h — Consistent Overhead Byte Stuffing (SPEC §1).
 *
 * The encoded form contains no 0x00, so 0x00 delimits frames on the wire. A run of 254 non-zero bytes
 * is coded 0xFF with no implied zero; the last block never gets an extra empty code byte (the reference
 * encoding of Cheshire & Baker). Neither function writes a delimiter. Pure functions, no state.
 *
 * Most code wants hark_frame.h (which COBS-encodes whole frames); these are for tests and tools.
 *
 * Usage:
 *     uint8_t enc[HARK_COBS_MAX_ENCODED(sizeof raw)];
 *     size_t n;
 *     if (hark_cobs_encode(raw, sizeof raw, enc, sizeof enc, &n) != HARK_OK) { ... }
 */
#ifndef HARK_COBS_H
#define HARK_COBS_H

#include <stddef.h>
#include <stdint.h>

#include "hark_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Upper bound of the encoded size of `n` raw bytes (exact for data without zeros). */
#define HARK_COBS_MAX_ENCODED(n) ((n) + 1U + (n) / 254U)

/**
 * Encodes `len` bytes at `src` into `dst` (capacity `cap` bytes); stores the encoded length in
 * `*out_len`. Returns HARK_OK, HARK_ERR_NO_SPACE (nothing useful in dst) or HARK_ERR_ARG.
 * `src` and `dst` must not overlap.
 */
HARK_NODISCARD int hark_cobs_encode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out_len);

/**
 * Decodes `len` encoded bytes (no delimiter) at `src` into `dst` (capacity `cap`); stores the decoded
 * length in `*out_len`. `dst` may equal `src` (decoding in place never overtakes the reader).
 * Returns HARK_OK, HARK_ERR_BAD_PAYLOAD (not valid COBS: a zero byte or a code byte pointing past the
 * end), HARK_ERR_NO_SPACE or HARK_ERR_ARG.
 */
HARK_NODISCARD int hark_cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* HARK_COBS_H */

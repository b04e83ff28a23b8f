/* random_msg.h — seeded random valid messages and a small PRNG (test support only). */
#ifndef HARK_TEST_RANDOM_MSG_H
#define HARK_TEST_RANDOM_MSG_H

#include <stdint.h>

#include "../hark_msg.h"

/** xorshift32; never seed with 0. */
uint32_t rnd(uint32_t *state);
/** Uniform in [0, n) (n ≥ 1). */
uint32_t rnd_below(uint32_t *state, uint32_t n);

/** Bytes of storage random_msg may point spans into. */
#define RANDOM_MSG_STORAGE_BYTES 1200

/** Fills `m` with a random valid message of a random type; spans point into `storage`. */
void random_msg(uint32_t *state, hark_msg_t *m, uint8_t *storage);

#endif

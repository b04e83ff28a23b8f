/* fuzz.h — random and mutated input for every C decoder (test support only). */
#ifndef HARK_TEST_FUZZ_H
#define HARK_TEST_FUZZ_H

#include <stdint.h>

/** Runs `cases` fuzz cases from `seed`; prints a summary; returns 0 when every invariant held. */
int fuzz(unsigned long cases, uint32_t seed);

#endif

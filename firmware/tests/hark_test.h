/*
 * hark_test.h — a minimal test harness for the firmware core's host-side unit tests.
 * Each test program is plain C99 built with -Wall -Wextra -Werror and ASan/UBSan; it prints one
 * line per failed check and exits non-zero if any failed (test/firmware/core.test.ts runs them).
 */
#ifndef HARK_TEST_H
#define HARK_TEST_H

#include <stdio.h>

extern int hark_test_failures;
extern int hark_test_checks;

#define CHECK(cond)                                                            \
  do {                                                                         \
    hark_test_checks++;                                                        \
    if (!(cond)) {                                                             \
      hark_test_failures++;                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define CHECK_EQ(a, b)                                                                      \
  do {                                                                                      \
    long long hark_a_ = (long long)(a), hark_b_ = (long long)(b);                           \
    hark_test_checks++;                                                                     \
    if (hark_a_ != hark_b_) {                                                               \
      hark_test_failures++;                                                                 \
      fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, \
              hark_a_, hark_b_);                                                            \
    }                                                                                       \
  } while (0)

#define RUN(test)                        \
  do {                                   \
    int before_ = hark_test_failures;    \
    test();                              \
    printf("%s %s\n", hark_test_failures == before_ ? "ok" : "FAIL", #test); \
  } while (0)

#define HARK_TEST_MAIN_END()                                                          \
  printf("%d checks, %d failures\n", hark_test_checks, hark_test_failures);         \
  return hark_test_failures == 0 ? 0 : 1

#define HARK_TEST_GLOBALS \
  int hark_test_failures = 0; \
  int hark_test_checks = 0

#endif

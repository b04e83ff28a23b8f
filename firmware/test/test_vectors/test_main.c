/* PlatformIO entry for firmware/tests/test_vectors.c (see firmware/test/test_custom_runner.py). */
#include "../../tests/fake_hal.c"
#include "../../tests/host_sim.c"
#include "../../tests/test_vectors.c"

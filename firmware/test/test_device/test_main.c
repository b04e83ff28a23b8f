/* PlatformIO entry for firmware/tests/test_device.c (see firmware/test/test_custom_runner.py). */
#include "../../tests/fake_hal.c"
#include "../../tests/host_sim.c"
#include "../../tests/test_device.c"

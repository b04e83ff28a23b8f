/* PlatformIO entry for firmware/tests/test_button.c (see firmware/test/test_custom_runner.py). */
#include "../../tests/fake_hal.c"
#include "../../tests/test_button.c"

"""PlatformIO test runner for hark's plain-C firmware tests (`pio test -e native`).

The tests in firmware/tests/ are small C programs (no Unity) that print one line per test,
"ok <name>" or "FAIL <name>", failed checks as "<file>:<line>: ..." and a final
"<n> checks, <m> failures". This runner turns those lines into PlatformIO test cases.
The same programs run in `npm test` through firmware/Makefile (test/firmware/core.test.ts); this
file is for users who work with PlatformIO, which is not available where hark is developed.
"""
import re

from platformio.public import TestCase, TestRunnerBase, TestStatus


class CustomTestRunner(TestRunnerBase):
    RESULT = re.compile(r"^(ok|FAIL) (\w+)$")
    SUMMARY = re.compile(r"^(\d+) checks, (\d+) failures$")

    def on_testing_line_output(self, line):
        text = line.strip()
        print(text)
        m = self.RESULT.match(text)
        if m:
            status = TestStatus.PASSED if m.group(1) == "ok" else TestStatus.FAILED
            self.test_suite.add_case(TestCase(name=m.group(2), status=status))
        elif self.SUMMARY.match(text):
            self.test_suite.on_finish()

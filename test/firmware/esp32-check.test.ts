/**
 * The ESP32 board layer cannot be built here (no ESP32 toolchain; users build it with PlatformIO).
 * This type-checks firmware/boards/esp32/esp32_board.cpp for each ESP32 env with the host C++
 * compiler against declaration-only stand-ins for Arduino-ESP32 2.0.x, the legacy I2S driver and
 * Adafruit NeoPixel (firmware/tests/esp32_stubs/ — a mock, because the real SDK cannot run here):
 * it catches typos, wrong pin macros and core API drift, not SDK behaviour.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { FIRMWARE_DIR } from '../../boards/native/native-build.js';

const run = promisify(execFile);

test('ESP32 board layer type-checks for esp32dev, m5stack-atom-echo and esp32-s3-devkitc-1', async () => {
  const { stdout } = await run('make', ['-s', '-C', FIRMWARE_DIR, 'esp32-check']);
  assert.deepEqual(stdout.trim().split('\n'), [
    '== esp32dev',
    '== m5stack-atom-echo',
    '== esp32-s3-devkitc-1',
  ]);
});

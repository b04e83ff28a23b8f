/**
 * The ESP32 board layer cannot be built here (no ESP32 toolchain; users build it with PlatformIO), so
 * it is checked three ways against stand-ins for Arduino-ESP32 2.0.x, the ESP-IDF 4.4 legacy I2S driver
 * and Adafruit NeoPixel (firmware/tests/esp32_stubs/ — a mock, because the real SDK cannot run here)
 * that declare the real signatures, transcribed from the real headers:
 * 1. firmware/boards/esp32/esp32_board.cpp compiles for each ESP32 env with the env's own defines, and
 *    defines every function of the HAL (firmware/core/hark_hal.h);
 * 2. the stand-ins are strict: each deliberately wrong call in firmware/tests/esp32_wrong_calls.cpp (an
 *    ESP-IDF 5 or Arduino-ESP32 3.x call, a bare port number, a misspelt field) fails to compile, and
 *    the same code written correctly compiles;
 * 3. the layer and the real core run on the host against a recording SDK fake
 *    (firmware/tests/test_esp32_layer.cpp, ASan + UBSan), one program per env: MCLK never on GPIO 0,
 *    serial buffers sized before begin(), driver failures reported, one LEDC timer per PWM pin, a short
 *    tone queue, the speaker's sample rate applied, UART overruns counted in PONG.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { FIRMWARE_DIR } from '../../boards/native/native-build.js';

const run = promisify(execFile);
const ENVS = ['esp32dev', 'm5stack-atom-echo', 'esp32-s3-devkitc-1'];
let out: string;

before(() => {
  out = mkdtempSync(join(tmpdir(), 'hark-fw-esp32-'));
});
after(() => rmSync(out, { recursive: true, force: true }));

test('ESP32 board layer compiles for esp32dev, m5stack-atom-echo and esp32-s3-devkitc-1 and implements the whole HAL', async () => {
  const { stdout } = await run('make', ['-s', '-C', FIRMWARE_DIR, 'esp32-check', `O=${out}`]);
  assert.deepEqual(
    stdout.trim().split('\n'),
    ENVS.map((e) => `== ${e}`),
  );
  const hal = readFileSync(join(FIRMWARE_DIR, 'core', 'hark_hal.h'), 'utf8');
  const declared = [...new Set([...hal.matchAll(/^\w[\w\s*]*?\b(hark_hal_\w+)\s*\(/gm)].map((m) => m[1]!))];
  assert.ok(declared.length >= 20, `found only ${declared.length} HAL functions in hark_hal.h`);
  for (const env of ENVS) {
    const { stdout: syms } = await run('nm', ['--defined-only', join(out, 'esp32', `${env}.o`)]);
    const defined = new Set([...syms.matchAll(/ T (hark_hal_\w+)$/gm)].map((m) => m[1]!));
    const missing = declared.filter((f) => !defined.has(f));
    assert.deepEqual(missing, [], `${env}: HAL functions the ESP32 layer does not define`);
  }
});

test('the ESP32 stand-ins reject wrong calls: each deliberately wrong call fails to compile', async () => {
  await run('make', ['-s', '-C', FIRMWARE_DIR, 'esp32-wrong-call', 'WRONG=0']); // the control compiles
  const source = readFileSync(join(FIRMWARE_DIR, 'tests', 'esp32_wrong_calls.cpp'), 'utf8');
  const cases = [...source.matchAll(/^#if WRONG == (\d+) \/\* (.*?) \*\//gm)];
  assert.ok(cases.length >= 5, 'wrong-call cases');
  for (const [, n, what] of cases) {
    const r = await run('make', ['-s', '-C', FIRMWARE_DIR, 'esp32-wrong-call', `WRONG=${n}`]).then(
      () => 'compiled',
      (e: { stderr?: string }) => String(e.stderr ?? ''),
    );
    assert.notEqual(r, 'compiled', `wrong call ${n} (${what}) compiled against the stand-ins`);
    assert.match(r, /error/, `wrong call ${n} (${what}) failed for another reason: ${r.slice(0, 400)}`);
  }
});

for (const env of ENVS) {
  test(`ESP32 layer on the host against the recording SDK fake: ${env} (ASan + UBSan)`, async (t) => {
    const exe = join(out, 'tests', `test_esp32_${env}`);
    await run('make', ['-s', '-C', FIRMWARE_DIR, `O=${out}`, exe], { maxBuffer: 16 * 1024 * 1024 });
    const r = await run(exe, [], { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } }).catch(
      (e: { stdout?: string; stderr?: string }) => e,
    );
    const stdout = String(r.stdout ?? '');
    const summary = /(\d+) checks, (\d+) failures/.exec(stdout);
    t.diagnostic(summary?.[0] ?? 'no summary');
    assert.ok(summary, `${env}: no summary:\n${stdout}\n${r.stderr}`);
    assert.equal(Number(summary[2]), 0, `${env}:\n${stdout}\n${r.stderr}`);
    assert.ok(Number(summary[1]) > 20, `${env} checked almost nothing`);
    assert.equal(String(r.stderr ?? '').trim(), '', `${env} wrote to stderr (sanitizer report?)`);
  });
}

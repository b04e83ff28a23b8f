/**
 * The firmware core's C unit tests (firmware/tests/*.c), built with the system compiler under
 * -Wall -Wextra -Werror and AddressSanitizer + UndefinedBehaviorSanitizer by firmware/Makefile, each
 * program run as its own test: button timing, LED effects and tones, capture ring overflow, VAD, GPIO,
 * the whole device against a simulated host (handshake, utterances, overflow, speaker credits), and
 * the link layer against protocol/vectors.json.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { FIRMWARE_DIR } from '../../boards/native/native-build.js';

const run = promisify(execFile);
const PROGRAMS = ['test_button', 'test_led_tone', 'test_capture_vad_gpio', 'test_device', 'test_vectors'];
let out: string;

before(async () => {
  out = mkdtempSync(join(tmpdir(), 'hark-fw-tests-'));
  // Build every program first (make test would also run them; here each runs as its own test).
  const targets = PROGRAMS.map((p) => join(out, 'tests', p));
  await run('make', ['-s', '-C', FIRMWARE_DIR, `O=${out}`, ...targets], { maxBuffer: 16 * 1024 * 1024 });
});

after(() => rmSync(out, { recursive: true, force: true }));

for (const program of PROGRAMS) {
  test(`firmware C test ${program} (ASan + UBSan)`, async (t) => {
    const exe = join(out, 'tests', program);
    assert.ok(existsSync(exe), `${program} was not built`);
    const r = await run(exe, [], { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } }).catch(
      (e: { stdout?: string; stderr?: string; code?: number }) => e,
    );
    const stdout = String(r.stdout ?? '');
    const stderr = String(r.stderr ?? '');
    const summary = /(\d+) checks, (\d+) failures/.exec(stdout);
    t.diagnostic(summary?.[0] ?? 'no summary');
    assert.ok(summary, `${program} printed no summary:\n${stdout}\n${stderr}`);
    assert.equal(Number(summary[2]), 0, `${program} failed:\n${stderr}`);
    assert.ok(Number(summary[1]) > 10, `${program} checked almost nothing`);
    assert.equal(stderr.trim(), '', `${program} wrote to stderr (sanitizer report?):\n${stderr}`);
  });
}

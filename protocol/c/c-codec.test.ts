/**
 * The C codec (protocol/c/), compiled with the system gcc under ASan + UBSan: unit checks, every
 * golden vector, 100,000 fuzz cases, and the ATmega328P build. The C sources are built into a temporary
 * directory; a compile error fails the test with the compiler's output.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { avrSizes, buildCTest, type CBuild } from './tests/build.js';

const run = promisify(execFile);
let build: CBuild;

before(async () => {
  build = await buildCTest({ sanitize: true });
});
after(async () => {
  await build?.cleanup();
});

test('C unit checks and every golden vector pass (ASan + UBSan build)', async () => {
  const { stdout } = await run(build.exe, [], { maxBuffer: 16 << 20 });
  assert.match(stdout, /vectors: (\d+) checked/);
  assert.match(stdout, /all C checks passed/);
});

test('C decoders survive 100,000 random and mutated streams under ASan + UBSan', async () => {
  const seed = String(Date.now() % 1_000_000_007);
  try {
    const { stdout } = await run(build.exe, ['--fuzz', '100000', seed], { maxBuffer: 16 << 20 });
    assert.match(stdout, /0 violations/);
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    assert.fail(
      `C fuzz failed with seed ${seed} (rerun: hark_test --fuzz 100000 ${seed}):\n${err.stdout}\n${err.stderr}`,
    );
  }
});

test('the C codec compiles for an ATmega328P and fits its 32 KiB flash with no RAM of its own', async (t) => {
  try {
    await run('avr-gcc', ['--version']);
  } catch {
    t.skip('avr-gcc is not installed (apt-get install gcc-avr avr-libc)');
    return;
  }
  const sizes = await avrSizes();
  t.diagnostic(`ATmega328P -Os .text ${sizes.text} bytes: ${JSON.stringify(sizes.perFile)}`);
  assert.ok(sizes.text < 12 * 1024, `.text ${sizes.text} bytes is more than 12 KiB`);
  assert.equal(sizes.data + sizes.bss, 0, 'the codec must not use static RAM');
});

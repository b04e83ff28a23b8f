/**
 * Builds the Arduino Uno image (firmware/boards/avr + core + protocol/c) with Debian's avr-gcc and
 * avr-libc, prints its flash and static RAM use (avr-size), and holds them to the budget of an
 * ATmega328P: flash ≤ 60 % of 32 KiB (the bootloader keeps 0.5 KiB), static RAM ≤ 70 % of 2 KiB (the
 * rest is the stack).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { FIRMWARE_DIR } from '../../boards/native/native-build.js';

const run = promisify(execFile);
const FLASH_BYTES = 32 * 1024;
const RAM_BYTES = 2 * 1024;

/**
 * Runs the image in simavr (an ATmega328P simulator) and reads its UART: the board must send HELLO
 * (COBS keeps its ASCII profile id readable) more than once, which also proves the Timer2 interrupt
 * runs — the HELLO repeat is timed by the millis it counts.
 */
async function bootsInSimavr(
  t: { diagnostic(m: string): void; skip(m: string): void },
  elf: string,
): Promise<void> {
  const has = await run('simavr', ['--help']).then(
    () => true,
    (e: { code?: string | number }) => e.code !== 'ENOENT',
  );
  if (!has) {
    t.diagnostic('simavr not installed: boot check skipped');
    return;
  }
  const child = spawn('simavr', ['-m', 'atmega328p', '-f', '16000000', elf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const hellos = () => text.split('arduino-uno-electret').length - 1;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`simavr: ${hellos()} HELLO(s) in 60 s of simulation`)),
        60_000,
      );
      const onData = (d: Buffer) => {
        text += d.toString('latin1');
        if (hellos() >= 2) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`simavr exited (${code}) after ${hellos()} HELLO(s): ${text.slice(-300)}`));
      });
    });
    t.diagnostic('simavr: the image boots and repeats HELLO over its UART');
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
  }
}

test('Uno firmware compiles with avr-gcc and fits the ATmega328P budget', async (t) => {
  const which = await run('avr-gcc', ['--version']).catch(() => undefined);
  if (!which) {
    t.skip('avr-gcc is not installed (Debian: apt-get install gcc-avr avr-libc)');
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'hark-fw-avr-'));
  try {
    await run('make', ['-s', '-C', FIRMWARE_DIR, 'uno', `O=${out}`], { maxBuffer: 16 * 1024 * 1024 });
    // Berkeley format: text data bss dec hex filename. Flash = text + data; static RAM = data + bss.
    const { stdout } = await run('avr-size', ['-B', join(out, 'uno.elf')]);
    const row = stdout.trim().split('\n').at(-1)!.trim().split(/\s+/).map(Number);
    const [text, data, bss] = row as [number, number, number];
    const flash = text + data;
    const ram = data + bss;
    const flashPct = (100 * flash) / FLASH_BYTES;
    const ramPct = (100 * ram) / RAM_BYTES;
    t.diagnostic(
      `flash ${flash} B (${flashPct.toFixed(1)} % of 32 KiB), static RAM ${ram} B (${ramPct.toFixed(1)} % of 2 KiB)`,
    );
    assert.ok(flashPct <= 60, `flash ${flashPct.toFixed(1)} % is over the 60 % budget`);
    assert.ok(ramPct <= 70, `static RAM ${ramPct.toFixed(1)} % is over the 70 % budget`);
    // The image must carry what the protocol needs: the handshake and the ADC interrupt.
    const { stdout: syms } = await run('avr-nm', [join(out, 'uno.elf')]);
    assert.match(syms, /__vector_7\b/, 'Timer2 compare-A ISR (the 8 kHz sampler) is linked');
    assert.match(syms, /__vector_18\b/, 'USART RX ISR is linked');
    await bootsInSimavr(t, join(out, 'uno.elf'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

/**
 * Builds the C codec and its test program with the system compilers, into a temporary directory.
 * Used by the C tests, the cross-implementation tests, the fuzz runner and the AVR size check.
 * A failed compile throws with the compiler's full output so the test report shows the cause.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** protocol/c/ in the source tree (this file runs from dist/protocol/c/tests/). */
export const C_DIR = fileURLToPath(new URL('../../../../protocol/c/', import.meta.url));

/** The warning set the library must pass (stricter than the issue's -Wall -Wextra -Werror). */
export const STRICT_FLAGS = [
  '-std=c99',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-pedantic',
  '-Wshadow',
  '-Wconversion',
  '-Wcast-qual',
  '-Wstrict-prototypes',
  '-Wmissing-prototypes',
];
const TEST_FLAGS = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic'];
export const SANITIZE_FLAGS = ['-O1', '-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=all'];

export async function librarySources(): Promise<string[]> {
  return (await readdir(C_DIR)).filter((f) => f.endsWith('.c')).map((f) => join(C_DIR, f));
}

async function compile(cc: string, args: string[]): Promise<string> {
  try {
    const { stderr } = await run(cc, args, { maxBuffer: 16 << 20 });
    return stderr;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cc} ${args.join(' ')}\nfailed:\n${err.stderr ?? ''}${err.stdout ?? ''}${err.message}`);
  }
}

export interface CBuild {
  /** The test program (see protocol/c/tests/hark_test.c for its modes). */
  exe: string;
  dir: string;
  cleanup(): Promise<void>;
}

/**
 * Compiles every library source with STRICT_FLAGS -O2 (a warnings gate), then links the test program
 * with the test sources, with AddressSanitizer + UBSan when `sanitize` (the default).
 */
export async function buildCTest(options: { sanitize?: boolean } = {}): Promise<CBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'hark-c-'));
  try {
    const lib = await librarySources();
    for (const src of lib)
      await compile('gcc', [...STRICT_FLAGS, '-O2', '-c', src, '-o', join(dir, 'strict.o')]);
    const tests = (await readdir(join(C_DIR, 'tests')))
      .filter((f) => f.endsWith('.c'))
      .map((f) => join(C_DIR, 'tests', f));
    const exe = join(dir, 'hark_test');
    const opt = options.sanitize === false ? ['-O2'] : SANITIZE_FLAGS;
    await compile('gcc', [...TEST_FLAGS, ...opt, '-o', exe, ...lib, ...tests]);
    return { exe, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Compiles each library source for an ATmega328P with avr-gcc -Os; returns total .text/.data/.bss bytes. */
export async function avrSizes(): Promise<{
  text: number;
  data: number;
  bss: number;
  perFile: Record<string, number>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'hark-avr-'));
  try {
    const objs: string[] = [];
    for (const src of await librarySources()) {
      const obj = join(dir, `${src.split('/').pop()}.o`);
      await compile('avr-gcc', [...STRICT_FLAGS, '-mmcu=atmega328p', '-Os', '-c', src, '-o', obj]);
      objs.push(obj);
    }
    const { stdout } = await run('avr-size', objs);
    const totals = { text: 0, data: 0, bss: 0, perFile: {} as Record<string, number> };
    for (const line of stdout.trim().split('\n').slice(1)) {
      const [text, data, bss, , , file] = line.trim().split(/\s+/);
      totals.text += Number(text);
      totals.data += Number(data);
      totals.bss += Number(bss);
      totals.perFile[(file ?? '').split('/').pop()!.replace(/\.o$/, '')] = Number(text);
    }
    return totals;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

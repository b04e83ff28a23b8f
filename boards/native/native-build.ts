/**
 * Builds the firmware's host-side programs with the Makefile in firmware/ (the same sources the
 * boards run), once per source version: the result is cached in the user's private cache folder
 * (base/build-cache.ts: mode 0700, owner checked before every use — never a shared temp folder where
 * another user could plant a binary), keyed by a hash of every firmware and protocol C source, and
 * published with an atomic rename so concurrent test processes never see half-written binaries.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cachedBuild, sourceHash } from '../../base/build-cache.js';
import { HarkError } from '../../base/errors.js';

const run = promisify(execFile);

/** Repository root (this file runs from dist/boards/native/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIRMWARE_DIR = join(REPO_ROOT, 'firmware');
const SOURCE_DIRS = [join(REPO_ROOT, 'firmware'), join(REPO_ROOT, 'protocol', 'c')];
const C_SOURCES = /\.(c|h|cpp)$|^Makefile$/;

/** Hash of every C source and header the firmware builds from (and `extraDirs`). */
export const firmwareSourceHash = (extraDirs: readonly string[] = []): string =>
  sourceHash(REPO_ROOT, [...SOURCE_DIRS, ...extraDirs], C_SOURCES);

/** `make -C <dir> <target> O=<out>`, failing with HARK_ERR_FIRMWARE_BUILD and the compiler's output. */
export async function makeInto(dir: string, target: string, out: string, needs: string): Promise<void> {
  await run('make', ['-s', '-C', dir, ...(target ? [target] : []), `O=${out}`], {
    maxBuffer: 16 * 1024 * 1024,
  }).catch((e: { stderr?: string; message: string }) => {
    throw new HarkError(
      'HARK_ERR_FIRMWARE_BUILD',
      `make -C ${dir} ${target} failed (needs ${needs}): ${(e.stderr || e.message).trim().slice(-2000)}`,
      { cause: e },
    );
  });
}

/** The native emulated board's binary (firmware/native + core + protocol/c). */
export const buildNativeBoard = async (): Promise<string> => {
  const [binary] = await cachedBuild({
    cache: 'firmware',
    hash: firmwareSourceHash(),
    artifacts: ['hark-native-board'],
    build: (out) => makeInto(FIRMWARE_DIR, 'native', out, 'make and a C compiler'),
  });
  return binary!;
};

/**
 * Builds what the simulated Uno runs, once per source version (base/build-cache.ts: a private cache,
 * owner checked): the real Uno image from firmware/Makefile (`make uno`: avr-gcc + avr-libc) and the
 * harness from boards/simavr/harness/ (the host C compiler + libsimavr + libelf). One hash covers the
 * firmware, protocol/c and the harness sources, so a change in any of them rebuilds both.
 */
import { join } from 'node:path';
import { cachedBuild } from '../../base/build-cache.js';
import { FIRMWARE_DIR, firmwareSourceHash, makeInto, REPO_ROOT } from '../native/native-build.js';

export const HARNESS_DIR = join(REPO_ROOT, 'boards', 'simavr', 'harness');

export interface SimavrBuild {
  /** The ATmega328P image (ELF) that firmware/boards/avr builds. */
  elf: string;
  /** The harness program (hark_simavr.c). */
  harness: string;
}

/** Builds (or finds in the cache) the Uno image and the harness. */
export async function buildSimavr(): Promise<SimavrBuild> {
  const [elf, harness] = await cachedBuild({
    cache: 'firmware',
    hash: firmwareSourceHash([HARNESS_DIR]),
    artifacts: ['uno.elf', 'hark-simavr'],
    build: async (out) => {
      await makeInto(FIRMWARE_DIR, 'uno', out, 'gcc-avr and avr-libc');
      await makeInto(HARNESS_DIR, '', out, 'a C compiler, libsimavr-dev and libelf-dev');
    },
  });
  return { elf: elf!, harness: harness! };
}

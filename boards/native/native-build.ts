/**
 * Builds the firmware's host-side programs with the Makefile in firmware/ (the same sources the
 * boards run), once per source version: the result is cached under the OS temp dir, keyed by a hash
 * of every firmware and protocol C source, and published with an atomic rename so concurrent test
 * processes never see half-written binaries.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HarkError } from '../../base/errors.js';

const run = promisify(execFile);

/** Repository root (this file runs from dist/boards/native/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIRMWARE_DIR = join(REPO_ROOT, 'firmware');
const SOURCE_DIRS = [join(REPO_ROOT, 'firmware'), join(REPO_ROOT, 'protocol', 'c')];

function collect(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'build' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) collect(p, out);
    else if (/\.(c|h|cpp)$|^Makefile$/.test(name)) out.push(p);
  }
}

/** Hash of every C source and header the firmware builds from. */
function firmwareSourceHash(): string {
  const files: string[] = [];
  for (const d of SOURCE_DIRS) collect(d, files);
  const h = createHash('sha256');
  for (const f of files) h.update(f.slice(REPO_ROOT.length)).update('\0').update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

const inFlight = new Map<string, Promise<string>>();

/**
 * Runs `make <target>` into a fresh directory and returns the path of `artifact` in the cache
 * (building only when the cache lacks this source version).
 */
function buildFirmwareArtifact(target: string, artifact: string): Promise<string> {
  const hash = firmwareSourceHash();
  const cacheDir = join(tmpdir(), 'hark-firmware-cache');
  const cached = join(cacheDir, `${hash}-${artifact}`);
  if (existsSync(cached)) return Promise.resolve(cached);
  const key = `${target}:${cached}`;
  let p = inFlight.get(key);
  if (!p) {
    p = (async () => {
      mkdirSync(cacheDir, { recursive: true });
      const out = mkdtempSync(join(tmpdir(), 'hark-firmware-build-'));
      try {
        await run('make', ['-s', '-C', FIRMWARE_DIR, target, `O=${out}`], {
          maxBuffer: 16 * 1024 * 1024,
        }).catch((e: { stderr?: string; message: string }) => {
          throw new HarkError(
            'HARK_ERR_FIRMWARE_BUILD',
            `make -C ${FIRMWARE_DIR} ${target} failed (needs make and a C compiler; the Uno image needs gcc-avr and avr-libc): ${(e.stderr || e.message).trim().slice(-2000)}`,
            { cause: e },
          );
        });
        renameSync(join(out, artifact), cached);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
      return cached;
    })();
    inFlight.set(key, p);
    p.finally(() => inFlight.delete(key)).catch(() => {});
  }
  return p;
}

/** The native emulated board's binary (firmware/native + core + protocol/c). */
export const buildNativeBoard = (): Promise<string> => buildFirmwareArtifact('native', 'hark-native-board');

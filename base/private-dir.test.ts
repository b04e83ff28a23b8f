/**
 * The private cache folder (private-dir.ts) and the build cache on top of it (build-cache.ts): a
 * folder another user could write is refused before anything in it is used — the case of issue 10,
 * item 10, where a binary planted in $TMPDIR/hark-firmware-cache ran as root.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cachedBuild } from './build-cache.js';
import { isHarkError } from './errors.js';
import { checkPrivateDir, ensurePrivateDir, privateCacheDir } from './private-dir.js';

const root = mkdtempSync(join(tmpdir(), 'hark-private-dir-'));
after(() => rmSync(root, { recursive: true, force: true }));
const unsafe = (e: unknown) => isHarkError(e, 'HARK_ERR_FIRMWARE_CACHE_UNSAFE');

test('a new cache folder is created mode 0700 and passes the check', () => {
  const dir = ensurePrivateDir(join(root, 'fresh', 'firmware'));
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.doesNotThrow(() => checkPrivateDir(dir));
});

test('a folder others can write is refused, naming the folder and the fix', () => {
  const dir = join(root, 'open');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  assert.throws(
    () => ensurePrivateDir(dir),
    (e: Error) => unsafe(e) && e.message.includes(dir) && /chmod 700/.test(e.message),
  );
  chmodSync(dir, 0o750); // group access is refused too
  assert.throws(() => checkPrivateDir(dir), unsafe);
});

test('a symbolic link in place of the folder is refused', () => {
  const target = ensurePrivateDir(join(root, 'target'));
  const link = join(root, 'link');
  symlinkSync(target, link);
  assert.throws(
    () => checkPrivateDir(link),
    (e: Error) => unsafe(e) && /symbolic link/.test(e.message),
  );
});

test('a folder another user owns is refused, and a binary planted in it is never returned', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip(
      'needs root to create a folder owned by another user (chown); the mode and symlink cases run anyway',
    );
    return;
  }
  const xdg = join(root, 'xdg');
  const planted = join(xdg, 'hark', 'firmware');
  mkdirSync(planted, { recursive: true, mode: 0o700 });
  chmodSync(join(xdg, 'hark'), 0o700);
  chownSync(planted, 65534, 65534); // nobody
  writeFileSync(join(planted, 'cafe-hark-native-board'), '#!/bin/sh\necho planted\n', { mode: 0o755 });
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = xdg;
  try {
    assert.throws(
      () => privateCacheDir('firmware'),
      (e: Error) => unsafe(e) && /uid 65534/.test(e.message),
    );
    let built = false;
    await assert.rejects(
      cachedBuild({
        cache: 'firmware',
        hash: 'cafe',
        artifacts: ['hark-native-board'],
        build: async () => {
          built = true;
        },
      }),
      unsafe,
    );
    assert.equal(built, false, 'nothing is built (or run) from a folder that is not private');
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  }
});

test('cachedBuild builds once per hash and publishes the artifact in the private folder', async () => {
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = join(root, 'xdg-ok');
  try {
    let builds = 0;
    const spec = {
      cache: 'firmware',
      hash: 'beef',
      artifacts: ['tool'],
      build: async (out: string) => {
        builds++;
        writeFileSync(join(out, 'tool'), 'x');
      },
    };
    const [first] = await cachedBuild(spec);
    const [again] = await cachedBuild(spec);
    assert.equal(first, again);
    assert.equal(builds, 1);
    assert.ok(first && existsSync(first) && first.startsWith(join(root, 'xdg-ok', 'hark', 'firmware')));
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  }
});

/**
 * The adaptation store: each board's cepstral mean, the host's prior for boards never heard before,
 * and the file that keeps both across restarts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AdaptationStore } from './adaptation-store.js';

test('the prior is undefined until a board is heard, then the element-wise mean of the boards', () => {
  const s = new AdaptationStore(undefined);
  assert.equal(s.prior(), undefined);
  s.set('a', [40, -4, 2]);
  assert.deepEqual(s.prior(), [40, -4, 2]);
  s.set('b', [50, -6, 0]);
  assert.deepEqual(s.prior(), [45, -5, 1]);
  // A board's newer mean replaces its older one in the prior.
  s.set('a', [60, -4, 2]);
  assert.deepEqual(s.prior(), [55, -5, 1]);
  assert.deepEqual(s.get('a'), [60, -4, 2]);
});

test('the prior is taken over the adaptations of the most common length only', () => {
  const s = new AdaptationStore(undefined);
  s.set('a', [1, 2]);
  s.set('b', [3, 4]);
  s.set('odd', [100, 100, 100]);
  assert.deepEqual(s.prior(), [2, 3]);
});

test('boards and their prior survive a restart through the file; a damaged file is an empty store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hark-adapt-'));
  try {
    const file = join(dir, 'adaptation.json');
    const s = new AdaptationStore(file);
    s.set('a', [10, 20]);
    s.set('b', [30, 40]);
    s.flush();
    const again = new AdaptationStore(file);
    assert.deepEqual(again.get('b'), [30, 40]);
    assert.deepEqual(again.prior(), [20, 30]);
    writeFileSync(file, '{"a": [1, "x"], "b": "nope"');
    assert.equal(new AdaptationStore(file).prior(), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

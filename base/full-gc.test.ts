import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fullGc } from './full-gc.js';

test('fullGc() collects what nothing references: a dropped ArrayBuffer is gone after it', async () => {
  const gc = fullGc();
  assert.ok(gc, 'V8 gives a gc function');
  let buffer: ArrayBuffer | undefined = new ArrayBuffer(1 << 20);
  const ref = new WeakRef(buffer);
  buffer = undefined;
  assert.equal(buffer, undefined);
  // A WeakRef target stays alive until the current job ends: collect in a later one.
  await new Promise((r) => setImmediate(r));
  gc();
  await new Promise((r) => setImmediate(r));
  assert.equal(ref.deref(), undefined, 'collected');
  const kept = new ArrayBuffer(16);
  const keptRef = new WeakRef(kept);
  gc();
  await new Promise((r) => setImmediate(r));
  assert.equal(keptRef.deref(), kept, 'what is still referenced stays');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NativeHeap } from './native-heap.js';

test('NativeHeap: trims on glibc, and is absent where glibc is not', () => {
  const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header
    .glibcVersionRuntime;
  const heap = NativeHeap.load();
  if (!glibc) {
    assert.equal(heap, undefined, 'no glibc: nothing to trim');
    return;
  }
  assert.ok(heap, `glibc ${glibc}: malloc_trim is there`);
  // Something freed to trim: a few MB of Buffers the size glibc serves from its arenas, not mmap.
  let chunks: Buffer[] = Array.from({ length: 200 }, () => Buffer.allocUnsafeSlow(32 * 1024));
  chunks = [];
  assert.equal(chunks.length, 0);
  assert.equal(typeof heap.trim(), 'boolean');
});

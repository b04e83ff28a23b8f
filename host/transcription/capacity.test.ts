import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MB_PER_STREAM, STREAMS_PER_CORE, streamCapacity, thisMachine } from './capacity.js';

const GB = 2 ** 30;

test('capacity follows the scarcer of cores and memory, split over the workers; a configured value wins', () => {
  // 2 cores, plenty of memory: the CPU decides.
  assert.deepEqual(streamCapacity(2, undefined, { cores: 2, memoryBytes: 24 * GB }), {
    perWorker: STREAMS_PER_CORE,
    total: 2 * STREAMS_PER_CORE,
    limitedBy: 'cpu',
  });
  // A 1 GB board computer with 4 cores: memory decides (half of it for decoders).
  const small = streamCapacity(4, undefined, { cores: 4, memoryBytes: 1 * GB });
  assert.equal(small.limitedBy, 'memory');
  assert.equal(small.perWorker, Math.ceil(Math.floor(512 / MB_PER_STREAM) / 4));
  assert.ok(small.total < 4 * STREAMS_PER_CORE);
  // 0 means "size it", like an absent value; a positive value is used as it is.
  assert.deepEqual(streamCapacity(3, 0, { cores: 1, memoryBytes: 64 * 2 ** 20 }), {
    perWorker: 1,
    total: 3,
    limitedBy: 'memory',
  });
  assert.deepEqual(streamCapacity(2, 64, { cores: 2, memoryBytes: GB }), {
    perWorker: 64,
    total: 128,
    limitedBy: 'config',
  });
});

test('this machine: positive cores and a memory figure no larger than its RAM', () => {
  const m = thisMachine();
  assert.ok(m.cores >= 1);
  assert.ok(m.memoryBytes > 0 && m.memoryBytes < 2 ** 50);
});

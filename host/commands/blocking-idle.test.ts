/**
 * Command workers above minThreads exit after idleTimeoutMs (the pipeline keeps none at idle: each
 * costs 24–32 MB) and start again on the next call; workers within minThreads stay.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { BlockingPool } from './blocking-pool.js';

const lazy = new BlockingPool({ minThreads: 0, maxThreads: 1, idleTimeoutMs: 50 });
const kept = new BlockingPool({ minThreads: 1, maxThreads: 1, idleTimeoutMs: 50 });
// piscina's idle timer does not hold the event loop open; this keeps the test's open meanwhile.
const keepAlive = setInterval(() => {}, 60_000);
after(async () => {
  clearInterval(keepAlive);
  await lazy.close();
  await kept.close();
});

test('an idle worker above minThreads exits and the next call starts one again; one within minThreads stays', async () => {
  await Promise.all([lazy.preload([]), kept.preload([])]);
  assert.equal(lazy.stats().threads, 1);
  assert.equal(kept.stats().threads, 1);
  await once(lazy, 'worker-exit');
  assert.equal(lazy.stats().threads, 0, 'nothing to do for 50 ms: the worker is gone');
  assert.equal(kept.stats().threads, 1, 'the minThreads worker outlived the same idle time');
  await lazy.preload([]);
  assert.equal(lazy.stats().threads, 1, 'a call starts a worker again');
});

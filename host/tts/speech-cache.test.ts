import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpeechCache } from './speech-cache.js';

const entry = (n: number) => ({ data: new Uint8Array(n) });

test('the cache serves repeats, evicts the least recently used beyond its size, and shares one synthesis', async () => {
  const c = new SpeechCache<{ data: Uint8Array }>(100);
  let made = 0;
  const make = (n: number) => async () => {
    made++;
    return entry(n);
  };
  assert.equal((await c.get('a', make(40))).hit, false);
  assert.equal((await c.get('b', make(40))).hit, false);
  assert.equal((await c.get('a', make(40))).hit, true, 'a repeat is a hit');
  await c.get('c', make(40)); // 120 bytes > 100: 'b' (least recently used) goes
  assert.equal(c.bytes, 80);
  assert.equal((await c.get('a', make(40))).hit, true);
  assert.equal((await c.get('b', make(40))).hit, false, 'b was evicted');
  // Eight boards asking at once: one synthesis, seven waiting for it.
  made = 0;
  const all = await Promise.all(Array.from({ length: 8 }, () => c.get('d', make(10))));
  assert.equal(made, 1);
  assert.equal(all.filter((r) => r.hit).length, 7);
  assert.deepEqual([c.hits, c.misses], [9, 5]);
});

test('a failed synthesis is not remembered, and a reply larger than the cache is not stored', async () => {
  const c = new SpeechCache<{ data: Uint8Array }>(100);
  await assert.rejects(
    c.get('x', async () => {
      throw new Error('espeak-ng failed');
    }),
    /espeak-ng failed/,
  );
  assert.equal((await c.get('x', async () => entry(10))).hit, false, 'tried again, not a cached failure');
  await c.get('huge', async () => entry(1000));
  assert.equal(c.bytes, 10, 'too big to keep: the cache keeps what it had');
  assert.equal((await c.get('x', async () => entry(10))).hit, true);
});

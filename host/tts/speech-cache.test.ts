import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpeechCache } from './speech-cache.js';

const entry = (n: number) => ({ data: new Uint8Array(n) });

test('the cache serves repeats, evicts the least recently used beyond its size, and shares one synthesis', async () => {
  const c = new SpeechCache<{ data: Uint8Array }>({ maxBytes: 100, maxIdleMs: Number.POSITIVE_INFINITY });
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
  const c = new SpeechCache<{ data: Uint8Array }>({ maxBytes: 100, maxIdleMs: Number.POSITIVE_INFINITY });
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

test('a reply not asked for within maxIdleMs is dropped, so replies whose text changes do not fill the cache', async () => {
  let now = 0;
  const c = new SpeechCache<{ data: Uint8Array }>({ maxBytes: 10_000, maxIdleMs: 1000, now: () => now });
  const make = async () => entry(40);
  // "It is 14:05", "It is 14:06", …: each asked once, a minute apart in real life.
  for (let minute = 0; minute < 20; minute++) {
    await c.get(`It is 14:${minute}`, make);
    await c.get('Lights on', make); // asked every time: stays
    now += 600;
  }
  assert.equal(c.size, 3, 'the reply asked often and the last two texts; older ones expired');
  assert.equal(c.bytes, 120);
  assert.equal(c.expired, 18);
  assert.equal((await c.get('Lights on', make)).hit, true, 'a reply in use is kept');
  now += 1001;
  assert.equal((await c.get('It is 14:19', make)).hit, false, 'idle for longer than maxIdleMs: made again');
  assert.equal(c.size, 1, 'every entry idle for too long went at that request');
});

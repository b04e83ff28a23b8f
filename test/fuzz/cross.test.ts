/**
 * The TypeScript and C codecs against each other on random messages, mutated frames and audio
 * (the C side built with ASan + UBSan). Seeds are printed so a failure can be replayed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildCTest, type CBuild } from '../../protocol/c/tests/build.js';
import { audioCross, type CrossReport, cToTs, olderSenders, tsToC } from './cross.js';

let build: CBuild;
before(async () => {
  build = await buildCTest({ sanitize: true });
});
after(async () => {
  await build?.cleanup();
});

const seed = Date.now() % 2 ** 31;

for (const [name, fn, count] of [
  ['C-encoded random messages decode identically in TypeScript', cToTs, 3000],
  [
    'TypeScript-encoded random and corrupted frames decode identically in C, and C re-encodes them byte for byte',
    tsToC,
    3000,
  ],
  ['µ-law and IMA-ADPCM blocks are bit-identical in both codecs', audioCross, 500],
  [
    '1.0-length HELLO and HELLO_ACK payloads decode identically in both codecs, appended fields as 0',
    olderSenders,
    500,
  ],
] as const) {
  test(name, async (t) => {
    const r: CrossReport = { checks: 0, mismatches: [] };
    await fn(build.exe, count, seed, r);
    t.diagnostic(`seed ${seed}: ${r.checks} checks`);
    assert.ok(r.checks >= count, `only ${r.checks} checks ran`);
    assert.deepEqual(r.mismatches.slice(0, 5), [], `${r.mismatches.length} mismatches (seed ${seed})`);
  });
}

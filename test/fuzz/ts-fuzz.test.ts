import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzTs } from './ts-fuzz.js';

test('TypeScript decoders survive 100,000 random and mutated streams', (t) => {
  const seed = Date.now() % 2 ** 31;
  const r = fuzzTs(100_000, seed);
  t.diagnostic(
    `seed ${seed}: ${r.bytes} bytes, ${r.framesDelivered} frames delivered, ${r.dropped} dropped and counted`,
  );
  assert.deepEqual(
    r.violations,
    [],
    `fuzz violations with seed ${seed} (rerun: npm run fuzz -- --seed ${seed})`,
  );
  assert.ok(r.dropped > 10_000 && r.framesDelivered > 10_000, 'the fuzzer exercised both paths');
});

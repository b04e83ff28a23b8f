/** The wake stage's thresholds and its verification features, on constructed segments (no audio). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { WAKE_THRESHOLD_RANGE, WAKE_VERIFY_THRESHOLD, wakeThreshold, wakeThresholds } from './wake.js';
import { wakeFeatures } from './wake-verify.js';

test('a sensitivity maps onto the keyphrase threshold log-linearly, and every detection is verified', () => {
  assert.equal(wakeThreshold(0), WAKE_THRESHOLD_RANGE.strict);
  assert.ok(Math.abs(Math.log10(wakeThreshold(1)) - Math.log10(WAKE_THRESHOLD_RANGE.lenient)) < 1e-9);
  assert.ok(wakeThreshold(0.7) < wakeThreshold(0.3), 'more sensitive accepts weaker matches');
  assert.deepEqual(wakeThresholds(0.5), {
    threshold: wakeThreshold(0.5),
    verifyThreshold: WAKE_VERIFY_THRESHOLD,
  });
  for (const bad of [-0.1, 1.5, Number.NaN])
    assert.throws(
      () => wakeThreshold(bad),
      (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_CONFIG'),
    );
});

const phonesOf = (w: string) => ({ hey: 2, computer: 8 })[w] ?? 0;
const verification = (voiced: [number, number][]) =>
  wakeFeatures({
    llr: -20,
    speechLlr: -25,
    wordLlr: [-22, -28],
    // The phrase 150..850 ms into a segment that starts at stream time 10 000 ms.
    words: [
      { word: 'hey', startMs: 150, endMs: 350 },
      { word: 'computer', startMs: 350, endMs: 850 },
    ],
    voiced,
    segmentStartMs: 10_000,
    segmentMs: 1000,
    phonesOf,
  });

test('a wake phrase out of a pause: no speech before it, its words cover the segment', () => {
  const f = verification([[10_140, 10_860]]);
  assert.equal(f.voicedBeforeMs, 0);
  assert.ok(f.coverage > 0.95, `coverage ${f.coverage}`);
  assert.equal(f.minWordLlr, -28);
  assert.equal(f.maxMsPerPhone, 100);
});

test('"hey computer" in the middle of a sentence: speech runs into it; voiced audio outside the segment is clipped', () => {
  const f = verification([[8_000, 10_900]]);
  assert.ok(f.voicedBeforeMs >= 400, `before ${f.voicedBeforeMs}`);
  // Only the segment's own 1000 ms count for coverage, not the sentence's 2.9 s.
  assert.equal(f.voicedMs, 900);
});

/**
 * The verdict from segment features, on constructed hypotheses (no audio, no decoder): what makes a
 * hypothesis accepted, what makes it rejected and with which reason. Accuracy on speech lives in the
 * recognition benchmark, not here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecognitionResult } from './engines/engine.js';
import { DEFAULT_REJECT_THRESHOLD, featureConfidence, judge } from './rejection.js';
import { phoneCounter, segmentFeatures } from './rejection-features.js';

const lexicon: [string, string][] = [
  ['volume', 'V AA L Y UW M'],
  ['up', 'AH P'],
  ['louder', 'L AW D ER'],
  ['louder(2)', 'L AW D ER R'],
];
const phonesOf = phoneCounter(lexicon);
const heard = { heard: true, longestMs: 900 };
const opts = { rejection: true, threshold: DEFAULT_REJECT_THRESHOLD };

/** A hypothesis whose words sit at `words` ([word, startMs, endMs]) with these per-frame scores. */
function hyp(words: [string, number, number][], llr: number, wordLlr: number[]): RecognitionResult {
  const frames = 150;
  return {
    text: words.map((w) => w[0]).join(' '),
    words: words.map(([word, startMs, endMs]) => ({ word, startMs, endMs })),
    acoustic: { ascr: llr * frames, frames, wordLlr, speechLlr: Math.min(...wordLlr) },
  };
}
const features = (r: RecognitionResult, voiced: [number, number][]) =>
  segmentFeatures({
    llr: r.acoustic!.ascr / r.acoustic!.frames,
    speechLlr: r.acoustic!.speechLlr!,
    wordLlr: r.acoustic!.wordLlr!,
    words: r.words!,
    voiced,
    phonesOf,
  });

test('phone counts come from the first pronunciation; unknown words count 0', () => {
  assert.equal(phonesOf('volume'), 6);
  assert.equal(phonesOf('louder'), 4);
  assert.equal(phonesOf('lamp'), 0);
});

test('a command that fills its speech at a plausible rate with good scores is accepted', () => {
  const r = hyp(
    [
      ['volume', 300, 760],
      ['up', 760, 960],
    ],
    -15,
    [-30, -35],
  );
  const f = features(r, [[310, 950]]);
  assert.ok(f.coverage > 0.95, `coverage ${f.coverage}`);
  assert.equal(f.words, 2);
  assert.ok(Math.abs(f.msPerPhone - 660 / 8) < 1e-9);
  const v = judge(r, heard, opts, f);
  assert.equal(v.verdict, 'accepted');
  assert.ok(v.confidence > 0.8, `confidence ${v.confidence}`);
});

test('a long sentence forced into one short word (most speech outside it) is rejected as out of grammar', () => {
  // "louder" over 400 ms of a 2.6 s stretch of speech; its own score is as good as the command's.
  const r = hyp([['louder', 1200, 1600]], -28, [-40]);
  const f = features(r, [
    [300, 1100],
    [1150, 2900],
  ]);
  assert.ok(f.coverage < 0.2, `coverage ${f.coverage}`);
  const v = judge(r, heard, opts, f);
  assert.equal(v.verdict, 'rejected');
  assert.equal(v.rejectReason, 'out-of-grammar');
});

test('each feature on its own moves the confidence the right way', () => {
  const base = {
    llr: -25,
    speechLlr: -45,
    minWordLlr: -55,
    voicedMs: 900,
    coverage: 0.95,
    msPerPhone: 90,
    maxMsPerPhone: 120,
    words: 3,
  };
  const c = featureConfidence(base);
  assert.ok(featureConfidence({ ...base, llr: -45 }) < c, 'worse acoustic score');
  assert.ok(featureConfidence({ ...base, minWordLlr: -120 }) < c, 'one much weaker word');
  assert.ok(featureConfidence({ ...base, coverage: 0.4 }) < c, 'speech outside the words');
  assert.ok(featureConfidence({ ...base, maxMsPerPhone: 450 }) < c, 'a word stretched over the speech');
});

test('a hypothesis below the threshold is rejected; with rejection off it is accepted with the same confidence', () => {
  const r = hyp([['louder', 300, 900]], -60, [-110]);
  const f = features(r, [[300, 900]]);
  const on = judge(r, heard, opts, f);
  assert.equal(on.verdict, 'rejected');
  const off = judge(r, heard, { ...opts, rejection: false }, f);
  assert.equal(off.verdict, 'accepted');
  assert.equal(off.confidence, on.confidence);
});

test('no speech, a blip and an empty hypothesis are rejected with their reasons and confidence 0', () => {
  const r = hyp([['up', 0, 100]], -10, [-10]);
  assert.deepEqual(judge(r, { heard: false, longestMs: 20 }, opts), {
    confidence: 0,
    verdict: 'rejected',
    rejectReason: 'no-speech',
  });
  assert.equal(judge(r, { heard: false, longestMs: 150 }, opts).rejectReason, 'too-short');
  assert.equal(judge({ text: '' }, heard, opts).rejectReason, 'out-of-grammar');
});

test('vosk: an [unk] word rejects whatever the threshold; otherwise the weakest word confidence decides', () => {
  const unk = judge({ text: 'volume up', vosk: { unknownWords: 1, wordConfidences: [1] } }, heard, {
    ...opts,
    threshold: 0,
  });
  assert.equal(unk.verdict, 'rejected');
  assert.equal(unk.rejectReason, 'out-of-grammar');
  const ok = judge(
    { text: 'volume up', vosk: { unknownWords: 0, wordConfidences: [0.9, 0.7] } },
    heard,
    opts,
  );
  assert.deepEqual(ok, { confidence: 0.7, verdict: 'accepted' });
});

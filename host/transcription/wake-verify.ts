/**
 * What a keyphrase detection's verification saw. The keyphrase search fires whenever the phrase's
 * path beats a phone loop by its threshold, which speech on a television does often (66 times an hour
 * at the default sensitivity on the background corpus). Each detection's segment is decoded again with
 * the phrase as a grammar; its confidence is the likelihood ratio per frame through the commands'
 * calibration (rejection.ts), and these segment features travel with the wake event for tuning: how
 * well the phrase's words score, whether they fill the segment at a plausible speaking rate, and
 * whether the phrase starts out of speech (mid-sentence) or out of a pause. On 11 false wakes the
 * likelihood ratio alone separated them (README); a model of more features needs far more of them.
 */
import { type SegmentFeatures, segmentFeatures } from './rejection-features.js';
import type { TranscriptWord } from './types.js';

export interface WakeFeatures extends SegmentFeatures {
  /** Voiced ms in the half second before the phrase's first word (speech running into the phrase). */
  voicedBeforeMs: number;
}

/** How far before the phrase `voicedBeforeMs` looks, and the gap right before it that it ignores. */
const BEFORE_MS = 500;
const BEFORE_GAP_MS = 60;

/** Voiced ms of `runs` within [a, b). */
function voicedWithin(runs: readonly (readonly [number, number])[], a: number, b: number): number {
  let s = 0;
  for (const [r0, r1] of runs) s += Math.max(0, Math.min(b, r1) - Math.max(a, r0));
  return s;
}

/**
 * The features of a verification decode. `words` (ms from the segment's start) and `voiced` (ms on
 * the stream's clock) are related by `segmentStartMs`, the stream time of the segment's first sample.
 */
export function wakeFeatures(input: {
  llr: number;
  speechLlr: number;
  wordLlr: readonly number[];
  words: readonly TranscriptWord[];
  voiced: readonly (readonly [number, number])[];
  segmentStartMs: number;
  segmentMs: number;
  phonesOf: (word: string) => number;
}): WakeFeatures {
  const s0 = input.segmentStartMs;
  const inSegment = input.voiced
    .map(([a, b]) => [Math.max(0, a - s0), Math.min(input.segmentMs, b - s0)] as const)
    .filter(([a, b]) => b > a);
  const f = segmentFeatures({ ...input, voiced: inSegment });
  const startMs = s0 + (input.words[0]?.startMs ?? 0);
  return {
    ...f,
    voicedBeforeMs: voicedWithin(input.voiced, startMs - BEFORE_MS, startMs - BEFORE_GAP_MS),
  };
}

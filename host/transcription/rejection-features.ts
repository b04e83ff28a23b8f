/**
 * What one hypothesis says about itself, beyond its mean acoustic score: features of its word
 * segments against the voice detector's speech, all from the one decoder that produced it.
 *
 * A grammar-only decoder forces other speech into some phrase, and the forced reading leaves traces
 * the mean score dilutes: a long everyday sentence read as "louder" leaves most of the voiced audio
 * to silence and fillers (low coverage) or stretches a few phones over it (slow phones); one word of
 * a forced phrase scores far worse than the rest (the weakest word); a real command of a few words
 * fills its speech at a plausible rate. rejection.ts combines these into one confidence.
 */
import type { TranscriptWord } from './types.js';

export interface SegmentFeatures {
  /** Acoustic score per frame over the whole capture (silence included). */
  llr: number;
  /** Acoustic score per frame over the hypothesis's words only. */
  speechLlr: number;
  /** The weakest word's acoustic score per frame. */
  minWordLlr: number;
  /** Voiced ms (speech-like frames of the voice detector). */
  voicedMs: number;
  /** Share of the voiced ms that lies inside the hypothesis's words (0..1). */
  coverage: number;
  /** ms per phone over the words (a plausible rate is 60–120). */
  msPerPhone: number;
  /** The slowest word's ms per phone. */
  maxMsPerPhone: number;
  /** Words in the hypothesis. */
  words: number;
}

/** Overlap of [a0, a1) with a sorted list of runs. */
function overlap(a0: number, a1: number, runs: readonly (readonly [number, number])[]): number {
  let s = 0;
  for (const [r0, r1] of runs) {
    if (r1 <= a0) continue;
    if (r0 >= a1) break;
    s += Math.min(a1, r1) - Math.max(a0, r0);
  }
  return s;
}

/**
 * The features of a hypothesis. `words` and `voiced` share one clock (ms from the utterance start);
 * `wordLlr` is per word, in order; `phonesOf` gives a word's phone count (0 when unknown).
 */
export function segmentFeatures(input: {
  llr: number;
  speechLlr: number;
  wordLlr: readonly number[];
  words: readonly TranscriptWord[];
  voiced: readonly (readonly [number, number])[];
  phonesOf: (word: string) => number;
}): SegmentFeatures {
  const { words, voiced } = input;
  const voicedMs = voiced.reduce((s, [a, b]) => s + (b - a), 0);
  let covered = 0;
  let wordMs = 0;
  let phones = 0;
  let maxMsPerPhone = 0;
  for (const w of words) {
    const ms = Math.max(0, w.endMs - w.startMs);
    covered += overlap(w.startMs, w.endMs, voiced);
    const p = input.phonesOf(w.word);
    wordMs += ms;
    phones += p;
    if (p > 0) maxMsPerPhone = Math.max(maxMsPerPhone, ms / p);
  }
  return {
    llr: input.llr,
    speechLlr: input.speechLlr,
    minWordLlr: input.wordLlr.length ? Math.min(...input.wordLlr) : input.speechLlr,
    voicedMs,
    coverage: voicedMs > 0 ? Math.min(1, covered / voicedMs) : 0,
    msPerPhone: phones > 0 ? wordMs / phones : 0,
    maxMsPerPhone,
    words: words.length,
  };
}

/** Phone counts of a grammar's dictionary entries (a word's first pronunciation). */
export function phoneCounter(
  lexicon: readonly (readonly [string, string])[] | undefined,
): (w: string) => number {
  const m = new Map<string, number>();
  for (const [word, phones] of lexicon ?? []) {
    const base = word.replace(/\(\d+\)$/, '');
    if (!m.has(base)) m.set(base, phones.trim().split(/\s+/).length);
  }
  return (w) => m.get(w) ?? 0;
}

/**
 * The verdict on a final result: accepted, or rejected with a reason, and a confidence in [0, 1].
 *
 * pocketsphinx: a logistic of the hypothesis's own segment features (rejection-features.ts), all from
 * the one decoder that produced it — no second decoder:
 * - llr, the grammar path's acoustic score per frame. pocketsphinx normalises each frame's senone
 *   scores by the frame's best, so this is a likelihood ratio against the best state of every frame:
 *   near zero for one of the grammar's phrases, far below it for other speech forced into the grammar;
 * - the weakest word's score per frame (one forced word among good ones);
 * - coverage, the share of the voice detector's speech inside the hypothesis's words (a long sentence
 *   forced into "louder" leaves most of its speech to silence and fillers);
 * - the slowest word's ms per phone (or stretches a few phones over it).
 * Fitted on one third of the recognition corpus and checked on the other two (figures and the
 * comparison with llr alone in host/transcription/README.md; test/bench/recognition/calibrate.ts
 * refits it from a harness dump).
 * vosk (untested here — no vosk model can be installed on the build machine): "[unk]" in the result
 * means speech outside the grammar; otherwise the lowest word confidence is the confidence.
 * Both: no speech detected by the voice detector → 'no-speech', or 'too-short' for a blip.
 */
import type { RecognitionResult } from './engines/engine.js';
import type { SegmentFeatures } from './rejection-features.js';
import type { RejectReason } from './types.js';

/**
 * The confidence of a pocketsphinx result with segment features: logistic(bias + Σ weight ·
 * (feature − mean) / scale), features in the order of CONFIDENCE_FEATURES. Fitted by
 * test/bench/recognition/calibrate.ts on the harness dump of the full recognition corpus (`--full`
 * slice, 1277 clips; the clips with index % 3 = 0).
 */
export const CONFIDENCE_FEATURES = ['llr', 'minWordLlr', 'coverage', 'maxMsPerPhone'] as const;
export const CONFIDENCE_MODEL = {
  mean: [-31.61, -64.49, 0.7811, 179],
  scale: [10.23, 24.27, 0.2038, 140.4],
  weights: [1.394, 0.8371, 1.347, -0.7325],
  bias: -0.7773,
} as const;

/** Below this coverage most of the speech lies outside the hypothesis's words: out of grammar. */
const OUT_OF_GRAMMAR_COVERAGE = 0.5;

/**
 * Calibration of the likelihood ratio alone (log base 1.0001 per 10 ms frame), for a result without
 * word segments (the wake stage's verification of a segment).
 */
export const LLR_CALIBRATION = {
  /** llr at which the confidence is 0.5. */
  mid: -33,
  /** llr units per logistic unit. */
  scale: 3,
} as const;

/** The default of `transcription.rejectThreshold`: results below this confidence are rejected. */
export const DEFAULT_REJECT_THRESHOLD = 0.35;

/** What the voice detector saw in the utterance. */
export interface SpeechSeen {
  /** The detector reported speech (it lasted at least minSpeechMs). */
  heard: boolean;
  /** The longest speech-like stretch, ms (shorter than minSpeechMs when `heard` is false). */
  longestMs: number;
}

export interface Verdict {
  confidence: number;
  verdict: 'accepted' | 'rejected';
  rejectReason?: RejectReason;
}

/** Sounds shorter than this are no speech at all; longer ones (short of minSpeechMs) are "too short". */
const BLIP_MS = 80;

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** The likelihood ratio per frame of a pocketsphinx result; undefined without acoustic scores. */
export function llrOf(r: RecognitionResult): number | undefined {
  const a = r.acoustic;
  if (!a || a.frames <= 0) return undefined;
  return a.ascr / a.frames;
}

/** The confidence of a hypothesis from its segment features (CONFIDENCE_MODEL). */
export function featureConfidence(f: SegmentFeatures): number {
  const m = CONFIDENCE_MODEL;
  let x: number = m.bias;
  CONFIDENCE_FEATURES.forEach((name, j) => {
    x += (m.weights[j]! * (f[name] - m.mean[j]!)) / m.scale[j]!;
  });
  return logistic(x);
}

export function judge(
  r: RecognitionResult,
  speech: SpeechSeen,
  opts: { rejection: boolean; threshold: number },
  features?: SegmentFeatures,
): Verdict {
  if (!speech.heard) {
    return {
      confidence: 0,
      verdict: 'rejected',
      rejectReason: speech.longestMs >= BLIP_MS ? 'too-short' : 'no-speech',
    };
  }
  if (r.text === '') return { confidence: 0, verdict: 'rejected', rejectReason: 'out-of-grammar' };
  let confidence: number;
  let outOfGrammar = false;
  const llr = llrOf(r);
  if (features) {
    confidence = featureConfidence(features);
    outOfGrammar = features.coverage < OUT_OF_GRAMMAR_COVERAGE;
  } else if (llr !== undefined) {
    confidence = logistic((llr - LLR_CALIBRATION.mid) / LLR_CALIBRATION.scale);
  } else if (r.vosk) {
    outOfGrammar = r.vosk.unknownWords > 0;
    confidence = outOfGrammar ? 0 : Math.min(1, ...r.vosk.wordConfidences);
  } else {
    confidence = 1; // no rejection measure for this grammar: the grammar's word is final
  }
  confidence = Math.min(1, Math.max(0, confidence));
  const vosk = r.vosk !== undefined;
  // A vosk "[unk]" rejects whatever the threshold; a pocketsphinx hypothesis that covers little of
  // the speech is named out of grammar, but the threshold alone decides.
  if (!opts.rejection || (!(vosk && outOfGrammar) && confidence >= opts.threshold))
    return { confidence, verdict: 'accepted' };
  return {
    confidence,
    verdict: 'rejected',
    rejectReason: outOfGrammar || confidence < opts.threshold / 2 ? 'out-of-grammar' : 'low-confidence',
  };
}

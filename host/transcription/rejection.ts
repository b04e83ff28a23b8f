/**
 * The verdict on a final result: accepted, or rejected with a reason, and a confidence in [0, 1].
 *
 * pocketsphinx: llr = the grammar path's acoustic score / frames. pocketsphinx normalises each frame's
 * senone scores by the frame's best, so this is a likelihood ratio against the best state of every
 * frame — an unconstrained reference that costs nothing (no second decoder): near zero for one of the
 * grammar's phrases, far below it for other speech forced into the grammar. A logistic maps it to a
 * confidence. The method, its calibration and the default threshold were chosen on the corpora of
 * test/bench/recognition.bench.ts (see host/transcription/README.md for the figures).
 * vosk (untested here — no vosk model can be installed on the build machine): "[unk]" in the result
 * means speech outside the grammar; otherwise the lowest word confidence is the confidence.
 * Both: no speech detected by the voice detector → 'no-speech', or 'too-short' for a blip.
 */
import type { RecognitionResult } from './engines/engine.js';
import type { RejectReason } from './types.js';

/**
 * Calibration of the pocketsphinx likelihood ratio (log base 1.0001 per 10 ms frame), fitted on one
 * third of the recognition bench slice (the clips with index % 3 = 0) and checked on the rest: the
 * default threshold keeps in-grammar rejections near 5 %.
 */
export const LLR_CALIBRATION = {
  /** llr at which the confidence is 0.5. */
  mid: -33,
  /** llr units per logistic unit. */
  scale: 3,
} as const;

/** The default of `transcription.rejectThreshold`: results below this confidence are rejected. */
export const DEFAULT_REJECT_THRESHOLD = 0.2;

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

export function judge(
  r: RecognitionResult,
  speech: SpeechSeen,
  opts: { rejection: boolean; threshold: number },
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
  if (llr !== undefined) {
    confidence = logistic((llr - LLR_CALIBRATION.mid) / LLR_CALIBRATION.scale);
  } else if (r.vosk) {
    outOfGrammar = r.vosk.unknownWords > 0;
    confidence = outOfGrammar ? 0 : Math.min(1, ...r.vosk.wordConfidences);
  } else {
    confidence = 1; // no rejection measure for this grammar: the grammar's word is final
  }
  confidence = Math.min(1, Math.max(0, confidence));
  if (!opts.rejection || (!outOfGrammar && confidence >= opts.threshold))
    return { confidence, verdict: 'accepted' };
  return {
    confidence,
    verdict: 'rejected',
    rejectReason: outOfGrammar || confidence < opts.threshold / 2 ? 'out-of-grammar' : 'low-confidence',
  };
}

/**
 * The wake stage's grammars: each wake phrase is a keyphrase search of its own (pocketsphinx), so
 * hands-free listening hears the wake phrase alone and nothing else opens the command grammar. A
 * board can have its own phrase and sensitivity (config `wakeBoards`); boards that share both share
 * one compiled grammar.
 */
import { HarkError } from '../../base/errors.js';
import type { GrammarSpec } from '../grammar/spec.js';

/**
 * Keyphrase thresholds at sensitivity 0 and 1 (log-linear between). pocketsphinx accepts a keyphrase
 * when its path beats the phone loop by more than the threshold: a larger threshold (1e-40) means a
 * phrase must be heard very clearly, a smaller one (1e-120) accepts it readily. The default (0.5,
 * 1e-80) was chosen on "hey computer" + a command in the corpus's 13 voices and the background corpus
 * (test/bench/recognition-wake.bench.ts; figures in host/transcription/README.md).
 */
export const WAKE_THRESHOLD_RANGE = { strict: 1e-40, lenient: 1e-120 } as const;

/** The keyphrase threshold of a sensitivity in [0, 1] (higher: fewer misses, more false wakes). */
export function wakeThreshold(sensitivity: number): number {
  if (!(sensitivity >= 0 && sensitivity <= 1)) {
    throw new HarkError(
      'HARK_ERR_TRANSCRIPTION_CONFIG',
      `wake sensitivity ${sensitivity} must be a number from 0 to 1`,
    );
  }
  const lo = Math.log10(WAKE_THRESHOLD_RANGE.strict);
  const hi = Math.log10(WAKE_THRESHOLD_RANGE.lenient);
  return 10 ** (lo + (hi - lo) * sensitivity);
}

/** The default of `listening.wakeSensitivity`. */
export const DEFAULT_WAKE_SENSITIVITY = 0.5;

/**
 * What a sensitivity compiles to: the keyphrase threshold, and — when detections are verified — the
 * confidence the wake segment's verification must reach.
 */
export function wakeThresholds(sensitivity: number): { threshold: number; verifyThreshold?: number } {
  return { threshold: wakeThreshold(sensitivity), verifyThreshold: WAKE_VERIFY_THRESHOLD };
}

/**
 * The confidence a detection's verification must reach (wake-verify.ts): a likelihood ratio per frame
 * of about −37 or better. On the wake bench's corpora (52 wake clips, 600 s of background) it kept
 * every detected wake phrase (their worst: −35.3) and turned 11 false wakes into 1 (the other ten
 * scored −36.4 … −50, or the phrase did not fit their segment at all). Chosen on those clips, so the
 * figure is in-sample; README has the caveat.
 */
export const WAKE_VERIFY_THRESHOLD = 0.2;

/** The one-phrase grammar of a wake phrase (lowercase words). */
export function wakePhraseSpec(phrase: string): GrammarSpec {
  const words = phrase.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    throw new HarkError('HARK_ERR_TRANSCRIPTION_GRAMMAR', 'the wake phrase is empty');
  }
  return {
    rules: { wake_phrase: { kind: 'seq', items: words.map((word) => ({ kind: 'word', word })) } },
    root: ['wake_phrase'],
    vocabulary: [...new Set(words)].sort(),
  };
}

/** A wake setting: phrase and sensitivity. */
export interface WakeSetting {
  phrase: string;
  sensitivity: number;
}

/** The grammar name of a wake setting (the same for every board that shares it). */
export const wakeGrammarName = (w: WakeSetting): string => `wake:${w.phrase}@${w.sensitivity}`;

/** What compiles a grammar (the transcription service). */
export interface GrammarCompiler {
  setGrammar(
    name: string,
    spec: GrammarSpec,
    opts: { keyphrase: { threshold: number; verifyThreshold?: number } },
  ): Promise<unknown>;
}

/**
 * Compiles the default wake setting and every board's own; returns the grammar name for a board id.
 */
export async function compileWakeGrammars(
  asr: GrammarCompiler,
  fallback: WakeSetting,
  boards: Readonly<Record<string, Partial<WakeSetting>>>,
): Promise<(boardId: string) => string> {
  const settings = new Map<string, WakeSetting>();
  const byBoard = new Map<string, string>();
  const add = (w: WakeSetting) => {
    const name = wakeGrammarName(w);
    settings.set(name, w);
    return name;
  };
  const fallbackName = add(fallback);
  for (const [boardId, own] of Object.entries(boards)) {
    byBoard.set(
      boardId,
      add({ phrase: own.phrase ?? fallback.phrase, sensitivity: own.sensitivity ?? fallback.sensitivity }),
    );
  }
  for (const [name, w] of settings) {
    await asr.setGrammar(name, wakePhraseSpec(w.phrase), { keyphrase: wakeThresholds(w.sensitivity) });
  }
  return (boardId) => byBoard.get(boardId) ?? fallbackName;
}

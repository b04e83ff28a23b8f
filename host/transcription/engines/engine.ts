/**
 * The contract between the ASR worker's utterance loop and a speech engine binding. Engines live
 * only inside ASR workers (they hold native handles that belong to one thread).
 */
import type { Alternative, CompiledGrammar, TranscriptWord } from '../types.js';

/** A hypothesis; word times are ms from the start of the current utterance. */
export interface RecognitionResult {
  text: string;
  words?: TranscriptWord[];
  /** Other readings, best first. */
  alternatives?: Alternative[];
  /**
   * pocketsphinx: the acoustic score of the best grammar path, relative to the best senone of each
   * frame (pocketsphinx normalises every frame's scores by it); per frame it is the likelihood ratio
   * rejection judges.
   */
  acoustic?: {
    ascr: number;
    frames: number;
    /** Per word of the hypothesis: its acoustic score per frame. */
    wordLlr?: number[];
    /** The same over all the hypothesis's words together (silence and fillers left out). */
    speechLlr?: number;
  };
  /**
   * vosk: the words the recogniser could not place in the grammar ("[unk]") and its word
   * confidences (0..1), which rejection judges instead.
   */
  vosk?: { unknownWords: number; wordConfidences: number[] };
}

/** One decoder, owned by one stream at a time. */
export interface Recognizer {
  /** Begins an utterance with this grammar (switching the engine search if needed). */
  start(grammar: CompiledGrammar): void;
  /** Feeds 16-bit mono samples at the engine rate. */
  accept(samples: Int16Array): void;
  /** Current partial hypothesis ('' when none). */
  partial(): string;
  /** Ends the utterance and returns the final hypothesis. */
  /**
   * Ends the utterance and returns its best reading; with `alternatives` (hark explain) also the
   * n-best list, which on a large grammar's lattice can take far longer than the decode itself.
   */
  finish(alternatives?: number): RecognitionResult;
  /** Gives the decoder back to its engine (cheap: it is reused by the next utterance). */
  release(): void;
  /** What the recognizer has learnt about the board's microphone (pocketsphinx: cepstral mean). */
  adaptation?(): number[] | undefined;
  /**
   * Decodes `samples` alone with grammar `g`, beside the running utterance, starting from the board's mean: the wake stage's verification.
   */
  decodeSegment?(g: CompiledGrammar, samples: Int16Array): RecognitionResult;
  /** After finish(): the general language model's reading of the utterance (fallback commands). */
  freeFormText?(): string;
}

/** A loaded model in one worker; hands out recognizers. */
export interface Engine {
  readonly name: 'vosk' | 'pocketsphinx';
  /** Sample rate the recognizers want. */
  readonly sampleRate: number;
  /** A recognizer for an utterance of board `affinity`, starting from its `adaptation` when known. */
  acquire(affinity?: string, adaptation?: number[]): Recognizer;
  /** The dictionary entries of `words` (pocketsphinx: every pronunciation) and the words the model lacks. */
  lexicon(words: readonly string[]): { entries: [word: string, phones: string][]; missing: string[] };
  /** Gets ready for streams of grammar `g` (pocketsphinx compiles it on its free decoders). */
  prepare?(g: CompiledGrammar): void;
  /** Frees every native handle. */
  close(): void;
}

/**
 * The contract between the ASR worker's utterance loop and a speech engine binding. Engines live
 * only inside ASR workers (they hold native handles that belong to one thread).
 */
import type { CompiledGrammar, TranscriptWord } from '../types.js';

/** A hypothesis; word times are ms from the start of the current utterance. */
export interface RecognitionResult {
  text: string;
  words?: TranscriptWord[];
  confidence?: number;
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
  finish(): RecognitionResult;
  /** Gives the decoder back to its engine (cheap: it is reused by the next utterance). */
  release(): void;
  /** What the recognizer has learnt about the board's microphone (pocketsphinx: cepstral mean). */
  adaptation?(): number[] | undefined;
}

/** A loaded model in one worker; hands out recognizers. */
export interface Engine {
  readonly name: 'vosk' | 'pocketsphinx';
  /** Sample rate the recognizers want. */
  readonly sampleRate: number;
  /** A recognizer for an utterance; reused decoders come first, the one `affinity` (a board id) used last first of all. */
  acquire(affinity?: string, adaptation?: number[]): Recognizer;
  /** The words the model's dictionary lacks. */
  missingWords(words: readonly string[]): string[];
  /** Frees every native handle. */
  close(): void;
}

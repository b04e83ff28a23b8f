/**
 * A pocketsphinx recognizer for one stream: a grammar decoder, and — for grammars with rejection — a
 * reference decoder that runs an unconstrained phone loop over the same audio at the same time, so
 * that when the utterance ends the grammar path's acoustic score can be compared with the best score
 * any phone sequence gets (a likelihood ratio per frame). Both finish with the audio: rejection costs
 * no decode after AUDIO_END.
 *
 * Cold start: a board whose microphone no decoder has heard yet (no mean from main, none in this
 * worker) is not decoded from the model's generic cepstral mean. The first second of its audio is
 * held back, its cepstral mean computed with the decoders' own front end, set on both decoders, and
 * the held audio decoded — once. (The old way decoded the whole first utterance a second time.)
 */
import type { CompiledGrammar } from '../types.js';
import type { RecognitionResult, Recognizer } from './engine.js';
import type { PsDecoder, SearchSpec } from './pocketsphinx-decoder.js';

/** Audio held back to estimate a new board's cepstral mean (16 kHz samples): one second. */
export const COLD_START_SAMPLES = 16000;
/** Audio kept for a free-form re-decode of a rejected utterance: at most 15 s at 16 kHz. */
const MAX_BUFFERED_SAMPLES = 15 * 16000;

/** What the recognizer needs from its engine. */
export interface RecognizerPool {
  grammarDecoder(g: CompiledGrammar): PsDecoder;
  referenceDecoder(): { decoder: PsDecoder; search: SearchSpec } | undefined;
  searchOf(g: CompiledGrammar): SearchSpec;
  meanOf(samples: Int16Array): Float32Array | undefined;
  freeForm(samples: Int16Array): string;
  /** Returns decoders to their pools; `mean` is board `board`'s cepstral mean at the end. */
  release(
    grammar: PsDecoder | undefined,
    reference: PsDecoder | undefined,
    mean: Float32Array | undefined,
    board: string | undefined,
  ): void;
}

export class PsRecognizer implements Recognizer {
  private dec: PsDecoder | undefined;
  private ref: { decoder: PsDecoder; search: SearchSpec } | undefined;
  private grammar: CompiledGrammar | undefined;
  /** The board's mean, once known (given, remembered, or estimated from this stream). */
  private mean: Float32Array | undefined;
  private held: Int16Array[] = [];
  private heldSamples = 0;
  private whole: Int16Array[] = [];
  private wholeSamples = 0;

  constructor(
    private readonly pool: RecognizerPool,
    mean: Float32Array | undefined,
    private readonly board: string | undefined,
  ) {
    this.mean = mean;
  }

  start(grammar: CompiledGrammar): void {
    this.finishDecoders();
    this.grammar = grammar;
    // A decoder that has the grammar compiled already, from the pool; a later switch (wake phrase →
    // command) compiles the next search on the same decoder if it lacks it.
    this.dec ??= this.pool.grammarDecoder(grammar);
    const search = this.pool.searchOf(grammar);
    this.dec.ensureSearch(search);
    if (this.mean) this.dec.setMean(this.mean);
    this.dec.begin(search.hash, grammar.name);
    const reject = grammar.kind === 'grammar' && grammar.rejection;
    if (reject && !this.ref) this.ref = this.pool.referenceDecoder();
    if (!reject && this.ref) {
      this.pool.release(undefined, this.ref.decoder, undefined, undefined);
      this.ref = undefined;
    }
    if (this.ref) {
      if (this.mean) this.ref.decoder.setMean(this.mean);
      this.ref.decoder.begin(this.ref.search.hash, 'phone loop');
    }
    this.whole = [];
    this.wholeSamples = 0;
  }

  accept(samples: Int16Array): void {
    if (!this.dec?.active || samples.length === 0) return;
    if (
      this.grammar?.kind === 'grammar' &&
      this.grammar.freeFormFallback &&
      this.wholeSamples < MAX_BUFFERED_SAMPLES
    ) {
      this.whole.push(samples.slice());
      this.wholeSamples += samples.length;
    }
    if (!this.mean) {
      this.held.push(samples.slice());
      this.heldSamples += samples.length;
      if (this.heldSamples >= COLD_START_SAMPLES) this.releaseHeld();
      return;
    }
    this.feed(samples);
  }

  private feed(samples: Int16Array): void {
    this.dec!.process(samples);
    this.ref?.decoder.process(samples);
  }

  /** Estimates the board's mean from the held audio, sets it, and decodes what was held. */
  private releaseHeld(): void {
    const all = concat(this.held, this.heldSamples);
    this.held = [];
    this.heldSamples = 0;
    const mean = this.pool.meanOf(all);
    if (mean) {
      this.mean = mean;
      this.dec!.setMean(mean);
      this.ref?.decoder.setMean(mean);
    } else {
      // No energy at all yet (silence): keep the decoders' current mean and stream from here on.
      this.mean = this.dec!.getMean();
    }
    this.feed(all);
  }

  partial(): string {
    return this.mean ? (this.dec?.partial() ?? '') : '';
  }

  finish(): RecognitionResult {
    if (!this.dec?.active) return { text: '' };
    if (!this.mean && this.heldSamples > 0) this.releaseHeld();
    this.dec.end();
    const r = this.dec.result();
    let reference: number | undefined;
    let referenceMs: number | undefined;
    if (this.ref) {
      const t0 = performance.now();
      this.ref.decoder.end();
      reference = this.ref.decoder.result().ascr;
      referenceMs = performance.now() - t0;
    }
    this.mean = this.dec.getMean() ?? this.mean;
    const alternatives = r.text === '' ? [] : this.dec.nbest(4);
    return {
      text: r.text,
      words: r.words,
      acoustic: {
        ascr: r.ascr,
        frames: r.frames,
        ...(reference !== undefined ? { referenceAscr: reference, referenceMs } : {}),
      },
      alternatives,
    };
  }

  /** The general language model's reading of the utterance (for a fallback command). */
  freeFormText(): string {
    return this.wholeSamples > 0 ? this.pool.freeForm(concat(this.whole, this.wholeSamples)) : '';
  }

  adaptation(): number[] | undefined {
    const m = this.mean ?? this.dec?.getMean();
    return m ? Array.from(m) : undefined;
  }

  release(): void {
    this.finishDecoders();
    this.pool.release(this.dec, this.ref?.decoder, this.mean, this.board);
    this.dec = undefined;
    this.ref = undefined;
    this.held = [];
    this.whole = [];
  }

  private finishDecoders(): void {
    this.dec?.end();
    this.ref?.decoder.end();
  }
}

function concat(parts: Int16Array[], n: number): Int16Array {
  const out = new Int16Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

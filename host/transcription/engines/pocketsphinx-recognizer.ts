/**
 * A pocketsphinx recognizer for one stream: a grammar decoder, and — for grammars with rejection — a
 * reference decoder that runs an unconstrained phone loop over the same audio at the same time, so
 * that when the utterance ends the grammar path's acoustic score can be compared with the best score
 * any phone sequence gets (a likelihood ratio per frame). Both finish with the audio: rejection costs
 * no decode after AUDIO_END.
 *
 * Cold start, as before this rewrite: a board heard before streams from its own cepstral mean (kept
 * per board on main and handed to any worker; a decoder that served the board last keeps its live
 * mean running). A board never heard before streams from the model's prior and its first utterance
 * is decoded again as a whole at its end (batch mean). Three ways without that second decode were
 * measured and dropped for now: the model's prior alone (cold "for five minutes" → "for a minute"),
 * a mean from the first second ("volume down" → "one hour"), and the whole utterance's mean set on
 * the decoder ("volume down" → "one hour" again).
 */
import type { CompiledGrammar } from '../types.js';
import type { RecognitionResult, Recognizer } from './engine.js';
import type { PsDecoder, SearchSpec, Segment } from './pocketsphinx-decoder.js';

/** Audio kept for a free-form re-decode of a rejected utterance: at most 15 s at 16 kHz. */
const MAX_BUFFERED_SAMPLES = 15 * 16000;
/**
 * The most an n-best walk may take: each step is an A* search over the utterance's lattice, which for
 * a grammar with open-ended numbers took seconds (measured: 2.5–20 s for "set a timer for ten seconds").
 */
const NBEST_BUDGET_MS = 250;

/** What the recognizer needs from its engine. */
export interface RecognizerPool {
  /** A free decoder, preferably the one board `board` used last and one with `g` compiled. */
  grammarDecoder(g: CompiledGrammar, board: string | undefined): PsDecoder;
  referenceDecoder(board: string | undefined): { decoder: PsDecoder; search: SearchSpec } | undefined;
  searchOf(g: CompiledGrammar): SearchSpec;
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
  /** The board's mean: given, remembered, or the model's (a cold start). */
  private mean: Float32Array | undefined;
  /** No mean was known for the board: its first utterance is decoded again as a whole. */
  private cold: boolean;
  private whole: Int16Array[] = [];
  private wholeSamples = 0;

  constructor(
    private readonly pool: RecognizerPool,
    mean: Float32Array | undefined,
    private readonly board: string | undefined,
  ) {
    this.cold = mean === undefined;
    this.mean = mean;
  }

  /**
   * A decoder's live mean carries on from its last utterance; it is set only when the decoder last
   * served another board (pocketsphinx's live CMN adapts best when left to run, measured: resetting
   * it to the board's mean before every utterance misheard "volume down" as "one hour").
   */
  private adopt(d: PsDecoder): void {
    if (d.lastBoard !== this.board) {
      // A board never heard before starts from the model's prior, never from the last board's mean:
      // which decoder the pool hands out must not change what is recognised.
      const mean = this.mean ?? d.initialMean;
      if (mean) d.setMean(mean);
      d.lastBoard = this.board;
    }
  }

  start(grammar: CompiledGrammar): void {
    this.finishDecoders();
    this.grammar = grammar;
    // A decoder that has the grammar compiled already, from the pool; a later switch (wake phrase →
    // command) compiles the next search on the same decoder if it lacks it.
    this.dec ??= this.pool.grammarDecoder(grammar, this.board);
    const search = this.pool.searchOf(grammar);
    this.dec.ensureSearch(search);
    this.adopt(this.dec);
    this.dec.begin(search.hash, grammar.name);
    const reject = grammar.kind === 'grammar' && grammar.rejection;
    if (reject && !this.ref) this.ref = this.pool.referenceDecoder(this.board);
    if (!reject && this.ref) {
      this.pool.release(undefined, this.ref.decoder, undefined, undefined);
      this.ref = undefined;
    }
    if (this.ref) {
      this.adopt(this.ref.decoder);
      this.ref.decoder.begin(this.ref.search.hash, 'phone loop');
    }
    this.whole = [];
    this.wholeSamples = 0;
  }

  accept(samples: Int16Array): void {
    if (!this.dec?.active || samples.length === 0) return;
    if (
      this.grammar?.kind === 'grammar' &&
      (this.grammar.freeFormFallback || this.cold) &&
      this.wholeSamples < MAX_BUFFERED_SAMPLES
    ) {
      this.whole.push(samples.slice());
      this.wholeSamples += samples.length;
    }
    this.feed(samples);
  }

  private feed(samples: Int16Array): void {
    this.dec!.process(samples);
    this.ref?.decoder.process(samples);
  }

  partial(): string {
    return this.dec?.partial() ?? '';
  }

  finish(alternatives = 0): RecognitionResult {
    if (!this.dec?.active) return { text: '' };
    this.dec.end();
    this.ref?.decoder.end();
    if (this.cold && this.grammar?.kind === 'grammar' && this.wholeSamples > 0) {
      // A board never heard before: its live mean started from the model's generic prior. Decode the
      // utterance again as a whole (batch mean over it); the streaming pass has moved the live mean
      // towards this microphone for the next utterances.
      this.cold = false;
      const all = concat(this.whole, this.wholeSamples);
      const search = this.pool.searchOf(this.grammar);
      this.dec.begin(search.hash, this.grammar.name);
      this.dec.processWhole(all);
      this.dec.end();
      if (this.ref) {
        this.ref.decoder.begin(this.ref.search.hash, 'phone loop');
        this.ref.decoder.processWhole(all);
        this.ref.decoder.end();
      }
    }
    this.cold = false;
    this.mean = this.dec.getMean() ?? this.mean;
    const r = this.dec.result();
    let reference: number | undefined;
    let referenceMs: number | undefined;
    let llrs: { wordLlr: number[]; speechLlr: number } | undefined;
    if (this.ref) {
      const t0 = performance.now();
      const ref = this.ref.decoder.result();
      reference = ref.ascr;
      llrs = wordLlrs(r.segments, ref.segments);
      referenceMs = performance.now() - t0;
    }
    const nbest = r.text === '' || alternatives <= 0 ? [] : this.dec.nbest(alternatives, NBEST_BUDGET_MS);
    return {
      text: r.text,
      words: r.words,
      acoustic: {
        ascr: r.ascr,
        frames: r.frames,
        ...(reference !== undefined ? { referenceAscr: reference, referenceMs } : {}),
        ...(llrs ?? {}),
      },
      alternatives: nbest,
    };
  }

  /**
   * Decodes `samples` alone with grammar `g` on decoders of its own (and the phone loop when `g` has
   * rejection), from this board's mean: the wake stage verifies a detection with it while the
   * stream's own decoder goes on listening.
   */
  decodeSegment(g: CompiledGrammar, samples: Int16Array): RecognitionResult {
    const dec = this.pool.grammarDecoder(g, this.board);
    const ref = g.kind === 'grammar' && g.rejection ? this.pool.referenceDecoder(this.board) : undefined;
    try {
      const search = this.pool.searchOf(g);
      dec.ensureSearch(search);
      const mean = this.dec?.getMean() ?? this.mean;
      if (mean) {
        dec.setMean(mean);
        ref?.decoder.setMean(mean);
      }
      dec.lastBoard = undefined; // set here for one segment: the next user sets its own
      if (ref) ref.decoder.lastBoard = undefined;
      dec.begin(search.hash, g.name);
      ref?.decoder.begin(ref.search.hash, 'phone loop');
      dec.process(samples);
      ref?.decoder.process(samples);
      dec.end();
      ref?.decoder.end();
      const r = dec.result();
      const rr = ref?.decoder.result();
      return {
        text: r.text,
        words: r.words,
        acoustic: {
          ascr: r.ascr,
          frames: r.frames,
          ...(rr ? { referenceAscr: rr.ascr, ...wordLlrs(r.segments, rr.segments) } : {}),
        },
      };
    } finally {
      this.pool.release(dec, ref?.decoder, undefined, undefined);
    }
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
    this.whole = [];
  }

  private finishDecoders(): void {
    this.dec?.end();
    this.ref?.decoder.end();
  }
}

/**
 * Likelihood ratios per word of the grammar's best path against the phone loop: each word's acoustic
 * score minus the loop's over the same frames (loop segments that straddle a word boundary count in
 * proportion), per frame. Silence and fillers are left out: they score alike on both paths and only
 * dilute the ratio of a short command in a long capture.
 */
export function wordLlrs(
  grammar: readonly Segment[],
  loop: readonly Segment[],
): { wordLlr: number[]; speechLlr: number } {
  const wordLlr: number[] = [];
  let num = 0;
  let frames = 0;
  for (const w of grammar) {
    if (w.filler) continue;
    const n = w.ef - w.sf + 1;
    if (n <= 0) continue;
    let ref = 0;
    for (const p of loop) {
      const overlap = Math.min(p.ef, w.ef) - Math.max(p.sf, w.sf) + 1;
      if (overlap > 0) ref += (p.ascr * overlap) / (p.ef - p.sf + 1);
    }
    wordLlr.push((w.ascr - ref) / n);
    num += w.ascr - ref;
    frames += n;
  }
  return { wordLlr, speechLlr: frames > 0 ? num / frames : 0 };
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

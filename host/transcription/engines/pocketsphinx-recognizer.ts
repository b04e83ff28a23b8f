/**
 * A pocketsphinx recognizer for one stream: one grammar decoder. Rejection needs no second decoder:
 * pocketsphinx normalises every frame's senone scores by that frame's best one, so the grammar
 * path's acoustic score per frame is already a log-likelihood ratio against the best state each
 * frame (an unconstrained reference, free). Measured against the phone-loop decoder that ran beside
 * the grammar before (host/transcription/README.md): as good a trade-off, at half the CPU and one
 * decoder's memory.
 *
 * Cold start: a board heard before streams from its own cepstral mean (kept per board on main and
 * handed to any worker; a decoder that served the board last keeps its live mean running). A board
 * never heard before streams from the mean main hands it — the host's prior, the mean of the boards
 * heard so far (adaptation-store.ts) — and is decoded once. Only on a host that has heard no board at
 * all is there no mean to start from: that first utterance streams from the model's mean and is
 * decoded again as a whole at its end (batch mean). The model's mean alone lost 4.5 points of cold
 * exact on the bench slice and misheard the suite's first utterances ("for five minutes" → "for a
 * minute", 8 kHz boards' first command → nothing); a mean from the first second was worse still.
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
/**
 * Audio handed to pocketsphinx in blocks of at least 100 ms. Boards send 20 ms chunks, and feeding
 * each on its own cost 1.5–1.7× the CPU of the same audio in larger blocks (measured in an ASR worker
 * paced in real time, the example pack's grammar: 107–110 against 65–76 ms per audio second; 100 ms
 * blocks paced: 68). A partial hypothesis or the end of the utterance flushes what is pending, so
 * partials (every 100 ms of audio) and the final see every sample: the delay is at most one block.
 */
export const DECODE_BLOCK_SAMPLES = 1600;

/** What the recognizer needs from its engine. */
export interface RecognizerPool {
  /** A free decoder, preferably the one board `board` used last and one with `g` compiled. */
  grammarDecoder(g: CompiledGrammar, board: string | undefined): PsDecoder;
  searchOf(g: CompiledGrammar): SearchSpec;
  freeForm(samples: Int16Array): string;
  /** Returns a decoder to its pool; `mean` is board `board`'s cepstral mean at the end. */
  release(decoder: PsDecoder | undefined, mean: Float32Array | undefined, board: string | undefined): void;
}

export class PsRecognizer implements Recognizer {
  private dec: PsDecoder | undefined;
  private grammar: CompiledGrammar | undefined;
  /** The board's mean: given, remembered, or the model's (a cold start). */
  private mean: Float32Array | undefined;
  /** No mean was known for the board: its first utterance is decoded again as a whole. */
  private cold: boolean;
  private whole: Int16Array[] = [];
  private wholeSamples = 0;
  /** Samples not yet given to the decoder (fewer than DECODE_BLOCK_SAMPLES). */
  private readonly pending = new Int16Array(DECODE_BLOCK_SAMPLES);
  private pendingLen = 0;

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
    this.buffer(samples);
  }

  /** Gathers samples into blocks of DECODE_BLOCK_SAMPLES; a larger input goes to the decoder at once. */
  private buffer(samples: Int16Array): void {
    const dec = this.dec!;
    if (this.pendingLen === 0 && samples.length >= DECODE_BLOCK_SAMPLES) {
      dec.process(samples);
      return;
    }
    let i = 0;
    while (i < samples.length) {
      const n = Math.min(DECODE_BLOCK_SAMPLES - this.pendingLen, samples.length - i);
      this.pending.set(samples.subarray(i, i + n), this.pendingLen);
      this.pendingLen += n;
      i += n;
      if (this.pendingLen === DECODE_BLOCK_SAMPLES) this.flush();
    }
  }

  /** Decodes what is pending (before a partial, the end of the utterance or a search switch). */
  private flush(): void {
    if (this.pendingLen === 0) return;
    const n = this.pendingLen;
    this.pendingLen = 0;
    if (this.dec?.active) this.dec.process(this.pending.subarray(0, n));
  }

  partial(): string {
    this.flush();
    return this.dec?.partial() ?? '';
  }

  finish(alternatives = 0): RecognitionResult {
    this.flush();
    if (!this.dec?.active) return { text: '' };
    this.dec.end();
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
    }
    this.cold = false;
    this.mean = this.dec.getMean() ?? this.mean;
    const r = this.dec.result();
    const nbest = r.text === '' || alternatives <= 0 ? [] : this.dec.nbest(alternatives, NBEST_BUDGET_MS);
    return {
      text: r.text,
      words: r.words,
      acoustic: { ascr: r.ascr, frames: r.frames, ...wordLlrs(r.segments) },
      alternatives: nbest,
    };
  }

  /**
   * Decodes `samples` alone with grammar `g` on a decoder of its own, from this board's mean: the
   * wake stage verifies a detection with it while the stream's own decoder goes on listening.
   */
  decodeSegment(g: CompiledGrammar, samples: Int16Array): RecognitionResult {
    const dec = this.pool.grammarDecoder(g, this.board);
    try {
      const search = this.pool.searchOf(g);
      dec.ensureSearch(search);
      const mean = this.dec?.getMean() ?? this.mean;
      if (mean) dec.setMean(mean);
      dec.lastBoard = undefined; // set here for one segment: the next user sets its own
      dec.begin(search.hash, g.name);
      dec.process(samples);
      dec.end();
      const r = dec.result();
      return {
        text: r.text,
        words: r.words,
        acoustic: { ascr: r.ascr, frames: r.frames, ...wordLlrs(r.segments) },
      };
    } finally {
      this.pool.release(dec, undefined, undefined);
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
    this.pool.release(this.dec, this.mean, this.board);
    this.dec = undefined;
    this.whole = [];
  }

  private finishDecoders(): void {
    this.flush();
    this.dec?.end();
  }
}

/**
 * Likelihood ratios per word of the best path: each word's acoustic score per frame, which is
 * relative to the best senone of each frame (pocketsphinx normalises every frame's scores by it).
 * Silence and fillers are left out: they score near zero and only dilute the ratio of a short
 * command in a long capture.
 */
export function wordLlrs(grammar: readonly Segment[]): { wordLlr: number[]; speechLlr: number } {
  const wordLlr: number[] = [];
  let num = 0;
  let frames = 0;
  for (const w of grammar) {
    if (w.filler) continue;
    const n = w.ef - w.sf + 1;
    if (n <= 0) continue;
    wordLlr.push(w.ascr / n);
    num += w.ascr;
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

/**
 * One pocketsphinx decoder (ps_decoder_t): it starts from an empty dictionary and gets exactly the
 * words its searches need (ps_add_word), keeps every search it has compiled (named by content hash),
 * decodes a stream, and reads back the hypothesis with its word segments, acoustic score and n-best
 * alternatives. Its live cepstral mean (what it has learnt about a microphone) can be read and set.
 * Policy — which decoder serves which board, cold starts, rejection — lives in the recognizer.
 */
import koffi from 'koffi';
import { HarkError } from '../../../base/errors.js';
import type { TranscriptWord } from '../types.js';
import type { PsApi } from './pocketsphinx-api.js';
import type { LexiconEntry } from './pocketsphinx-lexicon.js';

const FRAME_MS = 10; // -frate 100
/** The beam of keyphrase searches (see ensureSearch). */
const KEYPHRASE_BEAM = 1e-150;
const FILLERS = /^(<s>|<\/s>|<sil>|\(NULL\)|\[NOISE\]|\+\+.*\+\+|\[.*\])$/;

/** What an ended utterance decoded to. */
export interface DecodedUtterance {
  text: string;
  words: TranscriptWord[];
  /** Sum of the acoustic scores of every segment of the best path (log base of the decoder). */
  ascr: number;
  /** Frames of the utterance. */
  frames: number;
  /** Every segment of the best path (fillers too), frames from the utterance start, with its acoustic score. */
  segments: Segment[];
}

/** A segment of a best path. */
export interface Segment {
  word: string;
  /** First and last frame (inclusive), from the utterance start. */
  sf: number;
  ef: number;
  ascr: number;
  filler: boolean;
}

/** A search a decoder can compile. */
export type SearchSpec =
  | { kind: 'jsgf'; hash: string; name: string; jsgf: string; lexicon: readonly LexiconEntry[] }
  | {
      kind: 'keyphrase';
      hash: string;
      name: string;
      phrase: string;
      threshold: number;
      lexicon: readonly LexiconEntry[];
    }
  | { kind: 'allphone'; hash: string; name: string; lm: string }
  | { kind: 'lm'; hash: string; name: string; path: string };

export class PsDecoder {
  /** The board whose stream this decoder served last (its live mean fits that microphone). */
  lastBoard: string | undefined;
  /** The live mean when the decoder was built: the model's prior. */
  readonly initialMean: Float32Array | undefined;
  /** Compiled searches: hash → kind. */
  private readonly searches = new Map<string, SearchSpec['kind']>();
  private current: SearchSpec['kind'] | undefined;
  private readonly words = new Set<string>();
  private readonly lmath: unknown;
  private readonly cmn: unknown;
  /** Coefficients per cepstral frame (13 for the en-us model), 0 when the CMN state is unreachable. */
  readonly cepsize: number;
  private inUtt = false;
  private uttFrames = 0;
  /**
   * Frames this decoder processed before the current utterance, in every search: a keyphrase search
   * numbers its detections on that running count (observed with 5prealpha), not from the utterance.
   */
  private framesBefore = 0;
  private framesTotal = 0;
  private readonly score = [0];

  constructor(
    private readonly a: PsApi,
    readonly ps: unknown,
    /** The decoder's own -beam (restored after a keyphrase search is compiled with its wider one). */
    private readonly beam = 1e-48,
  ) {
    this.lmath = a.ps_get_logmath(ps);
    const feat = a.ps_get_feat(ps);
    const prefix = feat
      ? (koffi.decode(feat, a.featPrefix) as { cepsize: number; cmn_struct: unknown })
      : undefined;
    // Sanity-check the struct reading; without it the decoder simply never restores a board's mean.
    const ok = !!prefix?.cmn_struct && prefix.cepsize > 0 && prefix.cepsize <= 64;
    this.cmn = ok ? prefix.cmn_struct : undefined;
    this.cepsize = ok ? prefix.cepsize : 0;
    this.initialMean = this.getMean();
  }

  /** The decoder's configuration (for a front end with the same settings). */
  get config(): unknown {
    return this.a.ps_get_config(this.ps);
  }

  /** Adds the words it lacks; the last addition rebuilds the searches that exist. */
  addWords(entries: readonly LexiconEntry[]): void {
    const todo = entries.filter(([w]) => !this.words.has(w));
    todo.forEach(([word, phones], i) => {
      if ((this.a.ps_add_word(this.ps, word, phones, i === todo.length - 1 ? 1 : 0) as number) < 0) {
        throw new HarkError(
          'HARK_ERR_TRANSCRIPTION_GRAMMAR',
          `pocketsphinx refused the dictionary entry "${word} ${phones}" (a phone the model lacks?)`,
        );
      }
      this.words.add(word);
    });
  }

  has(hash: string): boolean {
    return this.searches.has(hash);
  }

  /** Compiles `s` unless this decoder already has it. */
  ensureSearch(s: SearchSpec): void {
    if (this.searches.has(s.hash)) return;
    let rc: number;
    if (s.kind === 'allphone') {
      rc = this.a.ps_set_allphone_file(this.ps, s.hash, s.lm) as number;
    } else if (s.kind === 'lm') {
      rc = this.a.ps_set_lm_file(this.ps, s.hash, s.path) as number;
    } else {
      this.addWords(s.lexicon);
      if (s.kind === 'keyphrase') {
        // kws_search_init reads the threshold and the beam from the decoder's config when the search
        // is created. A keyphrase gets a far wider beam than the grammar searches: with the grammar
        // decoder's beam a phrase of two words or more ("hey computer") was pruned before its last
        // phone in every voice tried, at any threshold, so the threshold alone decides.
        const cfg = this.config;
        this.a.cmd_ln_set_float_r(cfg, '-kws_threshold', s.threshold);
        this.a.cmd_ln_set_float_r(cfg, '-beam', KEYPHRASE_BEAM);
        try {
          rc = this.a.ps_set_keyphrase(this.ps, s.hash, s.phrase) as number;
        } finally {
          this.a.cmd_ln_set_float_r(cfg, '-beam', this.beam);
        }
      } else {
        rc = this.a.ps_set_jsgf_string(this.ps, s.hash, s.jsgf) as number;
      }
    }
    if (rc < 0) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_GRAMMAR',
        `pocketsphinx could not compile grammar '${s.name}'`,
      );
    }
    this.searches.set(s.hash, s.kind);
  }

  /** Starts an utterance with search `hash` (compiled before). */
  begin(hash: string, name: string): void {
    if (this.inUtt) this.end();
    if ((this.a.ps_set_search(this.ps, hash) as number) < 0) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_GRAMMAR',
        `pocketsphinx could not activate grammar '${name}'`,
      );
    }
    this.current = this.searches.get(hash);
    this.framesBefore = this.framesTotal;
    if ((this.a.ps_start_utt(this.ps) as number) < 0) {
      throw new HarkError('HARK_ERR_TRANSCRIPTION_POCKETSPHINX', 'pocketsphinx could not start an utterance');
    }
    this.inUtt = true;
  }

  get active(): boolean {
    return this.inUtt;
  }

  process(samples: Int16Array): void {
    if (this.inUtt && samples.length > 0) this.a.ps_process_raw(this.ps, samples, samples.length, 0, 0);
  }

  /**
   * Decodes a whole utterance in one call (full_utt: cepstral mean over the whole utterance). Only for
   * a decoder that never streams: pocketsphinx switches a decoder to live CMN for good at its first
   * streamed block.
   */
  processWhole(samples: Int16Array): void {
    if (this.inUtt && samples.length > 0) this.a.ps_process_raw(this.ps, samples, samples.length, 0, 1);
  }

  /** The current partial hypothesis. */
  partial(): string {
    if (!this.inUtt) return '';
    return clean((this.a.ps_get_hyp(this.ps, this.score) as string | null) ?? '');
  }

  /** Ends the utterance (no-op when none is running). */
  end(): void {
    if (!this.inUtt) return;
    this.a.ps_end_utt(this.ps);
    this.inUtt = false;
    this.uttFrames = this.a.ps_get_n_frames(this.ps) as number;
    this.framesTotal += this.uttFrames;
  }

  /** The best path of the ended utterance; word times are ms from its start. */
  result(): DecodedUtterance {
    const text = clean((this.a.ps_get_hyp(this.ps, this.score) as string | null) ?? '');
    const frames = this.uttFrames;
    if (text === '') return { text, words: [], ascr: 0, frames, segments: [] };
    // Segment frames of a streaming pass are numbered from somewhere in the decoder's history, not
    // from the utterance start (observed with 5prealpha), while the last segment (the closing
    // silence) always ends on the utterance's last frame: that anchors the utterance's frame 0.
    const segs: { word: string; sf: number; ef: number; prob: number; ascr: number }[] = [];
    const sf = [0];
    const ef = [0];
    const ascr = [0];
    const x = [0];
    for (let seg = this.a.ps_seg_iter(this.ps); seg; seg = this.a.ps_seg_next(seg)) {
      this.a.ps_seg_frames(seg, sf, ef);
      const prob = this.a.ps_seg_prob(seg, ascr, x, x) as number;
      segs.push({ word: this.a.ps_seg_word(seg) as string, sf: sf[0]!, ef: ef[0]!, prob, ascr: ascr[0]! });
    }
    // A keyphrase search numbers its detections on the decoder's running frame count, not from the
    // utterance start (observed with 5prealpha; the count runs a few frames ahead of the utterances'
    // ps_get_n_frames, more as they add up), and has no closing silence to anchor on. Before this, every
    // wake after a decoder's first utterance was placed seconds after its detection, so the wake's end
    // fell back to the detection time and the verification segment came out empty. Taken from the
    // running count, capped so that no segment ends after the utterance's last frame.
    const lastEf = segs.reduce((m, g) => Math.max(m, g.ef), 0);
    const anchored = Math.max(0, lastEf + 1 - frames);
    const base = this.current === 'keyphrase' ? Math.max(this.framesBefore, anchored) : anchored;
    const words = segs
      .filter((g) => !FILLERS.test(g.word))
      .map((g) => ({
        word: g.word.replace(/\(\d+\)$/, ''),
        startMs: Math.max(0, g.sf - base) * FRAME_MS,
        endMs: Math.max(0, g.ef + 1 - base) * FRAME_MS,
        confidence: clamp01(this.a.logmath_exp(this.lmath, g.prob) as number),
      }));
    const segments = segs.map((g) => ({
      word: g.word,
      sf: Math.max(0, g.sf - base),
      ef: Math.max(0, g.ef - base),
      ascr: g.ascr,
      filler: FILLERS.test(g.word),
    }));
    return { text, words, ascr: segs.reduce((s, g) => s + g.ascr, 0), frames, segments };
  }

  /** Up to `n` distinct hypotheses of the ended utterance, best first, with their path scores. */
  nbest(n: number, budgetMs = Number.POSITIVE_INFINITY): { text: string; score: number }[] {
    const until = performance.now() + budgetMs;
    const out: { text: string; score: number }[] = [];
    const seen = new Set<string>();
    let it = this.a.ps_nbest(this.ps);
    // A lattice yields many paths with the same words (other segmentations): bound the walk.
    for (let steps = 0; it && out.length < n && steps < n * 20 && performance.now() < until; steps++) {
      const text = clean((this.a.ps_nbest_hyp(it, this.score) as string | null) ?? '');
      if (text !== '' && !seen.has(text)) {
        seen.add(text);
        out.push({ text, score: this.score[0]! });
      }
      it = this.a.ps_nbest_next(it);
    }
    if (it) this.a.ps_nbest_free(it);
    return out;
  }

  /** The live cepstral mean (what the decoder has learnt about the current microphone). */
  getMean(): Float32Array | undefined {
    if (!this.cmn) return undefined;
    const v = new Float32Array(this.cepsize);
    this.a.cmn_live_get(this.cmn, v);
    return v;
  }

  /** Sets the live cepstral mean; false when this build's CMN state is not reachable. */
  setMean(v: Float32Array): boolean {
    if (!this.cmn || v.length !== this.cepsize) return false;
    this.a.cmn_live_set(this.cmn, v);
    return true;
  }

  free(): void {
    this.end();
    this.a.ps_free(this.ps);
  }
}

const clean = (hyp: string): string =>
  hyp
    .replace(/\(\d+\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

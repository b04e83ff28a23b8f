/**
 * PocketSphinx bound with koffi, for the C API of Debian bookworm's libpocketsphinx3
 * (0.8+5prealpha: cmd_ln_init + ps_init, named searches). PocketSphinx 5 (libpocketsphinx.so.5,
 * ps_config_*) is detected and refused with a clear message.
 *
 * One worker's model: pools of decoders that hold only their grammars' words (an empty dictionary
 * plus ps_add_word: ~7 ms and ~6 MB a decoder instead of ~80 ms and ~30 MB with the whole 134,723-word
 * dictionary), kept ahead of need — every grammar the service prepares is compiled on the free
 * decoders, and a spare decoder is built in the background whenever the last one is taken — and each
 * board's cepstral mean. Rejection needs no decoder of its own (see pocketsphinx-recognizer.ts).
 * Once the worker has decoded nothing for `idleTrimMs`, its free decoders go, down to `idleSpares`
 * (default none): each holds ~16 MB with the example pack's grammar, and building one again takes
 * ~50–80 ms at the start of the next utterance, while its audio waits in its port — decoded faster
 * than real time, that backlog is gone long before the board's AUDIO_END. While streams come and go,
 * `spareDecoders` stay ready.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HarkError } from '../../../base/errors.js';
import { NativeHeap } from '../../../base/native-heap.js';
import type { CompiledGrammar } from '../types.js';
import type { Engine, Recognizer } from './engine.js';
import { loadPocketsphinx, type PsApi } from './pocketsphinx-api.js';
import { PsDecoder, type SearchSpec } from './pocketsphinx-decoder.js';
import { type LexiconEntry, readLexicon } from './pocketsphinx-lexicon.js';
import { pocketsphinxLogSilenced, silencePocketsphinxLog } from './pocketsphinx-logging.js';
import { PsRecognizer, type RecognizerPool } from './pocketsphinx-recognizer.js';

/** Default model root of Debian's `pocketsphinx-en-us` package. */
export const DEFAULT_POCKETSPHINX_MODEL = '/usr/share/pocketsphinx/model/en-us';
/** hark's decoder settings beyond the model's own (overridable through transcription.pocketsphinx.args). */
// Wider beams than pocketsphinx's defaults (1e-48 / 7e-29 / 1e-48): with a command grammar the
// search is small, and the defaults pruned the only complete path often enough to return nothing
// (measured on the test commands in a British voice: 22/26 exact at the defaults, 24/26 with these).
export const DECODER_DEFAULTS: Readonly<Record<string, string>> = {
  '-beam': '1e-60',
  '-wbeam': '1e-40',
  '-pbeam': '1e-60',
};

/** Checks that the model directory holds the acoustic model and dictionary. */
export function checkPocketsphinxModel(modelDir: string): { hmm: string; dict: string; lm: string } {
  const hmm = join(modelDir, 'en-us');
  const dict = join(modelDir, 'cmudict-en-us.dict');
  const lm = join(modelDir, 'en-us.lm.bin');
  if (!existsSync(join(hmm, 'mdef')) || !existsSync(dict)) {
    throw new HarkError(
      'HARK_ERR_TRANSCRIPTION_POCKETSPHINX',
      `pocketsphinx model not found in ${modelDir} (expected en-us/mdef and cmudict-en-us.dict): ` +
        'sudo apt-get install pocketsphinx-en-us, or set transcription.pocketsphinx.model',
    );
  }
  return { hmm, dict, lm };
}

/** Options of the engine beyond its model. */
export interface PocketsphinxEngineOptions {
  /** Extra decoder arguments, e.g. { '-beam': '1e-60' } (config key transcription.pocketsphinx.args). */
  args?: Record<string, string>;
  /** Free decoders kept ready for the next stream; default 1. */
  spareDecoders?: number;
  /** Free decoders beyond `idleSpares` are freed after this long without a stream, ms; default 10 s. */
  idleTrimMs?: number;
  /** Free decoders kept through an idle period; default 0. */
  idleSpares?: number;
  /** Called after an idle trim with the number of decoders freed (tests, diagnostics). */
  onTrim?: (freed: number) => void;
}

/** Default of PocketsphinxEngineOptions.idleTrimMs. */
export const IDLE_TRIM_MS = 10_000;

/** A pocketsphinx model loaded in this worker. */
export class PocketsphinxEngine implements Engine, RecognizerPool {
  readonly name = 'pocketsphinx' as const;
  readonly sampleRate = 16000;
  private readonly api: PsApi;
  private readonly paths: { hmm: string; dict: string; lm: string };
  private readonly extraArgs: Record<string, string>;
  private readonly spare: number;
  private readonly free: PsDecoder[] = [];
  private readonly all: PsDecoder[] = [];
  /** Every grammar this worker has been given, by hash: spares get them all compiled. */
  private readonly grammars = new Map<string, CompiledGrammar>();
  /** Each board's cepstral mean, from its last utterance in this worker (bounded, oldest dropped). */
  private readonly boardMeans = new Map<string, Float32Array>();
  private freeFormDecoder: PsDecoder | undefined;
  private refillScheduled = false;
  private closed = false;
  /** Decoders handed out and not yet released. */
  private active = 0;
  private trimTimer: NodeJS.Timeout | undefined;
  private readonly idleTrimMs: number;
  private readonly idleSpares: number;
  private readonly onTrim: ((freed: number) => void) | undefined;
  private heap: NativeHeap | undefined | null = null;
  /** Decoders built so far, by kind (the benchmark and the tests read it). */
  readonly built = { grammar: 0 };

  /** Grammar decoders alive now (in use or pooled). */
  get decoderCount(): number {
    return this.all.length;
  }

  constructor(
    modelDir: string,
    private readonly kwsThreshold: number,
    opts: PocketsphinxEngineOptions = {},
  ) {
    this.api = loadPocketsphinx();
    // The service silences the logger on the main thread before any worker starts; an engine built
    // outside the service (a tool, a test) does it here, still before its first decoder.
    if (!pocketsphinxLogSilenced(this.api)) silencePocketsphinxLog(this.api);
    this.paths = checkPocketsphinxModel(modelDir);
    this.extraArgs = opts.args ?? {};
    this.spare = opts.spareDecoders ?? 1;
    this.idleTrimMs = opts.idleTrimMs ?? IDLE_TRIM_MS;
    this.idleSpares = opts.idleSpares ?? 0;
    this.onTrim = opts.onTrim;
    // Load now, so that a broken model fails the worker's start and the first utterance never waits.
    this.free.push(this.newDecoder());
  }

  /** The dictionary's entries for `words` (every variant) and the words it lacks. */
  lexicon(words: readonly string[]): { entries: LexiconEntry[]; missing: string[] } {
    return readLexicon(this.paths.dict, words);
  }

  /** Remembers a grammar and compiles it on the free decoders ahead of the first stream that needs it. */
  prepare(g: CompiledGrammar): void {
    if (this.grammars.has(g.hash)) return;
    this.grammars.set(g.hash, g);
    if (g.kind === 'keyphrase' && g.verify) this.grammars.set(g.verify.grammar.hash, g.verify.grammar);
    this.scheduleRefill();
  }

  acquire(affinity?: string, adaptation?: number[]): Recognizer {
    const known = affinity === undefined ? undefined : this.boardMeans.get(affinity);
    const mean = adaptation ? Float32Array.from(adaptation) : known;
    return new PsRecognizer(this, mean, affinity);
  }

  // ---- RecognizerPool --------------------------------------------------------------------------

  grammarDecoder(g: CompiledGrammar, board: string | undefined): PsDecoder {
    this.prepare(g);
    let i = board === undefined ? -1 : this.free.findIndex((d) => d.lastBoard === board && d.has(g.hash));
    if (i < 0) i = this.free.findIndex((d) => d.has(g.hash));
    const d = i >= 0 ? this.free.splice(i, 1)[0]! : (this.free.pop() ?? this.newDecoder());
    this.active++;
    clearTimeout(this.trimTimer);
    this.trimTimer = undefined;
    this.scheduleRefill();
    return d;
  }

  searchOf(g: CompiledGrammar): SearchSpec {
    if (g.kind === 'keyphrase') {
      return {
        kind: 'keyphrase',
        hash: g.hash,
        name: g.name,
        phrase: g.phrase,
        threshold: g.threshold,
        lexicon: g.lexicon ?? [],
      };
    }
    if (!g.jsgf)
      throw new HarkError('HARK_ERR_TRANSCRIPTION_GRAMMAR', `grammar '${g.name}' has no JSGF form`);
    return { kind: 'jsgf', hash: g.hash, name: g.name, jsgf: g.jsgf, lexicon: g.lexicon ?? [] };
  }

  freeForm(samples: Int16Array): string {
    if (!this.freeFormDecoder) {
      // The general language model needs the whole dictionary: one such decoder per worker, built
      // the first time a fallback command needs the words of a rejected utterance.
      const d = this.newDecoder(this.paths.dict);
      d.ensureSearch({ kind: 'lm', hash: 'lm', name: 'general language model', path: this.paths.lm });
      this.freeFormDecoder = d;
    }
    const d = this.freeFormDecoder;
    d.begin('lm', 'general language model');
    d.processWhole(samples);
    d.end();
    return d.result().text;
  }

  release(decoder: PsDecoder | undefined, mean: Float32Array | undefined, board: string | undefined): void {
    if (decoder) {
      this.active = Math.max(0, this.active - 1);
      if (!this.closed) this.free.push(decoder);
      if (this.active === 0 && !this.closed) this.scheduleTrim();
    }
    if (board !== undefined && mean) {
      this.boardMeans.delete(board);
      this.boardMeans.set(board, mean);
      if (this.boardMeans.size > 1024) this.boardMeans.delete(this.boardMeans.keys().next().value!);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.trimTimer);
    for (const d of this.all) d.free();
    this.freeFormDecoder?.free();
    this.all.length = 0;
    this.free.length = 0;
  }

  // ---- decoders ahead of need, and back after a burst ------------------------------------------

  private scheduleTrim(): void {
    clearTimeout(this.trimTimer);
    this.trimTimer = setTimeout(() => this.trim(), this.idleTrimMs);
    this.trimTimer.unref();
  }

  /** Frees the free decoders beyond idleSpares (the least recently used first) and their heap pages. */
  private trim(): void {
    this.trimTimer = undefined;
    if (this.closed || this.active > 0) return;
    const extra = this.free.splice(0, Math.max(0, this.free.length - this.idleSpares));
    for (const d of extra) {
      d.free();
      this.all.splice(this.all.indexOf(d), 1);
    }
    // Freed decoder memory stays resident inside glibc's arenas until trimmed (base/native-heap.ts);
    // malloc_trim walks every arena of the process, so it also returns what threads that stopped
    // during the lull (the pipeline's command and speech workers) left behind. Once per idle period.
    if (this.heap === null) this.heap = NativeHeap.load();
    this.heap?.trim();
    this.onTrim?.(extra.length);
  }

  private scheduleRefill(): void {
    if (this.refillScheduled || this.closed) return;
    this.refillScheduled = true;
    // One step per turn of the worker's event loop: a stream's audio is never held up for more than
    // one decoder build (~7 ms) or one grammar compile.
    setImmediate(() => {
      this.refillScheduled = false;
      if (this.closed) return;
      try {
        if (this.refillStep()) this.scheduleRefill();
      } catch {
        // Nothing is lost: a grammar that cannot compile ahead of time fails again, reported, in
        // the stream that needs it (and a decoder that cannot be built, in the next acquire()).
      }
    });
  }

  /** Does one piece of ahead-of-need work; true when there may be more. */
  private refillStep(): boolean {
    for (const d of this.free) {
      for (const g of this.grammars.values()) {
        if (!d.has(g.hash)) {
          try {
            d.ensureSearch(this.searchOf(g));
          } catch (e) {
            this.grammars.delete(g.hash);
            throw e;
          }
          return true;
        }
      }
    }
    if (this.free.length < this.spare) {
      this.free.push(this.newDecoder());
      return true;
    }
    return false;
  }

  private newDecoder(dict = '/dev/null'): PsDecoder {
    const a = this.api;
    const str = 'const char *';
    const args = { ...DECODER_DEFAULTS, ...this.extraArgs };
    // No search is named, so ps_init loads no language model; an empty dictionary (/dev/null) plus
    // the fillers of the model's noisedict: each search adds the words it needs.
    const config = a.cmd_ln_init(
      null,
      a.ps_args(),
      1,
      str,
      '-hmm',
      str,
      this.paths.hmm,
      str,
      '-dict',
      str,
      dict,
      str,
      '-remove_silence',
      str,
      'no',
      str,
      '-kws_threshold',
      str,
      String(this.kwsThreshold),
      ...Object.entries(args).flatMap(([k, v]) => [str, k, str, v]),
      'void *',
      null,
    );
    if (!config) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_POCKETSPHINX',
        `pocketsphinx rejected its configuration (model ${this.paths.hmm})`,
      );
    }
    const ps = a.ps_init(config);
    a.cmd_ln_free_r(config); // ps_init keeps its own reference
    if (!ps) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_POCKETSPHINX',
        `pocketsphinx could not load the model in ${this.paths.hmm}`,
      );
    }
    const d = new PsDecoder(a, ps, Number(args['-beam'] ?? '1e-48'));
    this.all.push(d);
    this.built.grammar++;
    return d;
  }
}

export { loadPocketsphinx };

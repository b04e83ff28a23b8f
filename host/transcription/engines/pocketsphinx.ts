/**
 * PocketSphinx bound with koffi, for the C API of Debian bookworm's libpocketsphinx3
 * (0.8+5prealpha: cmd_ln_init + ps_init, named searches). PocketSphinx 5 (libpocketsphinx.so.5,
 * ps_config_*) is detected and refused with a clear message. One decoder per concurrent stream;
 * decoders are pooled per worker, and each keeps the searches (JSGF, keyphrase) it has compiled.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HarkError } from '../../../base/errors.js';
import type { Engine, Recognizer } from './engine.js';
import { loadPocketsphinx, type PsApi } from './pocketsphinx-api.js';
import { PsDecoder } from './pocketsphinx-decoder.js';
import { pocketsphinxLogSilenced, silencePocketsphinxLog } from './pocketsphinx-logging.js';

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

/** A pocketsphinx model loaded in this worker, with a pool of decoders. */
export class PocketsphinxEngine implements Engine {
  readonly name = 'pocketsphinx' as const;
  readonly sampleRate = 16000;
  private readonly api: PsApi;
  private readonly paths: { hmm: string; dict: string; lm: string };
  private readonly free: PsDecoder[] = [];
  private readonly all: PsDecoder[] = [];
  /** Each board's cepstral mean, learnt from its last utterance in this worker (bounded, oldest dropped). */
  private readonly boardMeans = new Map<string, Float32Array>();

  constructor(
    modelDir: string,
    private readonly kwsThreshold: number,
    /** Extra decoder arguments, e.g. { '-beam': '1e-60' } (config key transcription.pocketsphinx.args). */
    private readonly extraArgs: Record<string, string> = {},
  ) {
    this.api = loadPocketsphinx();
    // The service silences the logger on the main thread before any worker starts; an engine built
    // outside the service (a tool, a test) does it here, still before its first decoder.
    if (!pocketsphinxLogSilenced(this.api)) silencePocketsphinxLog(this.api);
    this.paths = checkPocketsphinxModel(modelDir);
    this.free.push(this.newDecoder()); // load now, so the first utterance does not wait
  }

  acquire(affinity?: string, adaptation?: number[]): Recognizer {
    // Prefer the decoder this board used last: its live CMN has adapted to that microphone.
    const i = affinity === undefined ? -1 : this.free.findIndex((d) => d.affinity === affinity);
    const d = i >= 0 ? this.free.splice(i, 1)[0]! : (this.free.pop() ?? this.newDecoder());
    if (d.affinity !== affinity) {
      // Another board's microphone (or sample rate) left a cepstral mean that does not fit this one:
      // restore this board's own mean if this worker has heard it before, else decode its first
      // utterance again in batch mode, like a fresh decoder's.
      const known = affinity === undefined ? undefined : this.boardMeans.get(affinity);
      const mean = adaptation ? Float32Array.from(adaptation) : known;
      d.completed = mean && d.setMean(mean) ? 1 : 0;
    }
    d.affinity = affinity;
    return d;
  }

  /** @internal */
  giveBack(d: PsDecoder): void {
    const mean = d.affinity === undefined ? undefined : d.getMean();
    if (mean) {
      this.boardMeans.delete(d.affinity!);
      this.boardMeans.set(d.affinity!, mean);
      if (this.boardMeans.size > 1024) this.boardMeans.delete(this.boardMeans.keys().next().value!);
    }
    this.free.push(d);
  }

  missingWords(words: readonly string[]): string[] {
    const d = this.free[0] ?? this.all[0]!;
    return words.filter((w) => {
      const phones = this.api.ps_lookup_word(d.ps, w);
      if (phones) this.api.ckd_free(phones);
      return !phones;
    });
  }

  close(): void {
    for (const d of this.all) this.api.ps_free(d.ps);
    this.all.length = 0;
    this.free.length = 0;
  }

  private newDecoder(): PsDecoder {
    const a = this.api;
    const str = 'const char *';
    // Naming a keyphrase keeps ps_init from loading the default 30 MB language model; searches are
    // added per grammar later.
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
      this.paths.dict,
      str,
      '-remove_silence',
      str,
      'no',
      str,
      '-keyphrase',
      str,
      'hello',
      str,
      '-kws_threshold',
      str,
      String(this.kwsThreshold),
      ...Object.entries({ ...DECODER_DEFAULTS, ...this.extraArgs }).flatMap(([k, v]) => [str, k, str, v]),
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
    const d = new PsDecoder(this, a, ps, this.paths.lm);
    this.all.push(d);
    return d;
  }
}

export { loadPocketsphinx };

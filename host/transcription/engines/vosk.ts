/**
 * libvosk bound with koffi (the `vosk` npm package's own binding needs ffi-napi, which does not build
 * on Node 20 and is unsafe in worker threads). One model per worker; recognizers are pooled per
 * grammar because vosk compiles the grammar graph when a recognizer is created and has no runtime
 * grammar swap. libvosk reports failures as NULL handles: every handle is checked.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import koffi from 'koffi';
import { HarkError } from '../../../base/errors.js';
import type { CompiledGrammar, TranscriptWord } from '../types.js';
import type { Engine, RecognitionResult, Recognizer } from './engine.js';

type Fn = (...args: unknown[]) => unknown;
interface VoskApi {
  vosk_set_log_level: Fn;
  vosk_model_new: Fn;
  vosk_model_free: Fn;
  vosk_model_find_word: Fn;
  vosk_recognizer_new: Fn;
  vosk_recognizer_new_grm: Fn;
  vosk_recognizer_set_words: Fn;
  vosk_recognizer_accept_waveform: Fn;
  vosk_recognizer_result: Fn;
  vosk_recognizer_partial_result: Fn;
  vosk_recognizer_final_result: Fn;
  vosk_recognizer_reset: Fn;
  vosk_recognizer_free: Fn;
}

/** Where the `vosk` npm package keeps libvosk for this platform (it ships no other platforms). */
const VOSK_PACKAGE_LIBS: Record<string, string> = {
  'linux-x64': 'lib/linux-x86_64/libvosk.so',
  'darwin-x64': 'lib/osx-universal/libvosk.dylib',
  'darwin-arm64': 'lib/osx-universal/libvosk.dylib',
  'win32-x64': 'lib/win-x86_64/libvosk.dll',
};

/**
 * libvosk inside an installed `vosk` npm package, if there is one: found from hark's own install (a
 * sibling dependency) or from the project in the working folder. Only the library file is used —
 * never the package's JavaScript, whose ffi-napi binding does not build on Node 20 — so vosk is an
 * optional peer (`npm install vosk --ignore-scripts`), and `transcription.vosk.library` names any other
 * libvosk (aarch64 boards take it from vosk's release archive).
 */
export function bundledVoskLibrary(): string | undefined {
  const rel = VOSK_PACKAGE_LIBS[`${process.platform}-${process.arch}`];
  if (!rel) return undefined;
  for (const from of [import.meta.url, join(process.cwd(), 'package.json')]) {
    try {
      const lib = join(dirname(createRequire(from).resolve('vosk/package.json')), rel);
      if (existsSync(lib)) return lib;
    } catch {
      // not installed where this looks
    }
  }
  return undefined;
}

const apis = new Map<string, VoskApi>();

/** Loads libvosk from `library` once per thread. */
export function loadVosk(library: string): VoskApi {
  const cached = apis.get(library);
  if (cached) return cached;
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(library);
  } catch (e) {
    throw new HarkError(
      'HARK_ERR_TRANSCRIPTION_VOSK_LIBRARY',
      `libvosk could not be loaded from ${library} (${(e as Error).message}); set transcription.vosk.library ` +
        'to a libvosk.so for this platform (aarch64: vosk-linux-aarch64-0.3.45.zip from github.com/alphacep/vosk-api/releases)',
      { cause: e },
    );
  }
  const f = (decl: string) => lib.func(decl) as Fn;
  const api: VoskApi = {
    vosk_set_log_level: f('void vosk_set_log_level(int level)'),
    vosk_model_new: f('void *vosk_model_new(const char *path)'),
    vosk_model_free: f('void vosk_model_free(void *model)'),
    vosk_model_find_word: f('int vosk_model_find_word(void *model, const char *word)'),
    vosk_recognizer_new: f('void *vosk_recognizer_new(void *model, float rate)'),
    vosk_recognizer_new_grm: f('void *vosk_recognizer_new_grm(void *model, float rate, const char *grammar)'),
    vosk_recognizer_set_words: f('void vosk_recognizer_set_words(void *rec, int words)'),
    vosk_recognizer_accept_waveform: f(
      'int vosk_recognizer_accept_waveform(void *rec, const uint8_t *data, int length)',
    ),
    vosk_recognizer_result: f('const char *vosk_recognizer_result(void *rec)'),
    vosk_recognizer_partial_result: f('const char *vosk_recognizer_partial_result(void *rec)'),
    vosk_recognizer_final_result: f('const char *vosk_recognizer_final_result(void *rec)'),
    vosk_recognizer_reset: f('void vosk_recognizer_reset(void *rec)'),
    vosk_recognizer_free: f('void vosk_recognizer_free(void *rec)'),
  };
  api.vosk_set_log_level(-1);
  apis.set(library, api);
  return api;
}

const HOW_TO_GET =
  'download a model from https://alphacephei.com/vosk/models (e.g. vosk-model-small-en-us-0.15), unzip it and set transcription.vosk.model to its folder';

/** Checks a model folder before libvosk sees it, so users get a precise message instead of a NULL. */
export function checkVoskModel(modelDir: string): void {
  const fail = (why: string): never => {
    throw new HarkError('HARK_ERR_TRANSCRIPTION_VOSK_MODEL', `vosk model ${modelDir} ${why}: ${HOW_TO_GET}`);
  };
  if (!existsSync(modelDir)) fail('does not exist');
  if (!statSync(modelDir).isDirectory()) fail('is not a folder');
  if (readdirSync(modelDir).length === 0) fail('is empty');
  if (!existsSync(join(modelDir, 'am', 'final.mdl')) && !existsSync(join(modelDir, 'final.mdl'))) {
    fail('is not a vosk model (no am/final.mdl)');
  }
}

/** A vosk model loaded in this worker. */
export class VoskEngine implements Engine {
  readonly name = 'vosk' as const;
  readonly sampleRate = 16000;
  private readonly api: VoskApi;
  private readonly model: unknown;
  private readonly free: VoskRecognizer[] = [];
  private readonly all: VoskRecognizer[] = [];

  constructor(
    readonly modelDir: string,
    library: string,
  ) {
    this.api = loadVosk(library);
    checkVoskModel(modelDir);
    this.model = this.api.vosk_model_new(modelDir);
    if (!this.model) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_VOSK_MODEL',
        `libvosk could not load the model in ${modelDir} (invalid or damaged): ${HOW_TO_GET}`,
      );
    }
  }

  acquire(): Recognizer {
    return this.free.pop() ?? new VoskRecognizer(this, this.api, this.model);
  }

  /** @internal */
  track(r: VoskRecognizer, released: boolean): void {
    if (!this.all.includes(r)) this.all.push(r);
    if (released) this.free.push(r);
  }

  lexicon(words: readonly string[]): { entries: [string, string][]; missing: string[] } {
    // vosk compiles its own graph from words: it needs no entries, only to know which words it lacks.
    return {
      entries: [],
      missing: words.filter((w) => (this.api.vosk_model_find_word(this.model, w) as number) < 0),
    };
  }

  close(): void {
    for (const r of this.all) r.destroy();
    this.all.length = 0;
    this.free.length = 0;
    this.api.vosk_model_free(this.model);
  }
}

interface VoskJson {
  text?: string;
  partial?: string;
  result?: { word: string; start: number; end: number; conf: number }[];
}

/** A vosk recognizer per grammar, kept between utterances (creating one compiles the grammar). */
class VoskRecognizer implements Recognizer {
  private readonly byGrammar = new Map<string, unknown>();
  private rec: unknown;
  private words: TranscriptWord[] = [];
  private texts: string[] = [];
  /** "[unk]" tokens in this utterance: speech vosk could not place in the grammar. */
  private unknown = 0;

  constructor(
    private readonly owner: VoskEngine,
    private readonly a: VoskApi,
    private readonly model: unknown,
  ) {
    owner.track(this, false);
  }

  start(grammar: CompiledGrammar): void {
    if (grammar.kind !== 'grammar') {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_GRAMMAR',
        `the vosk engine has no keyphrase search (grammar '${grammar.name}'): use pocketsphinx for a wake phrase`,
      );
    }
    let rec = this.byGrammar.get(grammar.hash);
    if (!rec) {
      rec = grammar.voskGrammar
        ? this.a.vosk_recognizer_new_grm(this.model, 16000, grammar.voskGrammar)
        : this.a.vosk_recognizer_new(this.model, 16000);
      if (!rec) {
        throw new HarkError(
          'HARK_ERR_TRANSCRIPTION_GRAMMAR',
          `libvosk could not build a recognizer for grammar '${grammar.name}' (runtime grammars need a model with Gr.fst and HCLr.fst, e.g. a "small" model)`,
        );
      }
      this.a.vosk_recognizer_set_words(rec, 1);
      this.byGrammar.set(grammar.hash, rec);
    } else {
      this.a.vosk_recognizer_reset(rec);
    }
    this.rec = rec;
    this.words = [];
    this.texts = [];
    this.unknown = 0;
  }

  accept(samples: Int16Array): void {
    if (!this.rec || samples.length === 0) return;
    // Int16 samples always make an even byte count; the little-endian view is what libvosk reads.
    const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    if ((this.a.vosk_recognizer_accept_waveform(this.rec, bytes, bytes.length) as number) === 1) {
      this.absorb(this.a.vosk_recognizer_result(this.rec) as string);
    }
  }

  partial(): string {
    if (!this.rec) return '';
    const done = this.texts.join(' ');
    const p =
      (JSON.parse(this.a.vosk_recognizer_partial_result(this.rec) as string) as VoskJson).partial ?? '';
    return clean(`${done} ${p}`);
  }

  finish(): RecognitionResult {
    if (!this.rec) return { text: '' };
    this.absorb(this.a.vosk_recognizer_final_result(this.rec) as string);
    this.rec = undefined;
    const text = clean(this.texts.join(' '));
    // Rejection (rejection.ts) judges "[unk]" and the word confidences. Untested: no vosk model can be
    // installed where hark's tests run.
    const vosk = { unknownWords: this.unknown, wordConfidences: this.words.map((w) => w.confidence ?? 0) };
    if (text === '') return { text, vosk };
    return { text, words: this.words, vosk };
  }

  release(): void {
    this.rec = undefined;
    this.owner.track(this, true);
  }

  destroy(): void {
    for (const r of this.byGrammar.values()) this.a.vosk_recognizer_free(r);
    this.byGrammar.clear();
  }

  private absorb(json: string): void {
    const r = JSON.parse(json) as VoskJson;
    this.unknown += ((r.text ?? '').match(/\[unk\]/g) ?? []).length;
    const t = (r.text ?? '').replace(/\[unk\]/g, '').trim();
    if (t) this.texts.push(t);
    for (const w of r.result ?? []) {
      if (w.word === '[unk]') continue;
      this.words.push({
        word: w.word,
        startMs: Math.round(w.start * 1000),
        endMs: Math.round(w.end * 1000),
        confidence: w.conf,
      });
    }
  }
}

const clean = (s: string): string =>
  s
    .replace(/\[unk\]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * espeak-ng in-process: libespeak-ng (Debian `libespeak-ng1`, the library the `espeak-ng` binary
 * itself runs on, so it is there wherever the binary is) through koffi, for the speech worker.
 * Spawning the binary costs a fork of the whole host — 20–30 ms of the spawning thread with the models
 * resident, serialising eight replies into 200+ ms — while the library speaks a short reply in 2–4 ms.
 * The library keeps its state in process-wide globals, so exactly one thread of a process may use it:
 * speech-service.ts runs one speech worker per process for that reason. Text goes in as plain UTF-8
 * (no SSML, no phoneme input), so nothing in a reply is read as markup.
 */
import koffi, { type LibraryHandle } from 'koffi';
import type { PcmAudio } from '../../base/audio/wav.js';
import { HarkError } from '../../base/errors.js';

const AUDIO_OUTPUT_SYNCHRONOUS = 2;
/** Return an error instead of calling exit() when the data folder is missing. */
const INITIALIZE_DONT_EXIT = 0x8000;
const PARAM_RATE = 1;
const PARAM_PITCH = 3;
const POS_CHARACTER = 1;
const CHARS_UTF8 = 1;

type Fn = (...args: unknown[]) => number;

export interface LibVoice {
  voice: string;
  wpm: number;
  pitch?: number;
}

export class EspeakLibrary {
  readonly sampleRate: number;
  readonly #synth: Fn;
  readonly #sync: Fn;
  readonly #setVoice: Fn;
  readonly #setParam: Fn;
  #chunks: Int16Array[] = [];
  #voice = '';

  private constructor(lib: LibraryHandle) {
    const init = lib.func('int espeak_Initialize(int output, int buflength, const char *path, int options)');
    this.#setVoice = lib.func('int espeak_SetVoiceByName(const char *name)') as Fn;
    this.#setParam = lib.func('int espeak_SetParameter(int parameter, int value, int relative)') as Fn;
    const proto = koffi.proto('int hark_espeak_cb(int16_t *wav, int numsamples, void *events)');
    const setCallback = lib.func('void espeak_SetSynthCallback(hark_espeak_cb *cb)');
    this.#synth = lib.func(
      'int espeak_Synth(const char *text, size_t size, unsigned int position, int position_type, unsigned int end_position, unsigned int flags, void *uid, void *user_data)',
    ) as Fn;
    this.#sync = lib.func('int espeak_Synchronize()') as Fn;
    const rate = init(AUDIO_OUTPUT_SYNCHRONOUS, 0, null, INITIALIZE_DONT_EXIT) as number;
    if (rate <= 0)
      throw new HarkError(
        'HARK_ERR_TTS_ESPEAK',
        `libespeak-ng could not start (its data folder is missing?)`,
      );
    this.sampleRate = rate;
    // Called synchronously inside espeak_Synth on this thread, once per buffer of samples.
    const cb = koffi.register((wav: unknown, n: number) => {
      if (n > 0 && wav) this.#chunks.push(new Int16Array(koffi.view(wav, n * 2).slice(0)));
      return 0;
    }, koffi.pointer(proto));
    setCallback(cb);
  }

  /** The library, or undefined when it cannot be loaded here (then the binary is used). */
  static load(): EspeakLibrary | undefined {
    let lib: LibraryHandle;
    try {
      lib = koffi.load('libespeak-ng.so.1');
    } catch {
      return undefined;
    }
    return new EspeakLibrary(lib);
  }

  /** Speaks `text` at the library's own rate (22050 Hz for espeak-ng's voices). */
  synthesize(text: string, v: LibVoice): PcmAudio {
    if (v.voice !== this.#voice) {
      if (this.#setVoice(v.voice) !== 0)
        throw new HarkError(
          'HARK_ERR_TTS_ESPEAK',
          `espeak-ng has no voice "${v.voice}" (espeak-ng --voices lists them)`,
        );
      this.#voice = v.voice;
    }
    this.#setParam(PARAM_RATE, v.wpm, 0);
    this.#setParam(PARAM_PITCH, v.pitch ?? 50, 0);
    const bytes = Buffer.from(`${text}\0`, 'utf8');
    this.#chunks = [];
    const err = this.#synth(bytes, bytes.length, 0, POS_CHARACTER, 0, CHARS_UTF8, null, null);
    this.#sync();
    if (err !== 0)
      throw new HarkError('HARK_ERR_TTS_ESPEAK', `espeak-ng could not speak "${text}" (error ${err})`);
    const total = this.#chunks.reduce((a, c) => a + c.length, 0);
    const samples = new Int16Array(total);
    let at = 0;
    for (const c of this.#chunks) {
      samples.set(c, at);
      at += c.length;
    }
    this.#chunks = [];
    return { sampleRate: this.sampleRate, samples };
  }
}

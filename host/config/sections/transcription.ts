/** Keys of the speech engines (host/transcription). */
import { choice, integer, number, path, section, stringMap } from '../keys.js';

export const TRANSCRIPTION_KEYS = {
  transcription: section(
    {
      engine: choice(
        ['auto', 'pocketsphinx', 'vosk'],
        'auto',
        'auto: vosk when transcription.vosk.model is set, else pocketsphinx',
      ),
      threads: integer(0, 0, 64, 'ASR worker threads, each loads the model once (0: min(4, cores))'),
      streamsPerWorker: integer(
        0,
        0,
        1024,
        'utterances one worker decodes at once; more wait, with a warning (0: sized from cores and memory)',
      ),
      workerHeapMb: integer(
        256,
        32,
        16_384,
        'JavaScript heap limit of each ASR worker, MB (native model memory is not counted)',
      ),
      rejectThreshold: number(
        0.35,
        { minimum: 0, maximum: 1 },
        'results below this confidence are rejected (0: accept everything the grammar fits)',
      ),
      spareDecoders: integer(1, 0, 64, 'decoders each ASR worker keeps built ahead of the next utterance'),
      alternatives: integer(
        0,
        0,
        20,
        'n-best alternatives in each transcript event (hark run --explain sets 5; each costs a lattice walk)',
      ),
      adaptationFile: path(
        '',
        "a JSON file (0600) keeping each board's microphone adaptation across restarts (empty: none)",
      ),
      loadTimeoutMs: integer(
        30_000,
        1_000,
        600_000,
        'how long every ASR worker may take to load the model before start-up fails, ms',
      ),
      idleTimeoutMs: integer(
        0,
        0,
        86_400_000,
        'stop idle workers (freeing their models) after this long, ms (0: never)',
      ),
      pocketsphinx: section(
        {
          model: path(
            '/usr/share/pocketsphinx/model/en-us',
            'folder with en-us/, cmudict-en-us.dict, en-us.lm.bin',
          ),
          kwsThreshold: number(
            1e-40,
            { exclusiveMinimum: 0, maximum: 1 },
            'keyphrase (wake phrase) detection threshold',
          ),
          args: stringMap(
            '^-[a-z_]+$',
            'extra decoder arguments, e.g. {"-beam":"1e-70"}',
            'a JSON object of "-name": "value"',
          ),
        },
        'pocketsphinx (Debian: libpocketsphinx3 pocketsphinx-en-us)',
      ),
      vosk: section(
        {
          model: path('', 'unpacked Vosk model folder (a "small" model has runtime grammars)'),
          library: path('', 'libvosk.so to load (empty: the one in the vosk npm package, when installed)'),
        },
        'Vosk (optional): a model you download, libvosk from the vosk package or its release archive',
      ),
    },
    'speech recognition',
  ),
};

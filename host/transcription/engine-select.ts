/**
 * Main-thread engine choice (`auto`, `vosk`, `pocketsphinx`) from TranscriptionOptions. Only cheap
 * file checks happen here; the model itself loads in the workers.
 */
import { existsSync } from 'node:fs';
import { HarkError } from '../../base/errors.js';
import { checkPocketsphinxModel, DEFAULT_POCKETSPHINX_MODEL } from './engines/pocketsphinx.js';
import { bundledVoskLibrary, checkVoskModel } from './engines/vosk.js';
import type { EngineConfig, TranscriptionOptions } from './types.js';

/** What every ASR worker receives as piscina workerData. */
export interface WorkerConfig {
  engine: EngineConfig;
  /** The BroadcastChannel on which main sends every compiled grammar to every worker (prepare ahead of need). */
  channel: string;
}

const BOTH_OPTIONS =
  'install pocketsphinx (Debian/Raspberry Pi OS: sudo apt-get install libpocketsphinx3 pocketsphinx-en-us), ' +
  'or download a vosk model (e.g. https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip), unzip it ' +
  'and set transcription.vosk.model (hark config set transcription.vosk.model /path/to/vosk-model-small-en-us-0.15); ' +
  'see host/transcription/README.md';

/** Resolves the engine; throws a HarkError that says exactly what to install or configure. */
export function selectEngine(opts: TranscriptionOptions): EngineConfig {
  const name = opts.engine ?? 'auto';
  if (!['auto', 'vosk', 'pocketsphinx'].includes(name)) {
    throw new HarkError(
      'HARK_ERR_TRANSCRIPTION_CONFIG',
      `transcription.engine is '${name}': use auto, vosk or pocketsphinx`,
    );
  }
  if (name === 'vosk' || (name === 'auto' && opts.voskModel)) {
    if (!opts.voskModel) {
      throw new HarkError('HARK_ERR_TRANSCRIPTION_VOSK_MODEL', `engine vosk needs a model: ${BOTH_OPTIONS}`);
    }
    const library = opts.voskLibrary ?? bundledVoskLibrary();
    if (!library) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_VOSK_LIBRARY',
        `no libvosk found for ${process.platform}-${process.arch}: install the vosk package next to hark ` +
          '(npm install vosk --ignore-scripts; it carries libvosk for linux-x64, macOS and win-x64), or set ' +
          'transcription.vosk.library to a libvosk.so (aarch64: from vosk-linux-aarch64-0.3.45.zip, ' +
          'https://github.com/alphacep/vosk-api/releases)',
      );
    }
    if (!existsSync(library)) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_VOSK_LIBRARY',
        `transcription.vosk.library ${library} does not exist`,
      );
    }
    checkVoskModel(opts.voskModel);
    return { engine: 'vosk', modelDir: opts.voskModel, library };
  }
  const modelDir = opts.pocketsphinxModel ?? DEFAULT_POCKETSPHINX_MODEL;
  if (name === 'auto') {
    try {
      checkPocketsphinxModel(modelDir);
    } catch {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_NO_ENGINE',
        `no speech engine available (no vosk model configured, no pocketsphinx model in ${modelDir}): ${BOTH_OPTIONS}`,
      );
    }
  } else {
    checkPocketsphinxModel(modelDir);
  }
  const kwsThreshold = opts.kwsThreshold ?? 1e-40;
  if (!(kwsThreshold > 0 && kwsThreshold <= 1)) {
    throw new HarkError(
      'HARK_ERR_TRANSCRIPTION_CONFIG',
      `transcription.pocketsphinx.kwsThreshold ${kwsThreshold} must be in (0, 1]`,
    );
  }
  const args = opts.pocketsphinxArgs ?? {};
  for (const [k, v] of Object.entries(args)) {
    if (!/^-[a-z_]+$/.test(k) || typeof v !== 'string' || ['-hmm', '-dict', '-logfn'].includes(k)) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_CONFIG',
        `transcription.pocketsphinx.args: '${k}' is not an allowed decoder argument (name like -beam, string value; not -hmm/-dict/-logfn)`,
      );
    }
  }
  const spareDecoders = opts.spareDecoders ?? 1;
  if (!Number.isInteger(spareDecoders) || spareDecoders < 0 || spareDecoders > 64) {
    throw new HarkError(
      'HARK_ERR_TRANSCRIPTION_CONFIG',
      `transcription.spareDecoders (${spareDecoders}) must be a whole number from 0 to 64`,
    );
  }
  return { engine: 'pocketsphinx', modelDir, kwsThreshold, args, spareDecoders };
}

/** The `transcription.*` configuration keys as TranscriptionService options (0 and '' mean "the default"). */
import type { HarkConfig } from '../config/index.js';
import type { TranscriptionOptions } from './types.js';

export function transcriptionOptions(t: HarkConfig['transcription']): TranscriptionOptions {
  return {
    engine: t.engine,
    ...(t.vosk.model ? { voskModel: t.vosk.model } : {}),
    ...(t.vosk.library ? { voskLibrary: t.vosk.library } : {}),
    pocketsphinxModel: t.pocketsphinx.model,
    kwsThreshold: t.pocketsphinx.kwsThreshold,
    pocketsphinxArgs: t.pocketsphinx.args,
    ...(t.threads > 0 ? { threads: t.threads } : {}),
    ...(t.streamsPerWorker > 0 ? { streamsPerWorker: t.streamsPerWorker } : {}),
    loadTimeoutMs: t.loadTimeoutMs,
    rejectThreshold: t.rejectThreshold,
    spareDecoders: t.spareDecoders,
    ...(t.adaptationFile ? { adaptationFile: t.adaptationFile } : {}),
    ...(t.idleTimeoutMs > 0 ? { idleTimeoutMs: t.idleTimeoutMs } : {}),
  };
}

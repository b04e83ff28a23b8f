/**
 * Public types of the transcription service and the messages between the main thread and the ASR
 * workers. Everything that crosses a thread boundary here is plain structured-clonable data.
 */

import type { ErrorCodeName } from '../../base/errors.js';
import type { AudioCodecId } from '../../protocol/ts/messages.js';

/** Engine choice: `auto` picks vosk when a vosk model is configured, else pocketsphinx. */
export type EngineName = 'auto' | 'vosk' | 'pocketsphinx';

/** Options of `TranscriptionService.create()`; every field has a default. */
export interface TranscriptionOptions {
  /** Engine; default 'auto'. */
  engine?: EngineName;
  /** vosk: model directory (config key `transcription.vosk.model`); no default. */
  voskModel?: string;
  /** vosk: path of libvosk.so; default the one in the `vosk` npm package (linux-x86_64). */
  voskLibrary?: string;
  /** pocketsphinx: model root; default /usr/share/pocketsphinx/model/en-us. */
  pocketsphinxModel?: string;
  /** pocketsphinx: keyphrase threshold (0..1]; default 1e-40 (lower detects more readily). */
  kwsThreshold?: number;
  /** pocketsphinx: extra decoder arguments such as { '-beam': '1e-60' }; default none. */
  pocketsphinxArgs?: Record<string, string>;
  /** ASR worker threads; default min(4, available cores). */
  threads?: number;
  /** Streams one worker decodes at once (they interleave while waiting for audio); default sized from cores and memory (capacity.ts). */
  streamsPerWorker?: number;
  /** ms before an idle worker (and the models it holds) is stopped; default Infinity (never). */
  idleTimeoutMs?: number;
  /**
   * JavaScript heap limit of each ASR worker, MB (config `transcription.workerHeapMb`; native model memory is not
   * counted). A worker over it dies alone: its streams fail, piscina starts a replacement. Default 256.
   */
  maxHeapMb?: number;
  /** ms to wait for every worker to load its model before create() fails with HARK_ERR_TRANSCRIPTION_LOAD_TIMEOUT; default 30000. */
  loadTimeoutMs?: number;
  /** @internal The worker module (tests wrap the real one to inject faults); default ./worker.js. */
  workerUrl?: string;
}

/** Progress while the service starts (the CLI prints these). */
export interface LoadProgress {
  stage: 'engine' | 'worker' | 'ready';
  message: string;
  /** Worker threads with a loaded model so far (stage 'worker'). */
  loaded?: number;
  total?: number;
}

/** End-of-speech detection of one stream (host-side VAD); Home Assistant-like defaults. */
export interface EndOfSpeechOptions {
  /** Trailing silence that ends speech; default 700 ms. */
  silenceMs: number;
  /** Speech needed before it counts; default 300 ms. */
  minSpeechMs: number;
  /** Hard limit: the utterance is finalised after this long; default 15000 ms. */
  maxMs: number;
  /** Finalise as soon as the VAD reports the end of speech, without waiting for AUDIO_END; default false. */
  finalizeOnSilence?: boolean;
}

/** One recognised word. Times are ms from the start of the stream. */
export interface TranscriptWord {
  word: string;
  startMs: number;
  endMs: number;
  /** 0..1 posterior of this word when the engine has one. */
  confidence?: number;
}

/** The result of an utterance. */
export interface Transcript {
  /** Lowercase words separated by single spaces; '' when nothing was recognised. */
  text: string;
  words?: TranscriptWord[];
  /** 0..1 posterior of the whole hypothesis when the engine provides one. */
  confidence?: number;
  engine: 'vosk' | 'pocketsphinx' | 'wyoming';
  /**
   * Set when a remote assistant acts on the text itself (a Home Assistant satellite pipeline): the
   * session shows and reports the transcript but does not dispatch it to local commands.
   */
  handledBy?: string;
  /** Grammar (search) that produced the text. */
  grammar: string;
  /** Audio decoded, in ms. */
  audioMs: number;
  /** ms from the end of audio (AUDIO_END or end of speech) to this result. */
  latencyMs: number;
  /** Why the utterance ended. */
  endedBy: 'end' | 'silence' | 'max' | 'wake-command';
}

/** Per-stream options of `openStream()`. */
export interface StreamOptions {
  boardId: string;
  /** Name given to `setGrammar()`. */
  grammar: string;
  codec: AudioCodecId;
  sampleRate: number;
  endOfSpeech?: Partial<EndOfSpeechOptions>;
  /** Continuous wake streams: grammar to decode the command with after each wake detection. */
  afterWake?: string;
}

/** What the engine receives for a grammar, compiled once in a worker by setGrammar(). */
export type CompiledGrammar =
  | {
      kind: 'grammar';
      name: string;
      /** Content hash: the worker keeps one engine search per hash. */
      hash: string;
      /** JSGF for pocketsphinx. */
      jsgf?: string;
      /** Phrase list (JSON array, with "[unk]") for vosk; undefined = free-form recogniser. */
      voskGrammar?: string;
      /** Decode with the engine's language model when the grammar finds nothing. */
      freeFormFallback: boolean;
    }
  | { kind: 'keyphrase'; name: string; hash: string; phrase: string; threshold: number };

/** What a grammar compile reports: words the model lacks (dropped from the grammar, with the phrases using them). */
export interface GrammarReport {
  name: string;
  missingWords: string[];
  /** Phrase count for vosk, rule count for JSGF. */
  size: number;
}

/** The engine a worker loads, resolved on the main thread from TranscriptionOptions. */
export type EngineConfig =
  | { engine: 'pocketsphinx'; modelDir: string; kwsThreshold: number; args: Record<string, string> }
  | { engine: 'vosk'; modelDir: string; library: string };

/** Error data that crosses threads (HarkError instances lose their class in structured clone). */
export interface WireError {
  code: ErrorCodeName;
  message: string;
}

/** Worker → main events of one stream, on the stream's event port. */
export type StreamEvent =
  | { type: 'partial'; text: string }
  /** The stream's loudness every 100 ms (the dashboard's meter, one answer per room). */
  | { type: 'level'; rmsDb: number; peakDb: number }
  | { type: 'speech'; state: 'start' | 'end'; atMs: number; reason?: 'silence' | 'max' }
  | { type: 'wake'; phrase: string; atMs: number }
  | {
      type: 'final';
      transcript: Transcript;
      /** The board's microphone adaptation after this utterance (terminal finals only), for its next stream. */
      adaptation?: number[];
    }
  | { type: 'error'; error: WireError };

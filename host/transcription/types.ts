/**
 * Public types of the transcription service and the messages between the main thread and the ASR
 * workers. Everything that crosses a thread boundary here is plain structured-clonable data.
 */

import type { ErrorCodeName } from '../../base/errors.js';
import type { AudioCodecId } from '../../protocol/ts/messages.js';
import type { WakeFeatures } from './wake-verify.js';

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
  /** Results whose confidence is below this are rejected (config `transcription.rejectThreshold`); default 0.35. */
  rejectThreshold?: number;
  /** Free decoders each worker keeps ready (built ahead of need, every grammar compiled); default 1. */
  spareDecoders?: number;
  /**
   * A JSON file where each board's microphone adaptation (a few floats) is kept across restarts, so a
   * known board's first utterance after a restart needs no cold start; default none.
   */
  adaptationFile?: string;
  /** ms to wait for every worker to load its model before create() fails with HARK_ERR_TRANSCRIPTION_LOAD_TIMEOUT; default 30000. */
  loadTimeoutMs?: number;
  /** @internal The worker module (tests wrap the real one to inject faults); default ./worker.js. */
  workerUrl?: string;
}

/** Progress while the service starts (the CLI prints these). */
export interface LoadProgress {
  stage: 'engine' | 'worker' | 'ready' | 'grammar';
  message: string;
  /** Stage 'grammar': the compiled grammar's report (size per command, words the model lacks). */
  report?: GrammarReport;
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
  /** Hands-free: a command that has not started this long after the wake phrase ends empty; default 5000 ms. */
  noSpeechMs?: number;
}

/** One recognised word. Times are ms from the start of the stream. */
export interface TranscriptWord {
  word: string;
  startMs: number;
  endMs: number;
  /** 0..1 posterior of this word when the engine has one. */
  confidence?: number;
}

/** Why an utterance was not accepted as a command. */
export type RejectReason =
  /** Speech, but not one of the grammar's phrases (it scored far below the best state of each frame). */
  | 'out-of-grammar'
  /** Possibly a command, but its score is below the configured threshold. */
  | 'low-confidence'
  /** No speech at all (silence, noise below the voice detector's threshold). */
  | 'no-speech'
  /** A sound too short to be speech (a click, a tap on the microphone). */
  | 'too-short';

/** Another reading of the utterance (n-best), with its path score (log base of the engine; higher is better). */
export interface Alternative {
  text: string;
  score: number;
}

/** Where the time of an utterance went, ms (what `hark explain` prints). */
export interface StageTimes {
  /** Audio position of the detected speech, from the stream start (absent when none was heard). */
  speechStartMs?: number;
  speechEndMs?: number;
  /** Worker time spent decoding while audio streamed in (both decoders). */
  decodeMs: number;
  /** Worker time from the end of audio to the final (end of utterance, best path, n-best, verdict). */
  finalMs: number;
  /** Of `finalMs`: what rejection added (the reference decoder's end and the verdict). */
  rejectionMs: number;
}

/** The result of an utterance. */
export interface Transcript {
  /** Lowercase words separated by single spaces; '' when nothing was recognised. */
  text: string;
  words?: TranscriptWord[];
  /** 0..1: how sure the engine is that `text` is what was said (and that it is one of the grammar's phrases). */
  confidence: number;
  /** Accepted: dispatch `text`. Rejected: answer "sorry" (or hand the words to a fallback command). */
  verdict: 'accepted' | 'rejected';
  /** Why a rejected utterance was rejected. */
  rejectReason?: RejectReason;
  /** Other readings, best first (the first is `text`). */
  alternatives?: Alternative[];
  /**
   * For a rejected utterance of a grammar compiled with `freeFormFallback`: what the general language
   * model heard (for a fallback command); '' when it heard nothing.
   */
  heardText?: string;
  /** Stage times of this utterance (engines that measure them). */
  timing?: StageTimes;
  /**
   * What the confidence was computed from (pocketsphinx): likelihood ratios per frame of the
   * hypothesis against the best state of each frame — over the whole capture, over its words, and
   * the weakest word's. hark explain prints them.
   */
  scores?: {
    llr: number;
    speechLlr: number;
    minWordLlr: number;
    /** Share of the voiced audio inside the hypothesis's words, and more (rejection-features.ts). */
    coverage?: number;
    voicedMs?: number;
    msPerPhone?: number;
    maxMsPerPhone?: number;
    words?: number;
  };
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
  /**
   * Up to this many n-best alternatives in the final (hark explain); default 0. The n-best walk over
   * a large grammar's lattice can cost far more than the decode, so live streams leave it off.
   */
  alternatives?: number;
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
      /** Decode a rejected utterance with the engine's language model too (for a fallback command). */
      freeFormFallback: boolean;
      /** Judge every result (confidence + verdict). */
      rejection: boolean;
      /** pocketsphinx: the dictionary entries of the grammar's words (the decoders load only these). */
      lexicon?: [word: string, phones: string][];
    }
  | {
      kind: 'keyphrase';
      name: string;
      hash: string;
      phrase: string;
      threshold: number;
      lexicon?: [word: string, phones: string][];
      /**
       * Verification of each detection: the wake segment decoded again with this one-phrase grammar
       * (rejection on) — accepted only when its confidence reaches `verifyThreshold`.
       */
      verify?: { grammar: CompiledGrammar; threshold: number };
    };

/** What a grammar compile reports: words the model lacks (dropped from the grammar, with the phrases using them). */
export interface GrammarReport {
  name: string;
  missingWords: string[];
  /** Phrases the grammar accepts (all of them, however many). */
  size: number;
  /** Distinct words (the dictionary entries the decoders load, variants included, for pocketsphinx). */
  words: number;
  /** Per top-level rule (each command): the phrases it accepts. */
  rules: { rule: string; phrases: number }[];
}

/** The engine a worker loads, resolved on the main thread from TranscriptionOptions. */
export type EngineConfig =
  | {
      engine: 'pocketsphinx';
      modelDir: string;
      kwsThreshold: number;
      args: Record<string, string>;
      spareDecoders: number;
    }
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
  /**
   * The wake phrase was accepted (ending at `atMs`); `confidence` is its verification's (1 when the
   * grammar has none), `verifyMs` what verification cost, `lagMs` how long after the phrase's end the
   * keyphrase search fired.
   */
  | {
      type: 'wake';
      phrase: string;
      atMs: number;
      confidence: number;
      verifyMs: number;
      lagMs: number;
      /** What the verification's confidence came from (wake-verify.ts), when the grammar verifies. */
      scores?: WakeFeatures;
    }
  | {
      type: 'final';
      transcript: Transcript;
      /** The board's microphone adaptation after this utterance (terminal finals only), for its next stream. */
      adaptation?: number[];
    }
  | { type: 'error'; error: WireError };

/** Tasks the main thread sends to ASR workers through piscina, and their replies. */
import type { MessagePort } from 'node:worker_threads';
import type { AudioCodecId } from '../../protocol/ts/messages.js';
import type { GrammarSpec } from '../grammar/spec.js';
import type { CompiledGrammar, EndOfSpeechOptions, GrammarReport, WireError } from './types.js';

/** Loads nothing new: reports the worker's model load (used at start-up and by the benchmark). */
export interface InfoTask {
  kind: 'info';
}
export interface InfoReply {
  ok: true;
  threadId: number;
  engine: 'vosk' | 'pocketsphinx';
  loadMs: number;
  /** RSS of the whole process (worker threads share it), in MiB. */
  rssMb: number;
}

/** Compiles a grammar for the engine and reports words the model lacks. */
export interface CompileTask {
  kind: 'compile';
  name: string;
  spec: GrammarSpec;
  keyphrase?: { threshold?: number; verifyThreshold?: number };
  freeFormFallback: boolean;
  /** Judge results (confidence + verdict). */
  rejection: boolean;
  anyWords?: string[];
}
export interface CompileReply {
  ok: true;
  grammar: CompiledGrammar;
  report: GrammarReport;
}

/** Decodes one stream until it ends; audio arrives on `audioPort`, events leave on `eventPort`. */
export interface UtteranceTask {
  kind: 'utterance';
  boardId: string;
  grammar: CompiledGrammar;
  afterWake?: CompiledGrammar;
  codec: AudioCodecId;
  sampleRate: number;
  endOfSpeech: EndOfSpeechOptions;
  audioPort: MessagePort;
  eventPort: MessagePort;
  /** Confidence below which a result is rejected. */
  rejectThreshold: number;
  /** n-best alternatives wanted in the final (StreamOptions.alternatives). */
  alternatives?: number;
  /** The board's microphone adaptation from its previous utterance (any worker). */
  adaptation?: number[];
}

export type WorkerTask = InfoTask | CompileTask | UtteranceTask;
/** The end of an utterance task. Its results went out on the event port, which is closed by now. */
export interface UtteranceReply {
  ok: true;
}
export type WorkerReply = InfoReply | CompileReply | UtteranceReply | { ok: false; error: WireError };

/** Main → worker messages on a stream's event port. */
export type StreamControl = { type: 'cancel'; reason: string };

/**
 * Posted by each ASR worker on its parent port once its module has finished loading (model loaded or
 * failed). piscina marks its first workers "ready" before their modules load, so this is the only
 * reliable signal that a worker is past loading its native addons — terminating a worker while it
 * loads koffi aborts the whole process (Node 20).
 */
export interface WorkerLoaded {
  harkAsrWorkerLoaded: true;
  threadId: number;
  ok: boolean;
  /** How long the model took to load, ms. */
  loadMs: number;
}
/** Main → every worker, on the service's BroadcastChannel. */
export type Broadcast = { type: 'prepare'; grammar: CompiledGrammar };

export const isWorkerLoaded = (m: unknown): m is WorkerLoaded =>
  typeof m === 'object' && m !== null && (m as WorkerLoaded).harkAsrWorkerLoaded === true;

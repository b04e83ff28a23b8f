/**
 * Messages between main ({@link WyomingWorker}) and the Wyoming worker thread (`worker.ts`). Only
 * control crosses to main: board audio reaches the worker on MessagePorts straight from the link
 * worker, and the worker writes it to its sockets; what comes back to main is events, transcripts
 * and (for speech from Home Assistant) one finished PCM buffer per reply, transferred, not copied.
 */
import type { MessagePort } from 'node:worker_threads';
import type { AudioCodecId } from '../../protocol/ts/messages.js';
import type { EndOfSpeechOptions, WireError } from '../transcription/types.js';
import type { AudioFormat, RunPipeline } from './events.js';

/** An event without payload, as it crosses threads. */
export interface ControlEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Board audio as an utterance's stream delivers it. */
export interface StreamAudio {
  /** The link's route messages arrive here (transferred port). */
  audioPort: MessagePort;
  /** StreamEvents for the main thread's TranscriptionStream (speech, final, error; 'cancel' comes back). */
  eventPort: MessagePort;
  codec: AudioCodecId;
  sampleRate: number;
  endOfSpeech: EndOfSpeechOptions;
}

/** One remote recognition: connect, transcribe, stream, audio-stop, transcript. */
export interface AsrOpen extends StreamAudio {
  op: 'asr-open';
  id: number;
  boardId: string;
  host: string;
  port: number;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  /** Grammar name reported in the transcript (what the session asked for). */
  grammar: string;
  language?: string;
  /** Most encoded audio held for a fallback replay; default 2 MiB. */
  maxHeldBytes?: number;
}

/** Satellite settings a board's server answers `describe` with. */
export interface SatelliteInfo {
  name: string;
  description: string;
  version: string;
  area?: string;
  wakeWords: string[];
  /** The board's speaker format, when it has a PCM speaker. */
  snd?: AudioFormat;
}

export type WorkerRequest =
  | { op: 'sat-listen'; boardId: string; host: string; port: number; info: SatelliteInfo }
  | { op: 'sat-info'; boardId: string; info: SatelliteInfo }
  | { op: 'sat-close'; boardId: string }
  | { op: 'sat-send'; boardId: string; event: ControlEvent }
  | ({
      op: 'sat-stream';
      boardId: string;
      run: RunPipeline;
      wakeWord?: string;
      responseTimeoutMs: number;
    } & StreamAudio)
  | AsrOpen
  | { op: 'asr-fallback'; id: number; port: MessagePort }
  | { op: 'asr-drop'; id: number; error: WireError }
  | { op: 'stats' }
  | { op: 'close' };

/** The state of a satellite server's Home Assistant side. */
export type SatelliteClientState = 'connected' | 'running' | 'paused' | 'disconnected';

export type WorkerOutput =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: WireError }
  | { kind: 'sat-client'; boardId: string; state: SatelliteClientState; peer: string; reason?: string }
  | { kind: 'sat-event'; boardId: string; event: ControlEvent }
  | { kind: 'sat-audio'; boardId: string; format: AudioFormat; pcm: Uint8Array; durationMs: number }
  | { kind: 'asr-fallback-needed'; id: number; boardId: string; error: WireError }
  | { kind: 'error'; boardId: string; error: WireError };

/** Counters the worker keeps (diagnostics and tests). */
export interface WorkerStats {
  satellites: number;
  satelliteClients: number;
  asrStreams: number;
}

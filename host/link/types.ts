/** Types shared by the LinkManager (main thread) and the link worker. */
import type { MessagePort } from 'node:worker_threads';
import type { AudioCodecId, Hello, Message } from '../../protocol/ts/messages.js';
import type { BackoffOptions } from './backoff.js';

export type LinkState = 'connecting' | 'handshaking' | 'ready' | 'disconnected' | 'failed';

export interface LinkManagerOptions {
  /** Host PING interval sent in HELLO_ACK. Default 1000 ms (SPEC §4.2). */
  heartbeatMs?: number;
  /** Time to wait for a valid HELLO after opening. Default 5000 ms (plus the profile's bootDelayMs). */
  handshakeTimeoutMs?: number;
  /** Audio per AUDIO frame asked for in HELLO_ACK. Default 20 ms. */
  chunkMs?: number;
  /** Reconnect backoff. Defaults: 250 ms × 1.8 up to 30 s. */
  backoff?: BackoffOptions;
  /** Audio held per board while a stream has no route yet. Default 512 KiB (16 s of 16 kHz PCM16). */
  maxHeldAudioBytes?: number;
  /** Bytes queued for writing per board before send() fails with HARK_ERR_LINK_BACKPRESSURE. Default 256 KiB. */
  maxWriteQueueBytes?: number;
}

export interface OpenTarget {
  /** Device path, e.g. /dev/ttyUSB0 or the pty path `hark emulate` prints. */
  path: string;
  /** Profile id for line settings (baud, hupcl, boot delay). Default: none (921600 baud, hupcl false). */
  profile?: string;
  /** Overrides the profile's baud rate. */
  baudRate?: number;
  /**
   * Keep retrying until the first handshake succeeds (the board is not plugged in yet). Default false:
   * open() rejects on the first failure and forgets the port. After a first success the link always
   * reconnects on its own.
   */
  waitForBoard?: boolean;
}

export interface BoardInfo {
  /** HELLO.board_uid when non-empty, else the port path. */
  boardId: string;
  path: string;
  /** HELLO.board_model when it names a known profile, else the profile given to open(), else ''. */
  profile: string;
  hello: Hello;
  /** The audio codec chosen in HELLO_ACK. */
  codec: AudioCodecId;
  sampleRate: number;
  /** Successful handshakes after the first. */
  reconnects: number;
}

export interface StateEvent {
  boardId: string;
  path: string;
  state: LinkState;
  reason?: string;
}

export interface MessageEvent {
  boardId: string;
  message: Message;
}

export interface AudioAbortEvent {
  boardId: string;
  stream: number;
  reason: string;
}

/** Per-link counters (cumulative over reconnects). */
export interface LinkStats {
  boardId: string;
  path: string;
  state: LinkState;
  framesOk: number;
  /** Frames dropped: CRC errors, malformed, truncated, oversized, bad payloads. */
  framesBad: number;
  unknownType: number;
  /** Frames missing according to seq gaps. */
  framesLost: number;
  bytesIn: number;
  bytesOut: number;
  audioChunks: number;
  /** AUDIO chunks missing according to chunk indices. */
  audioGaps: number;
  /** Chunks dropped because held (unrouted) audio reached maxHeldAudioBytes. */
  audioHeldDropped: number;
  /** Chunks dropped because their stream was discarded. */
  audioDiscarded: number;
  heldAudioBytes: number;
  writeQueueBytes: number;
  reconnects: number;
  /** Heartbeats that found the link dead. */
  heartbeatFailures: number;
  /** Round trip of the last PONG, ms. */
  lastRttMs: number;
  /** Board → host messages not passed to main because the board exceeded 200 a second (a flood). */
  messagesDropped: number;
}

export interface PlayAudio {
  codec: AudioCodecId;
  sampleRate: number;
  data: Uint8Array;
}

/** Requests main → worker. */
export type WorkerRequest =
  | { op: 'open'; target: OpenTarget }
  | { op: 'send'; boardId: string; message: Message }
  | { op: 'route'; boardId: string; stream: number; port: MessagePort }
  | { op: 'discard'; boardId: string; stream: number }
  | { op: 'play'; boardId: string; audio: PlayAudio }
  | { op: 'stopPlayback'; boardId: string }
  | { op: 'stats'; boardId: string }
  | { op: 'forget'; boardId: string }
  | { op: 'diagnostics' }
  | { op: 'close' };

export interface SerializedError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Messages worker → main. */
export type WorkerOutput =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: SerializedError }
  | { kind: 'board'; info: BoardInfo }
  | { kind: 'state'; event: StateEvent }
  | { kind: 'message'; event: MessageEvent }
  | { kind: 'error'; boardId: string; error: SerializedError }
  | { kind: 'audio-abort'; event: AudioAbortEvent };

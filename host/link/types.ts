/** Types shared by the LinkManager (main thread) and the link worker. */
import type { MessagePort } from 'node:worker_threads';
import type { WireError } from '../../base/wire-error.js';
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
  /**
   * Routed PCM16 / µ-law audio is posted in messages of about this many ms (consecutive chunks joined;
   * a gap, AUDIO_END or an abort posts what is gathered at once). Each message wakes its consumer's
   * thread: at 20 ms a chunk that cost the link and ASR workers more CPU than decoding the audio in
   * larger blocks. 0 (the default) posts every chunk alone; the pipeline asks for 100.
   */
  audioBatchMs?: number;
  /** Bytes queued for writing per board before send() fails with HARK_ERR_LINK_BACKPRESSURE. Default 256 KiB. */
  maxWriteQueueBytes?: number;
  /**
   * A board that takes no byte for this long (while the host has bytes for it) is declared stalled:
   * its queue is dropped, HARK_ERR_LINK_STALLED reported, the link reconnects. Default 3 × heartbeatMs —
   * by then the board's own host-gone timer (3 heartbeats without a host frame, SPEC §4.2) has dropped
   * the link on its side anyway, so nothing that could still arrive in time is thrown away.
   */
  stallMs?: number;
  /** Bytes handed to the OS at once per board (the rest waits in the droppable queue). Default 4096. */
  maxInFlightBytes?: number;
  /** A link counts as healthy (its reconnect backoff starts over) after this long ready. Default 10000 ms. */
  healthyAfterMs?: number;
  /** How long close() waits for the worker to close its ports before terminating it. Default 1500 ms. */
  closeTimeoutMs?: number;
}

/** Every option with its default applied (what the link worker runs with). */
export type ResolvedLinkOptions = Required<Omit<LinkManagerOptions, 'backoff' | 'stallMs'>> &
  Pick<LinkManagerOptions, 'backoff'> & { stallMs: number };

export const LINK_DEFAULTS = {
  heartbeatMs: 1000,
  handshakeTimeoutMs: 5000,
  chunkMs: 20,
  maxHeldAudioBytes: 512 * 1024,
  audioBatchMs: 0,
  maxWriteQueueBytes: 256 * 1024,
  maxInFlightBytes: 4096,
  healthyAfterMs: 10_000,
  closeTimeoutMs: 1500,
} as const;

/** Fills in defaults (stallMs follows heartbeatMs). */
export function resolveLinkOptions(o: LinkManagerOptions = {}): ResolvedLinkOptions {
  const defined = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const r = { ...LINK_DEFAULTS, ...defined } as ResolvedLinkOptions;
  r.stallMs = o.stallMs ?? 3 * r.heartbeatMs;
  return r;
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
  /** The state before, and the transition as the link logs it: "from handshaking to ready on hello". */
  from?: LinkState;
  line?: string;
}

/**
 * Work a board caused that the link refused in the last `periodMs` (a flood): counts by what was
 * refused, e.g. `{ LOG: 5120, HELLO_ACK: 19998 }`. At most one a second per board, only while it happens.
 */
export interface SuppressedEvent {
  boardId: string;
  path: string;
  periodMs: number;
  counts: Record<string, number>;
}

/** A serial device appeared or vanished (the port watcher, `LinkManager.watchPorts()`). */
export interface PortEvent {
  kind: 'added' | 'removed';
  path: string;
  /** Ids of board profiles whose USB ids match (empty: not a known board). */
  profiles: string[];
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  /** What the watcher does about it ("opening with profile X", "ignored: no profile matches"). */
  action: string;
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
  /** Board → host messages not passed to main because the board sent more than 200 a second of their type (a flood). */
  messagesDropped: number;
  /** Host → board frames dropped unsent (stall, link loss, full queue, board reset). */
  framesDroppedOut: number;
  /** Times the board was declared stalled (stopped reading). */
  stalls: number;
  /** Pacing window in force (SPEC 1.1 §6; 0 = none) and barrier PINGs sent for it. */
  rxWindowBytes: number;
  pacingBarriers: number;
  /** Most bytes ever in flight to the board unproven by a PONG (≤ rxWindowBytes when paced). */
  maxUnprovenBytes: number;
}

export interface PlayAudio {
  codec: AudioCodecId;
  sampleRate: number;
  data: Uint8Array;
}

/** Options of `LinkManager.watchPorts()`. */
export interface WatchPortsOptions {
  /** Open boards that appear (matched to a profile by USB ids) and release those that vanish. Default true. */
  open?: boolean;
  /** Profile for every opened port, instead of the USB match. */
  profile?: string;
  /** Overrides the profile's baud rate. */
  baudRate?: number;
  /** Where device nodes appear. Default /dev (tests point it at a directory of pty symlinks). */
  devDir?: string;
  /** Where the kernel describes devices (USB ids). Default /sys. */
  sysfsDir?: string;
  /** Wait this long before opening a new device (udev applies permissions meanwhile). Default 300 ms with udev, else 0. */
  settleMs?: number;
}

/** Calls main → link worker (WorkerRpc). */
export type WorkerRequest =
  | { op: 'open'; target: OpenTarget }
  | { op: 'send'; boardId: string; message: Message }
  | { op: 'route'; boardId: string; stream: number; port: MessagePort }
  | { op: 'discard'; boardId: string; stream: number }
  | { op: 'play'; boardId: string; audio: PlayAudio }
  | { op: 'stopPlayback'; boardId: string }
  | { op: 'stats'; boardId: string }
  | { op: 'forget'; boardId: string }
  | { op: 'watch'; options: WatchPortsOptions }
  | { op: 'diagnostics' }
  | { op: 'close' };

/** Events link worker → main (WorkerRpc). Errors travel as base/wire-error.ts WireErrors. */
export type WorkerEvent =
  | { kind: 'board'; info: BoardInfo }
  | { kind: 'state'; event: StateEvent }
  | { kind: 'message'; event: MessageEvent }
  | { kind: 'error'; boardId: string; error: WireError }
  | { kind: 'audio-abort'; event: AudioAbortEvent }
  | { kind: 'suppressed'; event: SuppressedEvent }
  | { kind: 'port'; event: PortEvent };

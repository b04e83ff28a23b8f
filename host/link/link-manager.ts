/**
 * LinkManager: the main-thread facade of the link worker (host/link/worker.ts), over one WorkerRpc.
 * Main sends requests and receives events; serial bytes and audio never touch this thread, so a handler
 * that blocks main for seconds costs no audio frame.
 *
 * Closing is bounded whatever the boards do: close() asks the worker to close every port, waits at most
 * `closeTimeoutMs`, then terminates the thread (and gives up waiting for that after another second).
 * Once close() has begun, send() and the audio calls are quiet no-ops: a session saying goodbye to a
 * board while the host goes down is not an error.
 */
import { EventEmitter } from 'node:events';
import { type MessagePort, Worker } from 'node:worker_threads';
import { HarkError, isHarkError } from '../../base/errors.js';
import { fromWire } from '../../base/wire-error.js';
import { WorkerRpc } from '../../base/worker-rpc.js';
import type { Message } from '../../protocol/ts/messages.js';
import {
  type BoardInfo,
  LINK_DEFAULTS,
  type LinkManagerOptions,
  type LinkStats,
  type OpenTarget,
  type PlayAudio,
  type WatchPortsOptions,
  type WorkerEvent,
  type WorkerRequest,
} from './types.js';

/** How long close() waits for worker.terminate() before it stops waiting. */
const TERMINATE_WAIT_MS = 1000;

const asHarkError = (e: unknown, boardId?: string): HarkError => {
  if (isHarkError(e)) return e as HarkError;
  return new HarkError('HARK_ERR_LINK_WORKER', e instanceof Error ? e.message : String(e), {
    cause: e,
    ...(boardId ? { details: { boardId } } : {}),
  });
};

/**
 * Events: 'board' (BoardInfo, once per handshake), 'state' (StateEvent), 'message' (MessageEvent: every
 * board → host message except AUDIO), 'audio-abort' (AudioAbortEvent: an utterance ended without
 * AUDIO_END), 'suppressed' (SuppressedEvent: what a flooding board was refused, once a second at most),
 * 'port' (PortEvent, with watchPorts()), 'error' (HarkError with details.boardId; emitted only when
 * someone listens).
 */
export class LinkManager extends EventEmitter {
  private readonly worker: Worker;
  private readonly rpc: WorkerRpc<WorkerRequest, WorkerEvent>;
  private readonly closeTimeoutMs: number;
  private closing: Promise<void> | undefined;
  private failure: HarkError | undefined;

  private constructor(opts: LinkManagerOptions) {
    super();
    this.closeTimeoutMs = opts.closeTimeoutMs ?? LINK_DEFAULTS.closeTimeoutMs;
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: opts });
    this.rpc = new WorkerRpc<WorkerRequest, WorkerEvent>(this.worker, { onEvent: (e) => this.onEvent(e) });
    this.worker.on('error', (e) => this.onWorkerDeath(e));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.onWorkerDeath(new Error(`link worker exited with code ${code}`));
    });
  }

  /** Starts the link worker. */
  static async start(opts: LinkManagerOptions = {}): Promise<LinkManager> {
    const m = new LinkManager(opts);
    await new Promise<void>((resolve, reject) => {
      m.worker.once('online', resolve);
      m.worker.once('error', reject);
    });
    return m;
  }

  /** Opens a port and resolves at the first handshake; the link then keeps reconnecting on its own. */
  open(target: OpenTarget): Promise<BoardInfo> {
    return this.call<BoardInfo>({ op: 'open', target });
  }

  /** Resolves once the message is handed to the OS. While closing: resolves without sending. */
  async send(boardId: string, message: Message): Promise<void> {
    if (this.closing) return;
    await this.call({ op: 'send', boardId, message });
  }

  /** The link worker posts the stream's AudioRouteMessages (held ones first) to `port`. */
  routeAudio(boardId: string, stream: number, port: MessagePort): void {
    if (this.closing) {
      port.close();
      return;
    }
    this.call({ op: 'route', boardId, stream, port }, [port]).catch((e) => this.report(e, boardId));
  }

  /** Drops the stream's held and future audio. */
  discardAudio(boardId: string, stream: number): void {
    if (this.closing) return;
    this.call({ op: 'discard', boardId, stream }).catch((e) => this.report(e, boardId));
  }

  /**
   * Plays audio on the board's speaker with credit flow control; `signal` stops it. With `transfer`
   * the bytes move to the link worker instead of being copied (`audio.data` is empty afterwards): a
   * spoken reply is ~30 KB a second of speech.
   */
  async play(
    boardId: string,
    audio: PlayAudio,
    signal?: AbortSignal,
    opts: { transfer?: boolean } = {},
  ): Promise<'finished' | 'stopped'> {
    if (signal?.aborted || this.closing) return 'stopped';
    const onAbort = () => void this.stopPlayback(boardId).catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    const { data } = audio;
    const movable = opts.transfer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    try {
      return await this.call<'finished' | 'stopped'>(
        { op: 'play', boardId, audio },
        movable ? [data.buffer as ArrayBuffer] : [],
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async stopPlayback(boardId: string): Promise<void> {
    if (this.closing) return;
    await this.call({ op: 'stopPlayback', boardId });
  }

  stats(boardId: string): Promise<LinkStats> {
    return this.call<LinkStats>({ op: 'stats', boardId });
  }

  /** Closes one board's link for good (no reconnect). */
  async forget(boardId: string): Promise<void> {
    await this.call({ op: 'forget', boardId });
  }

  /**
   * Watches for serial devices appearing and vanishing ('port' events) and, unless `open: false`,
   * opens each one whose USB ids match a board profile (waiting for its board) and releases it when it
   * vanishes. Resolves once the watcher runs (the devices present now are reported first).
   */
  async watchPorts(options: WatchPortsOptions = {}): Promise<void> {
    await this.call({ op: 'watch', options });
  }

  /** The link worker's live libuv resources (timers, handles) and link count — for leak tests. */
  diagnostics(): Promise<{ activeResources: string[]; links: number }> {
    return this.call<{ activeResources: string[]; links: number }>({ op: 'diagnostics' });
  }

  /**
   * Closes every port (open utterances end with 'abort' reason 'closed') and stops the worker, in at
   * most closeTimeoutMs + 1 s whatever the boards do.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (!this.failure) {
      // A worker that cannot finish in time is terminated below: ports close with the thread.
      await this.rpc.call({ op: 'close' }, { timeoutMs: this.closeTimeoutMs }).catch(() => {});
    }
    this.rpc.close(new HarkError('HARK_ERR_LINK_CLOSED', 'the link manager is closed'));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.worker.terminate().catch(() => {}),
      new Promise<void>((r) => {
        timer = setTimeout(r, TERMINATE_WAIT_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    this.worker.unref();
    this.removeAllListeners();
  }

  private call<R = unknown>(req: WorkerRequest, transfer: (MessagePort | ArrayBuffer)[] = []): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) {
      return Promise.reject(new HarkError('HARK_ERR_LINK_CLOSED', 'the link manager is closed'));
    }
    return this.rpc.call<R>(req, { transfer });
  }

  private onEvent(e: WorkerEvent): void {
    switch (e.kind) {
      case 'board':
        this.emit('board', e.info);
        return;
      case 'state':
        this.emit('state', e.event);
        return;
      case 'message':
        this.emit('message', e.event);
        return;
      case 'audio-abort':
        this.emit('audio-abort', e.event);
        return;
      case 'suppressed':
        this.emit('suppressed', e.event);
        return;
      case 'port':
        this.emit('port', e.event);
        return;
      case 'error':
        this.report(fromWire(e.error, e.boardId ? { boardId: e.boardId } : {}), e.boardId);
    }
  }

  private report(e: unknown, boardId: string): void {
    if (this.listenerCount('error') === 0) return;
    if (this.closing && isHarkError(e, 'HARK_ERR_LINK_CLOSED')) return;
    this.emit('error', asHarkError(e, boardId));
  }

  private onWorkerDeath(e: Error): void {
    if (this.failure) return;
    this.failure = new HarkError('HARK_ERR_LINK_WORKER', `the link worker failed: ${e.message}`, {
      cause: e,
    });
    this.rpc.fail(this.failure);
    this.report(this.failure, '');
  }
}

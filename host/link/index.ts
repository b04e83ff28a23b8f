/**
 * LinkManager: the main-thread facade of the link worker (host/link/worker.ts). Main sends requests and
 * receives events; serial bytes and audio never touch this thread, so a handler that blocks main for
 * seconds costs no audio frame.
 */
import { EventEmitter } from 'node:events';
import { type MessagePort, Worker } from 'node:worker_threads';
import { ERRORS, type ErrorCodeName, HarkError } from '../../base/errors.js';
import type { Message } from '../../protocol/ts/messages.js';
import type {
  BoardInfo,
  LinkManagerOptions,
  LinkStats,
  OpenTarget,
  PlayAudio,
  SerializedError,
  WorkerOutput,
  WorkerRequest,
} from './types.js';

export type * from './audio-route.js';
export { type ListedPort, listPorts, type PortListing } from './discovery.js';
export type * from './types.js';

const DEFAULTS = {
  heartbeatMs: 1000,
  handshakeTimeoutMs: 5000,
  chunkMs: 20,
  maxHeldAudioBytes: 512 * 1024,
  maxWriteQueueBytes: 256 * 1024,
};

const revive = (e: SerializedError, boardId?: string): HarkError => {
  const code = (e.code in ERRORS ? e.code : 'HARK_ERR_LINK_WORKER') as ErrorCodeName;
  return new HarkError(code, e.message, {
    details: { ...(e.details ?? {}), ...(boardId ? { boardId } : {}) },
  });
};

/**
 * Events: 'board' (BoardInfo, once per handshake), 'state' (StateEvent), 'message' (MessageEvent: every
 * board → host message except AUDIO), 'audio-abort' (AudioAbortEvent: an utterance ended without
 * AUDIO_END), 'error' (HarkError with details.boardId; emitted only when someone listens).
 */
export class LinkManager extends EventEmitter {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private closed = false;
  private failure: HarkError | undefined;

  private constructor(opts: LinkManagerOptions) {
    super();
    this.worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: { ...DEFAULTS, ...opts },
    });
    this.worker.on('message', (m: WorkerOutput) => this.onOutput(m));
    this.worker.on('error', (e) => this.onWorkerDeath(e));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.onWorkerDeath(new Error(`link worker exited with code ${code}`));
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
    return this.call({ op: 'open', target }) as Promise<BoardInfo>;
  }

  /** Resolves once the message is written to the port (drain). */
  async send(boardId: string, message: Message): Promise<void> {
    await this.call({ op: 'send', boardId, message });
  }

  /** The link worker posts the stream's AudioRouteMessages (held ones first) to `port`. */
  routeAudio(boardId: string, stream: number, port: MessagePort): void {
    this.call({ op: 'route', boardId, stream, port }, [port]).catch((e) => this.report(e, boardId));
  }

  /** Drops the stream's held and future audio. */
  discardAudio(boardId: string, stream: number): void {
    this.call({ op: 'discard', boardId, stream }).catch((e) => this.report(e, boardId));
  }

  /** Plays audio on the board's speaker with credit flow control; `signal` stops it. */
  async play(boardId: string, audio: PlayAudio, signal?: AbortSignal): Promise<'finished' | 'stopped'> {
    if (signal?.aborted) return 'stopped';
    const onAbort = () => void this.stopPlayback(boardId).catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return (await this.call({ op: 'play', boardId, audio })) as 'finished' | 'stopped';
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async stopPlayback(boardId: string): Promise<void> {
    await this.call({ op: 'stopPlayback', boardId });
  }

  stats(boardId: string): Promise<LinkStats> {
    return this.call({ op: 'stats', boardId }) as Promise<LinkStats>;
  }

  /** Closes one board's link for good (no reconnect). */
  async forget(boardId: string): Promise<void> {
    await this.call({ op: 'forget', boardId });
  }

  /** The link worker's live libuv resources (timers, handles) and link count — for leak tests. */
  diagnostics(): Promise<{ activeResources: string[]; links: number }> {
    return this.call({ op: 'diagnostics' }) as Promise<{ activeResources: string[]; links: number }>;
  }

  /** Closes every port (open utterances end with 'abort' reason 'closed') and stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.failure) await this.call({ op: 'close' });
    } finally {
      this.closed = true;
      await this.worker.terminate();
      this.removeAllListeners();
    }
  }

  private call(req: WorkerRequest, transfer: MessagePort[] = []): Promise<unknown> {
    if (this.closed || this.failure) {
      return Promise.reject(
        this.failure ?? new HarkError('HARK_ERR_LINK_WORKER', 'the link manager is closed'),
      );
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, req }, transfer);
    });
  }

  private onOutput(m: WorkerOutput): void {
    switch (m.kind) {
      case 'reply': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(revive(m.error));
        return;
      }
      case 'board':
        this.emit('board', m.info);
        return;
      case 'state':
        this.emit('state', m.event);
        return;
      case 'message':
        this.emit('message', m.event);
        return;
      case 'audio-abort':
        this.emit('audio-abort', m.event);
        return;
      case 'error':
        this.report(revive(m.error, m.boardId), m.boardId);
    }
  }

  private report(e: unknown, boardId: string): void {
    if (this.listenerCount('error') === 0) return;
    this.emit(
      'error',
      e instanceof HarkError ? e : new HarkError('HARK_ERR_LINK_WORKER', String(e), { details: { boardId } }),
    );
  }

  private onWorkerDeath(e: Error): void {
    this.failure = new HarkError('HARK_ERR_LINK_WORKER', `the link worker failed: ${e.message}`, {
      cause: e,
    });
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.report(this.failure, '');
  }
}

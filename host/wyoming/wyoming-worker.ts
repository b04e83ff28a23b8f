/**
 * Main-thread face of the Wyoming worker (worker.ts): requests go in, control events come out. Each
 * satellite registers for its board's events; remote recognition registers for its fallback calls.
 * If the worker dies, every pending request fails with HARK_ERR_WYOMING_WORKER and 'failed' is
 * emitted once, so remote recognition falls back to local and satellites report themselves gone.
 */
import { EventEmitter } from 'node:events';
import { type MessagePort, Worker } from 'node:worker_threads';
import { ERRORS, type ErrorCodeName, HarkError } from '../../base/errors.js';
import type { WireError } from '../transcription/types.js';
import type { WorkerOutput, WorkerRequest, WorkerStats } from './worker-protocol.js';

const revive = (e: WireError): HarkError =>
  new HarkError((e.code in ERRORS ? e.code : 'HARK_ERR_WYOMING_WORKER') as ErrorCodeName, e.message);

type BoardOutput = Extract<WorkerOutput, { boardId: string }>;

/**
 * Events: 'board:<boardId>' (BoardOutput for that board: sat-client, sat-event, sat-audio, error),
 * 'fallback' (asr-fallback-needed), 'failed' (HarkError).
 */
export class WyomingWorker extends EventEmitter {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #failure: HarkError | undefined;
  #closed = false;

  private constructor() {
    super();
    this.#worker = new Worker(new URL('./worker.js', import.meta.url));
    this.#worker.on('message', (m: WorkerOutput) => this.#onOutput(m));
    this.#worker.on('error', (e) => this.#died(e));
    this.#worker.on('exit', (code) => {
      if (!this.#closed) this.#died(new Error(`exited with code ${code}`));
    });
  }

  static async start(): Promise<WyomingWorker> {
    const w = new WyomingWorker();
    await new Promise<void>((resolve, reject) => {
      w.#worker.once('online', resolve);
      w.#worker.once('error', reject);
    });
    return w;
  }

  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** Sends a request; ports in `transfer` move to the worker. */
  call(req: WorkerRequest, transfer: MessagePort[] = []): Promise<unknown> {
    if (this.#failure || this.#closed)
      return Promise.reject(
        this.#failure ?? new HarkError('HARK_ERR_WYOMING_WORKER', 'the Wyoming worker is closed'),
      );
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, req }, transfer);
    });
  }

  stats(): Promise<WorkerStats> {
    return this.call({ op: 'stats' }) as Promise<WorkerStats>;
  }

  #onOutput(m: WorkerOutput): void {
    switch (m.kind) {
      case 'reply': {
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(revive(m.error));
        return;
      }
      case 'asr-fallback-needed':
        this.emit('fallback', m);
        return;
      default:
        this.emit(`board:${(m as BoardOutput).boardId}`, m);
    }
  }

  #died(e: Error): void {
    if (this.#failure) return;
    this.#failure = new HarkError('HARK_ERR_WYOMING_WORKER', `the Wyoming worker failed: ${e.message}`, {
      cause: e,
    });
    for (const p of this.#pending.values()) p.reject(this.#failure);
    this.#pending.clear();
    this.emit('failed', this.#failure);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      if (!this.#failure) await this.call({ op: 'close' });
    } finally {
      this.#closed = true;
      await this.#worker.terminate();
    }
  }
}

export { revive as reviveWireError };

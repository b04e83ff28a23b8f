/**
 * Emulated boards in a worker thread (thread.ts), driven from here: `EmulatorThread.start()`, then
 * `create(opts)` for each board. Used by tests that block the main thread and by the benchmark.
 */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { WorkerRpc } from '../../base/worker-rpc.js';
import type { EmulatedBoardOptions, EmulatorStats, LedState } from './emulated-board.js';
import type { SpeakerStats } from './speaker-sim.js';

export interface RemoteSnapshot {
  stats: EmulatorStats;
  acked: boolean;
  leds: LedState[];
  tones: unknown[];
  volume: number;
  speaker: SpeakerStats;
  streaming: boolean;
}

/** A board event forwarded by thread.ts. */
export interface RemoteBoardEvent {
  event: string;
  index: number;
  payload: unknown;
}

export class EmulatorThread {
  private readonly worker: Worker;
  private readonly rpc: WorkerRpc<Record<string, unknown>, RemoteBoardEvent>;
  private readonly boards = new Map<number, RemoteBoard>();

  private constructor() {
    this.worker = new Worker(new URL('./thread.js', import.meta.url));
    this.rpc = new WorkerRpc<Record<string, unknown>, RemoteBoardEvent>(this.worker, {
      onEvent: (m) => this.boards.get(m.index)?.emit(m.event, m.payload),
    });
    this.worker.on('error', (e) => this.rpc.fail(e));
  }

  static async start(): Promise<EmulatorThread> {
    const t = new EmulatorThread();
    await new Promise<void>((resolve, reject) => {
      t.worker.once('online', resolve);
      t.worker.once('error', reject);
    });
    return t;
  }

  /** Creates a board over a new pty pair inside the thread. */
  async create(opts: EmulatedBoardOptions & { dir?: string; name?: string } = {}): Promise<RemoteBoard> {
    const r = (await this.request({ op: 'create', opts })) as {
      index: number;
      hostPath: string;
      uid: string;
    };
    const b = new RemoteBoard(this, r.index, r.hostPath, r.uid);
    this.boards.set(r.index, b);
    return b;
  }

  /** @internal */
  request(req: Record<string, unknown>): Promise<unknown> {
    return this.rpc.call(req);
  }

  /** Closes every board (removing their ptys) and stops the thread. */
  async close(): Promise<void> {
    await Promise.all([...this.boards.values()].map((b) => b.close().catch(() => {})));
    await this.worker.terminate();
  }
}

/** A board living in an EmulatorThread. Emits the board's events (ack, stream-end, host-gone …). */
export class RemoteBoard extends EventEmitter {
  constructor(
    private readonly thread: EmulatorThread,
    readonly index: number,
    readonly hostPath: string,
    readonly uid: string,
  ) {
    super();
  }

  call(method: string, ...args: unknown[]): Promise<unknown> {
    return this.thread.request({ op: 'call', index: this.index, method, args });
  }
  utter(): Promise<{ stream: number; chunks: number; interrupted: boolean }> {
    return this.call('utter') as Promise<{ stream: number; chunks: number; interrupted: boolean }>;
  }
  snapshot(): Promise<RemoteSnapshot> {
    return this.thread.request({ op: 'snapshot', index: this.index }) as Promise<RemoteSnapshot>;
  }
  async close(): Promise<void> {
    await this.call('close');
    this.removeAllListeners();
  }
}

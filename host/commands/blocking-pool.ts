/**
 * The command worker pool (piscina) for handlers declared `blocking: true`. Options are explicit
 * because piscina's defaults (one thread per core, idle workers exit at once, no memory limit) suit
 * neither a small host shared with speech recognition nor handlers with warm state.
 *
 * A handler's own failure comes back as a value (BlockingResult), so a rejected task means its worker
 * died: it exited, crashed, or went over its memory limit — each named, none affecting other calls.
 */
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { HarkError } from '../../base/errors.js';
import type { BlockingResult, BlockingTask, WorkerFaultMessage } from './blocking-worker.js';

export interface BlockingPoolOptions {
  /** Workers kept alive when idle. Default 1. */
  minThreads?: number;
  /** Blocking commands that run at once; more wait in the queue. Default max(1, cores - 1). */
  maxThreads?: number;
  /** How long an idle worker above minThreads lives, in ms. Default 60000. */
  idleTimeoutMs?: number;
  /** Queued calls beyond which new ones fail at once. Default 64. */
  maxQueue?: number;
  /**
   * Scheduling niceness of the worker threads (Linux: per thread), so busy commands yield the CPU
   * to the event loop and speech recognition. 0 disables. Default 10.
   */
  niceness?: number;
  /**
   * JavaScript heap limit of each command worker, in MB (V8's old generation; native memory is not
   * counted). A command that allocates past it fails alone with HARK_ERR_COMMANDS_RESOURCE_LIMIT and
   * its worker is replaced. Default 256.
   */
  maxHeapMb?: number;
}

export interface BlockingPoolStats {
  threads: number;
  queued: number;
  completed: number;
  /** Calls whose worker crashed or exited (the worker was replaced). */
  crashed: number;
  /** Calls whose worker went over its memory limit. */
  outOfMemory: number;
}

/**
 * Events: 'fault' (WorkerFaultMessage): command code in a worker faulted after its call returned;
 * 'worker-exit': a worker stopped (idle beyond idleTimeoutMs above minThreads, crashed, or replaced).
 */
export class BlockingPool extends EventEmitter {
  readonly #pool: Piscina;
  readonly #maxHeapMb: number;
  readonly #maxQueue: number;
  #crashed = 0;
  #outOfMemory = 0;

  constructor(opts: BlockingPoolOptions = {}) {
    super();
    const maxThreads = opts.maxThreads ?? Math.max(1, availableParallelism() - 1);
    this.#maxHeapMb = opts.maxHeapMb ?? 256;
    this.#maxQueue = opts.maxQueue ?? 64;
    if (!(Number.isFinite(this.#maxHeapMb) && this.#maxHeapMb >= 16))
      throw new HarkError(
        'HARK_ERR_COMMANDS_DEFINITION',
        `the command workers' heap limit must be at least 16 MB, got ${opts.maxHeapMb}`,
      );
    this.#pool = new Piscina({
      filename: new URL('./blocking-worker.js', import.meta.url).href,
      minThreads: Math.min(opts.minThreads ?? 1, maxThreads),
      maxThreads,
      idleTimeout: opts.idleTimeoutMs ?? 60_000,
      maxQueue: this.#maxQueue,
      workerData: { niceness: opts.niceness ?? 10 },
      // Idle workers keep their event loop running (piscina's default parks them in Atomics.wait), so a
      // timer a command left behind fires — and faults — now, reported by name, not at the next call.
      atomics: 'disabled',
      resourceLimits: {
        maxOldGenerationSizeMb: this.#maxHeapMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.min(32, Math.round(this.#maxHeapMb / 8))),
      },
    });
    this.#pool.on('workerDestroy', () => this.emit('worker-exit'));
    // A worker that dies between tasks must not become an unhandled 'error'.
    this.#pool.on('error', () => {
      this.#crashed++;
    });
    this.#pool.on('message', (m: unknown) => {
      if ((m as WorkerFaultMessage | undefined)?.kind === 'hark.command-fault')
        this.emit('fault', m as WorkerFaultMessage);
    });
  }

  /** Runs a task; rejects with AbortError when `signal` aborts (the worker is terminated). */
  async run(task: BlockingTask, signal: AbortSignal): Promise<BlockingResult> {
    // Checked here rather than read from piscina's error text: any rejection below is a dead worker.
    if (this.#pool.queueSize >= this.#maxQueue)
      throw new HarkError(
        'HARK_ERR_COMMANDS_BUSY',
        `command "${task.name}" was not run: every command worker is busy and ${this.#maxQueue} calls already wait`,
        { details: { command: task.name } },
      );
    try {
      return (await this.#pool.run(task, { signal })) as BlockingResult;
    } catch (e) {
      if (signal.aborted) throw e;
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.#outOfMemory++;
        throw new HarkError(
          'HARK_ERR_COMMANDS_RESOURCE_LIMIT',
          `command "${task.name}" went over its worker's memory limit (${this.#maxHeapMb} MB heap) and was stopped; the pool replaced the worker`,
          { cause: e, details: { command: task.name, maxHeapMb: this.#maxHeapMb } },
        );
      }
      this.#crashed++;
      throw new HarkError(
        'HARK_ERR_COMMANDS_WORKER',
        `command "${task.name}": its worker died (${err.message}); the pool replaced it`,
        { cause: e, details: { command: task.name } },
      );
    }
  }

  /**
   * Has a worker find these commands now (blocking-worker.ts `preload`: the imports their first call
   * would do), ahead of that call. Never rejects: a command that fails to load is reported by its call.
   */
  async preload(commands: readonly { moduleUrls: string[]; name: string }[]): Promise<void> {
    await this.#pool.run([...commands], { name: 'preload' }).catch(() => {});
  }

  stats(): BlockingPoolStats {
    return {
      threads: this.#pool.threads.length,
      queued: this.#pool.queueSize,
      completed: this.#pool.completed,
      crashed: this.#crashed,
      outOfMemory: this.#outOfMemory,
    };
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}

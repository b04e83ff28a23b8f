/**
 * The command worker pool (piscina) for handlers declared `blocking: true`. Options are explicit
 * because piscina's defaults (one thread per core, idle workers exit at once) suit neither a small
 * host shared with speech recognition nor handlers with warm state.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { HarkError } from '../../base/errors.js';
import type { BlockingResult, BlockingTask } from './blocking-worker.js';

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
}

export interface BlockingPoolStats {
  threads: number;
  queued: number;
  completed: number;
  /** Calls whose worker crashed or exited (the worker was replaced). */
  crashed: number;
}

export class BlockingPool {
  readonly #pool: Piscina;
  #crashed = 0;

  constructor(opts: BlockingPoolOptions = {}) {
    const maxThreads = opts.maxThreads ?? Math.max(1, availableParallelism() - 1);
    this.#pool = new Piscina({
      filename: new URL('./blocking-worker.js', import.meta.url).href,
      minThreads: Math.min(opts.minThreads ?? 1, maxThreads),
      maxThreads,
      idleTimeout: opts.idleTimeoutMs ?? 60_000,
      maxQueue: opts.maxQueue ?? 64,
      workerData: { niceness: opts.niceness ?? 10 },
    });
    // A worker that dies between tasks must not become an unhandled 'error'.
    this.#pool.on('error', () => {
      this.#crashed++;
    });
  }

  /** Runs a task; rejects with AbortError when `signal` aborts (the worker is terminated). */
  async run(task: BlockingTask, signal: AbortSignal): Promise<BlockingResult> {
    try {
      return (await this.#pool.run(task, { signal })) as BlockingResult;
    } catch (e) {
      if (signal.aborted) throw e;
      const err = e as Error;
      if (/exit|terminat/i.test(err.message)) {
        this.#crashed++;
        throw new HarkError(
          'HARK_ERR_COMMANDS_WORKER',
          `command "${task.name}": its worker died (${err.message}); the pool replaced it`,
          { cause: e },
        );
      }
      throw e;
    }
  }

  stats(): BlockingPoolStats {
    return {
      threads: this.#pool.threads.length,
      queued: this.#pool.queueSize,
      completed: this.#pool.completed,
      crashed: this.#crashed,
    };
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}

/**
 * Event-loop blockage detection. Main beats a heartbeat into shared memory from a timer and writes
 * the name of the command it is running; a watchdog worker notices a missing heartbeat while main is
 * still blocked and reports it, naming the command (see watchdog-worker.ts). Main also measures its
 * event-loop delay continuously (perf_hooks histogram) for stats.
 */
import { EventEmitter, once } from 'node:events';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { HarkError } from '../../base/errors.js';
import {
  CTRL_NAME_LEN,
  CTRL_REPORTS,
  CTRL_STOP,
  createShared,
  NAME_BYTES,
  TIME_BEAT,
  views,
  type WatchdogMessage,
  type WatchdogViews,
  type WatchdogWorkerData,
} from './watchdog-shared.js';

export interface WatchdogOptions {
  /** Report when main has been blocked longer than this, in ms. Default 1000. */
  thresholdMs?: number;
  /** Write reports to stderr from the watchdog thread (they appear while main is blocked). Default true. */
  stderr?: boolean;
}

/** One blockage, as main learns of it afterwards. */
export interface BlockageReport {
  /** Name of the command running (or in flight) when the block was noticed; '' when none. */
  command: string;
  /** How long main had been blocked when the watchdog reported. */
  blockedMs: number;
  /** Epoch ms at which the watchdog reported (while main was still blocked). */
  reportedAt: number;
  error: HarkError;
}

export interface WatchdogStats {
  blockages: number;
  loopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
}

/** What the dispatcher tells the watchdog about running commands. */
export interface CommandTracker {
  /** A command started (in flight until `end`). */
  begin(name: string): void;
  end(name: string): void;
  /** Runs the synchronous part of a handler step, marking `name` as executing right now. */
  runSync<T>(name: string, fn: () => T): T;
}

/**
 * Events: 'blocked' (BlockageReport: what the watchdog saw while main was blocked, delivered once main
 * runs again), 'recovered' ({ command, blockedMs, error }: the block's whole length).
 */
export class Watchdog extends EventEmitter implements CommandTracker {
  readonly thresholdMs: number;
  readonly #worker: Worker;
  readonly #views: WatchdogViews;
  readonly #beat: ReturnType<typeof setInterval>;
  readonly #histogram: IntervalHistogram;
  readonly #inFlight: string[] = [];
  readonly #encoder = new TextEncoder();
  #executing: string | undefined;
  #blockages = 0;
  #closed = false;

  private constructor(opts: WatchdogOptions, buffer: SharedArrayBuffer) {
    super();
    this.thresholdMs = opts.thresholdMs ?? 1000;
    this.#views = views(buffer);
    this.#writeBeat();
    const beatMs = Math.max(5, Math.min(100, Math.floor(this.thresholdMs / 5)));
    this.#beat = setInterval(() => this.#writeBeat(), beatMs);
    this.#beat.unref();
    const data: WatchdogWorkerData = {
      buffer,
      thresholdMs: this.thresholdMs,
      checkIntervalMs: Math.max(5, Math.floor(this.thresholdMs / 4)),
      stderr: opts.stderr ?? true,
    };
    this.#worker = new Worker(new URL('./watchdog-worker.js', import.meta.url), { workerData: data });
    this.#worker.unref();
    this.#worker.on('message', (m: WatchdogMessage) => this.#onMessage(m));
    this.#histogram = monitorEventLoopDelay({ resolution: 10 });
    this.#histogram.enable();
  }

  /** Starts the watchdog thread; resolves once it runs. */
  static async start(opts: WatchdogOptions = {}): Promise<Watchdog> {
    const t = opts.thresholdMs;
    if (t !== undefined && !(Number.isFinite(t) && t >= 20))
      throw new RangeError(`watchdog thresholdMs must be a number >= 20, got ${t}`);
    const w = new Watchdog(opts, createShared());
    await once(w.#worker, 'online');
    return w;
  }

  begin(name: string): void {
    this.#inFlight.push(name);
    this.#publish();
  }

  end(name: string): void {
    const i = this.#inFlight.lastIndexOf(name);
    if (i >= 0) this.#inFlight.splice(i, 1);
    this.#publish();
  }

  runSync<T>(name: string, fn: () => T): T {
    const previous = this.#executing;
    this.#executing = name;
    this.#publish();
    try {
      return fn();
    } finally {
      this.#executing = previous;
      this.#publish();
    }
  }

  stats(): WatchdogStats {
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const h = this.#histogram;
    return {
      blockages: Math.max(this.#blockages, Atomics.load(this.#views.ctrl, CTRL_REPORTS)),
      loopDelay: { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) },
    };
  }

  /** Restarts the loop-delay histogram (e.g. per benchmark phase). */
  resetLoopDelay(): void {
    this.#histogram.reset();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#beat);
    this.#histogram.disable();
    this.#worker.ref(); // keep the loop alive until the thread has exited
    const exited = once(this.#worker, 'exit');
    Atomics.store(this.#views.ctrl, CTRL_STOP, 1);
    Atomics.notify(this.#views.ctrl, CTRL_STOP);
    await exited;
  }

  #writeBeat(): void {
    Atomics.store(this.#views.time, TIME_BEAT, BigInt(Date.now()));
  }

  /** Writes what main is doing into shared memory, for the watchdog to quote. */
  #publish(): void {
    let text = '';
    if (this.#executing !== undefined) text = `command "${this.#executing}"`;
    else if (this.#inFlight.length > 0)
      text = `command ${this.#inFlight.map((n) => `"${n}"`).join(', ')} (in flight, async)`;
    const bytes = this.#encoder.encode(text).subarray(0, NAME_BYTES);
    this.#views.name.set(bytes);
    Atomics.store(this.#views.ctrl, CTRL_NAME_LEN, bytes.length);
  }

  #onMessage(m: WatchdogMessage): void {
    if (m.kind === 'recovered') {
      const what = m.command ? ` while running ${m.command}` : '';
      const error = new HarkError(
        'HARK_ERR_COMMANDS_BLOCKED',
        `the main event loop was blocked for ${m.blockedMs} ms${what}; declare CPU-heavy or synchronous ` +
          'commands { blocking: true } so they run in the command worker pool',
        { details: { command: m.command, blockedMs: m.blockedMs } },
      );
      this.emit('recovered', { command: m.command, blockedMs: m.blockedMs, error });
      return;
    }
    this.#blockages++;
    const what = m.command ? ` while running ${m.command}` : '';
    const error = new HarkError(
      'HARK_ERR_COMMANDS_BLOCKED',
      `the main event loop was blocked for over ${m.blockedMs} ms${what}; declare CPU-heavy or synchronous ` +
        'commands { blocking: true } so they run in the command worker pool',
      { details: { command: m.command, blockedMs: m.blockedMs } },
    );
    this.emit('blocked', { command: m.command, blockedMs: m.blockedMs, reportedAt: m.reportedAt, error });
  }
}

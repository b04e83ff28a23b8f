/**
 * TranscriptionService: the main-thread owner of the ASR worker pool (piscina). It resolves the
 * engine, waits for the workers' models, compiles grammars once (in a worker, against the model's
 * dictionary), and opens streams — each stream is one long piscina task fed through its own
 * MessagePort, because piscina has no worker affinity and a recognizer's state lives in one thread.
 */

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { BroadcastChannel, MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { HarkError } from '../../base/errors.js';
import { AudioCodec } from '../../protocol/ts/messages.js';
import type { GrammarSpec } from '../grammar/spec.js';
import { AdaptationStore } from './adaptation-store.js';
import { type StreamCapacity, streamCapacity, thisMachine } from './capacity.js';
import { selectEngine, type WorkerConfig } from './engine-select.js';
import { silencePocketsphinxLog } from './engines/pocketsphinx-logging.js';
import { describeReport, validateSpec } from './grammar-compile.js';
import { DEFAULT_REJECT_THRESHOLD } from './rejection.js';
import { TranscriptionStream } from './stream.js';
import type {
  CompiledGrammar,
  GrammarReport,
  LoadProgress,
  StreamOptions,
  TranscriptionOptions,
  WireError,
} from './types.js';
import {
  type Broadcast,
  type InfoReply,
  isWorkerLoaded,
  type WorkerReply,
  type WorkerTask,
} from './worker-protocol.js';

/** Default of `loadTimeoutMs`: a model loads in well under a second here and in a few seconds on a Pi's SD card. */
const DEFAULT_LOAD_TIMEOUT_MS = 30_000;
/** How long destroying the pool may take: a worker stuck inside native code can never be terminated. */
const DESTROY_WAIT_MS = 5_000;

/** Options of setGrammar(). */
export interface GrammarOptions {
  /**
   * Compile as a keyphrase search (a wake phrase, pocketsphinx only); `threshold` default the service's
   * kwsThreshold. With `verifyThreshold` (0..1) every detection is verified: the wake segment decoded
   * with the phrase as a grammar, judged like a command, kept only at or above it.
   */
  keyphrase?: boolean | { threshold?: number; verifyThreshold?: number };
  /** Give a rejected utterance's words as the general language model hears them (`heardText`); default false. */
  freeFormFallback?: boolean;
  /** Judge every result (confidence + verdict against the best state of each frame); default true. */
  rejection?: boolean;
  /** pocketsphinx: words an `any` slot may take; default the grammar's own vocabulary. */
  anyWords?: string[];
}

/** End-of-speech settings when a stream names none (the recognition harnesses use them too). */
export const DEFAULT_END_OF_SPEECH = {
  silenceMs: 700,
  minSpeechMs: 300,
  maxMs: 15000,
  finalizeOnSilence: false,
  noSpeechMs: 5000,
};

/** An utterance that must wait for a free stream (the service's 'stream-wait' event). */
export interface StreamWait {
  boardId: string;
  /** Utterances open, this one included. */
  open: number;
  capacity: StreamCapacity;
}

/**
 * Speech-to-text for board streams, in worker threads. Emits 'grammar' (GrammarReport) and
 * 'stream-wait' (StreamWait): never a silent queue.
 */
export class TranscriptionService extends EventEmitter {
  readonly engine: 'vosk' | 'pocketsphinx';
  private readonly grammars = new Map<string, CompiledGrammar>();
  private readonly open = new Set<TranscriptionStream>();
  /** Per board: what the engine learnt about its microphone (a few floats), handed to any worker. */
  private readonly adaptation: AdaptationStore;
  /** Every worker hears each compiled grammar here, so all of them prepare decoders ahead of need. */
  private readonly channel: BroadcastChannel;
  private closed = false;

  private constructor(
    private readonly pool: Piscina,
    private readonly config: WorkerConfig,
    readonly threads: number,
    /** Utterances decoded at once (capacity.ts); one more waits, announced by 'stream-wait'. */
    readonly capacity: StreamCapacity,
    private readonly rejectThreshold: number,
    adaptationFile: string | undefined,
    private readonly progress: (p: LoadProgress) => void,
  ) {
    super();
    this.engine = config.engine.engine;
    this.channel = new BroadcastChannel(config.channel);
    this.channel.unref();
    this.adaptation = new AdaptationStore(adaptationFile);
    // A worker that starts later (a replacement after a crash) has missed the broadcasts: repeat them.
    pool.on('message', (m: unknown) => {
      if (isWorkerLoaded(m) && !this.closed) for (const g of this.grammars.values()) this.broadcast(g);
    });
  }

  /** Starts the pool and waits until every worker has loaded its model. */
  static async create(
    opts: TranscriptionOptions & { onProgress?: (p: LoadProgress) => void } = {},
  ): Promise<TranscriptionService> {
    const progress = opts.onProgress ?? (() => {});
    const engine = selectEngine(opts);
    const threads = opts.threads ?? Math.min(4, availableParallelism());
    const capacity = streamCapacity(threads, opts.streamsPerWorker, thisMachine());
    const perWorker = capacity.perWorker;
    if (!Number.isInteger(threads) || threads < 1 || !Number.isInteger(perWorker) || perWorker < 1) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_CONFIG',
        `transcription.threads (${threads}) and streamsPerWorker (${perWorker}) must be positive integers`,
      );
    }
    progress({ stage: 'engine', message: `engine ${engine.engine}, model ${engine.modelDir}` });
    // pocketsphinx's logger is one FILE for the whole process: switch it off here, on main, before
    // any worker builds a decoder (see engines/pocketsphinx-logging.ts for the crash this prevents).
    if (engine.engine === 'pocketsphinx') silencePocketsphinxLog();
    const loadTimeoutMs = opts.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
    if (!(loadTimeoutMs > 0)) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_CONFIG',
        `transcription.loadTimeoutMs (${loadTimeoutMs}) must be a positive number of milliseconds`,
      );
    }
    const rejectThreshold = opts.rejectThreshold ?? DEFAULT_REJECT_THRESHOLD;
    if (!(rejectThreshold >= 0 && rejectThreshold <= 1)) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_CONFIG',
        `transcription.rejectThreshold (${rejectThreshold}) must be a confidence from 0 to 1`,
      );
    }
    const config: WorkerConfig = { engine, channel: `hark-asr-${randomUUID()}` };
    const pool = new Piscina({
      filename: opts.workerUrl ?? new URL('./worker.js', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: perWorker,
      // Never drop a loaded model because a worker idled for a moment (piscina's default is 0 ms).
      idleTimeout: opts.idleTimeoutMs ?? Number.POSITIVE_INFINITY,
      // Stream tasks wait on MessagePorts: the worker's event loop must stay free between messages.
      atomics: 'disabled',
      workerData: config,
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 256 },
    });
    const service = new TranscriptionService(
      pool,
      config,
      threads,
      capacity,
      rejectThreshold,
      opts.adaptationFile,
      progress,
    );
    // Every worker announces the end of its module load (WorkerLoaded). piscina's own 'workerCreate'
    // fires for the first workers before their modules load, and terminating a worker while it is
    // still loading the koffi addon aborts the whole process (Node 20): so teardown, even after a
    // failed load, waits for every worker to finish loading — but never longer than the load timeout.
    let loadedCount = 0;
    const loaded = new Promise<void>((resolve) => {
      pool.on('message', (m: unknown) => {
        if (!isWorkerLoaded(m)) return;
        loadedCount++;
        progress({
          stage: 'worker',
          message: `ASR worker ${loadedCount} of ${threads} is up (${engine.engine} model ${m.ok ? 'loaded' : 'failed to load'} in ${Math.round(m.loadMs)} ms)`,
          loaded: loadedCount,
          total: threads,
        });
        if (loadedCount === threads) resolve();
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), loadTimeoutMs);
      timer.unref();
    });
    const timeoutError = () =>
      new HarkError(
        'HARK_ERR_TRANSCRIPTION_LOAD_TIMEOUT',
        `the ${engine.engine} model (${engine.modelDir}) did not load within ${loadTimeoutMs} ms: ` +
          `${loadedCount} of ${threads} ASR workers finished loading. A very slow disk or an overloaded machine ` +
          'can need more time (raise transcription.loadTimeoutMs); otherwise the engine hung while loading — ' +
          'check the model folder (hark doctor) and report it',
        { details: { loaded: loadedCount, threads, loadTimeoutMs } },
      );
    // The raw reply: it rejects only if a worker failed to boot; a model that failed to load is a reply.
    const info = pool.run({ kind: 'info' } satisfies WorkerTask) as Promise<WorkerReply>;
    let reply: WorkerReply | 'timeout';
    try {
      reply = await Promise.race([info, timedOut]);
      if (reply !== 'timeout' && (await Promise.race([loaded, timedOut])) === 'timeout') reply = 'timeout';
    } catch (e) {
      await Promise.race([loaded, timedOut]);
      clearTimeout(timer);
      await service.destroyPool();
      throw e;
    }
    clearTimeout(timer);
    if (reply === 'timeout') {
      info.catch(() => {}); // the pool is going away; its pending task fails with it
      const err = timeoutError();
      await service.destroyPool();
      throw err;
    }
    if (!reply.ok) {
      await service.destroyPool();
      throw new HarkError(reply.error.code, reply.error.message);
    }
    progress({
      stage: 'ready',
      message: `transcription ready (${threads} workers, ${engine.engine}, ${capacity.total} utterances at once: ${capacity.limitedBy === 'config' ? 'transcription.streamsPerWorker' : `sized from ${capacity.limitedBy}`})`,
    });
    return service;
  }

  /** Compiles `spec` for the engine and stores it under `name`; reports words the model lacks. */
  async setGrammar(name: string, spec: GrammarSpec, opts: GrammarOptions = {}): Promise<GrammarReport> {
    validateSpec(name, spec);
    const keyphrase = opts.keyphrase ? (opts.keyphrase === true ? {} : opts.keyphrase) : undefined;
    const reply = await this.runTask({
      kind: 'compile',
      name,
      spec,
      freeFormFallback: opts.freeFormFallback ?? false,
      rejection: opts.rejection ?? !keyphrase,
      ...(keyphrase ? { keyphrase } : {}),
      ...(opts.anyWords ? { anyWords: opts.anyWords } : {}),
    });
    if (!('grammar' in reply)) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_WORKER',
        `grammar '${name}': the ASR worker answered the compile task without a grammar`,
      );
    }
    this.grammars.set(name, reply.grammar);
    this.broadcast(reply.grammar);
    this.emit('grammar', reply.report);
    this.progress({ stage: 'grammar', message: describeReport(reply.report), report: reply.report });
    return reply.report;
  }

  /** Opens a stream; feed it by handing `stream.port` to the link (or posting AudioRouteMessages). */
  openStream(opts: StreamOptions): TranscriptionStream {
    if (this.closed)
      throw new HarkError('HARK_ERR_TRANSCRIPTION_CLOSED', 'the transcription service is closed');
    const grammar = this.grammar(opts.grammar);
    const afterWake = opts.afterWake ? this.grammar(opts.afterWake) : undefined;
    if (!(Object.values(AudioCodec) as number[]).includes(opts.codec)) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_AUDIO',
        `board ${opts.boardId}: unknown audio codec id ${opts.codec}`,
      );
    }
    if (!Number.isInteger(opts.sampleRate) || opts.sampleRate < 4000 || opts.sampleRate > 48000) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_AUDIO',
        `board ${opts.boardId}: sample rate ${opts.sampleRate} Hz is outside 4000..48000`,
      );
    }
    const audio = new MessageChannel();
    const events = new MessageChannel();
    const adaptation = this.adaptation.get(opts.boardId) ?? this.adaptation.prior();
    const task: WorkerTask = {
      kind: 'utterance',
      boardId: opts.boardId,
      grammar,
      ...(afterWake ? { afterWake } : {}),
      codec: opts.codec,
      sampleRate: opts.sampleRate,
      endOfSpeech: { ...DEFAULT_END_OF_SPEECH, ...opts.endOfSpeech },
      audioPort: audio.port2,
      eventPort: events.port2,
      rejectThreshold: this.rejectThreshold,
      ...(opts.alternatives ? { alternatives: opts.alternatives } : {}),
      // A board never heard before starts from the host's prior (adaptation-store.ts): no second decode.
      ...(adaptation ? { adaptation } : {}),
    };
    // The task's reply carries no result (that comes on the event port); it tells the stream why the
    // port closed when it closed without a final: a crashed worker, or the pool closing.
    const taskEnd = this.pool.run(task, { transferList: [audio.port2, events.port2] }).then(
      (reply: WorkerReply): WireError | undefined => (reply.ok ? undefined : reply.error),
      (e: NodeJS.ErrnoException): WireError => ({
        code: this.closed ? 'HARK_ERR_TRANSCRIPTION_CLOSED' : 'HARK_ERR_TRANSCRIPTION_WORKER',
        message: this.closed
          ? `the transcription service closed while board ${opts.boardId} was streaming`
          : e.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `the ASR worker decoding board ${opts.boardId}'s stream went over its memory limit (transcription.workerHeapMb) and has been replaced, speak again`
            : `the ASR worker decoding board ${opts.boardId}'s stream crashed (${e.message}); it has been replaced, speak again`,
      }),
    );
    const stream = new TranscriptionStream(opts.boardId, audio.port1, events.port1, {
      continuous: grammar.kind === 'keyphrase',
      taskEnd,
      onAdaptation: (a) => this.adaptation.set(opts.boardId, a),
    });
    this.open.add(stream);
    // piscina queues a task only when every worker is full: this one will wait for a stream to end.
    if (this.open.size > this.capacity.total)
      this.emit('stream-wait', {
        boardId: opts.boardId,
        open: this.open.size,
        capacity: this.capacity,
      } satisfies StreamWait);
    void taskEnd.finally(() => this.open.delete(stream));
    return stream;
  }

  /** Worker memory and model load figures (one reply per distinct worker reached). */
  async workerInfo(): Promise<InfoReply[]> {
    const replies = await Promise.all(
      Array.from({ length: this.threads }, () => this.runTask({ kind: 'info' })),
    );
    const byThread = new Map<number, InfoReply>();
    for (const r of replies as InfoReply[]) byThread.set(r.threadId, r);
    return [...byThread.values()];
  }

  /** Cancels open streams and stops the workers (freeing their models). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.open) s.cancel('transcription service closing');
    this.channel.close();
    this.adaptation.flush();
    await this.destroyPool();
  }

  private broadcast(grammar: CompiledGrammar): void {
    this.channel.postMessage({ type: 'prepare', grammar } satisfies Broadcast);
  }

  /**
   * Stops the workers, bounded: a worker stuck inside native code cannot be terminated, and waiting
   * for it would hang shutdown for ever. Returns false when some worker did not stop in time (the
   * process then cannot exit normally either: Node joins every worker thread at exit).
   */
  private async destroyPool(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      this.pool.destroy().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), DESTROY_WAIT_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    this.workersStuck = !stopped;
    return stopped;
  }

  /** True when close() could not stop every worker (one is stuck inside the engine's native code). */
  workersStuck = false;

  private grammar(name: string): CompiledGrammar {
    const g = this.grammars.get(name);
    if (!g) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_GRAMMAR',
        `no grammar named '${name}': call setGrammar('${name}', spec) first (known: ${[...this.grammars.keys()].join(', ') || 'none'})`,
      );
    }
    return g;
  }

  private async runTask(task: WorkerTask): Promise<WorkerReply> {
    const reply = (await this.pool.run(task)) as WorkerReply;
    if (!reply.ok) throw new HarkError(reply.error.code, reply.error.message);
    return reply;
  }

  /** @internal For the benchmark and tests: the resolved worker configuration. */
  get workerConfig(): WorkerConfig {
    return this.config;
  }
}

/**
 * TranscriptionService: the main-thread owner of the ASR worker pool (piscina). It resolves the
 * engine, waits for the workers' models, compiles grammars once (in a worker, against the model's
 * dictionary), and opens streams — each stream is one long piscina task fed through its own
 * MessagePort, because piscina has no worker affinity and a recognizer's state lives in one thread.
 */
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { HarkError } from '../../base/errors.js';
import { AudioCodec } from '../../protocol/ts/messages.js';
import type { GrammarSpec } from '../grammar/spec.js';
import { type StreamCapacity, streamCapacity, thisMachine } from './capacity.js';
import { selectEngine, type WorkerConfig } from './engine-select.js';
import { validateSpec } from './grammar-compile.js';
import { TranscriptionStream } from './stream.js';
import type {
  CompiledGrammar,
  GrammarReport,
  LoadProgress,
  StreamOptions,
  TranscriptionOptions,
} from './types.js';
import { type InfoReply, isWorkerLoaded, type WorkerReply, type WorkerTask } from './worker-protocol.js';

/** How long teardown waits for workers still loading their model (a worker that died booting never reports). */
const WORKER_LOAD_WAIT_MS = 30_000;

/** Options of setGrammar(). */
export interface GrammarOptions {
  /** Compile as a keyphrase search (a wake phrase, pocketsphinx only); `threshold` default the service's kwsThreshold. */
  keyphrase?: boolean | { threshold?: number };
  /** Re-decode with the free language model when the grammar recognises nothing; default false. */
  freeFormFallback?: boolean;
  /** pocketsphinx: words an `any` slot may take; default the grammar's own vocabulary. */
  anyWords?: string[];
}

const DEFAULT_EOS = { silenceMs: 700, minSpeechMs: 300, maxMs: 15000, finalizeOnSilence: false };

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
  private readonly adaptation = new Map<string, number[]>();
  private closed = false;

  private constructor(
    private readonly pool: Piscina,
    private readonly config: WorkerConfig,
    readonly threads: number,
    /** Utterances decoded at once (capacity.ts); one more waits, announced by 'stream-wait'. */
    readonly capacity: StreamCapacity,
  ) {
    super();
    this.engine = config.engine.engine;
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
    const config: WorkerConfig = {
      engine,
      testHooks: opts.testHooks ?? process.env.HARK_ASR_TEST_HOOKS === '1',
    };
    const pool = new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
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
    const service = new TranscriptionService(pool, config, threads, capacity);
    // Every worker announces the end of its module load (WorkerLoaded). piscina's own 'workerCreate'
    // fires for the first workers before their modules load, and terminating a worker while it is
    // still loading the koffi addon aborts the whole process (Node 20): so teardown, even after a
    // failed load, waits for every worker to finish loading.
    const loaded = new Promise<void>((resolve) => {
      let n = 0;
      pool.on('message', (m: unknown) => {
        if (!isWorkerLoaded(m)) return;
        n++;
        progress({
          stage: 'worker',
          message: `ASR worker ${n} of ${threads} is up (${engine.engine} model ${m.ok ? 'loaded' : 'failed to load'})`,
          loaded: n,
          total: threads,
        });
        if (n === threads) resolve();
      });
    });
    // A worker that dies while booting never announces itself: bound the wait, then carry on.
    const allLoaded = () =>
      Promise.race([loaded, new Promise<void>((r) => setTimeout(r, WORKER_LOAD_WAIT_MS).unref())]);
    // The raw reply: it rejects only if a worker failed to boot; a model that failed to load is a reply.
    const info = pool.run({ kind: 'info' } satisfies WorkerTask) as Promise<WorkerReply>;
    let reply: WorkerReply;
    try {
      reply = await info;
    } catch (e) {
      await allLoaded();
      await pool.destroy();
      throw e;
    }
    await allLoaded();
    if (!reply.ok) {
      await pool.destroy();
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
    this.emit('grammar', reply.report);
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
    const stream = new TranscriptionStream(
      opts.boardId,
      audio.port1,
      events.port1,
      grammar.kind === 'keyphrase',
    );
    this.open.add(stream);
    // piscina queues a task only when every worker is full: this one will wait for a stream to end.
    if (this.open.size > this.capacity.total)
      this.emit('stream-wait', {
        boardId: opts.boardId,
        open: this.open.size,
        capacity: this.capacity,
      } satisfies StreamWait);
    const task: WorkerTask = {
      kind: 'utterance',
      boardId: opts.boardId,
      grammar,
      ...(afterWake ? { afterWake } : {}),
      codec: opts.codec,
      sampleRate: opts.sampleRate,
      endOfSpeech: { ...DEFAULT_EOS, ...opts.endOfSpeech },
      audioPort: audio.port2,
      eventPort: events.port2,
      ...(opts.testCrashAfterChunks !== undefined ? { testCrashAfterChunks: opts.testCrashAfterChunks } : {}),
      ...(this.adaptation.has(opts.boardId) ? { adaptation: this.adaptation.get(opts.boardId)! } : {}),
    };
    this.pool
      .run(task, { transferList: [audio.port2, events.port2] })
      .then(
        (reply: WorkerReply) => {
          if (reply.ok && 'adaptation' in reply && reply.adaptation)
            this.adaptation.set(opts.boardId, reply.adaptation);
          if (!reply.ok) stream.fail(reply.error);
          else if ('last' in reply && reply.last) stream.deliver(reply.last);
          else
            stream.fail({
              code: 'HARK_ERR_TRANSCRIPTION_WORKER',
              message: `ASR worker ended the stream of board ${opts.boardId} without a result`,
            });
        },
        (e: NodeJS.ErrnoException) =>
          stream.fail({
            code: this.closed ? 'HARK_ERR_TRANSCRIPTION_CLOSED' : 'HARK_ERR_TRANSCRIPTION_WORKER',
            message: this.closed
              ? `the transcription service closed while board ${opts.boardId} was streaming`
              : e.code === 'ERR_WORKER_OUT_OF_MEMORY'
                ? `the ASR worker decoding board ${opts.boardId}'s stream went over its memory limit (transcription.workerHeapMb) and has been replaced, speak again`
                : `the ASR worker decoding board ${opts.boardId}'s stream crashed (${e.message}); it has been replaced, speak again`,
          }),
      )
      .finally(() => this.open.delete(stream));
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
    await this.pool.destroy();
  }

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

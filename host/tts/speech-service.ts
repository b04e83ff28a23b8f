/**
 * Main's handle on the speech worker (speech-worker.ts): `speak()` and `convert()` resolve with
 * speaker-ready audio whose buffer main only passes on (to `LinkManager.play(…, { transfer: true })`).
 *
 * One speech worker per process, shared by every SpeechService in it (two pipelines in one process
 * share it too): libespeak-ng keeps its state in process-wide globals, so only one thread may call it
 * (espeak-lib.ts), and one thread is enough — a reply takes 2–4 ms there, and more threads would only
 * compete with the ASR workers for the cores. The worker lives while a service uses it; a worker that
 * dies fails its pending requests and the next request starts a new one.
 */
import { Worker } from 'node:worker_threads';
import { WorkerRpc } from '../../base/worker-rpc.js';
import type { EncodedSpeech, SpeakerFormat, SpeechRequest, SpeechStats } from './speech-protocol.js';

export type { EncodedSpeech, SpeakerFormat, SpeechStats } from './speech-protocol.js';

export interface SpeechServiceOptions {
  /**
   * Bytes of encoded replies kept for reuse; 0 turns the cache off. Default 8 MiB (~4 min at 16 kHz
   * PCM16). The process's one worker takes the values of the service that started it.
   */
  cacheBytes?: number;
  /**
   * A cached reply not asked for in this long is dropped, ms. Default 5 minutes: replies whose text
   * changes (the time) are never asked again and would otherwise fill the cache for hours
   * (speech-cache.ts); a reply asked again later costs one synthesis (2–4 ms).
   */
  cacheIdleMs?: number;
  /**
   * How often the worker gives the process's free C-heap pages back to the kernel (malloc_trim,
   * base/native-heap.ts), ms; 0 never. Default 60 s.
   */
  trimIntervalMs?: number;
  /**
   * The worker (16–18 MB: its isolate, koffi, libespeak-ng and a voice) stops after this long without a
   * request, ms, and the next request or start() starts it again (~50–80 ms, the voice's tables
   * included); its reply cache goes with it. 0 never. Default 0; the pipeline asks for 8 s and starts
   * the worker again when a board begins to speak, before any reply is due.
   */
  idleStopMs?: number;
  /** Called when the worker stopped after its idle period (tests, diagnostics). */
  onIdleStop?: () => void;
}

export const DEFAULT_SPEECH_CACHE_BYTES = 8 * 2 ** 20;
export const DEFAULT_SPEECH_CACHE_IDLE_MS = 5 * 60_000;
export const DEFAULT_NATIVE_TRIM_INTERVAL_MS = 60_000;

type WorkerSettings = { cacheBytes: number; cacheIdleMs: number; trimIntervalMs: number };
/** How long close() waits for a worker still loading its module before terminating it anyway. */
const LOAD_WAIT_MS = 30_000;

interface SharedWorker {
  worker: Worker;
  /** Settles once the worker's module (koffi, libespeak-ng) has loaded, or the worker is gone. */
  loaded: Promise<void>;
  rpc: WorkerRpc<SpeechRequest, never>;
  users: Set<SpeechService>;
  /** Requests out: the worker is referenced only while there are some. */
  pending: number;
  /** Stops the worker once it has had no request for idleStopMs. */
  idleTimer: NodeJS.Timeout | undefined;
}

/** The process's speech worker (see the file comment for why there is one per process). */
let shared: SharedWorker | undefined;

function acquire(user: SpeechService, settings: WorkerSettings): SharedWorker {
  if (!shared) {
    const worker = new Worker(new URL('./speech-worker.js', import.meta.url), { workerData: settings });
    const loaded = new Promise<void>((resolve) => {
      const onMessage = (m: unknown) => {
        if ((m as { speechWorkerLoaded?: boolean } | null)?.speechWorkerLoaded !== true) return;
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('exit', () => resolve());
    });
    const w: SharedWorker = {
      worker,
      loaded,
      rpc: new WorkerRpc<SpeechRequest, never>(worker),
      users: new Set(),
      pending: 0,
      idleTimer: undefined,
    };
    const gone = (e: Error) => {
      w.rpc.fail(e);
      if (shared === w) shared = undefined;
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`the speech worker exited with code ${code}`)));
    worker.unref(); // an idle speech worker never keeps a process alive
    shared = w;
  }
  shared.users.add(user);
  return shared;
}

/** Stops the shared worker when it is still idle (the loaded module first: see close()); true if it did. */
async function stopIdle(w: SharedWorker): Promise<boolean> {
  await w.loaded;
  if (shared !== w || w.pending > 0) return false;
  shared = undefined;
  await w.worker.terminate();
  return true;
}

export class SpeechService {
  readonly #settings: WorkerSettings;
  readonly #idleStopMs: number;
  readonly #onIdleStop: (() => void) | undefined;
  #closed = false;

  constructor(opts: SpeechServiceOptions = {}) {
    this.#settings = {
      cacheBytes: opts.cacheBytes ?? DEFAULT_SPEECH_CACHE_BYTES,
      cacheIdleMs: opts.cacheIdleMs ?? DEFAULT_SPEECH_CACHE_IDLE_MS,
      trimIntervalMs: opts.trimIntervalMs ?? DEFAULT_NATIVE_TRIM_INTERVAL_MS,
    };
    this.#idleStopMs = opts.idleStopMs ?? 0;
    this.#onIdleStop = opts.onIdleStop;
  }

  /** True while the process's speech worker runs (it stops after idleStopMs without a request). */
  get running(): boolean {
    return shared !== undefined;
  }

  /**
   * Starts the worker now, so the first reply does not wait for a thread to load, and with `voice`
   * loads that espeak-ng voice too (its tables are read at first use). Never rejects.
   */
  start(voice?: { voice: string; wpm: number }): void {
    if (this.#closed) return;
    const w = acquire(this, this.#settings);
    if (voice) void this.#call<boolean>({ op: 'warm', ...voice }).catch(() => {});
    else this.#idle(w);
  }

  /** espeak-ng speech of `text` in the board's format (cached by text, voice, rate and format). */
  speak(text: string, voice: { voice: string; wpm: number }, format: SpeakerFormat): Promise<EncodedSpeech> {
    return this.#call<EncodedSpeech>({ op: 'speak', text, ...voice, ...format });
  }

  /**
   * PCM from elsewhere, resampled and encoded for the board. A copy moves to the worker (a memcpy, far
   * cheaper than resampling here): the caller's samples may be a command's own, reused next time.
   */
  convert(samples: Int16Array, inRate: number, format: SpeakerFormat): Promise<EncodedSpeech> {
    const moved = samples.slice();
    return this.#call<EncodedSpeech>({ op: 'convert', samples: moved, inRate, ...format }, [
      moved.buffer as ArrayBuffer,
    ]);
  }

  stats(): Promise<SpeechStats> {
    return this.#call<SpeechStats>({ op: 'stats' });
  }

  async #call<R>(req: SpeechRequest, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.#closed) throw new Error('the speech service is closed');
    const w = acquire(this, this.#settings);
    clearTimeout(w.idleTimer);
    if (w.pending++ === 0) w.worker.ref();
    try {
      return await w.rpc.call<R>(req, { transfer });
    } finally {
      if (--w.pending === 0) {
        w.worker.unref();
        this.#idle(w);
      }
    }
  }

  #idle(w: SharedWorker): void {
    if (this.#idleStopMs <= 0) return;
    clearTimeout(w.idleTimer);
    w.idleTimer = setTimeout(
      () =>
        void stopIdle(w)
          .then((stopped) => stopped && this.#onIdleStop?.())
          .catch(() => {}),
      this.#idleStopMs,
    );
    w.idleTimer.unref();
  }

  /** Stops using the worker; the last service to close stops it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const w = shared;
    if (!w?.users.delete(this) || w.users.size > 0) return;
    clearTimeout(w.idleTimer);
    shared = undefined;
    // Terminating a worker while it still loads the koffi addon aborts the whole process (Node 20, the
    // same as the ASR workers): a host closed right after it started waits for the load (bounded).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([w.loaded, new Promise((r) => (timer = setTimeout(r, LOAD_WAIT_MS)))]);
    clearTimeout(timer);
    await w.worker.terminate();
  }
}

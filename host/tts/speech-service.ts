/**
 * Main's handle on the speech worker (speech-worker.ts): `speak()` and `convert()` resolve with
 * speaker-ready audio whose buffer main only passes on (to `LinkManager.play(…, { transfer: true })`).
 * One worker per host: espeak-ng runs as a child process anyway, so the thread only has to keep the
 * fork and the resampling off main; more threads would compete with the ASR workers for 2 cores.
 * A worker that dies fails its pending requests and is replaced on the next one.
 */
import { Worker } from 'node:worker_threads';
import { WorkerRpc } from '../../base/worker-rpc.js';
import type { EncodedSpeech, SpeakerFormat, SpeechRequest, SpeechStats } from './speech-protocol.js';

export type { EncodedSpeech, SpeakerFormat, SpeechStats } from './speech-protocol.js';

export interface SpeechServiceOptions {
  /** Bytes of encoded replies kept for reuse; 0 turns the cache off. Default 8 MiB (~4 min at 16 kHz PCM16). */
  cacheBytes?: number;
}

export const DEFAULT_SPEECH_CACHE_BYTES = 8 * 2 ** 20;

export class SpeechService {
  readonly #cacheBytes: number;
  #worker: { worker: Worker; rpc: WorkerRpc<SpeechRequest, never> } | undefined;
  #closed = false;

  constructor(opts: SpeechServiceOptions = {}) {
    this.#cacheBytes = opts.cacheBytes ?? DEFAULT_SPEECH_CACHE_BYTES;
  }

  /** Starts the worker now, so the first reply does not wait for a thread to load. */
  start(): void {
    if (!this.#closed) this.#start();
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

  #pending = 0;

  async #call<R>(req: SpeechRequest, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.#closed) throw new Error('the speech service is closed');
    const w = this.#start();
    // Referenced only while a request is out: an idle speech worker never keeps a process alive.
    if (this.#pending++ === 0) w.worker.ref();
    try {
      return await w.rpc.call<R>(req, { transfer });
    } finally {
      if (--this.#pending === 0) this.#worker?.worker.unref();
    }
  }

  #start(): { worker: Worker; rpc: WorkerRpc<SpeechRequest, never> } {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./speech-worker.js', import.meta.url), {
      workerData: { cacheBytes: this.#cacheBytes },
    });
    const rpc = new WorkerRpc<SpeechRequest, never>(worker);
    const w = { worker, rpc };
    const gone = (e: Error) => {
      rpc.fail(e);
      if (this.#worker === w) this.#worker = undefined;
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`the speech worker exited with code ${code}`)));
    worker.unref();
    this.#worker = w;
    return w;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    this.#worker = undefined;
    await w?.worker.terminate();
  }
}

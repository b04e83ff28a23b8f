/**
 * An emulated board in a thread of its own that speaks a script of utterances back to back, press to
 * release, without any help from the caller's thread — so the caller may block its main thread (a
 * blocking command) while the board goes on talking, as a person at a real board would.
 *
 * `ScriptedBoard.start({ uid })` → `hostPath` for the host to open; `speak(utterances)` posts the script
 * and resolves with each utterance's result once all are spoken. Every helper precondition throws at
 * once: an utterance that did not stream to its end (a press while a stream was open) rejects.
 */
import { once } from 'node:events';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { PcmAudio } from '../../base/audio/wav.js';
import { EmulatedBoard } from '../../boards/emulator/index.js';

interface ThreadData {
  uid: string;
  speed: number;
}
type ToThread = { op: 'speak'; utterances: PcmAudio[] } | { op: 'close' };
type FromThread =
  | { kind: 'ready'; hostPath: string }
  | { kind: 'acked' }
  | { kind: 'stream-start'; index: number }
  | { kind: 'spoken'; results: { stream: number; chunks: number; interrupted: boolean }[] }
  | { kind: 'error'; message: string }
  | { kind: 'closed' };

export class ScriptedBoard {
  readonly hostPath: string;
  readonly #worker: Worker;

  private constructor(worker: Worker, hostPath: string) {
    this.#worker = worker;
    this.hostPath = hostPath;
  }

  static async start(opts: { uid: string; speed?: number }): Promise<ScriptedBoard> {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { uid: opts.uid, speed: opts.speed ?? 1 } satisfies ThreadData,
    });
    const m = await next(worker, 'ready');
    return new ScriptedBoard(worker, (m as { hostPath: string }).hostPath);
  }

  /** Resolves once the host has acknowledged the board's HELLO. */
  acked(): Promise<unknown> {
    return next(this.#worker, 'acked');
  }

  /**
   * Posts the script. Resolves `started` when the first utterance starts streaming and `done` with the
   * results once every utterance was spoken; `done` rejects when one did not stream to its end.
   */
  speak(utterances: PcmAudio[]): {
    started: Promise<unknown>;
    done: Promise<FromThread & { kind: 'spoken' }>;
  } {
    const started = next(this.#worker, 'stream-start');
    const done = next(this.#worker, 'spoken') as Promise<FromThread & { kind: 'spoken' }>;
    this.#worker.postMessage({ op: 'speak', utterances } satisfies ToThread);
    return { started, done };
  }

  async close(): Promise<void> {
    this.#worker.postMessage({ op: 'close' } satisfies ToThread);
    await next(this.#worker, 'closed').catch(() => {});
    await this.#worker.terminate();
  }
}

/** The next message of `kind` from the thread; an 'error' message or a thread error rejects. */
async function next(worker: Worker, kind: FromThread['kind']): Promise<FromThread> {
  for (;;) {
    const [m] = (await Promise.race([
      once(worker, 'message'),
      once(worker, 'error').then(([e]) => Promise.reject(e)),
    ])) as [FromThread];
    if (m.kind === 'error') throw new Error(`scripted board: ${m.message}`);
    if (m.kind === kind) return m;
  }
}

if (!isMainThread && (workerData as ThreadData | undefined)?.uid) {
  const data = workerData as ThreadData;
  const port = parentPort!;
  const post = (m: FromThread) => port.postMessage(m);
  const board = await EmulatedBoard.overPty({
    uid: data.uid,
    speed: data.speed,
    bootNoise: false,
    helloIntervalMs: 200,
  });
  board.once('ack', () => post({ kind: 'acked' }));
  post({ kind: 'ready', hostPath: board.hostPath });
  port.on('message', (m: ToThread) => {
    if (m.op === 'close') {
      void board.close().then(() => post({ kind: 'closed' }));
      return;
    }
    void (async () => {
      const results: { stream: number; chunks: number; interrupted: boolean }[] = [];
      for (const [index, audio] of m.utterances.entries()) {
        if (board.streaming) throw new Error(`utterance ${index}: the board still streams the previous one`);
        board.setAudio(audio);
        board.once('stream-start', () => post({ kind: 'stream-start', index }));
        const r = await board.utter();
        if (r.interrupted || r.chunks === 0)
          throw new Error(`utterance ${index} was cut off: ${JSON.stringify(r)}`);
        results.push(r);
      }
      post({ kind: 'spoken', results });
    })().catch((e: Error) => post({ kind: 'error', message: e.message }));
  });
}

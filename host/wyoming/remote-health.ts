/**
 * Whether a remote Wyoming server is usable, with one report per change: it goes 'down' on the first
 * failure (one HARK_ERR_WYOMING_UNAVAILABLE, however many utterances follow) and is probed with
 * `describe` → `info` under a growing backoff until it answers, then goes 'up' again (one report).
 * While down, callers use the local engine at once instead of waiting for a timeout per utterance.
 */
import { EventEmitter } from 'node:events';
import { HarkError } from '../../base/errors.js';
import { Backoff, type BackoffOptions } from '../link/backoff.js';
import type { WyomingEvent } from './codec.js';
import { connectWyoming, type TcpAddress } from './connection.js';
import { audioChunk, audioStart, audioStop, PCM16_16K, synthesize, transcribe } from './events.js';

export type RemoteState = 'unknown' | 'up' | 'down';

export interface ProbeOptions {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  what: string;
}

/**
 * One request/answer exchange on a fresh connection: sends `events`, resolves with the first event
 * of type `until`. Rejects on connect failure, timeout, an early close or an `error` event.
 */
export async function exchange(
  addr: TcpAddress,
  events: WyomingEvent[],
  until: string,
  opts: ProbeOptions,
): Promise<WyomingEvent> {
  const conn = await connectWyoming(addr, { connectTimeoutMs: opts.connectTimeoutMs, what: opts.what });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new HarkError(
              'HARK_ERR_WYOMING_TIMEOUT',
              `${conn.peer}: no '${until}' within ${opts.responseTimeoutMs} ms`,
            ),
          ),
        opts.responseTimeoutMs,
      );
      conn.on('event', (e: WyomingEvent) => {
        if (e.type === 'error') {
          clearTimeout(timer);
          reject(
            new HarkError('HARK_ERR_WYOMING_REMOTE', `${conn.peer}: ${String(e.data?.text ?? 'error')}`),
          );
        }
        if (e.type !== until) return;
        clearTimeout(timer);
        resolve(e);
      });
      conn.on('close', (why: HarkError | undefined) => {
        clearTimeout(timer);
        reject(
          why ??
            new HarkError(
              'HARK_ERR_WYOMING_PROTOCOL',
              `${conn.peer} closed the connection before '${until}'`,
            ),
        );
      });
      for (const e of events) conn.send(e);
    });
  } finally {
    conn.close();
  }
}

/**
 * Is an ASR server really answering? A describe is not enough (a wedged server still answers it):
 * it must transcribe 100 ms of silence.
 */
export function probeTranscribe(
  addr: TcpAddress,
  opts: ProbeOptions & { language?: string },
): Promise<WyomingEvent> {
  return exchange(
    addr,
    [
      transcribe(opts.language),
      audioStart(PCM16_16K, 0),
      audioChunk(PCM16_16K, new Uint8Array(3200), 0),
      audioStop(100),
    ],
    'transcript',
    opts,
  );
}

/** Is a TTS server really answering? It must speak a word to the end. */
export function probeSynthesize(
  addr: TcpAddress,
  opts: ProbeOptions & { voice?: string },
): Promise<WyomingEvent> {
  return exchange(
    addr,
    [synthesize('ok', opts.voice ? { name: opts.voice } : undefined)],
    'audio-stop',
    opts,
  );
}

/**
 * Events: 'change' ({ state, reason?: HarkError }) once per transition between up and down.
 */
export class RemoteHealth extends EventEmitter {
  readonly what: string;
  #state: RemoteState = 'unknown';
  readonly #probe: () => Promise<void>;
  readonly #backoff: Backoff;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Probes made since the server went down (diagnostics and tests). */
  probes = 0;

  constructor(what: string, probe: () => Promise<void>, backoff: BackoffOptions = {}) {
    super();
    this.what = what;
    this.#probe = probe;
    this.#backoff = new Backoff({ initialMs: 500, maxMs: 30_000, ...backoff });
  }

  get state(): RemoteState {
    return this.#state;
  }

  /** One probe now; the state follows its result. */
  async check(): Promise<RemoteState> {
    try {
      await this.#probe();
      this.up();
    } catch (e) {
      this.down(e as HarkError);
    }
    return this.#state;
  }

  up(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#backoff.reset();
    if (this.#state === 'up') return;
    const was = this.#state;
    this.#state = 'up';
    if (was === 'down') this.emit('change', { state: 'up' });
  }

  /** A failure: reported once, then probed until it answers. */
  down(reason: HarkError): void {
    if (this.#closed) return;
    if (this.#state !== 'down') {
      this.#state = 'down';
      this.emit('change', { state: 'down', reason });
    }
    if (!this.#timer) this.#schedule();
  }

  #schedule(): void {
    this.#timer = setTimeout(async () => {
      this.probes++;
      try {
        await this.#probe();
        this.#timer = undefined;
        this.up();
      } catch {
        if (!this.#closed) this.#schedule();
      }
    }, this.#backoff.next());
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }
}

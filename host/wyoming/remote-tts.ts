/**
 * Spoken replies from a Wyoming TTS server (wyoming-piper, say), with espeak-ng whenever the server is
 * gone. The README's "Text to Speech" flow: `synthesize` → `audio-start` → `audio-chunk`… →
 * `audio-stop`, one connection per reply. The socket work runs on main (it is asynchronous and
 * small); the reply's PCM is resampled and encoded in the speech worker (`convertAudio`) before
 * `link.play()`.
 */
import { EventEmitter } from 'node:events';
import type { PcmAudio } from '../../base/audio/wav.js';
import { HarkError } from '../../base/errors.js';
import type { BackoffOptions } from '../link/backoff.js';
import type { WyomingEvent } from './codec.js';
import { connectWyoming, parseTcpUri, type TcpAddress } from './connection.js';
import { type AudioFormat, readAudioFormat, synthesize } from './events.js';
import { probeSynthesize, RemoteHealth, type RemoteState } from './remote-health.js';

/** Options of {@link RemoteSynthesizer}. */
export interface RemoteTtsOptions {
  /** The server, `tcp://HOST:PORT` (wyoming-piper listens on 10200). */
  uri: string;
  /** Voice name the server knows (its `info` lists them); default the server's own. */
  voice?: string;
  /** Speaker of a multi-speaker voice. */
  speaker?: string;
  /** Default 1500 ms. */
  connectTimeoutMs?: number;
  /** synthesize → audio-stop limit; default 10000 ms. */
  responseTimeoutMs?: number;
  backoff?: BackoffOptions;
}

/** Most reply audio accepted: 10 MiB (about 4 minutes at 22.05 kHz). */
const MAX_REPLY_BYTES = 10 * 1024 * 1024;

/** Mono PCM16 from interleaved little-endian PCM16 bytes (channels averaged). */
export function monoFromPcm16(bytes: Uint8Array, channels: number): Int16Array {
  const frames = Math.floor(bytes.byteLength / (2 * channels));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += view.getInt16((f * channels + c) * 2, true);
    out[f] = Math.round(sum / channels);
  }
  return out;
}

/** Events: 'change' ({ state, reason? }) once per outage and recovery. */
export class RemoteSynthesizer extends EventEmitter {
  readonly addr: TcpAddress;
  readonly health: RemoteHealth;
  readonly #o: RemoteTtsOptions & { connectTimeoutMs: number; responseTimeoutMs: number };
  /** Replies spoken by the server / by espeak-ng. */
  counts = { remote: 0, local: 0 };

  constructor(opts: RemoteTtsOptions) {
    super();
    this.addr = parseTcpUri(opts.uri, 'the Wyoming TTS server');
    this.#o = {
      ...opts,
      connectTimeoutMs: opts.connectTimeoutMs ?? 1500,
      responseTimeoutMs: opts.responseTimeoutMs ?? 10000,
    };
    this.health = new RemoteHealth(
      `Wyoming TTS server ${opts.uri}`,
      async () => {
        await probeSynthesize(this.addr, {
          connectTimeoutMs: this.#o.connectTimeoutMs,
          responseTimeoutMs: this.#o.responseTimeoutMs,
          what: 'Wyoming TTS server',
          ...(this.#o.voice ? { voice: this.#o.voice } : {}),
        });
      },
      opts.backoff,
    );
    this.health.on('change', (c) => this.emit('change', c));
  }

  get state(): RemoteState {
    return this.health.state;
  }

  check(): Promise<RemoteState> {
    return this.health.check();
  }

  /**
   * Speaks `text` on the server; when the server is down or fails, `local` speaks it instead (and
   * the server is marked down, once, until a probe finds it again).
   */
  async speak<T>(text: string, local: () => Promise<T>): Promise<PcmAudio | T> {
    if (this.health.state === 'down') {
      this.counts.local++;
      return local();
    }
    try {
      const audio = await this.#request(text);
      this.health.up();
      this.counts.remote++;
      return audio;
    } catch (e) {
      this.health.down(e as HarkError);
      this.counts.local++;
      return local();
    }
  }

  async #request(text: string): Promise<PcmAudio> {
    const conn = await connectWyoming(this.addr, {
      connectTimeoutMs: this.#o.connectTimeoutMs,
      what: 'Wyoming TTS server',
    });
    try {
      return await new Promise<PcmAudio>((resolve, reject) => {
        let format: AudioFormat | undefined;
        const parts: Uint8Array[] = [];
        let bytes = 0;
        const timer = setTimeout(
          () =>
            reject(
              new HarkError(
                'HARK_ERR_WYOMING_TIMEOUT',
                `${conn.peer}: no complete reply within ${this.#o.responseTimeoutMs} ms of 'synthesize'`,
              ),
            ),
          this.#o.responseTimeoutMs,
        );
        const done = (err?: HarkError) => {
          clearTimeout(timer);
          if (err) return reject(err);
          if (!format || bytes === 0)
            return reject(
              new HarkError('HARK_ERR_WYOMING_PROTOCOL', `${conn.peer} sent no audio for "${text}"`),
            );
          const all = new Uint8Array(bytes);
          let at = 0;
          for (const p of parts) {
            all.set(p, at);
            at += p.length;
          }
          resolve({ sampleRate: format.rate, samples: monoFromPcm16(all, format.channels) });
        };
        conn.on('event', (e: WyomingEvent) => {
          try {
            if (e.type === 'audio-start') format = readAudioFormat(e, conn.peer);
            else if (e.type === 'audio-chunk') {
              format ??= readAudioFormat(e, conn.peer);
              const p = e.payload ?? new Uint8Array(0);
              bytes += p.length;
              if (bytes > MAX_REPLY_BYTES)
                throw new HarkError(
                  'HARK_ERR_WYOMING_PROTOCOL',
                  `${conn.peer}: reply longer than ${MAX_REPLY_BYTES} bytes`,
                );
              parts.push(p);
            } else if (e.type === 'audio-stop') done();
            else if (e.type === 'error')
              done(
                new HarkError('HARK_ERR_WYOMING_REMOTE', `${conn.peer}: ${String(e.data?.text ?? 'error')}`),
              );
          } catch (err) {
            done(err as HarkError);
          }
        });
        conn.on('close', (why: HarkError | undefined) =>
          done(
            why ??
              new HarkError(
                'HARK_ERR_WYOMING_PROTOCOL',
                `${conn.peer} closed the connection before audio-stop`,
              ),
          ),
        );
        conn.send(
          synthesize(
            text,
            this.#o.voice
              ? { name: this.#o.voice, ...(this.#o.speaker ? { speaker: this.#o.speaker } : {}) }
              : undefined,
          ),
        );
      });
    } finally {
      conn.close();
    }
  }

  close(): void {
    this.health.close();
  }
}

/**
 * The `wyoming` speech engine, main-thread side: a command utterance goes to a remote Wyoming ASR
 * server (wyoming-faster-whisper on a stronger machine, say) through the Wyoming worker, and local
 * pocketsphinx answers whenever that server is gone. The stream handed back is a real
 * TranscriptionStream, so sessions cannot tell the engines apart: audio goes link worker → Wyoming
 * worker → socket (never main), and the worker posts speech/final events on the stream's own port.
 *
 * Fallback: when the server fails during an utterance the worker still holds the utterance's audio;
 * main opens a local stream and passes its port to the worker, which replays everything into it.
 * The failure marks the server down (said once), later utterances go local at once, and the server
 * is probed with backoff until it is back. Hands-free background streams always stay local: a wake
 * phrase is a keyphrase job, not one for a remote dictation engine.
 */
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { HarkError } from '../../base/errors.js';
import type { BackoffOptions } from '../link/backoff.js';
import { TranscriptionStream } from '../transcription/stream.js';
import type { StreamOptions, WireError } from '../transcription/types.js';
import { parseTcpUri, type TcpAddress } from './connection.js';
import { probeTranscribe, RemoteHealth, type RemoteState } from './remote-health.js';
import type { WyomingWorker } from './wyoming-worker.js';

/** Something that opens transcription streams (the local TranscriptionService, or a router). */
export interface StreamOpener {
  openStream(opts: StreamOptions): TranscriptionStream;
}

/** Options of {@link RemoteTranscription}. */
export interface RemoteAsrOptions {
  /** The server, `tcp://HOST:PORT` (wyoming-faster-whisper listens on 10300). */
  uri: string;
  /** Connection set-up limit; default 1500 ms. */
  connectTimeoutMs?: number;
  /** audio-stop → transcript limit; default 8000 ms (Whisper on a CPU takes seconds). */
  responseTimeoutMs?: number;
  /** Language sent in `transcribe`; default 'en'. */
  language?: string;
  /** Probe backoff while the server is down; default 500 ms × 1.8 up to 30 s. */
  backoff?: BackoffOptions;
}

/** A stream whose recognition may move to a local stream; cancelling it cancels that one too. */
class RemoteStream extends TranscriptionStream {
  local: TranscriptionStream | undefined;
  override cancel(reason: string): void {
    this.local?.cancel(reason);
    super.cancel(reason);
  }
}

/** Events: 'change' ({ state: 'up' | 'down', reason?: HarkError }) — once per outage and recovery. */
export class RemoteTranscription extends EventEmitter implements StreamOpener {
  readonly addr: TcpAddress;
  readonly health: RemoteHealth;
  readonly #local: StreamOpener;
  readonly #worker: WyomingWorker;
  readonly #opts: Required<Omit<RemoteAsrOptions, 'backoff'>>;
  readonly #open = new Map<number, { opts: StreamOptions; stream: RemoteStream }>();
  #nextId = 1;
  /** Utterances sent remote / answered locally (diagnostics, tests, bench). */
  counts = { remote: 0, local: 0, fallbacks: 0 };

  constructor(local: StreamOpener, worker: WyomingWorker, opts: RemoteAsrOptions) {
    super();
    this.addr = parseTcpUri(opts.uri, 'the Wyoming ASR server');
    this.#local = local;
    this.#worker = worker;
    this.#opts = {
      uri: opts.uri,
      connectTimeoutMs: opts.connectTimeoutMs ?? 1500,
      responseTimeoutMs: opts.responseTimeoutMs ?? 8000,
      language: opts.language ?? 'en',
    };
    for (const [k, v] of [
      ['connectTimeoutMs', this.#opts.connectTimeoutMs],
      ['responseTimeoutMs', this.#opts.responseTimeoutMs],
    ] as const) {
      if (!Number.isInteger(v) || v < 50 || v > 600_000)
        throw new HarkError(
          'HARK_ERR_WYOMING_CONFIG',
          `wyoming.asr.${k} is ${v}: use a whole number of ms in 50..600000`,
        );
    }
    this.health = new RemoteHealth(
      `Wyoming ASR server ${opts.uri}`,
      async () => {
        await probeTranscribe(this.addr, {
          connectTimeoutMs: this.#opts.connectTimeoutMs,
          responseTimeoutMs: this.#opts.responseTimeoutMs,
          what: 'Wyoming ASR server',
          language: this.#opts.language,
        });
      },
      opts.backoff,
    );
    this.health.on('change', (c) => this.emit('change', c));
    worker.on('fallback', (m: { id: number; error: WireError }) => this.#fallback(m.id, m.error));
    worker.on('failed', (e: HarkError) => {
      this.health.down(e);
      for (const { stream } of this.#open.values())
        if (!stream.local) stream.fail({ code: e.code, message: e.message });
    });
  }

  get state(): RemoteState {
    return this.health.state;
  }

  /** Probes the server once (at start-up, so an absent server is reported before the first utterance). */
  check(): Promise<RemoteState> {
    return this.health.check();
  }

  openStream(opts: StreamOptions): TranscriptionStream {
    if (this.health.state === 'down' || this.#worker.failed || opts.grammar === 'wake' || opts.afterWake) {
      this.counts.local++;
      return this.#local.openStream(opts);
    }
    this.counts.remote++;
    const id = this.#nextId++;
    const audio = new MessageChannel();
    const events = new MessageChannel();
    const stream = new RemoteStream(opts.boardId, audio.port1, events.port1, false);
    this.#open.set(id, { opts, stream });
    void stream.result.then(
      () => {
        if (!stream.local) this.health.up(); // the server itself answered
      },
      () => {},
    );
    void stream.result.finally(() => this.#open.delete(id)).catch(() => {});
    this.#worker
      .call(
        {
          op: 'asr-open',
          id,
          boardId: opts.boardId,
          host: this.addr.host,
          port: this.addr.port,
          connectTimeoutMs: this.#opts.connectTimeoutMs,
          responseTimeoutMs: this.#opts.responseTimeoutMs,
          language: this.#opts.language,
          grammar: opts.grammar,
          codec: opts.codec,
          sampleRate: opts.sampleRate,
          endOfSpeech: {
            silenceMs: opts.endOfSpeech?.silenceMs ?? 700,
            minSpeechMs: opts.endOfSpeech?.minSpeechMs ?? 300,
            maxMs: opts.endOfSpeech?.maxMs ?? 15000,
            finalizeOnSilence: opts.endOfSpeech?.finalizeOnSilence ?? false,
          },
          audioPort: audio.port2,
          eventPort: events.port2,
        },
        [audio.port2, events.port2],
      )
      .catch((e: HarkError) => stream.fail({ code: e.code, message: e.message }));
    return stream;
  }

  /** The server failed mid-utterance: mark it down and let pocketsphinx finish the utterance. */
  #fallback(id: number, error: WireError): void {
    const rec = this.#open.get(id);
    this.health.down(new HarkError(error.code, error.message));
    if (!rec || rec.stream.finished) {
      void this.#worker.call({ op: 'asr-drop', id, error }).catch(() => {});
      return;
    }
    this.counts.fallbacks++;
    let local: TranscriptionStream;
    try {
      local = this.#local.openStream(rec.opts);
    } catch (e) {
      const h = e as HarkError;
      void this.#worker
        .call({ op: 'asr-drop', id, error: { code: h.code, message: h.message } })
        .catch(() => {});
      return;
    }
    const { stream } = rec;
    stream.local = local;
    local.on('speech', (ev) => stream.deliver({ type: 'speech', ...ev }));
    local.on('level', (l) => stream.deliver({ type: 'level', ...l }));
    local.on('final', (t) => stream.deliver({ type: 'final', transcript: t }));
    local.on('error', (e: HarkError) => stream.fail({ code: e.code, message: e.message }));
    // A final that arrives only as the task's reply (no listener saw it) still settles the stream.
    local.result.then(
      (t) => stream.deliver({ type: 'final', transcript: t }),
      (e: HarkError) => stream.fail({ code: e.code, message: e.message }),
    );
    void this.#worker.call({ op: 'asr-fallback', id, port: local.port }, [local.port]).catch(() => {});
  }

  close(): void {
    this.health.close();
  }
}

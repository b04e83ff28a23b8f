/**
 * One board's Wyoming satellite server, inside the Wyoming worker: the TCP side of what Home
 * Assistant's Wyoming integration expects from a satellite (its `assist_satellite.py`, and
 * rhasspy/wyoming-satellite's event handler). Any connection may `describe` (Home Assistant probes
 * with a fresh one while its main connection lives); the connection that sent `run-satellite` last
 * is the server, and a newer one takes over from it. `ping` is answered here, in this thread, so a
 * main thread busy for seconds never looks like a dead satellite. Audio from Home Assistant (the
 * reply's speech, announcements) is gathered between `audio-start` and `audio-stop` and handed to
 * main once, transferred; mic audio goes up from the link's MessagePort without touching main.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { HarkError } from '../../base/errors.js';
import type { AudioRouteMessage } from '../link/audio-route.js';
import type { StreamEvent, Transcript } from '../transcription/types.js';
import { BoardAudioConverter } from './board-audio.js';
import type { WyomingEvent } from './codec.js';
import { WyomingConnection } from './connection.js';
import {
  type AudioFormat,
  audioChunk,
  audioStop,
  detection,
  PCM16_16K,
  pong,
  readAudioFormat,
  readError,
  readTranscript,
  runPipeline,
} from './events.js';
import { normalizeTranscript } from './remote-asr-stream.js';
import type { SatelliteInfo, WorkerOutput, WorkerRequest } from './worker-protocol.js';

type SatStream = Extract<WorkerRequest, { op: 'sat-stream' }>;

/** Longest reply audio gathered from Home Assistant: 10 MiB, about 4 minutes at 22.05 kHz. */
const MAX_REPLY_BYTES = 10 * 1024 * 1024;

const artifact = (name: string, description: string, version: string) => ({
  name,
  // Home Assistant shows the attribution; hark has no canonical web address to give yet.
  attribution: { name: 'hark', url: '' },
  installed: true,
  description,
  version,
});

/** The `info` event a board's satellite answers `describe` with (README "Info" fields). */
export function satelliteInfoEvent(info: SatelliteInfo): WyomingEvent {
  const a = (name: string, description: string) => artifact(name, description, info.version);
  return {
    type: 'info',
    data: {
      asr: [],
      tts: [],
      handle: [],
      intent: [],
      wake: info.wakeWords.length
        ? [
            {
              ...a('hark-wake', 'hark wake phrase (pocketsphinx, on the host)'),
              models: info.wakeWords.map((w) => ({
                ...a(w, `wake phrase "${w}"`),
                languages: ['en'],
                phrase: w,
              })),
            },
          ]
        : [],
      mic: [{ ...a('hark-mic', 'board microphone over USB serial'), mic_format: PCM16_16K }],
      snd: info.snd ? [{ ...a('hark-speaker', 'board speaker over USB serial'), snd_format: info.snd }] : [],
      satellite: {
        ...a(info.name, info.description),
        area: info.area ?? null,
        has_vad: true,
        active_wake_words: info.wakeWords,
        max_active_wake_words: info.wakeWords.length,
        supports_trigger: true,
      },
    },
  };
}

export class SatelliteServer {
  readonly boardId: string;
  #info: SatelliteInfo;
  readonly #post: (m: WorkerOutput) => void;
  readonly #server: Server;
  readonly #connections = new Set<WyomingConnection>();
  #active: WyomingConnection | undefined;
  #paused = false;
  #reply: { format: AudioFormat; parts: Uint8Array[]; bytes: number } | undefined;
  #up: UpStream | undefined;

  constructor(boardId: string, info: SatelliteInfo, post: (m: WorkerOutput) => void) {
    this.boardId = boardId;
    this.#info = info;
    this.#post = post;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  get clients(): number {
    return this.#connections.size;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new HarkError(
            'HARK_ERR_WYOMING_LISTEN',
            `board ${this.boardId}: cannot listen for Home Assistant on ${host}:${port} (${e.code ?? e.message}); set another wyoming satellite port for this board`,
            { cause: e, details: { boardId: this.boardId } },
          ),
        ),
      );
      this.#server.listen({ host, port }, () => {
        const addr = this.#server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  setInfo(info: SatelliteInfo): void {
    this.#info = info;
  }

  #accept(socket: Socket): void {
    const conn = new WyomingConnection(socket, {
      peer: `Home Assistant ${socket.remoteAddress}:${socket.remotePort}`,
    });
    this.#connections.add(conn);
    conn.on('event', (e: WyomingEvent) => this.#onEvent(conn, e));
    conn.on('close', (why: HarkError | undefined) => {
      this.#connections.delete(conn);
      if (why)
        this.#post({ kind: 'error', boardId: this.boardId, error: { code: why.code, message: why.message } });
      if (conn !== this.#active) return;
      this.#active = undefined;
      this.#reply = undefined;
      this.#up?.fail(
        new HarkError('HARK_ERR_WYOMING_CONNECT', `${conn.peer} disconnected during the utterance`),
      );
      this.#post({
        kind: 'sat-client',
        boardId: this.boardId,
        state: 'disconnected',
        peer: conn.peer,
        ...(why ? { reason: why.message } : {}),
      });
    });
  }

  #onEvent(conn: WyomingConnection, e: WyomingEvent): void {
    if (e.type === 'describe') {
      conn.send(satelliteInfoEvent(this.#info));
      return;
    }
    if (e.type === 'ping') {
      conn.send(pong(typeof e.data?.text === 'string' ? e.data.text : null));
      return;
    }
    if (e.type === 'pong') return;
    if (e.type === 'run-satellite') {
      if (this.#active && this.#active !== conn) this.#active.close(); // the newer connection takes over
      this.#active = conn;
      this.#paused = false;
      this.#post({ kind: 'sat-client', boardId: this.boardId, state: 'running', peer: conn.peer });
      return;
    }
    if (conn !== this.#active) return; // only the running server's events count
    try {
      this.#fromServer(e);
    } catch (err) {
      const h = err as HarkError;
      this.#post({
        kind: 'error',
        boardId: this.boardId,
        error: { code: h.code ?? 'HARK_ERR_WYOMING_PROTOCOL', message: h.message },
      });
    }
  }

  #fromServer(e: WyomingEvent): void {
    const peer = this.#active!.peer;
    switch (e.type) {
      case 'pause-satellite':
        this.#paused = true;
        this.#post({ kind: 'sat-client', boardId: this.boardId, state: 'paused', peer });
        return;
      case 'audio-start':
        this.#reply = { format: readAudioFormat(e, peer), parts: [], bytes: 0 };
        break;
      case 'audio-chunk': {
        const format = readAudioFormat(e, peer);
        this.#reply ??= { format, parts: [], bytes: 0 }; // tolerate a missing audio-start
        const pcm = e.payload ?? new Uint8Array(0);
        if (this.#reply.bytes + pcm.length > MAX_REPLY_BYTES)
          throw new HarkError(
            'HARK_ERR_WYOMING_PROTOCOL',
            `${peer}: reply audio longer than ${MAX_REPLY_BYTES} bytes; dropped`,
          );
        this.#reply.parts.push(pcm);
        this.#reply.bytes += pcm.length;
        return;
      }
      case 'audio-stop': {
        const r = this.#reply;
        this.#reply = undefined;
        if (!r || r.bytes === 0) break;
        const pcm = new Uint8Array(r.bytes);
        let at = 0;
        for (const p of r.parts) {
          pcm.set(p, at);
          at += p.length;
        }
        const durationMs = Math.round(
          (r.bytes / (r.format.width * r.format.channels) / r.format.rate) * 1000,
        );
        this.#post({ kind: 'sat-audio', boardId: this.boardId, format: r.format, pcm, durationMs });
        return;
      }
      case 'transcript':
        if (this.#up?.transcript(readTranscript(e, peer).text)) return;
        break;
      case 'voice-started':
      case 'voice-stopped':
        this.#up?.voice(e.type === 'voice-started' ? 'start' : 'end');
        break;
      case 'error':
        if (this.#up?.fail(remoteError(readError(e), peer))) return;
        break;
    }
    this.#post({ kind: 'sat-event', boardId: this.boardId, event: { type: e.type, data: e.data ?? {} } });
  }

  /** Sends a control event to the running server (dropped when none is connected). */
  send(event: WyomingEvent): boolean {
    return this.#active?.send(event) ?? false;
  }

  /** Mic audio of one utterance up to Home Assistant. */
  stream(req: SatStream): void {
    this.#up?.fail(new HarkError('HARK_ERR_WYOMING_PROTOCOL', 'superseded by a newer utterance'));
    const conn = this.#active;
    if (!conn || this.#paused) {
      req.eventPort.postMessage({
        type: 'error',
        error: {
          code: 'HARK_ERR_WYOMING_CONNECT',
          message: `board ${this.boardId}: no Home Assistant connected to its satellite`,
        },
      } satisfies StreamEvent);
      req.eventPort.close();
      req.audioPort.close();
      return;
    }
    const up = new UpStream(req, conn, () => {
      if (this.#up === up) this.#up = undefined;
    });
    this.#up = up;
    up.begin();
  }

  close(): Promise<void> {
    this.#up?.fail(new HarkError('HARK_ERR_WYOMING_CONNECT', 'the satellite server is closing'));
    for (const c of this.#connections) c.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const remoteError = (err: { text: string; code?: string }, peer: string) =>
  new HarkError('HARK_ERR_WYOMING_REMOTE', `${peer}: ${err.text}${err.code ? ` (${err.code})` : ''}`);

/** One utterance going up: detection / run-pipeline, chunks, audio-stop; Home Assistant's transcript back. */
class UpStream {
  readonly #r: SatStream;
  readonly #conn: WyomingConnection;
  readonly #done: () => void;
  readonly #converter: BoardAudioConverter;
  #stopped = false;
  #finished = false;
  #endedBy: Transcript['endedBy'] = 'end';
  #endAt = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(r: SatStream, conn: WyomingConnection, done: () => void) {
    this.#r = r;
    this.#conn = conn;
    this.#done = done;
    this.#converter = new BoardAudioConverter(r.codec, r.sampleRate, r.endOfSpeech);
  }

  begin(): void {
    if (this.#r.wakeWord) this.#conn.send(detection(this.#r.wakeWord));
    this.#conn.send(runPipeline(this.#r.run));
    this.#r.audioPort.on('message', (m: AudioRouteMessage) => this.#onAudio(m));
    this.#r.eventPort.on('message', (m: { type: string }) => {
      if (m.type === 'cancel') {
        this.#stop('end');
        this.#finish();
      }
    });
  }

  #onAudio(m: AudioRouteMessage): void {
    if (this.#finished || this.#stopped) return;
    if (m.kind === 'abort') {
      this.fail(new HarkError('HARK_ERR_TRANSCRIPTION_ABORTED', `stream aborted: ${m.reason}`));
      return;
    }
    if (m.kind === 'end') {
      this.#stop('end');
      return;
    }
    const c = this.#converter.chunk(m);
    for (const l of c.levels) this.#event({ type: 'level', ...l });
    this.#conn.send(audioChunk(PCM16_16K, c.pcm, c.timestampMs));
    for (const ev of c.vad) {
      this.#event({
        type: 'speech',
        state: ev.state,
        atMs: ev.atMs,
        ...(ev.reason ? { reason: ev.reason } : {}),
      });
      if (ev.state === 'end' && (ev.reason === 'max' || this.#r.endOfSpeech.finalizeOnSilence))
        this.#stop(ev.reason ?? 'silence');
    }
  }

  /** Home Assistant's own VAD: reported to the session like ours. */
  voice(state: 'start' | 'end'): void {
    this.#event({ type: 'speech', state, atMs: Math.round(this.#converter.audioMs) });
  }

  #stop(by: Transcript['endedBy']): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#endedBy = by;
    this.#endAt = performance.now();
    this.#conn.send(audioStop(Math.round(this.#converter.audioMs)));
    this.#timer = setTimeout(
      () =>
        this.fail(
          new HarkError(
            'HARK_ERR_WYOMING_TIMEOUT',
            `${this.#conn.peer} sent no transcript within ${this.#r.responseTimeoutMs} ms of the end of speech`,
          ),
        ),
      this.#r.responseTimeoutMs,
    );
  }

  /** Returns true when the transcript belonged to this utterance. */
  transcript(text: string): boolean {
    if (this.#finished) return false;
    const heard = normalizeTranscript(text);
    const t: Transcript = {
      text: heard,
      // Home Assistant judges its own transcript (and answers it): hark accepts what it reports.
      confidence: heard ? 1 : 0,
      verdict: heard ? 'accepted' : 'rejected',
      ...(heard ? {} : { rejectReason: 'no-speech' as const }),
      engine: 'wyoming',
      handledBy: 'homeassistant',
      grammar: 'homeassistant',
      audioMs: Math.round(this.#converter.audioMs),
      latencyMs: this.#stopped ? Math.max(0, performance.now() - this.#endAt) : 0,
      endedBy: this.#endedBy,
    };
    this.#event({ type: 'final', transcript: t });
    this.#finish();
    return true;
  }

  /** Ends the utterance with an error; true when it was still open. */
  fail(e: HarkError): boolean {
    if (this.#finished) return false;
    this.#event({ type: 'error', error: { code: e.code, message: e.message } });
    this.#finish();
    return true;
  }

  #event(ev: StreamEvent): void {
    if (!this.#finished) this.#r.eventPort.postMessage(ev);
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#timer);
    this.#r.audioPort.close();
    this.#r.eventPort.close();
    this.#done();
  }
}

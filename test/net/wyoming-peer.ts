/**
 * Wyoming peers for the tests, written from rhasspy/wyoming's README (Format, Event Types, Event Flow)
 * and Home Assistant's documented satellite flow — deliberately NOT using host/wyoming's codec, so a
 * bug there cannot hide behind the same bug here. Framing: one JSON header line, then `data_length`
 * bytes of JSON data, then `payload_length` bytes of payload (written with plain JSON.stringify, i.e.
 * not the reference's spacing, which a correct reader must accept as well).
 *
 * - {@link FakeAsrServer}: answers `describe` with an asr service; after `audio-stop` sends a
 *   `transcript` (or misbehaves on purpose: never answers, closes early, sends garbage).
 * - {@link FakeTtsServer}: answers `synthesize` with audio-start / audio-chunk… / audio-stop.
 * - {@link FakeHomeAssistant}: a client driving a satellite the way Home Assistant's Wyoming
 *   integration does: describe, run-satellite, pings, then per pipeline run transcribe /
 *   voice-started / voice-stopped / transcript / synthesize / TTS audio, waiting for `played`.
 */
import { EventEmitter } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface PeerEvent {
  type: string;
  data: Record<string, unknown>;
  payload?: Buffer;
}

/** A minimal reader/writer of the framing, from the README. */
export class PeerSocket extends EventEmitter {
  readonly socket: Socket;
  #buf = Buffer.alloc(0);
  #want: { header: Record<string, unknown>; data: number; payload: number } | undefined;
  readonly received: PeerEvent[] = [];

  constructor(socket: Socket) {
    super();
    this.socket = socket;
    socket.on('data', (b: Buffer) => this.#read(b));
    socket.on('error', () => {});
    socket.on('close', () => this.emit('close'));
  }

  #read(b: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, b]);
    for (;;) {
      if (!this.#want) {
        const nl = this.#buf.indexOf(10);
        if (nl < 0) return;
        const header = JSON.parse(this.#buf.subarray(0, nl).toString('utf8')) as Record<string, unknown>;
        this.#buf = this.#buf.subarray(nl + 1);
        this.#want = {
          header,
          data: Number(header.data_length ?? 0),
          payload: Number(header.payload_length ?? 0),
        };
      }
      const w = this.#want;
      if (this.#buf.length < w.data + w.payload) return;
      const inline = (w.header.data as Record<string, unknown> | undefined) ?? {};
      const extra =
        w.data > 0
          ? (JSON.parse(this.#buf.subarray(0, w.data).toString('utf8')) as Record<string, unknown>)
          : {};
      const e: PeerEvent = { type: String(w.header.type), data: { ...inline, ...extra } };
      if (w.payload > 0) e.payload = Buffer.from(this.#buf.subarray(w.data, w.data + w.payload));
      this.#buf = this.#buf.subarray(w.data + w.payload);
      this.#want = undefined;
      this.received.push(e);
      this.emit('event', e);
    }
  }

  send(type: string, data?: Record<string, unknown>, payload?: Buffer): void {
    const header: Record<string, unknown> = { type, version: '1.7.0' };
    const dataBytes = data && Object.keys(data).length ? Buffer.from(JSON.stringify(data)) : undefined;
    if (dataBytes) header.data_length = dataBytes.length;
    if (payload?.length) header.payload_length = payload.length;
    this.socket.write(
      Buffer.concat([
        Buffer.from(`${JSON.stringify(header)}\n`),
        dataBytes ?? Buffer.alloc(0),
        payload ?? Buffer.alloc(0),
      ]),
    );
  }

  /** Resolves with the next event of `type` (already received ones count from `from`). */
  next(type: string, timeoutMs = 20_000, from = this.received.length): Promise<PeerEvent> {
    return new Promise((resolve, reject) => {
      const found = this.received.slice(from).find((e) => e.type === type);
      if (found) return resolve(found);
      const timer = setTimeout(() => {
        this.off('event', on);
        reject(
          new Error(
            `no '${type}' within ${timeoutMs} ms; got ${this.received.map((e) => e.type).join(', ')}`,
          ),
        );
      }, timeoutMs);
      const on = (e: PeerEvent) => {
        if (e.type !== type) return;
        clearTimeout(timer);
        this.off('event', on);
        resolve(e);
      };
      this.on('event', on);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

const attribution = { name: 'test', url: '' };

/** Listens on a free loopback port; `port` once started. */
abstract class FakeServer extends EventEmitter {
  readonly server: Server;
  port = 0;
  readonly clients = new Set<PeerSocket>();
  connections = 0;

  constructor() {
    super();
    this.server = createServer((s) => {
      this.connections++;
      const p = new PeerSocket(s);
      this.clients.add(p);
      p.on('close', () => this.clients.delete(p));
      this.onClient(p);
      this.emit('client', p);
    });
  }

  protected abstract onClient(p: PeerSocket): void;

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get uri(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** Stops listening and drops every client (the server is "gone"). */
  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export type AsrBehaviour = 'answer' | 'never-answer' | 'close-after-stop' | 'garbage';

/** An utterance as the ASR server received it. */
export interface ReceivedUtterance {
  format: { rate: number; width: number; channels: number };
  audio: Buffer;
  language?: string;
  stoppedAt: number;
}

export class FakeAsrServer extends FakeServer {
  behaviour: AsrBehaviour = 'answer';
  /** The text of the next transcripts (shifted); when empty, `defaultText`. */
  texts: string[] = [];
  defaultText = 'turn the light on';
  readonly utterances: ReceivedUtterance[] = [];

  protected onClient(p: PeerSocket): void {
    let format: ReceivedUtterance['format'] | undefined;
    let language: string | undefined;
    const parts: Buffer[] = [];
    p.on('event', (e: PeerEvent) => {
      if (e.type === 'describe') {
        p.send('info', {
          asr: [
            {
              name: 'fake-asr',
              attribution,
              installed: true,
              description: 'test ASR',
              version: '1',
              models: [
                {
                  name: 'fake',
                  languages: ['en'],
                  attribution,
                  installed: true,
                  description: null,
                  version: '1',
                },
              ],
            },
          ],
        });
      } else if (e.type === 'transcribe') language = e.data.language as string | undefined;
      else if (e.type === 'audio-start')
        format = {
          rate: Number(e.data.rate),
          width: Number(e.data.width),
          channels: Number(e.data.channels),
        };
      else if (e.type === 'audio-chunk') parts.push(e.payload ?? Buffer.alloc(0));
      else if (e.type === 'audio-stop') {
        const u: ReceivedUtterance = {
          format: format ?? { rate: 0, width: 0, channels: 0 },
          audio: Buffer.concat(parts),
          stoppedAt: performance.now(),
          ...(language ? { language } : {}),
        };
        this.utterances.push(u);
        this.emit('utterance', u);
        if (this.behaviour === 'answer') {
          // A health probe (100 ms of silence) hears nothing; it does not use up a scripted text.
          const probe = u.audio.length === 3200 && u.audio.every((b) => b === 0);
          p.send('transcript', { text: probe ? '' : (this.texts.shift() ?? this.defaultText) });
          p.socket.end(); // like wyoming-faster-whisper: one request per connection
        } else if (this.behaviour === 'close-after-stop') p.close();
        else if (this.behaviour === 'garbage') p.socket.write('this is not a wyoming header\n');
      }
    });
  }
}

/** A 440 Hz tone as mono PCM16 bytes. */
export function tonePcm(rate: number, ms: number): Buffer {
  const n = Math.round((rate * ms) / 1000);
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++)
    b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  return b;
}

export class FakeTtsServer extends FakeServer {
  rate = 22050;
  replyMs = 400;
  behaviour: 'answer' | 'never-answer' = 'answer';
  readonly requests: string[] = [];

  protected onClient(p: PeerSocket): void {
    p.on('event', (e: PeerEvent) => {
      if (e.type === 'describe') {
        p.send('info', {
          tts: [
            {
              name: 'fake-tts',
              attribution,
              installed: true,
              description: 'test TTS',
              version: '1',
              voices: [],
            },
          ],
        });
      } else if (e.type === 'synthesize') {
        this.requests.push(String(e.data.text));
        if (this.behaviour !== 'answer') return;
        const fmt = { rate: this.rate, width: 2, channels: 1 };
        p.send('audio-start', fmt);
        const pcm = tonePcm(this.rate, this.replyMs);
        for (let at = 0; at < pcm.length; at += 2048) p.send('audio-chunk', fmt, pcm.subarray(at, at + 2048));
        p.send('audio-stop', {});
        p.socket.end();
      }
    });
  }
}

/** What the fake Home Assistant does for one pipeline run. */
export interface HaRun {
  transcript: string;
  /** Text of the spoken reply; undefined = no TTS (end stage handle). */
  reply?: string;
  replyMs?: number;
  /** Send an error instead of a transcript. */
  error?: { text: string; code: string };
}

/** Home Assistant's side of a satellite connection (assist_satellite.py's event flow). */
export class FakeHomeAssistant extends EventEmitter {
  peer!: PeerSocket;
  /** What to answer for the next pipeline runs (shifted). */
  runs: HaRun[] = [];
  /** Audio received per pipeline run. */
  readonly audio: { run: Record<string, unknown>; pcm: Buffer; detection?: string; chunks: number }[] = [];
  #current: { run: Record<string, unknown>; parts: Buffer[]; detection?: string; chunks: number } | undefined;
  #detection: string | undefined;

  static async connect(port: number): Promise<FakeHomeAssistant> {
    const ha = new FakeHomeAssistant();
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    ha.peer = new PeerSocket(socket);
    ha.peer.on('event', (e: PeerEvent) => ha.#onEvent(e));
    return ha;
  }

  /** describe → info, then run-satellite (what HA does after connecting). */
  async start(): Promise<PeerEvent> {
    const from = this.peer.received.length;
    this.peer.send('describe');
    const info = await this.peer.next('info', 10_000, from);
    this.peer.send('run-satellite');
    return info;
  }

  #onEvent(e: PeerEvent): void {
    switch (e.type) {
      case 'detection':
        this.#detection = String(e.data.name);
        return;
      case 'run-pipeline':
        this.#current = {
          run: e.data,
          parts: [],
          chunks: 0,
          ...(this.#detection ? { detection: this.#detection } : {}),
        };
        this.#detection = undefined;
        this.peer.send('transcribe', { language: 'en' });
        return;
      case 'audio-chunk':
        if (!this.#current) return;
        if (this.#current.chunks === 0) this.peer.send('voice-started', { timestamp: 0 });
        this.#current.chunks++;
        this.#current.parts.push(e.payload ?? Buffer.alloc(0));
        return;
      case 'audio-stop': {
        const c = this.#current;
        if (!c) return;
        this.#current = undefined;
        const pcm = Buffer.concat(c.parts);
        this.audio.push({
          run: c.run,
          pcm,
          chunks: c.chunks,
          ...(c.detection ? { detection: c.detection } : {}),
        });
        this.emit('utterance', this.audio.at(-1));
        const run = this.runs.shift() ?? { transcript: '' };
        this.peer.send('voice-stopped', { timestamp: Math.round(pcm.length / 32) });
        if (run.error) {
          this.peer.send('error', run.error);
          return;
        }
        this.peer.send('transcript', { text: run.transcript });
        if (run.reply !== undefined) this.speak(run.reply, run.replyMs ?? 500);
        return;
      }
      case 'ping':
        this.peer.send('pong', { text: e.data.text ?? null });
        return;
      default:
    }
  }

  /** TTS the way HA streams it: synthesize, audio-start, 2048-byte chunks at 22050 Hz, audio-stop. */
  speak(text: string, ms: number): void {
    this.peer.send('synthesize', { text, voice: { name: null, language: 'en' } });
    const fmt = { rate: 22050, width: 2, channels: 1 };
    this.peer.send('audio-start', { ...fmt, timestamp: 0 });
    const pcm = tonePcm(22050, ms);
    for (let at = 0; at < pcm.length; at += 2048)
      this.peer.send('audio-chunk', { ...fmt, timestamp: 0 }, pcm.subarray(at, at + 2048));
    this.peer.send('audio-stop', { timestamp: ms });
  }

  close(): void {
    this.peer.close();
  }
}

/** RMS of mono PCM16 bytes, dBFS. */
export function rmsDb(pcm: Buffer): number {
  let sum = 0;
  const n = Math.floor(pcm.length / 2);
  for (let i = 0; i < n; i++) sum += pcm.readInt16LE(i * 2) ** 2;
  return n ? 20 * Math.log10(Math.sqrt(sum / n) / 32768) : -100;
}

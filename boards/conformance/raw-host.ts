/**
 * A bare protocol host for conformance checks and board tests: a serial port (base/serial/tty-port),
 * the protocol's encoder and decoder, and nothing of hark's link — no pacing, no retries, no automatic
 * answers — so it can do what a real host never does on purpose: send malformed, oversized and
 * unpaced frames, repeat HELLO_ACKs, go silent. Every frame received is kept with its arrival time.
 */
import { EventEmitter } from 'node:events';
import { HarkError } from '../../base/errors.js';
import { type LinkPort, TtyPort } from '../../base/serial/tty-port.js';
import { MessageDecoder, type MessageStats } from '../../protocol/ts/message-decoder.js';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import {
  AudioCodecNames,
  type Hello,
  type HelloAck,
  type Message,
  type MessageOf,
  type MessageTypeName,
  PROTOCOL_MAJOR,
  PROTOCOL_MINOR,
} from '../../protocol/ts/messages.js';
import { DEFAULT_CHUNK_MS, drawHostSession } from '../../protocol/ts/rules.js';
import { KEEPALIVE_TOKEN_MIN } from './check.js';

export interface Received {
  message: Message;
  seq: number;
  /** performance.now() when it was decoded. */
  at: number;
}

/** A received message with its frame's seq and arrival time. */
export type Stamped<T extends MessageTypeName> = MessageOf<T> & { seq: number; at: number };

export interface RawHostOptions {
  /** Line rate (ignored by pseudo-terminals). Default 921600. */
  baudRate?: number;
  /** Keep DTR raised on close (no Arduino reset). Default true. */
  keepDtr?: boolean;
  /**
   * Every wait for a message is this many times longer. Default 1. For a simulated board on a loaded
   * machine, which runs slower than the wall clock; a real board needs none.
   */
  timeScale?: number;
}

/** A protocol host with no policy of its own. Emits 'message' (Received) and 'bytes' (Buffer). */
export class RawHost extends EventEmitter {
  readonly received: Received[] = [];
  /** Every byte the board sent, in order (for boot-text and delimiter checks). */
  readonly bytes: number[] = [];
  readonly enc = new MessageEncoder();
  private readonly dec = new MessageDecoder();
  private closed = false;
  /** Damaged-frame count when the first intact frame arrived (boot text before it is no fault). */
  private damageAtFirstFrame: number | undefined;

  private constructor(
    readonly path: string,
    private readonly port: LinkPort,
    private readonly timeScale: number,
  ) {
    super();
    port.on('data', (d: Buffer) => {
      for (const b of d) if (this.bytes.length < 1 << 20) this.bytes.push(b);
      this.emit('bytes', d);
      this.dec.push(d, (message, seq) => {
        this.damageAtFirstFrame ??= this.damaged();
        const r = { message, seq, at: performance.now() };
        this.received.push(r);
        this.emit('message', r);
      });
    });
    port.on('close', () => {
      this.closed = true;
      this.emit('close');
    });
  }

  /** Opens `path`; rejects with HARK_ERR_CONFORMANCE_PORT naming the port and the cause. */
  static async open(path: string, opts: RawHostOptions = {}): Promise<RawHost> {
    try {
      const port = await TtyPort.open(path, {
        baudRate: opts.baudRate ?? 921600,
        hupcl: !(opts.keepDtr ?? true),
      });
      return new RawHost(path, port, opts.timeScale ?? 1);
    } catch (e) {
      throw new HarkError('HARK_ERR_CONFORMANCE_PORT', `cannot open ${path}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  /** The decoder's counters (frames the board sent that arrived damaged). */
  get stats(): Readonly<MessageStats> {
    return this.dec.stats;
  }

  private damaged(): number {
    const s = this.dec.stats;
    return s.crcErrors + s.malformed + s.truncated + s.oversized + s.badPayload;
  }

  /** Frames from the board that arrived damaged since its first intact one. */
  damagedSinceFirstFrame(): number {
    return this.damageAtFirstFrame === undefined ? 0 : this.damaged() - this.damageAtFirstFrame;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Encodes and writes one message; resolves when the bytes reached the device. */
  send(m: Message): Promise<void> {
    return this.sendRaw(this.enc.encode(m));
  }

  /** Writes bytes as they are (garbage, hand-made frames, a leading 0x00). */
  sendRaw(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new HarkError('HARK_ERR_CONFORMANCE_PORT', `${this.path} is closed`));
        return;
      }
      this.port.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * The next message of `type` (received after `since`, default now) passing `pred`; rejects with
   * HARK_ERR_CONFORMANCE_TIMEOUT after `timeoutMs`, naming what it waited for.
   */
  next<T extends MessageTypeName>(
    type: T,
    opts: { pred?: (m: Stamped<T>) => boolean; timeoutMs?: number; since?: number; what?: string } = {},
  ): Promise<Stamped<T>> {
    const since = opts.since ?? performance.now();
    const pred = opts.pred ?? (() => true);
    const stamp = (r: Received): Stamped<T> => ({ ...(r.message as MessageOf<T>), seq: r.seq, at: r.at });
    const match = (r: Received) => r.at >= since && r.message.type === type && pred(stamp(r));
    const hit = this.received.find(match);
    if (hit) return Promise.resolve(stamp(hit));
    const timeoutMs = Math.round((opts.timeoutMs ?? 3000) * this.timeScale);
    return new Promise((resolve, reject) => {
      const on = (r: Received) => {
        if (!match(r)) return;
        cleanup();
        resolve(stamp(r));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new HarkError(
            'HARK_ERR_CONFORMANCE_TIMEOUT',
            `no ${opts.what ?? type} from ${this.path} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('message', on);
      };
      this.on('message', on);
    });
  }

  /** Messages of `type` received after `since`. */
  all<T extends MessageTypeName>(type: T, since = 0): Stamped<T>[] {
    return this.received
      .filter((r) => r.at >= since && r.message.type === type)
      .map((r) => ({ ...(r.message as MessageOf<T>), seq: r.seq, at: r.at }));
  }

  /** PING with `token` and wait for its PONG (frames are handled in order: a barrier). */
  async ping(token: number, timeoutMs = 3000): Promise<Stamped<'PONG'>> {
    const since = performance.now();
    await this.send({ type: 'PING', token });
    return this.next('PONG', { pred: (p) => p.token === token, timeoutMs, since, what: `PONG ${token}` });
  }

  /** A HELLO_ACK for `hello` as hark's host would send it, with a fresh session unless given. */
  ackFor(hello: Hello, over: Partial<HelloAck> = {}): HelloAck {
    const preferred = [
      AudioCodecNames.id('pcm16')!,
      AudioCodecNames.id('ima-adpcm')!,
      AudioCodecNames.id('ulaw')!,
    ];
    const audioCodec = (preferred.find((c) => (hello.micCodecs & (1 << c)) !== 0) ??
      0) as HelloAck['audioCodec'];
    return {
      type: 'HELLO_ACK',
      versionMajor: PROTOCOL_MAJOR,
      versionMinor: PROTOCOL_MINOR,
      features: hello.features,
      audioCodec,
      audioSampleRate: hello.micSampleRate,
      chunkMs: DEFAULT_CHUNK_MS,
      heartbeatMs: 1000,
      flags: 0,
      hostSession: newHostSession(),
      ...over,
    };
  }

  /**
   * Handshake: leading 0x00, PING token 0, wait for a HELLO (any seq), HELLO_ACK, then a PING barrier
   * so the board has processed the ACK. The host's own seq restarts at 0. With `known` (the HELLO of a
   * board already in READY), a board that does not answer PING 0 with HELLO within 1.5 s — a 1.0 board
   * in READY, SPEC §2.4.3 — is acknowledged anyway with that HELLO (a reconnect, §2.3.3).
   */
  async handshake(
    opts: { ack?: Partial<HelloAck>; timeoutMs?: number; known?: Hello & { seq: number } } = {},
  ): Promise<{ hello: Hello & { seq: number }; ack: HelloAck }> {
    const since = performance.now();
    this.enc.reset();
    await this.sendRaw(Uint8Array.of(0));
    await this.send({ type: 'PING', token: 0 });
    let hello: Hello & { seq: number };
    try {
      hello = await this.next('HELLO', { since, timeoutMs: opts.known ? 1500 : (opts.timeoutMs ?? 3000) });
    } catch (e) {
      if (!opts.known) throw e;
      hello = opts.known;
    }
    const ack = this.ackFor(hello, opts.ack);
    await this.send(ack);
    await this.ping(0x0c0ffee);
    return { hello, ack };
  }

  /**
   * Heartbeat PINGs every `intervalMs` (tokens from 0x80000000, never 0) so the board does not consider
   * the host gone while a person takes their time; returns the function that stops them.
   */
  /**
   * Resolves true once no byte has come from the board for `quietMs`, or false if it never fell quiet
   * within `maxMs`: a board between frames, so that whatever happens next (a reset) does not land
   * inside one.
   */
  lineQuiet(quietMs: number, maxMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let quiet: NodeJS.Timeout;
      const done = (v: boolean) => {
        clearTimeout(quiet);
        clearTimeout(limit);
        this.off('bytes', restart);
        resolve(v);
      };
      const restart = () => {
        clearTimeout(quiet);
        quiet = setTimeout(() => done(true), quietMs);
      };
      const limit = setTimeout(() => done(false), maxMs);
      this.on('bytes', restart);
      restart();
    });
  }

  keepAlive(intervalMs: number): () => void {
    let t = KEEPALIVE_TOKEN_MIN;
    const timer = setInterval(() => {
      t = t >= 0xffff_fffe ? KEEPALIVE_TOKEN_MIN : t + 1;
      this.send({ type: 'PING', token: t }).catch(() => {});
    }, intervalMs);
    return () => clearInterval(timer);
  }

  close(): Promise<void> {
    return this.port.close();
  }
}

/** A random non-zero host_session (SPEC §2.3.1). */
export const newHostSession = drawHostSession;

/**
 * Helpers shared by the link tests (and reusable by e2e tests): test audio, event waiting, an audio
 * collector, a raw pty peer for misbehaving boards, and a PING loop that measures a healthy board.
 */
import type { EventEmitter } from 'node:events';
import { closeSync, constants, openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { MessageChannel } from 'node:worker_threads';
import type { PcmAudio } from '../../base/audio/wav.js';
import type { AudioRouteMessage, LinkManager, MessageEvent } from '../../host/link/index.js';
import { MessageDecoder } from '../../protocol/ts/message-decoder.js';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import type { Message } from '../../protocol/ts/messages.js';

/** A recognisable test signal: a sweep, so every 20 ms chunk differs. */
export function sweep(seconds: number, rate = 16000): PcmAudio {
  const samples = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(9000 * Math.sin((i * i) / (rate * 40) + i / 7));
  return { sampleRate: rate, samples };
}

/**
 * Resolves with the first `event` whose payload passes `pred`; rejects after `timeoutMs`, naming
 * `what` (the event by default).
 */
export function waitFor<T = unknown>(
  em: EventEmitter,
  event: string,
  pred: (v: T) => boolean = () => true,
  timeoutMs = 15000,
  what = `'${event}'`,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      em.off(event, on);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const on = (v: T) => {
      if (!pred(v)) return;
      clearTimeout(timer);
      em.off(event, on);
      resolve(v);
    };
    em.on(event, on);
  });
}

/** The next message of `type` from any board on `link`; rejects after `timeoutMs`. */
export function nextMessage<T extends Message['type']>(
  link: LinkManager,
  type: T,
  timeoutMs = 10_000,
): Promise<Extract<Message, { type: T }>> {
  return waitFor<MessageEvent>(link, 'message', (e) => e.message.type === type, timeoutMs, type).then(
    (e) => e.message as Extract<Message, { type: T }>,
  );
}

/**
 * Resolves once the board has handled everything the host sent before: it answers a PING sent now
 * only after them (frames are handled in order). After open(), this means the board has the HELLO_ACK.
 */
export async function pingBarrier(link: LinkManager, boardId: string, token = 0x5eed): Promise<void> {
  const pong = waitFor<MessageEvent>(
    link,
    'message',
    (e) => e.boardId === boardId && e.message.type === 'PONG' && e.message.token === token,
    15000,
    `PONG ${token}`,
  );
  await link.send(boardId, { type: 'PING', token });
  await pong;
}

export interface CollectedStream {
  boardId: string;
  stream: number;
  chunks: Map<number, Uint8Array>;
  gaps: number;
  last: AudioRouteMessage | undefined;
  done: Promise<AudioRouteMessage>;
  /** Resolves when the first audio chunk arrived. */
  firstChunk: Promise<void>;
}

/**
 * Routes every stream that starts on `link` into a collector (as an ASR worker would consume it).
 * `keepData: false` keeps only the chunk indices (benchmarks: no audio piling up on main's heap).
 */
export function collectAudio(
  link: LinkManager,
  keepData = true,
): { streams: CollectedStream[]; stop(): void } {
  const empty = new Uint8Array(0);
  const streams: CollectedStream[] = [];
  const ports: { close(): void }[] = [];
  const on = ({ boardId, message }: MessageEvent) => {
    if (message.type !== 'AUDIO_START') return;
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    let finish!: (m: AudioRouteMessage) => void;
    let chunked!: () => void;
    const s: CollectedStream = {
      boardId,
      stream: message.stream,
      chunks: new Map(),
      gaps: 0,
      last: undefined,
      done: new Promise((r) => {
        finish = r;
      }),
      firstChunk: new Promise((r) => {
        chunked = r;
      }),
    };
    streams.push(s);
    port1.on('message', (m: AudioRouteMessage) => {
      if (m.kind === 'chunk') {
        s.chunks.set(m.chunk, keepData ? m.data : empty);
        s.gaps += m.gap;
        chunked();
      } else {
        s.last = m;
        port1.close();
        finish(m);
      }
    });
    link.routeAudio(boardId, message.stream, port2);
  };
  link.on('message', on);
  return {
    streams,
    stop() {
      link.off('message', on);
      for (const p of ports) p.close();
    },
  };
}

/** The PCM16 bytes chunk `i` of `audio` must carry (20 ms chunks, zero-padded past the end). */
export function expectedChunk(audio: PcmAudio, i: number, samplesPerChunk = 320): Uint8Array {
  const out = new Int16Array(samplesPerChunk);
  out.set(audio.samples.subarray(i * samplesPerChunk, (i + 1) * samplesPerChunk));
  return new Uint8Array(out.buffer);
}

/**
 * A raw pty peer that plays a board at the byte level, for the cases an emulator is too polite for: a
 * board that stops reading (its pty fills, as a hung USB-CDC firmware's endpoint does), floods, or
 * echoes. Opens the board end of a pty pair without the tty layer's blocking writes; reading can be
 * paused (`deaf`) so whatever the host sends stays unread in the kernel.
 *
 * ```ts
 * const pair = await PtyPair.create();
 * const peer = await RawPeer.open(pair.boardPath, { answerPings: true });
 * peer.send(helloForProfile(getProfile('emulated'), '0.1.0', 'deaf'));
 * peer.deaf(); // from now on nothing the host writes is read
 * ```
 */
export class RawPeer {
  private readonly rd: ReadStream;
  private readonly wr: WriteStream;
  private enc = new MessageEncoder();
  private readonly dec = new MessageDecoder();
  /** Messages the peer read from the host (while not deaf). */
  readonly received: Message[] = [];
  /** Answer the host's PINGs (token ≠ 0) with PONG, as firmware does. */
  answerPings: boolean;
  /** Echo every byte the host writes straight back (an echoing port). */
  echo: boolean;
  private closed = false;

  private readonly fds: number[];

  private constructor(
    fds: number[],
    opts: { answerPings?: boolean; echo?: boolean; rxBufferBytes?: number; bytesPerMs?: number },
  ) {
    this.answerPings = opts.answerPings ?? false;
    this.echo = opts.echo ?? false;
    this.rd = new ReadStream(fds[0]!);
    this.rd.setRawMode(true);
    this.wr = new WriteStream(fds[1]!);
    // Close later only what libuv did not take over (it re-opens a tty into a descriptor of its own).
    const handleFd = (st: object) => (st as { _handle?: { fd?: number } })._handle?.fd;
    this.fds = fds.filter((fd, i) => handleFd(i === 0 ? this.rd : this.wr) !== fd);
    (this.wr as unknown as { _handle: { setBlocking(b: boolean): void } })._handle.setBlocking(false);
    this.rd.on('data', (d: Buffer) => {
      if (this.echo) this.wr.write(Buffer.from(d));
      if (this.rx) this.buffer(d);
      else this.process(d);
    });
    if (opts.rxBufferBytes !== undefined) {
      this.rx = { capacity: opts.rxBufferBytes, perMs: opts.bytesPerMs ?? 16, bytes: [], timer: undefined };
    }
    this.rd.on('error', () => {});
    this.wr.on('error', () => {});
  }

  /** Bytes dropped because the small receive buffer was full (rxBufferBytes). */
  droppedBytes = 0;
  /** Most bytes ever waiting in the small receive buffer. */
  maxBufferedBytes = 0;
  private readonly rx:
    | { capacity: number; perMs: number; bytes: number[]; timer: NodeJS.Timeout | undefined }
    | undefined;

  /** Frames the peer could not decode (CRC, COBS, truncated). */
  get framesBad(): number {
    const st = this.dec.stats;
    return st.crcErrors + st.malformed + st.truncated + st.oversized + st.badPayload;
  }

  /** Called for every message the peer reads (to script a board's answers). */
  onMessage: ((m: Message) => void) | undefined;

  private process(d: Uint8Array): void {
    this.dec.push(d, (m) => {
      this.received.push(m);
      this.onMessage?.(m);
      if (this.answerPings && m.type === 'PING' && m.token !== 0) {
        this.send({
          type: 'PONG',
          token: m.token,
          uptimeMs: 0,
          rxFramesBad: this.framesBad,
          audioOverflows: 0,
        });
      }
    });
  }

  /**
   * A microcontroller's UART ring: bytes land in `capacity` bytes (the rest is lost, as on an Uno
   * whose loop is busy) and the firmware loop takes `perMs` bytes a millisecond out of it.
   */
  private buffer(d: Buffer): void {
    const rx = this.rx!;
    const room = rx.capacity - rx.bytes.length;
    for (let i = 0; i < Math.min(room, d.length); i++) rx.bytes.push(d[i]!);
    this.droppedBytes += Math.max(0, d.length - room);
    this.maxBufferedBytes = Math.max(this.maxBufferedBytes, rx.bytes.length);
    rx.timer ??= setInterval(() => {
      const take = rx.bytes.splice(0, rx.perMs);
      if (take.length) this.process(Uint8Array.from(take));
      if (rx.bytes.length === 0) {
        clearInterval(rx.timer);
        rx.timer = undefined;
      }
    }, 1);
  }

  /** Opens the board end `path` of a pty pair. */
  static async open(
    path: string,
    opts: {
      answerPings?: boolean;
      echo?: boolean;
      /** A small receive buffer that really drops (an Uno's 64-byte UART ring); default none. */
      rxBufferBytes?: number;
      /** How fast the board's loop empties that buffer. Default 16 bytes a millisecond. */
      bytesPerMs?: number;
    } = {},
  ): Promise<RawPeer> {
    const flags = constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK;
    return new RawPeer([openSync(path, flags), openSync(path, flags)], opts);
  }

  /** Sends one framed message (the peer's own seq counter). Never blocks. */
  send(m: Message): void {
    if (!this.closed) this.wr.write(this.enc.encode(m));
  }

  /** Restarts the peer's seq at 0 (its next frame looks like the first after a reset). */
  resetSeq(): void {
    this.enc = new MessageEncoder();
  }

  /** Sends raw bytes. */
  sendRaw(bytes: Uint8Array): void {
    if (!this.closed) this.wr.write(bytes);
  }

  /** Stops reading: what the host writes from now on stays in the pty (it fills, then the host's writes stall). */
  deaf(): void {
    this.rd.pause();
  }

  /** Reads again (what piled up arrives). */
  listen(): void {
    this.rd.resume();
  }

  /** Resolves with the first received message passing `pred` (already received ones count). */
  next(pred: (m: Message) => boolean, timeoutMs = 10_000, what = 'a message'): Promise<Message> {
    const seen = this.received.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.rd.off('data', check);
        reject(new Error(`raw peer: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        const hit = this.received.find(pred);
        if (!hit) return;
        clearTimeout(timer);
        this.rd.off('data', check);
        resolve(hit);
      };
      this.rd.on('data', check);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.rx) clearInterval(this.rx.timer);
    const done = (s: ReadStream | WriteStream) =>
      new Promise<void>((r) => {
        if (s.destroyed) return r();
        s.once('close', () => r());
        s.destroy();
      });
    await Promise.all([done(this.rd), done(this.wr)]);
    for (const fd of this.fds) closeSync(fd);
  }
}

/**
 * Measures a healthy board's answers while something else happens: a PING barrier every `everyMs`
 * (a load rate, not a wait: the link passes at most 200 events a second per board to main) until
 * `stop()`; resolves with the number of round trips and the longest gap between answers (ms). A round
 * trip that fails rejects (the healthy board was disturbed).
 */
export function pingLoop(
  link: LinkManager,
  boardId: string,
  everyMs = 20,
): { stop(): Promise<{ rounds: number; maxGapMs: number }> } {
  let running = true;
  let rounds = 0;
  let maxGapMs = 0;
  let last = performance.now();
  const loop = (async () => {
    let token = 0x7000;
    while (running) {
      await pingBarrier(link, boardId, token++);
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
      rounds++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { rounds, maxGapMs: Math.round(maxGapMs) };
    },
  };
}

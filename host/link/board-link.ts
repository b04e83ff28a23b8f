/**
 * One serial port in the link worker: open with the profile's line settings, discard boot noise until a
 * valid HELLO, handshake (with a classified timeout), heartbeat, dead-link detection, reconnect with
 * capped exponential backoff and an immediate retry when the device path reappears, writes that respect
 * drain and a bounded queue, per-link counters, audio routing and speaker playback.
 * State machine: connecting → handshaking → ready → disconnected → connecting …; failed is terminal.
 */
import type { FSWatcher } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { HarkError } from '../../base/errors.js';
import { type LinkPort, type OpenLinkPort, TtyPort } from '../../base/serial/tty-port.js';
import { getProfile, loadProfiles } from '../../boards/profiles/profile-loader.js';
import type { BoardProfile } from '../../boards/profiles/profile-schema.js';
import { encodeMessage } from '../../protocol/ts/message-codec.js';
import { MessageDecoder } from '../../protocol/ts/message-decoder.js';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import {
  ErrorCode,
  type Hello,
  MAX_PAYLOAD_BYTES,
  type Message,
  PROTOCOL_MAJOR,
  PROTOCOL_MINOR,
} from '../../protocol/ts/messages.js';
import { AudioStreams } from './audio-streams.js';
import { Backoff } from './backoff.js';
import { ackFor, chooseCodec, describeSilence } from './handshake.js';
import { Playback } from './playback.js';
import { watchForPath } from './port-watch.js';
import type { BoardInfo, LinkManagerOptions, LinkState, LinkStats, OpenTarget, PlayAudio } from './types.js';

export interface LinkCallbacks {
  state(link: BoardLink, state: LinkState, reason?: string): void;
  board(link: BoardLink, info: BoardInfo): void;
  message(link: BoardLink, message: Message): void;
  error(link: BoardLink, error: HarkError): void;
  audioAbort(link: BoardLink, stream: number, reason: string): void;
}

/** Board → main events a second (besides utterance boundaries), and the burst allowed. */
const MESSAGE_RATE = 200;
const MESSAGE_BURST = 400;

export class BoardLink {
  boardId: string;
  state: LinkState = 'connecting';
  hello: Hello | undefined;
  info: BoardInfo | undefined;
  private port: LinkPort | undefined;
  private readonly dec = new MessageDecoder();
  private readonly enc = new MessageEncoder();
  private readonly backoff: Backoff;
  private readonly profile: BoardProfile | undefined;
  private readonly audio: AudioStreams;
  readonly playback: Playback;
  private readonly counters = {
    bytesOut: 0,
    audioChunks: 0,
    audioGaps: 0,
    audioHeldDropped: 0,
    audioDiscarded: 0,
    reconnects: 0,
    heartbeatFailures: 0,
    lastRttMs: 0,
    messagesDropped: 0,
  };
  private eventTokens = MESSAGE_BURST;
  private eventTokensAt = performance.now();
  private writeQueueBytes = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private nudgeTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private opening: object | undefined;
  /** A version mismatch is being reported; ignore the board meanwhile. */
  private rejected = false;
  private pingToken = 0;
  private pingsOutstanding = 0;
  private pingSentAt = 0;
  private lastFrameAt = 0;
  /** First bytes seen during the handshake, for the timeout diagnosis. */
  private handshakeBytes: number[] = [];
  private handshakeFrames = 0;
  private everReady = false;
  private closed = false;
  private firstResult: { resolve: (i: BoardInfo) => void; reject: (e: HarkError) => void } | undefined;

  constructor(
    readonly target: OpenTarget,
    private readonly opts: Required<Omit<LinkManagerOptions, 'backoff'>> &
      Pick<LinkManagerOptions, 'backoff'>,
    private readonly cb: LinkCallbacks,
    private readonly openPort: OpenLinkPort = TtyPort.open,
  ) {
    this.boardId = target.path;
    this.profile = target.profile ? getProfile(target.profile) : undefined;
    this.backoff = new Backoff(opts.backoff);
    this.audio = new AudioStreams(opts.maxHeldAudioBytes, this.counters, (stream, reason) =>
      this.cb.audioAbort(this, stream, reason),
    );
    this.playback = new Playback(
      () => this.where(),
      (m) => this.send(m),
    );
  }

  /** Connects; resolves at the first handshake (rejects on its failure unless waitForBoard). */
  start(): Promise<BoardInfo> {
    const p = new Promise<BoardInfo>((resolve, reject) => {
      this.firstResult = { resolve, reject };
    });
    this.connect();
    return p;
  }

  private where(): string {
    return this.boardId === this.target.path
      ? `board on ${this.target.path}`
      : `board ${this.boardId} on ${this.target.path}`;
  }

  private setState(state: LinkState, reason?: string): void {
    this.state = state;
    this.cb.state(this, state, reason);
  }

  private connect(): void {
    if (this.closed) return;
    this.clearReconnect();
    this.setState('connecting');
    const baudRate = this.target.baudRate ?? this.profile?.serial.baudRate ?? 921600;
    const hupcl = this.profile?.serial.hupcl ?? false;
    const attempt = {};
    this.opening = attempt;
    this.openPort(this.target.path, { baudRate, hupcl }).then(
      (port) => {
        if (this.opening !== attempt || this.closed) {
          void port.close();
          return;
        }
        this.opening = undefined;
        this.port = port;
        port.on('data', (d: Buffer) => this.receive(d));
        port.on('close', () => {
          if (this.port !== port) return;
          this.port = undefined;
          this.lost(
            new HarkError('HARK_ERR_LINK_LOST', `${this.where()}: port closed (unplugged?); reconnecting`),
            'port closed',
          );
        });
        this.beginHandshake();
      },
      (err: Error) => {
        if (this.opening !== attempt) return;
        this.opening = undefined;
        const e = new HarkError('HARK_ERR_LINK_OPEN', `cannot open ${this.target.path}: ${err.message}`, {
          details: { path: this.target.path },
        });
        this.lost(e, 'open failed');
      },
    );
  }

  private beginHandshake(): void {
    this.setState('handshaking');
    this.rejected = false;
    this.dec.resync();
    this.hello = undefined;
    this.handshakeBytes = [];
    this.handshakeFrames = 0;
    const boot = this.profile?.serial.resetOnOpen ? this.profile.serial.bootDelayMs : 0;
    const timeout = this.opts.handshakeTimeoutMs + boot;
    // A board that booted long ago repeats HELLO every second anyway; a PING makes an un-acked board
    // answer at once (SPEC §2). Sent after the boot delay so a resetting bootloader does not eat it.
    this.nudgeTimer = setTimeout(() => this.writeControl({ type: 'PING', token: 0 }), boot + 100);
    this.handshakeTimer = setTimeout(() => {
      const msg = describeSilence(
        this.target.path,
        timeout,
        this.handshakeBytes,
        this.handshakeFrames,
        this.dec.stats,
        this.profile,
      );
      this.lost(
        new HarkError('HARK_ERR_LINK_HANDSHAKE', msg, { details: { path: this.target.path } }),
        'handshake timeout',
      );
    }, timeout);
  }

  private receive(d: Buffer): void {
    if (this.state === 'handshaking' && this.handshakeBytes.length < 256) {
      for (let i = 0; i < d.length && this.handshakeBytes.length < 256; i++) this.handshakeBytes.push(d[i]!);
    }
    // The decoder copies what it keeps, so serialport's shared read pool is never retained.
    this.dec.push(d, (m, seq) => this.onMessage(m, seq));
  }

  private onMessage(m: Message, seq: number): void {
    this.lastFrameAt = performance.now();
    if (this.state === 'handshaking') {
      if (this.rejected) return;
      this.handshakeFrames++;
      if (m.type === 'HELLO') this.onHello(m);
      return;
    }
    if (this.state !== 'ready') return;
    switch (m.type) {
      case 'AUDIO': {
        this.audio.chunk(m);
        return;
      }
      case 'AUDIO_START':
        this.audio.start(m);
        break;
      case 'AUDIO_END':
        this.audio.end(m);
        break;
      case 'PONG':
        this.pingsOutstanding = 0;
        if (m.token === this.pingToken) this.counters.lastRttMs = performance.now() - this.pingSentAt;
        break;
      case 'PING':
        this.writeControl({
          type: 'PONG',
          token: m.token,
          uptimeMs: Math.floor(performance.now()) >>> 0,
          rxFramesBad: 0,
          audioOverflows: 0,
        });
        return;
      case 'HELLO':
        if (seq !== 0) {
          // A repeat sent before our HELLO_ACK arrived, or a board that thinks we went away (it stopped its
          // capture and speaker): acknowledge again — which resets the board's speaker (SPEC §2) — without
          // counting a reconnect. Frames arrive in order, so no utterance can have begun after the HELLO.
          this.audio.abortAll('board re-handshake');
          this.playback.abort('board re-handshake');
          this.writeControl(ackFor(m, this.info?.codec ?? chooseCodec(m, this.profile), this.opts));
          return;
        }
        // seq 0: the board reset while connected; its utterance and playback are gone. Handshake again.
        this.audio.abortAll('board reset');
        this.playback.abort('board reset');
        this.onHello(m);
        return;
      case 'SPEAKER_CREDIT':
        this.playback.onCredit(m);
        break;
      default:
    }
    if (m.type !== 'AUDIO_START' && m.type !== 'AUDIO_END' && !this.takeEventToken()) {
      this.counters.messagesDropped++;
      return;
    }
    this.cb.message(this, m);
  }

  /**
   * A board that floods LOG, BUTTON or GPIO_STATE frames must not grow main's event queue without
   * limit (main may be blocked): a token bucket of MESSAGE_RATE events a second, MESSAGE_BURST deep.
   * Utterance boundaries are never dropped.
   */
  private takeEventToken(): boolean {
    const now = performance.now();
    this.eventTokens = Math.min(
      MESSAGE_BURST,
      this.eventTokens + ((now - this.eventTokensAt) * MESSAGE_RATE) / 1000,
    );
    this.eventTokensAt = now;
    if (this.eventTokens < 1) return false;
    this.eventTokens--;
    return true;
  }

  private onHello(h: Hello): void {
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.nudgeTimer);
    if (h.versionMajor !== PROTOCOL_MAJOR) {
      const told = this.write({
        type: 'ERROR',
        code: ErrorCode.VERSION_MISMATCH,
        message: `host speaks ${PROTOCOL_MAJOR}.${PROTOCOL_MINOR}`,
      });
      const e = new HarkError(
        'HARK_ERR_LINK_VERSION',
        `${this.target.path}: protocol version mismatch: board speaks ${h.versionMajor}.${h.versionMinor}, host speaks ${PROTOCOL_MAJOR}.${PROTOCOL_MINOR}; flash firmware built from this hark version`,
        { details: { path: this.target.path } },
      );
      // Fail once the board has been told: closing the port at once could cut the ERROR off.
      this.rejected = true;
      void told.catch(() => {}).finally(() => this.fail(e));
      return;
    }
    this.hello = h;
    const codec = chooseCodec(h, this.profile);
    this.enc.reset(); // SPEC §1: the host's seq starts at 0 after each handshake
    this.writeControl(ackFor(h, codec, this.opts));
    if (this.everReady) this.counters.reconnects++;
    this.everReady = true;
    this.backoff.reset();
    this.boardId = h.boardUid || this.target.path;
    const known = loadProfiles().has(h.boardModel);
    this.info = {
      boardId: this.boardId,
      path: this.target.path,
      profile: known ? h.boardModel : (this.target.profile ?? ''),
      hello: h,
      codec,
      sampleRate: h.micSampleRate,
      reconnects: this.counters.reconnects,
    };
    this.startHeartbeat();
    this.setState('ready');
    this.cb.board(this, this.info);
    this.firstResult?.resolve(this.info);
    this.firstResult = undefined;
  }

  private startHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.pingsOutstanding = 0;
    this.lastFrameAt = performance.now();
    const hb = this.opts.heartbeatMs;
    this.heartbeatTimer = setInterval(() => {
      const silentMs = performance.now() - this.lastFrameAt;
      if (this.pingsOutstanding >= 3 || silentMs > 3 * hb) {
        this.counters.heartbeatFailures++;
        const e = new HarkError(
          'HARK_ERR_LINK_LOST',
          `${this.where()}: no answer to PING for ${Math.round(silentMs)} ms; reconnecting`,
        );
        return this.lost(e, 'heartbeat lost');
      }
      this.pingToken = (this.pingToken + 1) >>> 0;
      this.pingsOutstanding++;
      this.pingSentAt = performance.now();
      this.writeControl({ type: 'PING', token: this.pingToken });
    }, hb);
  }

  /** The connection ended or never came up: tear down, report, and schedule a reconnect. */
  private lost(e: HarkError, reason: string): void {
    if (this.closed || this.state === 'failed') return;
    this.teardown(reason === 'port closed' ? 'disconnected' : reason);
    if (!this.everReady && !this.target.waitForBoard) {
      this.fail(e);
      return;
    }
    this.cb.error(this, e);
    this.setState('disconnected', reason);
    const delay = this.backoff.next();
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    // Hot-plug: retry at once when the device path comes back.
    this.watcher = watchForPath(this.target.path, () => this.connect());
  }

  /** Terminal: reported once, never retried. */
  private fail(e: HarkError): void {
    this.teardown('failed');
    this.setState('failed', e.message);
    if (this.firstResult) {
      this.firstResult.reject(e);
      this.firstResult = undefined;
    } else this.cb.error(this, e);
  }

  private teardown(reason: string): void {
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.nudgeTimer);
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.clearReconnect();
    this.audio.abortAll(reason);
    this.playback.abort(reason);
    const port = this.port;
    this.port = undefined;
    this.opening = undefined;
    void port?.close();
    this.writeQueueBytes = 0;
  }

  private clearReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Encodes and writes; resolves once serialport handed the bytes to the OS (drain). */
  send(m: Message): Promise<void> {
    if (this.state !== 'ready' || !this.port) {
      return Promise.reject(
        new HarkError('HARK_ERR_LINK_NOT_READY', `${this.where()} is ${this.state}; cannot send ${m.type}`),
      );
    }
    const max = this.hello?.maxRxPayload ?? MAX_PAYLOAD_BYTES;
    if (max < MAX_PAYLOAD_BYTES) {
      const n = encodeMessage(m).length; // only for small boards (an ATmega), where it matters
      if (n > max) {
        return Promise.reject(
          new HarkError(
            'HARK_ERR_PROTOCOL_ENCODE',
            `${this.where()}: ${m.type} has a ${n}-byte payload; the board accepts at most ${max} (max_rx_payload)`,
          ),
        );
      }
    }
    return this.write(m);
  }

  /**
   * A frame the link sends on its own (HELLO_ACK, PING, PONG). Nobody awaits it, and a failed write is
   * already handled where it matters: a lost PING or HELLO_ACK shows up as heartbeat or handshake
   * failure, and a port that closes mid-write reports itself through 'close'.
   */
  private writeControl(m: Message): void {
    this.write(m).catch(() => {});
  }

  private write(m: Message): Promise<void> {
    const port = this.port;
    if (!port) return Promise.resolve();
    let frame: Buffer;
    try {
      frame = this.enc.encode(m);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.writeQueueBytes + frame.length > this.opts.maxWriteQueueBytes) {
      return Promise.reject(
        new HarkError(
          'HARK_ERR_LINK_BACKPRESSURE',
          `${this.where()}: ${this.writeQueueBytes} bytes already queued; ${m.type} not sent`,
        ),
      );
    }
    this.writeQueueBytes += frame.length;
    this.counters.bytesOut += frame.length;
    return new Promise<void>((resolve, reject) => {
      port.write(frame, (err) => {
        if (this.port === port) this.writeQueueBytes -= frame.length;
        if (err)
          reject(new HarkError('HARK_ERR_LINK_NOT_READY', `${this.where()}: write failed: ${err.message}`));
        else resolve();
      });
    });
  }

  route(stream: number, port: MessagePort): void {
    this.audio.route(stream, port);
  }
  discard(stream: number): void {
    this.audio.discard(stream);
  }

  play(audio: PlayAudio): Promise<'finished' | 'stopped'> {
    if (this.state !== 'ready' || !this.hello) {
      return Promise.reject(
        new HarkError('HARK_ERR_LINK_NOT_READY', `${this.where()} is ${this.state}; cannot play`),
      );
    }
    return this.playback.play(this.hello, audio);
  }

  stats(): LinkStats {
    const s = this.dec.stats;
    return {
      boardId: this.boardId,
      path: this.target.path,
      state: this.state,
      framesOk: s.framesOk,
      framesBad: s.crcErrors + s.malformed + s.truncated + s.oversized + s.badPayload,
      unknownType: s.unknownType,
      framesLost: s.framesLost,
      bytesIn: s.bytes,
      bytesOut: this.counters.bytesOut,
      audioChunks: this.counters.audioChunks,
      audioGaps: this.counters.audioGaps,
      audioHeldDropped: this.counters.audioHeldDropped,
      audioDiscarded: this.counters.audioDiscarded,
      heldAudioBytes: this.audio.heldAudioBytes,
      writeQueueBytes: this.writeQueueBytes,
      reconnects: this.counters.reconnects,
      heartbeatFailures: this.counters.heartbeatFailures,
      lastRttMs: this.counters.lastRttMs,
      messagesDropped: this.counters.messagesDropped,
    };
  }

  /** Stops for good: audio streams aborted ('closed'), port closed, timers and watcher gone. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const port = this.port;
    this.port = undefined;
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.nudgeTimer);
    clearInterval(this.heartbeatTimer);
    this.clearReconnect();
    this.audio.abortAll('closed');
    this.playback.abort('closed');
    this.firstResult?.reject(
      new HarkError('HARK_ERR_LINK_WORKER', `link to ${this.target.path} closed before the handshake`),
    );
    this.firstResult = undefined;
    this.opening = undefined;
    await port?.close();
  }
}

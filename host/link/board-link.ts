/**
 * One board's link in the link worker, composed of single-job parts (host/link/board-link/):
 *   connection.ts        the state machine as a table, every transition logged "from X to Y on E"
 *   handshake-attempt.ts nudges (PING 0), the timeout, what arrived — for a timeout that says why
 *   heartbeat.ts         PING every heartbeatMs, loss after 3 unanswered, with the real silence
 *   frame-writer.ts      the bounded per-board queue, seq and framing, pacing, stall detection
 *   event-throttle.ts    what a flooding board may cost per second, with counts of what was refused
 * plus audio routing (audio-streams.ts) and speaker playback (playback.ts). This file wires them to a
 * port: open with the profile's line settings, handshake, serve, reconnect with backoff (or at once when
 * the device path reappears), and report each distinct failure once, on this board's name only.
 */
import type { FSWatcher } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { HarkError, isHarkError } from '../../base/errors.js';
import type { LinkPort, OpenLinkPort } from '../../base/serial/transport.js';
import { TtyPort } from '../../base/serial/tty-port.js';
import { getProfile, loadProfiles } from '../../boards/profiles/profile-loader.js';
import type { BoardProfile } from '../../boards/profiles/profile-schema.js';
import { encodeMessage } from '../../protocol/ts/message-codec.js';
import { MessageDecoder } from '../../protocol/ts/message-decoder.js';
import {
  type AudioCodecId,
  ErrorCode,
  type Hello,
  MAX_PAYLOAD_BYTES,
  type Message,
  PING_TOKEN_HELLO,
  PROTOCOL_MAJOR,
  PROTOCOL_MINOR,
} from '../../protocol/ts/messages.js';
import { AudioStreams } from './audio-streams.js';
import { Backoff } from './backoff.js';
import { Connection, type Transition } from './board-link/connection.js';
import { EventThrottle } from './board-link/event-throttle.js';
import { FrameWriter } from './board-link/frame-writer.js';
import { HandshakeAttempt } from './board-link/handshake-attempt.js';
import { describeHeartbeatLoss, Heartbeat, PingTokens } from './board-link/heartbeat.js';
import {
  ackFor,
  chooseCodec,
  describeHandshakeTimeout,
  newHostSession,
  rxWindowFor,
  shouldReack,
} from './handshake.js';
import { Playback } from './playback.js';
import { watchForPath } from './port-watch.js';
import {
  type BoardInfo,
  type LinkManagerOptions,
  type LinkState,
  type LinkStats,
  type OpenTarget,
  type PlayAudio,
  type ResolvedLinkOptions,
  resolveLinkOptions,
} from './types.js';

export interface LinkCallbacks {
  /** A reported state change (never the host's own close); `t` is the logged transition. */
  state(link: BoardLink, state: LinkState, reason?: string, t?: Transition): void;
  board(link: BoardLink, info: BoardInfo): void;
  message(link: BoardLink, message: Message): void;
  error(link: BoardLink, error: HarkError): void;
  audioAbort(link: BoardLink, stream: number, reason: string): void;
  /** Work the board caused that was refused in the last period (EventThrottle). */
  suppressed?(link: BoardLink, counts: Record<string, number>, periodMs: number): void;
}

export class BoardLink {
  boardId: string;
  hello: Hello | undefined;
  info: BoardInfo | undefined;
  readonly playback: Playback;
  private readonly opts: ResolvedLinkOptions;
  private readonly conn: Connection;
  private readonly dec = new MessageDecoder();
  private readonly tokens = new PingTokens();
  private readonly writer: FrameWriter;
  private readonly heartbeat: Heartbeat;
  private readonly throttle: EventThrottle;
  private readonly backoff: Backoff;
  private readonly profile: BoardProfile | undefined;
  private readonly audio: AudioStreams;
  private readonly counters = {
    audioChunks: 0,
    audioGaps: 0,
    audioHeldDropped: 0,
    audioDiscarded: 0,
    reconnects: 0,
    heartbeatFailures: 0,
    messagesDropped: 0,
  };
  private port: LinkPort | undefined;
  private attempt: HandshakeAttempt | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private healthyTimer: NodeJS.Timeout | undefined;
  private rejectTimer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private opening: object | undefined;
  /** A version mismatch is being reported; ignore the board meanwhile. */
  private rejected = false;
  private everReady = false;
  /** SPEC §2.3: this handshake's host_session, and when the last HELLO_ACK went out. */
  private hostSession = 0;
  private lastAckAt = 0;
  /** The host is closing this link: nothing from here on is an error. */
  private closing = false;
  /** Failures already reported since the last good handshake (each cause is said once). */
  private readonly reported = new Set<string>();
  private firstResult: { resolve: (i: BoardInfo) => void; reject: (e: HarkError) => void } | undefined;

  constructor(
    readonly target: OpenTarget,
    options: LinkManagerOptions,
    private readonly cb: LinkCallbacks,
    private readonly openPort: OpenLinkPort = TtyPort.open,
  ) {
    this.opts = resolveLinkOptions(options);
    this.boardId = target.path;
    this.profile = target.profile ? getProfile(target.profile) : undefined;
    this.backoff = new Backoff(this.opts.backoff);
    this.conn = new Connection((t) => {
      if (t.to !== 'closed') this.cb.state(this, t.to as LinkState, t.detail, t);
    });
    this.writer = new FrameWriter({
      maxQueueBytes: this.opts.maxWriteQueueBytes,
      maxInFlightBytes: this.opts.maxInFlightBytes,
      stallMs: this.opts.stallMs,
      where: () => this.where(),
      nextToken: () => this.tokens.next(),
      onStall: (e) => this.lost(e, 'stalled', 'stalled'),
    });
    this.heartbeat = new Heartbeat(this.opts.heartbeatMs, this.tokens, {
      sendPing: (token) => this.writer.sendControl({ type: 'PING', token }),
      lost: (silence) => {
        this.counters.heartbeatFailures++;
        this.lost(
          new HarkError(
            'HARK_ERR_LINK_LOST',
            `${this.where()}: ${describeHeartbeatLoss(silence)}; reconnecting`,
            { details: { unanswered: silence.unanswered, silentMs: Math.round(silence.sinceAnswerMs) } },
          ),
          'heartbeat lost',
          'heartbeat',
        );
      },
    });
    this.throttle = new EventThrottle((counts, periodMs) => this.cb.suppressed?.(this, counts, periodMs));
    this.audio = new AudioStreams(
      this.opts.maxHeldAudioBytes,
      this.counters,
      (stream, reason) => this.cb.audioAbort(this, stream, reason),
      this.opts.audioBatchMs,
    );
    this.playback = new Playback(
      () => this.where(),
      (m) => this.send(m),
      (stream) => this.writer.cancelSpeakerData(stream),
    );
  }

  get state(): LinkState {
    const s = this.conn.state;
    return s === 'closed' ? 'disconnected' : s;
  }

  /** Connects; resolves at the first handshake (rejects on its failure unless waitForBoard). */
  start(): Promise<BoardInfo> {
    const p = new Promise<BoardInfo>((resolve, reject) => {
      this.firstResult = { resolve, reject };
    });
    this.conn.fire('start');
    this.connect();
    return p;
  }

  private where(): string {
    return this.boardId === this.target.path
      ? `board on ${this.target.path}`
      : `board ${this.boardId} on ${this.target.path}`;
  }

  private connect(): void {
    if (this.closing) return;
    this.clearReconnect();
    if (this.conn.state === 'disconnected') this.conn.fire('retry');
    const baudRate = this.target.baudRate ?? this.profile?.serial.baudRate ?? 921600;
    const hupcl = this.profile?.serial.hupcl ?? false;
    const attempt = {};
    this.opening = attempt;
    this.openPort(this.target.path, { baudRate, hupcl }).then(
      (port) => {
        if (this.opening !== attempt || this.closing) {
          void port.close();
          return;
        }
        this.opening = undefined;
        this.onOpened(port);
      },
      (err: Error) => {
        if (this.opening !== attempt) return;
        this.opening = undefined;
        const e = isHarkError(err, 'HARK_ERR_LINK_OPEN')
          ? (err as HarkError)
          : new HarkError('HARK_ERR_LINK_OPEN', `cannot open ${this.target.path}: ${err.message}`, {
              cause: err,
              details: { path: this.target.path },
            });
        const errno = String(e.details?.errno ?? '');
        this.lost(e, 'open failed', `open:${errno || e.message}`);
      },
    );
  }

  private onOpened(port: LinkPort): void {
    this.port = port;
    this.writer.attach(port);
    port.on('data', (d: Buffer) => this.receive(d));
    port.on('close', () => {
      if (this.port !== port) return;
      this.port = undefined;
      this.lost(
        new HarkError('HARK_ERR_LINK_LOST', `${this.where()}: port closed (unplugged?); reconnecting`),
        'port closed',
        'port-closed',
      );
    });
    this.conn.fire('opened');
    // SPEC §1: a leading 0x00 ends whatever partial frame the board's decoder holds from before.
    this.writer.writeRaw(Uint8Array.of(0));
    this.beginHandshake();
  }

  private beginHandshake(): void {
    this.rejected = false;
    this.dec.resync();
    this.hello = undefined;
    const boot = this.profile?.serial.resetOnOpen ? this.profile.serial.bootDelayMs : 0;
    const timeout = this.opts.handshakeTimeoutMs + boot;
    this.attempt = new HandshakeAttempt(timeout, boot, {
      nudge: () => this.writer.sendControl({ type: 'PING', token: PING_TOKEN_HELLO }),
      timeout: (evidence) => {
        const msg = describeHandshakeTimeout(
          this.target.path,
          timeout,
          evidence,
          this.dec.stats,
          this.profile,
        );
        this.lost(
          new HarkError('HARK_ERR_LINK_HANDSHAKE', msg, { details: { path: this.target.path } }),
          'handshake timeout',
          `handshake:${msg.replace(/\d+/g, '#')}`,
        );
      },
    });
  }

  private receive(d: Buffer): void {
    this.attempt?.onBytes(d);
    // The decoder copies what it keeps, so the read buffer is never retained.
    this.dec.push(d, (m, seq) => this.onMessage(m, seq));
  }

  private onMessage(m: Message, seq: number): void {
    this.heartbeat.onFrame();
    const state = this.conn.state;
    if (state === 'handshaking') {
      if (this.rejected) return;
      this.attempt?.onMessage(m);
      if (m.type === 'HELLO') this.onHello(m, false);
      return;
    }
    if (state !== 'ready') return;
    switch (m.type) {
      case 'AUDIO':
        this.audio.chunk(m);
        return;
      case 'AUDIO_START':
        this.audio.start(m);
        this.cb.message(this, m); // utterance boundaries are never throttled
        return;
      case 'AUDIO_END':
        this.audio.end(m);
        this.cb.message(this, m);
        return;
      case 'PONG': {
        const barrier = this.writer.onPong(m.token);
        if (barrier || m.token !== 0) this.heartbeat.onAnswer(m.token);
        break;
      }
      case 'PING':
        if (this.throttle.allow('pong', 'PING not answered')) {
          this.writer.sendControl({
            type: 'PONG',
            token: m.token,
            uptimeMs: Math.floor(performance.now()) >>> 0,
            rxFramesBad: this.framesBad() & 0xffff, // SPEC 1.1 §7: the real count
            audioOverflows: 0,
          });
        }
        return;
      case 'HELLO':
        this.onRepeatedHello(m, seq);
        return;
      case 'SPEAKER_CREDIT':
        this.playback.onCredit(m);
        break;
      default:
    }
    if (!this.throttle.allow('event', m.type, m.type)) {
      this.counters.messagesDropped++;
      return;
    }
    this.cb.message(this, m);
  }

  /** HELLO while ready: a repeat of this session, or (seq 0) a board that reset. */
  private onRepeatedHello(h: Hello, seq: number): void {
    if (!this.throttle.allow('hello', 'HELLO ignored')) return; // a HELLO storm costs a count
    // Either way the board is waiting for an ACK: it stopped its capture and speaker (SPEC §2).
    this.audio.abortAll(seq === 0 ? 'board reset' : 'board re-handshake');
    this.playback.abort(seq === 0 ? 'board reset' : 'board re-handshake');
    if (seq === 0) {
      if (this.throttle.allow('handshake', 'HELLO (board reset) ignored')) this.onHello(h, true);
      return;
    }
    // A repeat sent before our HELLO_ACK arrived (a queued burst is answered once), or a board that
    // thinks we went away: acknowledge again with the same session, without counting a reconnect.
    if (!shouldReack(performance.now() - this.lastAckAt)) return;
    if (this.throttle.allow('ack', 'HELLO_ACK not re-sent'))
      this.sendAck(h, this.info?.codec ?? chooseCodec(h, this.profile));
  }

  private sendAck(h: Hello, codec: AudioCodecId): void {
    this.lastAckAt = performance.now();
    this.writer.sendControl(ackFor(h, codec, this.opts, this.hostSession));
  }

  private onHello(h: Hello, reset: boolean): void {
    this.attempt?.stop();
    this.attempt = undefined;
    if (h.versionMajor !== PROTOCOL_MAJOR) {
      this.rejectVersion(h);
      return;
    }
    this.hello = h;
    const codec = chooseCodec(h, this.profile);
    if (reset) this.writer.newSession(this.lostError('board reset'));
    this.writer.setWindow(rxWindowFor(h));
    this.hostSession = newHostSession(); // a new session for every handshake (SPEC §2.3.1)
    this.sendAck(h, codec);
    if (this.everReady) this.counters.reconnects++;
    this.everReady = true;
    clearTimeout(this.healthyTimer);
    // Healthy after a while ready: the backoff starts over and a cause may be reported again.
    this.healthyTimer = setTimeout(() => {
      this.backoff.reset();
      this.reported.clear();
    }, this.opts.healthyAfterMs);
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
    this.heartbeat.start();
    this.conn.fire(reset ? 'reset' : 'hello', reset ? 'HELLO with seq 0: the board reset' : undefined);
    this.cb.board(this, this.info);
    this.firstResult?.resolve(this.info);
    this.firstResult = undefined;
  }

  private rejectVersion(h: Hello): void {
    this.rejected = true;
    const e = new HarkError(
      'HARK_ERR_LINK_VERSION',
      `${this.where()}: protocol version mismatch: the board speaks ${h.versionMajor}.${h.versionMinor}, host speaks ${PROTOCOL_MAJOR}.${PROTOCOL_MINOR}. Flash firmware built from this hark version (firmware/README.md), or run the hark version that matches the board`,
      { details: { path: this.target.path, boardMajor: h.versionMajor, boardMinor: h.versionMinor } },
    );
    // Fail once the board has been told (closing at once could cut the ERROR off) — but never wait for
    // a board that does not read.
    const fail = () => {
      clearTimeout(this.rejectTimer);
      if (this.rejected) this.fail(e);
    };
    this.writer
      .send({
        type: 'ERROR',
        code: ErrorCode.VERSION_MISMATCH,
        message: `host speaks ${PROTOCOL_MAJOR}.${PROTOCOL_MINOR}`,
      })
      .then(fail, fail);
    this.rejectTimer = setTimeout(fail, 500);
  }

  private lostError(reason: string): HarkError {
    return new HarkError('HARK_ERR_LINK_LOST', `${this.where()}: ${reason}; the frame was not sent`);
  }

  /** The connection ended or never came up: tear down, report (once per cause), reconnect. */
  private lost(e: HarkError, reason: string, key: string): void {
    if (this.closing || !this.conn.can('lost')) return;
    this.teardown(reason, e);
    if (!this.everReady && !this.target.waitForBoard) {
      this.fail(e);
      return;
    }
    this.conn.fire('lost', reason);
    this.scheduleReconnect(String(e.details?.errno ?? ''));
    this.report(e, key);
  }

  private scheduleReconnect(errno: string): void {
    // Hot-plug: retry at once when the device path (re)appears or changes (udev fixing permissions).
    this.watcher = watchForPath(this.target.path, () => this.connect());
    // A device that does not exist is waited for, not retried: its appearance is an event.
    if (errno === 'ENOENT' && this.watcher) return;
    this.reconnectTimer = setTimeout(() => this.connect(), this.backoff.next());
  }

  /** Reports `e` unless the same cause was reported since the last good handshake (then counts it). */
  private report(e: HarkError, key: string): void {
    const k = `${e.code}|${key}`;
    if (this.reported.has(k)) {
      this.throttle.count(`${e.code} again`);
      return;
    }
    if (!this.throttle.allow('error', `${e.code} not reported`)) return;
    this.reported.add(k);
    if (e.details?.errno === 'ENOENT' && this.watcher) {
      e = new HarkError(e.code, `${e.message}; waiting for it to appear`, { details: { ...e.details } });
    }
    this.cb.error(this, e);
  }

  /** Terminal: reported once (as an error event and to open()'s caller), never retried. */
  private fail(e: HarkError): void {
    this.teardown('failed', e);
    this.conn.fire('fatal', e.message);
    this.cb.error(this, e);
    this.firstResult?.reject(e);
    this.firstResult = undefined;
  }

  /** Everything a connection holds goes; `e` is what senders of dropped frames hear (none when closing). */
  private teardown(reason: string, e: HarkError | undefined): void {
    this.attempt?.stop();
    this.attempt = undefined;
    this.heartbeat.stop();
    clearTimeout(this.healthyTimer);
    clearTimeout(this.rejectTimer);
    this.rejected = false;
    this.clearReconnect();
    this.audio.abortAll(reason === 'port closed' ? 'disconnected' : reason);
    this.playback.abort(reason, e === undefined);
    this.writer.detach(e);
    const port = this.port;
    this.port = undefined;
    this.opening = undefined;
    void port?.close();
  }

  private clearReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Encodes and queues `m`; resolves once it was handed to the OS. While closing, resolves at once. */
  send(m: Message): Promise<void> {
    if (this.closing) return Promise.resolve();
    if (this.conn.state !== 'ready' || !this.port) {
      return Promise.reject(
        new HarkError(
          'HARK_ERR_LINK_NOT_READY',
          `${this.where()} is not connected (${this.conn.state}); ${m.type} was not sent`,
        ),
      );
    }
    let payload: Uint8Array;
    try {
      payload = encodeMessage(m); // once: its length is checked here, the writer frames it
    } catch (e) {
      return Promise.reject(e);
    }
    const max = Math.min(this.hello?.maxRxPayload ?? MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES);
    if (payload.length > max) {
      return Promise.reject(
        new HarkError(
          'HARK_ERR_PROTOCOL_ENCODE',
          `${this.where()}: ${m.type} has a ${payload.length}-byte payload; the board accepts at most ${max} (max_rx_payload)`,
        ),
      );
    }
    return this.writer.send(m, payload);
  }

  route(stream: number, port: MessagePort): void {
    this.audio.route(stream, port);
  }
  discard(stream: number): void {
    this.audio.discard(stream);
  }

  play(audio: PlayAudio): Promise<'finished' | 'stopped'> {
    if (this.conn.state !== 'ready' || !this.hello) {
      return Promise.reject(
        new HarkError(
          'HARK_ERR_LINK_NOT_READY',
          `${this.where()} is not connected (${this.conn.state}); cannot play`,
        ),
      );
    }
    return this.playback.play(this.hello, audio);
  }

  private framesBad(): number {
    const s = this.dec.stats;
    return s.crcErrors + s.malformed + s.truncated + s.oversized + s.badPayload;
  }

  stats(): LinkStats {
    const s = this.dec.stats;
    const w = this.writer.stats;
    return {
      boardId: this.boardId,
      path: this.target.path,
      state: this.state,
      framesOk: s.framesOk,
      framesBad: this.framesBad(),
      unknownType: s.unknownType,
      framesLost: s.framesLost,
      bytesIn: s.bytes,
      bytesOut: w.bytesOut,
      audioChunks: this.counters.audioChunks,
      audioGaps: this.counters.audioGaps,
      audioHeldDropped: this.counters.audioHeldDropped,
      audioDiscarded: this.counters.audioDiscarded,
      heldAudioBytes: this.audio.heldAudioBytes,
      writeQueueBytes: w.queuedBytes + w.inFlightBytes,
      reconnects: this.counters.reconnects,
      heartbeatFailures: this.counters.heartbeatFailures,
      lastRttMs: this.heartbeat.lastRttMs,
      messagesDropped: this.counters.messagesDropped,
      framesDroppedOut: w.framesDropped,
      stalls: w.stalls,
      rxWindowBytes: w.windowBytes,
      pacingBarriers: w.barriers,
      maxUnprovenBytes: w.maxUnprovenBytes,
    };
  }

  /**
   * Releases a link whose device vanished for good (the port watcher saw it removed): main hears
   * 'disconnected' (reason 'device removed') if it was connected, then the link closes.
   */
  async release(): Promise<void> {
    if (!this.closing && this.conn.can('lost')) {
      this.teardown('device removed', undefined);
      this.conn.fire('lost', 'device removed');
    }
    await this.close();
  }

  /** Stops for good: audio streams aborted ('closed'), port closed, timers and watcher gone. No errors. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const port = this.port;
    this.teardown('closed', undefined);
    this.conn.fire('close');
    this.throttle.stop();
    this.firstResult?.reject(
      new HarkError(
        'HARK_ERR_LINK_CLOSED',
        `the link to ${this.target.path} was closed before the board connected`,
      ),
    );
    this.firstResult = undefined;
    await port?.close();
  }
}

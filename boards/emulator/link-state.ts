/**
 * The emulated board's end of the handshake, as the firmware core does it (firmware/core/device/
 * hark_device.c) and SPEC §2 states it: AWAIT_ACK (HELLO now and every second) ⇄ READY, host sessions
 * (a HELLO_ACK of the session in force is a duplicate; another one, or session 0, a reconnect), PING
 * token 0 → PONG then HELLO in either state, and the host considered gone after 3 silent heartbeats.
 * The transitions are data (TRANSITIONS); each one is logged "from X to Y" as the firmware logs it.
 */
import {
  AudioCodecNames,
  ErrorCode,
  type HelloAck,
  HelloAckFlag,
  type Message,
  PING_TOKEN_HELLO,
  PROTOCOL_MAJOR,
} from '../../protocol/ts/messages.js';
import {
  DEFAULT_CHUNK_MS,
  DEFAULT_HEARTBEAT_MS,
  HELLO_INTERVAL_MS,
  HOST_GONE_HEARTBEATS,
} from '../../protocol/ts/rules.js';
import { HOST_GONE_LOG, HOST_RECONNECTED_LOG, type LinkStateName, transitionLog } from './board-log.js';

export type LinkEvent = 'ack' | 'duplicate-ack' | 'reconnect-ack' | 'host-gone' | 'reset';

/** The link's state machine: from, event → to. Anything not listed is not a transition. */
export const TRANSITIONS: readonly { from: LinkStateName; on: LinkEvent; to: LinkStateName; note: string }[] =
  [
    { from: 'AWAIT_ACK', on: 'ack', to: 'READY', note: 'any HELLO_ACK (SPEC §2.3.4)' },
    { from: 'READY', on: 'duplicate-ack', to: 'READY', note: 'same host_session: ignored (§2.3.2)' },
    { from: 'READY', on: 'reconnect-ack', to: 'READY', note: 'another session or 0: reset (§2.3.3)' },
    { from: 'READY', on: 'host-gone', to: 'AWAIT_ACK', note: 'no frame for 3 heartbeats (§2.5)' },
    { from: 'READY', on: 'reset', to: 'AWAIT_ACK', note: 'power-on, replug' },
    { from: 'AWAIT_ACK', on: 'reset', to: 'AWAIT_ACK', note: 'power-on' },
  ];

export interface LinkStateHost {
  send(m: Message): void;
  sendHello(): void;
  /** The HELLO_ACK's codec is one the board offers (else the board uses its default). */
  offers(codec: number): boolean;
  defaultCodec(): number;
  /** Stop capture (AUDIO_END reason 5), speaker (credit state 2), GPIO reports, tones. */
  resetHostFacing(why: 'reconnect' | 'host-gone'): void;
  /** The LOG frames of dump_config for the session now in force. */
  dumpConfig(ack: HelloAck): void;
  /** Board counters for PONG. */
  pong(token: number): Message;
  emit(event: string, payload?: unknown): void;
  helloIntervalMs(): number;
}

export class LinkState {
  state: LinkStateName = 'AWAIT_ACK';
  /** The HELLO_ACK in force (undefined in AWAIT_ACK), with the codec the board really streams. */
  ack: HelloAck | undefined;
  private helloTimer: NodeJS.Timeout | undefined;
  private hostGoneTimer: NodeJS.Timeout | undefined;

  /** `minor`: the protocol minor version the board behaves as (0: a 1.0 board, SPEC §2.1.5). */
  constructor(
    private readonly host: LinkStateHost,
    private readonly minor = 1,
  ) {}

  private go(on: LinkEvent): void {
    const t = TRANSITIONS.find((x) => x.from === this.state && x.on === on);
    if (!t) throw new Error(`emulated board: no link transition from ${this.state} on ${on}`);
    const from = this.state;
    this.state = t.to;
    // The firmware logs a change as a LOG frame only while READY (hark_device_log_ram), so the
    // transition into AWAIT_ACK is not sent, the one into READY is.
    if (from !== t.to && t.to === 'READY') this.host.send(transitionLog('link', from, t.to));
    if (from !== t.to) this.host.emit('link-state', { from, to: t.to, on });
  }

  /** Power-on: AWAIT_ACK, HELLO now and every second. */
  boot(): void {
    this.stop();
    this.ack = undefined;
    this.go('reset');
    this.startHello();
  }

  /** Timers off (close, unplug). */
  stop(): void {
    clearInterval(this.helloTimer);
    clearTimeout(this.hostGoneTimer);
    this.helloTimer = undefined;
    this.hostGoneTimer = undefined;
  }

  /** Every frame from the host restarts the host-gone clock (SPEC §2.5.1). */
  heard(): void {
    if (this.state === 'READY') this.armHostGone();
  }

  onAck(m: HelloAck): void {
    if (m.versionMajor !== PROTOCOL_MAJOR) {
      this.host.send({
        type: 'ERROR',
        code: ErrorCode.VERSION_MISMATCH,
        message: `protocol version mismatch: board speaks ${PROTOCOL_MAJOR}.x`,
      });
      return;
    }
    const sessions = this.minor >= 1; // a 1.0 board knows no host_session: every ACK in READY resets
    if (
      sessions &&
      this.state === 'READY' &&
      m.hostSession !== 0 &&
      m.hostSession === this.ack?.hostSession
    ) {
      this.go('duplicate-ack');
      this.host.emit('duplicate-ack', m);
      this.armHostGone();
      return;
    }
    const reconnect = this.state === 'READY';
    if (reconnect) {
      this.host.send(HOST_RECONNECTED_LOG);
      this.host.resetHostFacing('reconnect');
    }
    let codec = m.audioCodec;
    if (!this.host.offers(codec)) {
      this.host.send({
        type: 'ERROR',
        code: ErrorCode.UNSUPPORTED,
        message: `audio_codec ${AudioCodecNames.name(codec) ?? codec} not offered; using the board default`,
      });
      codec = this.host.defaultCodec() as HelloAck['audioCodec'];
    }
    this.ack = {
      ...m,
      audioCodec: codec,
      chunkMs: m.chunkMs || DEFAULT_CHUNK_MS,
      heartbeatMs: m.heartbeatMs || DEFAULT_HEARTBEAT_MS,
    };
    clearInterval(this.helloTimer);
    this.helloTimer = undefined;
    this.go(reconnect ? 'reconnect-ack' : 'ack');
    this.armHostGone();
    this.host.dumpConfig(this.ack);
    this.host.emit('ack', m);
  }

  /** PING → PONG; token 0, or any PING before HELLO_ACK, is also answered with HELLO (SPEC §2.4.1). */
  onPing(token: number): void {
    this.host.send(this.host.pong(token));
    const asks = token === PING_TOKEN_HELLO && this.minor >= 1; // 1.0: HELLO only before HELLO_ACK
    if (asks || this.state !== 'READY') this.host.sendHello();
    this.host.emit('ping', token);
  }

  /** True when HELLO_ACK allows the board's VAD to end utterances (SPEC §9.3). */
  get boardVadMayEnd(): boolean {
    return ((this.ack?.flags ?? 0) & HelloAckFlag.BOARD_VAD_MAY_END) !== 0;
  }

  private startHello(): void {
    clearInterval(this.helloTimer);
    this.host.sendHello();
    this.helloTimer = setInterval(() => this.host.sendHello(), this.host.helloIntervalMs());
  }

  private armHostGone(): void {
    clearTimeout(this.hostGoneTimer);
    const limit = HOST_GONE_HEARTBEATS * (this.ack?.heartbeatMs || DEFAULT_HEARTBEAT_MS);
    this.hostGoneTimer = setTimeout(() => this.hostGone(), limit);
  }

  /** SPEC §2.5.2: log, end capture (reason 5), stop speaker, reports off, AWAIT_ACK, HELLO. */
  private hostGone(): void {
    this.host.send(HOST_GONE_LOG);
    this.host.resetHostFacing('host-gone');
    this.go('host-gone');
    this.ack = undefined;
    this.host.emit('host-gone');
    this.startHello();
  }
}

/** The default HELLO interval (SPEC §2.2.1). */
export const DEFAULT_HELLO_INTERVAL_MS = HELLO_INTERVAL_MS;

/**
 * One handshake attempt on an open port: the nudges, the timeout, and what arrived meanwhile, so a
 * timeout can say why (handshake.ts `describeHandshakeTimeout`).
 *
 * Nudge (SPEC §2.4): PING token 0 ("who are you?") after the profile's boot delay, then every second
 * until HELLO. A 1.1 board answers PONG and HELLO whether or not an earlier host acknowledged it. A 1.0
 * board acknowledged by an earlier host answers only PONG and comes back by itself after 3 heartbeats
 * with no frame from the host — so once a nudge got a PONG and no HELLO followed, the nudges stop for
 * this attempt: each of them would otherwise keep that board's host-gone timer from ever running out.
 */
import { type Message, PING_TOKEN_HELLO } from '../../../protocol/ts/messages.js';
import { HELLO_NUDGE_INTERVAL_MS } from '../../../protocol/ts/rules.js';
import type { HandshakeEvidence } from '../handshake.js';

/** Frame types only a host sends: receiving one means the port echoes. */
const HOST_ONLY = new Set<Message['type']>([
  'HELLO_ACK',
  'CAPTURE',
  'LED',
  'TONE',
  'VOLUME',
  'SPEAKER_START',
  'SPEAKER_DATA',
  'SPEAKER_END',
  'SPEAKER_STOP',
  'GPIO_MODE',
  'GPIO_WRITE',
  'GPIO_READ',
  'GPIO_REPORT',
]);

/** Bytes kept for the diagnosis. */
const KEEP_BYTES = 256;

export interface HandshakeAttemptHooks {
  nudge(): void;
  timeout(evidence: HandshakeEvidence): void;
}

export class HandshakeAttempt {
  private readonly bytes: number[] = [];
  private boardFrames = 0;
  private echoes = 0;
  private nudges = 0;
  private pongsToNudge = 0;
  private pongSinceNudge = false;
  /** A 1.0 board acknowledged elsewhere: stay quiet so its host-gone timer runs out. */
  private quiet = false;
  private nudgeTimer: NodeJS.Timeout | undefined;
  private readonly timeoutTimer: NodeJS.Timeout;
  private readonly startedAt = performance.now();

  constructor(
    readonly timeoutMs: number,
    bootDelayMs: number,
    private readonly hooks: HandshakeAttemptHooks,
  ) {
    // After the boot delay, so a resetting bootloader does not eat the nudge.
    this.nudgeTimer = setTimeout(() => this.nudge(), bootDelayMs + 100);
    this.timeoutTimer = setTimeout(() => {
      this.stop();
      this.hooks.timeout(this.evidence());
    }, timeoutMs);
  }

  /** Raw bytes from the port (the first KEEP_BYTES are kept). */
  onBytes(d: Uint8Array): void {
    for (let i = 0; i < d.length && this.bytes.length < KEEP_BYTES; i++) this.bytes.push(d[i]!);
  }

  /** A valid frame during the handshake (HELLO included). */
  onMessage(m: Message): void {
    if (HOST_ONLY.has(m.type) || (m.type === 'PING' && m.token === PING_TOKEN_HELLO)) {
      this.echoes++;
      return;
    }
    this.boardFrames++;
    if (m.type === 'PONG' && m.token === PING_TOKEN_HELLO) {
      this.pongsToNudge++;
      this.pongSinceNudge = true;
    }
  }

  /** Ends the attempt (HELLO arrived, or the port went away). */
  stop(): void {
    clearTimeout(this.nudgeTimer);
    clearTimeout(this.timeoutTimer);
    this.nudgeTimer = undefined;
  }

  /** What arrived so far. */
  evidence(): HandshakeEvidence {
    return {
      elapsedMs: Math.round(performance.now() - this.startedAt),
      bytes: this.bytes,
      boardFrames: this.boardFrames,
      echoes: this.echoes,
      nudges: this.nudges,
      pongsToNudge: this.pongsToNudge,
      quiet: this.quiet,
    };
  }

  private nudge(): void {
    if (this.nudges > 0 && this.pongSinceNudge) {
      // PONG but no HELLO within a second: a 1.0 board acknowledged by an earlier host.
      this.quiet = true;
      this.nudgeTimer = undefined;
      return;
    }
    this.pongSinceNudge = false;
    this.nudges++;
    this.hooks.nudge();
    this.nudgeTimer = setTimeout(() => this.nudge(), HELLO_NUDGE_INTERVAL_MS);
  }
}

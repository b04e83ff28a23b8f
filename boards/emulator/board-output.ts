/**
 * The emulated board's transmit path: message encoding (its seq counter), fault injection per frame,
 * a stalled firmware that sends nothing, and slow-link throttling. Counts what it sent and damaged.
 */
import type { LinkPort } from '../../base/serial/tty-port.js';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import type { Message } from '../../protocol/ts/messages.js';
import type { FaultInjector } from './faults.js';

/** Frames the firmware queues until its transmit buffer has room, rather than waiting (firmware/core). */
const DEFERRED: ReadonlySet<Message['type']> = new Set(['LOG', 'ERROR', 'AUDIO']);

export interface EmulatorStats {
  framesSent: number;
  bytesSent: number;
  audioChunksSent: number;
  /** Frames a fault damaged, plus frames lost with a damaged delimiter. */
  framesDamaged: number;
  /** `stream:chunk` of every AUDIO frame a fault damaged (or lost with its predecessor's delimiter). */
  damagedAudioChunks: string[];
  /** Frames not sent while stalled. */
  framesSuppressed: number;
  helloSent: number;
  pingsAnswered: number;
}

export class BoardOutput {
  port: LinkPort | undefined;
  readonly enc = new MessageEncoder();
  private stalledUntil = 0;
  private lastDelimiterHit = false;
  private throttleQueue: Uint8Array[] = [];
  private throttleTimer: NodeJS.Timeout | undefined;

  /**
   * `onTransmit(bytes, waits)`: bytes leave the board; `waits` is false for the frames the firmware
   * defers until its transmit buffer has room (LOG, ERROR, AUDIO) instead of waiting for it (uart-sim.ts).
   */
  constructor(
    private readonly faults: FaultInjector,
    private readonly stats: EmulatorStats,
    private readonly onTransmit: (bytes: number, waits: boolean) => void = () => {},
  ) {}

  /** True while the firmware is "hung" (stall()). */
  get stalled(): boolean {
    return performance.now() < this.stalledUntil;
  }

  /** Encodes and writes one message through the fault injector. Returns write()'s backpressure flag. */
  send(m: Message): boolean {
    const frame = this.enc.encode(m);
    if (this.stalled) {
      this.stats.framesSuppressed++;
      return true;
    }
    const r = this.faults.apply(frame);
    const damaged = r.damaged || this.lastDelimiterHit;
    this.lastDelimiterHit = r.delimiterHit;
    this.stats.framesSent++;
    if (damaged) {
      this.stats.framesDamaged++;
      if (m.type === 'AUDIO') this.stats.damagedAudioChunks.push(`${m.stream}:${m.chunk}`);
    }
    return this.writeRaw(r.bytes, !DEFERRED.has(m.type));
  }

  /** Writes bytes as they are (boot noise, garbage), throttled when a slow link is simulated. */
  writeRaw(bytes: Uint8Array, waits = true): boolean {
    this.stats.bytesSent += bytes.length;
    this.onTransmit(bytes.length, waits);
    const bps = this.faults.options.bytesPerSecond;
    if (!bps) return this.port?.write(bytes) ?? true;
    this.throttleQueue.push(bytes);
    this.throttleTimer ??= setInterval(() => {
      let budget = Math.max(1, Math.round(bps / 100));
      while (budget > 0 && this.throttleQueue.length > 0) {
        const head = this.throttleQueue[0]!;
        const take = head.subarray(0, budget);
        this.port?.write(take);
        budget -= take.length;
        if (take.length === head.length) this.throttleQueue.shift();
        else this.throttleQueue[0] = head.subarray(take.length);
      }
      if (this.throttleQueue.length === 0) this.clearThrottle();
    }, 10);
    return true;
  }

  /** Hangs the firmware for `ms`: nothing is sent (the board also stops reading). */
  stall(ms: number): void {
    this.stalledUntil = performance.now() + ms;
  }

  /** Drops queued throttled bytes (port closing). */
  clearThrottle(): void {
    this.throttleQueue = [];
    clearInterval(this.throttleTimer);
    this.throttleTimer = undefined;
  }
}

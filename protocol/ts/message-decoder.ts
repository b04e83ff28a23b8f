/**
 * Streaming message decoder: frames (frame-decoder.ts) → messages (message-codec.ts), with the
 * receiver's counters. Usable directly on a Node serial stream: `port.on('data', (c) => d.push(c, fn))`.
 * Never throws (only an exception from `onMessage` escapes).
 */
import { FrameDecoder, type FrameStats } from './frame-decoder.js';
import { decodeMessage } from './message-codec.js';
import type { Frame, Message } from './messages.js';

export interface MessageStats extends FrameStats {
  /** Intact frames of a type this version does not know (skipped). */
  unknownType: number;
  /** Intact frames of a known type whose payload is invalid (dropped). */
  badPayload: number;
  /** Frames missing according to gaps in `seq` (includes every frame dropped by the frame decoder). */
  framesLost: number;
  /** Times `seq` jumped backwards or by ≥ 32768, taken as the sender restarting (not counted as lost). */
  seqRestarts: number;
}

export interface MessageDecoderOptions {
  /** Largest payload accepted (see FrameDecoderOptions.maxPayloadBytes). Default 1024. */
  maxPayloadBytes?: number;
  /** Called for each dropped frame of unknown type or with a bad payload. Default: none. */
  onDrop?: (reason: 'unknown_type' | 'bad_payload', frame: Frame, detail: string) => void;
}

/** A gap this large or larger is not loss but a sender that restarted its counter. */
const RESTART_GAP = 0x8000;

export class MessageDecoder {
  private readonly frames: FrameDecoder;
  private readonly counters = { unknownType: 0, badPayload: 0, framesLost: 0, seqRestarts: 0 };
  private lastSeq = -1;
  private readonly onDrop: MessageDecoderOptions['onDrop'];

  constructor(options: MessageDecoderOptions = {}) {
    this.onDrop = options.onDrop;
    this.frames = new FrameDecoder(
      options.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: options.maxPayloadBytes },
    );
  }

  /** A snapshot of every counter (frame-level and message-level). */
  get stats(): Readonly<MessageStats> {
    return { ...this.frames.stats, ...this.counters };
  }

  /** Consumes serial bytes; calls `onMessage` for every valid message with its frame's seq. */
  push(chunk: Uint8Array, onMessage: (message: Message, seq: number) => void): void {
    this.frames.push(chunk, (frame) => {
      this.track(frame.seq);
      const r = decodeMessage(frame.type, frame.payload);
      if (r.ok) {
        onMessage(r.message, frame.seq);
        return;
      }
      if (r.reason === 'unknown_type') this.counters.unknownType++;
      else this.counters.badPayload++;
      this.onDrop?.(r.reason, frame, r.detail);
    });
  }

  /**
   * Forgets the last seq and any partial frame (call when the port reopens or a new handshake starts),
   * so the next frame's seq is not compared with the old session's.
   */
  resync(): void {
    this.lastSeq = -1;
    this.frames.reset();
  }

  private track(seq: number): void {
    if (this.lastSeq >= 0) {
      const gap = (seq - this.lastSeq - 1) & 0xffff;
      if (gap >= RESTART_GAP) this.counters.seqRestarts++;
      else this.counters.framesLost += gap;
    }
    this.lastSeq = seq;
  }
}

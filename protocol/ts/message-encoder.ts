/**
 * Message encoder: payload + frame, and the sender's sequence counter (SPEC §1: one counter per
 * direction, +1 for every frame, wrapping 65535 → 0).
 */
import { finishRawFrame, RAW_PAYLOAD_OFFSET, startRawFrame } from './frame-encoder.js';
import { encodePayloadInto, messageTypeId } from './message-codec.js';
import type { Message } from './messages.js';

export interface MessageEncoderOptions {
  /** Sequence number of the first frame. Default 0. */
  firstSeq?: number;
}

export class MessageEncoder {
  private seq: number;

  constructor(options: MessageEncoderOptions = {}) {
    this.seq = (options.firstSeq ?? 0) & 0xffff;
  }

  /** The sequence number the next frame will carry. */
  get nextSeq(): number {
    return this.seq;
  }

  /**
   * Encodes one message into a complete wire frame (ending in 0x00). Throws HARK_ERR_PROTOCOL_ENCODE
   * naming the field at fault; the counter only advances when encoding succeeds.
   */
  encode(msg: Message): Buffer {
    const raw = startRawFrame(messageTypeId(msg), this.seq);
    const frame = finishRawFrame(raw, encodePayloadInto(msg, raw, RAW_PAYLOAD_OFFSET));
    this.seq = (this.seq + 1) & 0xffff;
    return frame;
  }

  /** Restarts the counter at 0 (the host does this after each handshake). */
  reset(): void {
    this.seq = 0;
  }
}

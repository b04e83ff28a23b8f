/**
 * Message encoder: payload + frame, and the sender's sequence counter (SPEC §1: one counter per
 * direction, +1 for every frame, wrapping 65535 → 0).
 */
import { ProtocolError } from './errors.js';
import { finishRawFrame, RAW_PAYLOAD_OFFSET, startRawFrame } from './frame-encoder.js';
import { encodePayloadInto, messageTypeId } from './message-codec.js';
import { MAX_PAYLOAD_BYTES, type Message } from './messages.js';

/** One encoded frame and the length of the payload inside it. */
export interface EncodedFrame {
  /** The wire bytes, COBS-encoded, ending in the 0x00 delimiter. */
  frame: Buffer;
  /** Bytes of payload (what HELLO.max_rx_payload limits). */
  payloadBytes: number;
}

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
    return this.encodeFrame(msg).frame;
  }

  /**
   * Encodes one message and returns the frame with its payload length, in one pass. A payload longer
   * than `maxPayloadBytes` (a board's HELLO.max_rx_payload) throws HARK_ERR_PROTOCOL_ENCODE
   * with `details.payloadBytes` and `details.maxPayloadBytes`, and the counter does not advance.
   */
  encodeFrame(msg: Message, maxPayloadBytes = MAX_PAYLOAD_BYTES): EncodedFrame {
    const raw = startRawFrame(messageTypeId(msg), this.seq);
    const end = encodePayloadInto(msg, raw, RAW_PAYLOAD_OFFSET);
    const payloadBytes = end - RAW_PAYLOAD_OFFSET;
    if (payloadBytes > maxPayloadBytes) {
      throw new ProtocolError(
        'HARK_ERR_PROTOCOL_ENCODE',
        `${msg.type} has a ${payloadBytes}-byte payload; the receiver accepts at most ${maxPayloadBytes} (max_rx_payload)`,
        { details: { type: msg.type, field: 'payload', payloadBytes, maxPayloadBytes } },
      );
    }
    const frame = finishRawFrame(raw, end);
    this.seq = (this.seq + 1) & 0xffff;
    return { frame, payloadBytes };
  }

  /** Restarts the counter at 0 (the host does this after each handshake). */
  reset(): void {
    this.seq = 0;
  }
}

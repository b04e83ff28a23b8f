/**
 * Node stream adapters: bytes from a serial port (or any Readable) in, `{ message, seq }` objects out.
 * A thin wrapper over MessageDecoder for code that prefers `pipeline()` to a 'data' handler.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { MessageDecoder, type MessageDecoderOptions } from './message-decoder.js';
import type { Message } from './messages.js';

export interface DecodedMessage {
  message: Message;
  seq: number;
}

/** A Transform from raw serial bytes to DecodedMessage objects. Never errors on bad input. */
export class MessageDecodeStream extends Transform {
  /** The decoder, for its stats. */
  readonly decoder: MessageDecoder;

  constructor(options: MessageDecoderOptions = {}) {
    super({ readableObjectMode: true });
    this.decoder = new MessageDecoder(options);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.decoder.push(chunk, (message, seq) => this.push({ message, seq } satisfies DecodedMessage));
      callback();
    } catch (e) {
      callback(e as Error); // only a consumer's exception can land here
    }
  }
}

/**
 * hark messages over a `serialport` port, for Node programs that already use serialport and its parsers.
 * The port's bytes go through `@serialport/parser-delimiter` with delimiter `[0x00]` (every hark frame
 * ends in 0x00, SPEC §1) into a {@link HarkMessageParser}, which checks each frame (COBS, CRC-16) and
 * emits `{ message, seq }`; a {@link HarkMessageSerializer} turns messages into frames for the port, with
 * the host's sequence counter. {@link helloAckFor} answers a board's HELLO the way hark's own link does.
 *
 * ```ts
 * import { SerialPort } from 'serialport';
 * import { DelimiterParser } from '@serialport/parser-delimiter';
 * import { HarkMessageParser, HarkMessageSerializer, helloAckFor } from 'hark-voice';
 *
 * const port = new SerialPort({ path: '/dev/ttyUSB0', baudRate: 921600 });
 * const messages = port.pipe(new DelimiterParser({ delimiter: [0x00] })).pipe(new HarkMessageParser());
 * const out = new HarkMessageSerializer();
 * out.pipe(port);
 * messages.on('data', ({ message }) => {
 *   if (message.type === 'HELLO') out.write(helloAckFor(message));
 *   if (message.type === 'BUTTON') out.write({ type: 'LED', index: 255, effect: 1, r: 0, g: 0, b: 255, periodMs: 0, durationMs: 500 });
 * });
 * ```
 *
 * Only the framing and the handshake answer are here: heartbeats (PING every heartbeat_ms), speaker
 * credits and reconnects are the program's, or use `hark run` / `HarkPipeline`, which do all of it.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { MessageDecoder, type MessageStats } from '../../protocol/ts/message-decoder.js';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import type { Hello, HelloAck, Message } from '../../protocol/ts/messages.js';
import { ackFor, chooseCodec, newHostSession } from '../link/handshake.js';

/** One message read from the port, with the sequence number of its frame. */
export interface HarkSerialMessage {
  message: Message;
  seq: number;
}

export interface HarkMessageParserOptions {
  /**
   * Also accept raw port bytes (frames still ending in 0x00) instead of DelimiterParser's delimited
   * chunks. Default false: each chunk is one frame without its delimiter, as DelimiterParser emits it.
   */
  raw?: boolean;
}

/** Counts of what the parser delivered and dropped (bad CRC, malformed COBS, unknown types, gaps in `seq`). */
export type HarkMessageParserStats = Readonly<MessageStats>;

/**
 * Frames from `@serialport/parser-delimiter` (delimiter `[0x00]`) in, `{ message, seq }` objects out.
 * Damaged frames are dropped and counted (`stats`), never thrown: a serial line carries noise at boot.
 */
export class HarkMessageParser extends Transform {
  readonly #decoder = new MessageDecoder();
  readonly #raw: boolean;
  static readonly #DELIMITER = Buffer.from([0]);

  constructor(options: HarkMessageParserOptions = {}) {
    super({ readableObjectMode: true });
    this.#raw = options.raw ?? false;
  }

  /** Frames decoded and dropped so far. */
  get stats(): HarkMessageParserStats {
    return this.#decoder.stats;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const onMessage = (message: Message, seq: number) =>
      this.push({ message, seq } satisfies HarkSerialMessage);
    try {
      this.#decoder.push(chunk, onMessage);
      // DelimiterParser removed the 0x00 that ends the frame: give it back so the frame completes.
      if (!this.#raw) this.#decoder.push(HarkMessageParser.#DELIMITER, onMessage);
      callback();
    } catch (e) {
      callback(e as Error); // only a 'data' listener's exception can land here
    }
  }
}

/**
 * hark messages in, wire frames out (COBS + CRC-16, each ending in 0x00), numbered by the host's
 * sequence counter (SPEC §1: one per direction). A message that cannot be encoded (a field out of range)
 * fails the stream with HARK_ERR_PROTOCOL_ENCODE naming the field.
 */
export class HarkMessageSerializer extends Transform {
  readonly #encoder = new MessageEncoder();

  constructor() {
    super({ writableObjectMode: true });
  }

  override _transform(message: Message, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      callback(null, this.#encoder.encode(message));
    } catch (e) {
      callback(e as Error);
    }
  }
}

export interface HelloAckOptions {
  /** How often the program promises to PING (the board presumes the host gone after 3 silent ones). Default 2000. */
  heartbeatMs?: number;
  /** Audio chunk length asked of the board, ms (lowered when a chunk would not fit a frame). Default 20. */
  chunkMs?: number;
  /** The host session (SPEC §2.3); default a new random one. Keep it to re-acknowledge the same board. */
  hostSession?: number;
}

/** The HELLO_ACK hark's own link would send for `hello`: codec, sample rate, chunk length, session. */
export function helloAckFor(hello: Hello, options: HelloAckOptions = {}): HelloAck {
  return ackFor(
    hello,
    chooseCodec(hello, undefined),
    { chunkMs: options.chunkMs ?? 20, heartbeatMs: options.heartbeatMs ?? 2000 },
    options.hostSession ?? newHostSession(),
  );
}

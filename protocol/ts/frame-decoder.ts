/**
 * Streaming frame decoder (SPEC §1.2). Feed it serial bytes in chunks of any size; it delivers every
 * intact frame and counts every dropped one by reason. Memory is one preallocated buffer of
 * MAX_COBS_FRAME_BYTES, whatever arrives; it never throws (only an exception from `onFrame` escapes,
 * and the decoder stays consistent if one does).
 */
import { cobsDecodeNoZeros } from './cobs.js';
import { crc16 } from './crc16.js';
import { FRAME_OVERHEAD_BYTES, type Frame, MAX_COBS_FRAME_BYTES, MAX_PAYLOAD_BYTES } from './messages.js';

/** Counters of a {@link FrameDecoder}; all only ever grow. */
export interface FrameStats {
  /** Frames delivered. */
  framesOk: number;
  /** Chunks longer than MAX_COBS_FRAME_BYTES before their delimiter. */
  oversized: number;
  /** Chunks that are not valid COBS. */
  malformed: number;
  /** Decoded frames shorter than type + seq + crc (5 bytes). */
  truncated: number;
  /** Frames whose CRC did not match. */
  crcErrors: number;
  /** Bytes pushed in total. */
  bytes: number;
}

export const newFrameStats = (): FrameStats => ({
  framesOk: 0,
  oversized: 0,
  malformed: 0,
  truncated: 0,
  crcErrors: 0,
  bytes: 0,
});

export interface FrameDecoderOptions {
  /**
   * Largest payload this receiver accepts (a board's HELLO.max_rx_payload); a longer frame is counted
   * as oversized. The buffer is `maxPayloadBytes + 6 + ⌊(maxPayloadBytes + 5) / 254⌋` bytes, the C
   * decoder's HARK_FRAME_DECODER_BUF_BYTES. Default MAX_PAYLOAD_BYTES (1024).
   */
  maxPayloadBytes?: number;
}

/** Decoder buffer for a payload limit (HARK_FRAME_DECODER_BUF_BYTES). */
export const frameDecoderBufBytes = (maxPayloadBytes: number): number =>
  maxPayloadBytes + 6 + Math.floor((maxPayloadBytes + 5) / 254);

export class FrameDecoder {
  /** Live counters (read them any time; do not write). */
  readonly stats: Readonly<FrameStats> = newFrameStats();
  private readonly buf: Uint8Array;
  private readonly limit: number;
  private len = 0;
  /** Set after an oversized chunk overflowed the buffer: skip to the next delimiter. */
  private discarding = false;

  constructor(options: FrameDecoderOptions = {}) {
    this.limit = Math.min(
      MAX_COBS_FRAME_BYTES,
      frameDecoderBufBytes(options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES),
    );
    this.buf = new Uint8Array(this.limit);
  }

  /** Bytes buffered towards the next frame (for diagnostics). */
  get pendingBytes(): number {
    return this.len;
  }

  /**
   * Consumes `chunk` and calls `onFrame` for each intact frame, in order. The frame's payload is a fresh
   * copy the callee may keep or transfer.
   */
  push(chunk: Uint8Array, onFrame: (frame: Frame) => void): void {
    const stats = this.stats as FrameStats;
    stats.bytes += chunk.length;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      const zero = chunk.indexOf(0, i);
      const segEnd = zero < 0 ? n : zero;
      if (!this.discarding) {
        const segLen = segEnd - i;
        if (this.len + segLen > this.limit) {
          this.discarding = true;
          this.len = 0;
        } else if (segLen > 0) {
          this.buf.set(chunk.subarray(i, segEnd), this.len);
          this.len += segLen;
        }
      }
      if (zero < 0) return;
      i = zero + 1;
      if (this.discarding) {
        this.discarding = false;
        stats.oversized++;
        continue;
      }
      const frameLen = this.len;
      this.len = 0;
      if (frameLen === 0) continue; // an empty chunk (0x00 0x00) is a flush, not an error
      const frame = this.finish(frameLen, stats);
      if (frame) onFrame(frame);
    }
  }

  /** Forgets a partly received frame (e.g. after the port reopened). Counters are kept. */
  reset(): void {
    this.len = 0;
    this.discarding = false;
  }

  private finish(encodedLen: number, stats: FrameStats): Frame | undefined {
    const buf = this.buf;
    const rawLen = cobsDecodeNoZeros(buf, 0, encodedLen, buf); // chunks never contain 0x00
    if (rawLen < 0) {
      stats.malformed++;
      return undefined;
    }
    if (rawLen < FRAME_OVERHEAD_BYTES) {
      stats.truncated++;
      return undefined;
    }
    const crc = buf[rawLen - 2]! | (buf[rawLen - 1]! << 8);
    if (crc16(buf, 0, rawLen - 2) !== crc) {
      stats.crcErrors++;
      return undefined;
    }
    stats.framesOk++;
    return { type: buf[0]!, seq: buf[1]! | (buf[2]! << 8), payload: buf.slice(3, rawLen - 2) };
  }
}

/**
 * Frame encoder (SPEC §1): `type u8 | seq u16 | payload | crc u16`, COBS-encoded, then one 0x00.
 */

import { cobsEncodeInto, cobsMaxEncodedLength } from './cobs.js';
import { crc16 } from './crc16.js';
import { ProtocolError } from './errors.js';
import { FRAME_OVERHEAD_BYTES, MAX_PAYLOAD_BYTES, MAX_RAW_FRAME_BYTES } from './messages.js';

/** Bytes on the wire for a frame whose raw form (type, seq, payload, crc) has no zero byte: the worst case. */
export const maxWireFrameBytes = (payloadBytes: number): number =>
  cobsMaxEncodedLength(payloadBytes + FRAME_OVERHEAD_BYTES) + 1;

/** Header offset of the payload in a raw frame. */
export const RAW_PAYLOAD_OFFSET = 3;

/** A reusable raw-frame buffer (the host is single-threaded per isolate; encoding never yields). */
const rawScratch = Buffer.allocUnsafe(MAX_RAW_FRAME_BYTES);

function checkHeader(type: number, seq: number): void {
  if (!Number.isInteger(type) || type < 1 || type > 0xfe) {
    throw new ProtocolError('HARK_ERR_PROTOCOL_ENCODE', `frame type ${type} is out of range 1..254`);
  }
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffff) {
    throw new ProtocolError('HARK_ERR_PROTOCOL_ENCODE', `frame seq ${seq} is out of range 0..65535`);
  }
}

/**
 * Finishes a raw frame whose type, seq and payload are already in `raw[0, payloadEnd)`: appends the CRC
 * and returns the COBS-encoded frame with its delimiter, in a fresh Buffer.
 */
export function finishRawFrame(raw: Uint8Array, payloadEnd: number): Buffer {
  const crc = crc16(raw, 0, payloadEnd);
  raw[payloadEnd] = crc & 0xff;
  raw[payloadEnd + 1] = crc >>> 8;
  const rawLen = payloadEnd + 2;
  const out = Buffer.allocUnsafe(cobsMaxEncodedLength(rawLen) + 1);
  const n = cobsEncodeInto(raw, 0, rawLen, out, 0);
  out[n] = 0;
  return out.subarray(0, n + 1);
}

/**
 * Writes the frame header into the shared raw scratch buffer and returns it, for an encoder that then
 * writes the payload from RAW_PAYLOAD_OFFSET and calls {@link finishRawFrame}.
 */
export function startRawFrame(type: number, seq: number): Buffer {
  checkHeader(type, seq);
  rawScratch[0] = type;
  rawScratch[1] = seq & 0xff;
  rawScratch[2] = seq >>> 8;
  return rawScratch;
}

/**
 * Encodes one frame. Throws HARK_ERR_PROTOCOL_ENCODE when `type` is not 1..254, `seq` not 0..65535 or
 * the payload is longer than MAX_PAYLOAD_BYTES. The result is a fresh Buffer ending in the 0x00 delimiter.
 */
export function encodeFrame(type: number, seq: number, payload: Uint8Array): Buffer {
  if (payload.length > MAX_PAYLOAD_BYTES) {
    throw new ProtocolError(
      'HARK_ERR_PROTOCOL_ENCODE',
      `frame payload of ${payload.length} bytes exceeds the ${MAX_PAYLOAD_BYTES}-byte limit (type 0x${type.toString(16)})`,
    );
  }
  const raw = startRawFrame(type, seq);
  raw.set(payload, RAW_PAYLOAD_OFFSET);
  return finishRawFrame(raw, RAW_PAYLOAD_OFFSET + payload.length);
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cobsEncode } from './cobs.js';
import { crc16 } from './crc16.js';
import { FrameDecoder, frameDecoderBufBytes } from './frame-decoder.js';
import { encodeFrame, maxWireFrameBytes } from './frame-encoder.js';
import { type Frame, MAX_PAYLOAD_BYTES, MAX_WIRE_FRAME_BYTES } from './messages.js';

const decodeAll = (chunks: Uint8Array[], d = new FrameDecoder()): { frames: Frame[]; d: FrameDecoder } => {
  const frames: Frame[] = [];
  for (const c of chunks) d.push(c, (f) => frames.push(f));
  return { frames, d };
};

/** Splits `bytes` into random chunk sizes between 1 and 17, like a serial port would. */
const splitRandomly = (bytes: Uint8Array): Uint8Array[] => {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(Math.random() * 17);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
};

test('encodeFrame lays out type, seq LE, payload, CRC LE, COBS and one trailing 0x00', () => {
  const wire = encodeFrame(0x03, 0x1234, Uint8Array.from([1, 2, 3, 4]));
  assert.equal(wire[wire.length - 1], 0);
  assert.equal(wire.subarray(0, -1).indexOf(0), -1);
  const raw = Uint8Array.from([0x03, 0x34, 0x12, 1, 2, 3, 4]);
  const crc = crc16(raw);
  const expected = cobsEncode(Uint8Array.from([...raw, crc & 0xff, crc >> 8]));
  assert.deepEqual(wire.subarray(0, -1), Buffer.from(expected));
});

test('the largest frame is exactly MAX_WIRE_FRAME_BYTES on the wire and decodes', () => {
  const payload = new Uint8Array(MAX_PAYLOAD_BYTES).fill(0xff);
  const wire = encodeFrame(0x41, 65535, payload);
  assert.equal(wire.length, MAX_WIRE_FRAME_BYTES);
  assert.equal(maxWireFrameBytes(MAX_PAYLOAD_BYTES), MAX_WIRE_FRAME_BYTES);
  const { frames, d } = decodeAll([wire]);
  assert.equal(frames.length, 1);
  assert.deepEqual(frames[0]!.payload, payload);
  assert.equal(frames[0]!.seq, 65535);
  assert.equal(d.stats.framesOk, 1);
});

test('encodeFrame rejects a payload over the limit, a bad type and a bad seq', () => {
  assert.throws(() => encodeFrame(1, 0, new Uint8Array(MAX_PAYLOAD_BYTES + 1)), {
    code: 'HARK_ERR_PROTOCOL_ENCODE',
  });
  assert.throws(() => encodeFrame(0, 0, new Uint8Array(0)), /type 0/);
  assert.throws(() => encodeFrame(0xff, 0, new Uint8Array(0)), /type 255/);
  assert.throws(() => encodeFrame(1, 65536, new Uint8Array(0)), /seq 65536/);
});

test('FrameDecoder reassembles frames split across arbitrary writes', () => {
  const sent: Frame[] = [];
  const parts: Buffer[] = [];
  for (let i = 0; i < 200; i++) {
    const payload = Uint8Array.from(
      { length: Math.floor(Math.random() * 300) },
      () => Math.floor(Math.random() * 4) * 85,
    );
    const f = { type: 1 + (i % 254), seq: (65530 + i) & 0xffff, payload };
    sent.push(f);
    parts.push(encodeFrame(f.type, f.seq, f.payload));
  }
  const { frames, d } = decodeAll(splitRandomly(Buffer.concat(parts)));
  assert.deepEqual(frames, sent);
  assert.equal(d.stats.framesOk, 200);
  assert.equal(d.stats.crcErrors + d.stats.malformed + d.stats.truncated + d.stats.oversized, 0);
});

test('FrameDecoder drops and counts each kind of bad frame, then decodes the next good one', () => {
  const good = encodeFrame(0x20, 7, Uint8Array.from([0, 4]));
  const badCrc = Buffer.from(good);
  badCrc[2] = badCrc[2]! ^ 0x01;
  const truncated = Buffer.from([0x03, 0x01, 0x02, 0x00]); // decodes to 2 bytes
  const malformed = Buffer.from([0x09, 0x01, 0x02, 0x00]); // code points past the end
  const oversized = Buffer.concat([Buffer.alloc(2000, 0x41), Buffer.from([0])]);
  const { frames, d } = decodeAll([Buffer.from([0, 0]), badCrc, truncated, malformed, oversized, good]);
  assert.equal(frames.length, 1);
  assert.deepEqual(frames[0], { type: 0x20, seq: 7, payload: Uint8Array.from([0, 4]) });
  assert.deepEqual(
    { ...d.stats },
    {
      framesOk: 1,
      crcErrors: 1,
      truncated: 1,
      malformed: 1,
      oversized: 1,
      bytes: 2 + good.length * 2 + 8 + 2001,
    },
  );
});

test('FrameDecoder stays bounded through an endless stream without delimiters', () => {
  const d = new FrameDecoder();
  const junk = new Uint8Array(4096).fill(0x55);
  for (let i = 0; i < 100; i++) d.push(junk, () => assert.fail('no frame expected'));
  assert.ok(d.pendingBytes <= 1034);
  const good = encodeFrame(3, 1, new Uint8Array(4));
  const { frames } = decodeAll([good, good], d);
  // the first delimiter ends the oversized run (counted once); the second copy of the frame decodes
  assert.equal(frames.length, 1);
  assert.equal(d.stats.oversized, 1);
});

test('a frame delivered to onFrame owns its payload (later frames do not overwrite it)', () => {
  const frames: Frame[] = [];
  const d = new FrameDecoder();
  d.push(
    Buffer.concat([encodeFrame(5, 0, Uint8Array.from([1, 2])), encodeFrame(5, 1, Uint8Array.from([3, 4]))]),
    (f) => frames.push(f),
  );
  assert.deepEqual([...frames[0]!.payload], [1, 2]);
  assert.deepEqual([...frames[1]!.payload], [3, 4]);
});

test('an exception thrown by onFrame propagates and leaves the decoder usable', () => {
  const d = new FrameDecoder();
  assert.throws(
    () =>
      d.push(encodeFrame(5, 0, new Uint8Array(1)), () => {
        throw new Error('boom');
      }),
    /boom/,
  );
  const frames: Frame[] = [];
  d.push(encodeFrame(5, 1, new Uint8Array(1)), (f) => frames.push(f));
  assert.equal(frames.length, 1);
});

test('a decoder with a small payload limit counts bigger frames as oversized and keeps decoding', () => {
  const d = new FrameDecoder({ maxPayloadBytes: 64 });
  const frames: number[] = [];
  const big = encodeFrame(0x41, 1, new Uint8Array(65).fill(7));
  const fits = encodeFrame(0x41, 2, new Uint8Array(64).fill(7));
  d.push(Buffer.concat([big, fits]), (f) => frames.push(f.payload.length));
  assert.deepEqual(frames, [64]);
  assert.equal(d.stats.oversized, 1);
  assert.equal(frameDecoderBufBytes(1024), 1034, 'the C macro for 1024: HARK_MAX_COBS_FRAME_BYTES');
  assert.equal(frameDecoderBufBytes(64), 70);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from './errors.js';
import { encodeFrame } from './frame-encoder.js';
import { decodeMessage, encodeMessage, messageTypeName } from './message-codec.js';
import { MessageDecoder } from './message-decoder.js';
import { MessageEncoder } from './message-encoder.js';
import { ALL_EXAMPLES, EXAMPLES } from './message-examples.js';
import { LAYOUTS, minPayloadBytes } from './message-layout.js';
import { type Message, MessageType, type MessageTypeName } from './messages.js';

test('every message type has a layout and an example, and round-trips', () => {
  assert.deepEqual(Object.keys(LAYOUTS).sort(), Object.keys(MessageType).sort());
  assert.deepEqual(Object.keys(EXAMPLES).sort(), Object.keys(MessageType).sort());
  for (const msg of ALL_EXAMPLES) {
    const payload = encodeMessage(msg);
    const r = decodeMessage(MessageType[msg.type], payload);
    assert.ok(r.ok, `${msg.type}: ${r.ok ? '' : r.detail}`);
    assert.deepEqual(r.message, msg);
  }
});

test('fixed layouts have the byte sizes SPEC §3-4 states', () => {
  const sizes: Partial<Record<MessageTypeName, number>> = {
    HELLO_ACK: 19, // 15 in 1.0, + host_session u32 in 1.1
    PING: 4,
    PONG: 12,
    AUDIO_START: 7,
    AUDIO_END: 8,
    CAPTURE: 4,
    BUTTON: 2,
    LED: 9,
    VOLUME: 1,
    SPEAKER_START: 6,
    SPEAKER_CREDIT: 12,
    GPIO_MODE: 2,
    GPIO_WRITE: 3,
    GPIO_READ: 1,
    GPIO_REPORT: 4,
    GPIO_STATE: 3,
  };
  for (const [name, size] of Object.entries(sizes)) {
    assert.equal(encodeMessage(EXAMPLES[name as MessageTypeName]).length, size, name);
    assert.equal(minPayloadBytes(name as MessageTypeName), size, name);
  }
  assert.equal(minPayloadBytes('HELLO_ACK', 0), 15, 'a 1.0 HELLO_ACK');
  assert.equal(minPayloadBytes('HELLO', 0) + 2, minPayloadBytes('HELLO'), 'HELLO + rx_window_bytes u16');
});

test('every truncation of every example payload is a bad_payload, never an exception', () => {
  for (const msg of ALL_EXAMPLES) {
    const payload = encodeMessage(msg);
    const min = minPayloadBytes(msg.type, 0); // a 1.0-length payload is valid (appended fields read as 0)
    for (let n = 0; n < min; n++) {
      const r = decodeMessage(MessageType[msg.type], payload.subarray(0, n));
      assert.equal(r.ok, false, `${msg.type} cut to ${n} bytes decoded`);
      if (!r.ok) assert.equal(r.reason, 'bad_payload');
    }
  }
});

test('extra trailing bytes after a fixed layout are ignored (forward compatibility)', () => {
  const payload = encodeMessage(EXAMPLES.PONG);
  const r = decodeMessage(MessageType.PONG, Uint8Array.from([...payload, 9, 9, 9]));
  assert.ok(r.ok);
  assert.deepEqual(r.message, EXAMPLES.PONG);
});

test('unknown types are reported as unknown_type', () => {
  for (const t of [0x00, 0x07, 0x7f, 0xff, 256, -1]) {
    const r = decodeMessage(t, new Uint8Array(4));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.reason, 'unknown_type');
  }
  assert.equal(messageTypeName(0x11), 'AUDIO');
  assert.equal(messageTypeName(0x99), undefined);
});

test('decoders reject unknown codecs, over-long strings and bad list counts', () => {
  const ack = encodeMessage(EXAMPLES.HELLO_ACK);
  ack[6] = 3; // audio_codec
  assert.match(JSON.stringify(decodeMessage(MessageType.HELLO_ACK, ack)), /unknown audio codec 3/);
  const tone = Uint8Array.from([9, ...new Array(45).fill(1)]);
  assert.match(JSON.stringify(decodeMessage(MessageType.TONE, tone)), /9 steps/);
  assert.equal(decodeMessage(MessageType.TONE, Uint8Array.from([0])).ok, false);
  const hello = encodeMessage(EXAMPLES.HELLO);
  hello[6] = 33; // board_model length
  assert.match(JSON.stringify(decodeMessage(MessageType.HELLO, hello)), /boardModel/);
});

const encodeError = (msg: unknown): string => {
  try {
    encodeMessage(msg as Message);
  } catch (e) {
    assert.ok(e instanceof ProtocolError && e.code === 'HARK_ERR_PROTOCOL_ENCODE', String(e));
    return e.message;
  }
  assert.fail(`encoding ${JSON.stringify(msg)} did not throw`);
};

test('encodeMessage throws HARK_ERR_PROTOCOL_ENCODE naming the field at fault', () => {
  assert.match(encodeError({ ...EXAMPLES.PING, token: 2 ** 32 }), /PING: token = 4294967296/);
  assert.match(encodeError({ ...EXAMPLES.VOLUME, level: 101 }), /VOLUME: level = 101 .* 0\.\.100/);
  assert.match(encodeError({ ...EXAMPLES.BUTTON, event: 1.5 }), /BUTTON: event/);
  assert.match(encodeError({ ...EXAMPLES.LED, r: -1 }), /LED: r = -1/);
  assert.match(encodeError({ ...EXAMPLES.AUDIO_START, codec: 3 }), /AUDIO_START: codec = 3/);
  assert.match(
    encodeError({ ...EXAMPLES.HELLO, boardModel: 'x'.repeat(33) }),
    /boardModel is 33 UTF-8 bytes/,
  );
  assert.match(encodeError({ ...EXAMPLES.TONE, steps: [] }), /steps has 0 steps/);
  assert.match(
    encodeError({ ...EXAMPLES.TONE, steps: [{ freqHz: 70000, durationMs: 1, volume: 1 }] }),
    /steps\[0\]\.freqHz = 70000/,
  );
  assert.match(
    encodeError({ ...EXAMPLES.AUDIO, data: new Uint8Array(1022) }),
    /data makes the payload longer/,
  );
  assert.match(encodeError({ ...EXAMPLES.LOG, text: 42 }), /text is not a string/);
  assert.match(encodeError({ type: 'NOPE' }), /NOPE: type is not a known message type/);
  assert.equal(encodeMessage({ ...EXAMPLES.AUDIO, data: new Uint8Array(1021) }).length, 1024);
});

test('MessageEncoder numbers frames, wraps at 65535 and MessageDecoder counts seq gaps as lost', () => {
  const enc = new MessageEncoder({ firstSeq: 65534 });
  const frames = [0, 1, 2, 3, 4].map(() => enc.encode(EXAMPLES.PING));
  assert.equal(enc.nextSeq, 3);
  const dec = new MessageDecoder();
  const seqs: number[] = [];
  dec.push(Buffer.concat([frames[0]!, frames[1]!, frames[4]!]), (_m, seq) => seqs.push(seq));
  assert.deepEqual(seqs, [65534, 65535, 2]);
  assert.equal(dec.stats.framesLost, 2);
  assert.equal(dec.stats.framesOk, 3);
});

test('MessageDecoder treats a large backwards jump as a sender restart, and resync forgets the seq', () => {
  const dec = new MessageDecoder();
  const a = new MessageEncoder({ firstSeq: 500 });
  const b = new MessageEncoder();
  dec.push(Buffer.concat([a.encode(EXAMPLES.PING), b.encode(EXAMPLES.PING)]), () => {});
  assert.equal(dec.stats.seqRestarts, 1);
  assert.equal(dec.stats.framesLost, 0);
  dec.resync();
  dec.push(a.encode(EXAMPLES.PING), () => {});
  assert.equal(dec.stats.framesLost, 0);
});

test('MessageDecoder counts unknown types and bad payloads and keeps going', () => {
  const drops: string[] = [];
  const dec = new MessageDecoder({ onDrop: (reason) => drops.push(reason) });
  const enc = new MessageEncoder();
  const msgs: Message[] = [];
  const stream = Buffer.concat([
    enc.encode(EXAMPLES.BUTTON),
    encodeFrame(0x7f, 1, Uint8Array.from([1, 2, 3])),
    encodeFrame(MessageType.PING, 2, Uint8Array.from([1])),
    new MessageEncoder({ firstSeq: 3 }).encode(EXAMPLES.VOLUME),
  ]);
  dec.push(stream, (m) => msgs.push(m));
  assert.deepEqual(msgs, [EXAMPLES.BUTTON, EXAMPLES.VOLUME]);
  assert.deepEqual(drops, ['unknown_type', 'bad_payload']);
  const s = dec.stats;
  assert.equal(s.unknownType, 1);
  assert.equal(s.badPayload, 1);
  assert.equal(s.framesOk, 4);
  assert.equal(s.framesLost, 0);
});

test('MessageEncoder.encodeFrame returns the payload length and refuses one over the limit without using a seq', () => {
  const enc = new MessageEncoder();
  const led = EXAMPLES.LED;
  const { frame, payloadBytes } = enc.encodeFrame(led);
  assert.equal(payloadBytes, encodeMessage(led).length);
  assert.equal(enc.nextSeq, 1);
  const data = new Uint8Array(80);
  const big: Message = { type: 'SPEAKER_DATA', stream: 1, data };
  assert.throws(
    () => enc.encodeFrame(big, 64),
    (e: unknown) =>
      e instanceof ProtocolError &&
      e.code === 'HARK_ERR_PROTOCOL_ENCODE' &&
      e.details?.['payloadBytes'] === 81 &&
      e.details?.['maxPayloadBytes'] === 64 &&
      /SPEAKER_DATA has a 81-byte payload; the receiver accepts at most 64/.test(e.message),
  );
  assert.equal(enc.nextSeq, 1, 'a refused frame does not advance seq');
  assert.equal(enc.encodeFrame(big, 81).payloadBytes, 81, 'exactly at the limit is fine');
  assert.ok(frame.length > payloadBytes && frame[frame.length - 1] === 0);
});

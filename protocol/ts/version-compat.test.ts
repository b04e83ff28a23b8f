/**
 * SPEC §2.1.4, 1.0 ↔ 1.1 in both directions, for the two messages 1.1 appended fields to (HELLO:
 * rx_window_bytes, HELLO_ACK: host_session). 1.0 → 1.1: the frozen 1.0 wires decode, the appended
 * fields as 0 (the C codec checks the same wires through vectors.h). 1.1 → 1.0: a 1.0 receiver, which
 * knows only the 1.0 fields and ignores trailing bytes, reads a 1.1 payload's 1.0 fields unchanged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameDecoder } from './frame-decoder.js';
import { decodeMessage, encodeMessage } from './message-codec.js';
import { EXAMPLES } from './message-examples.js';
import { LAYOUTS, layoutFor, minPayloadBytes } from './message-layout.js';
import { type Frame, type Message, MessageType, type MessageTypeName, PROTOCOL_MINOR } from './messages.js';
import { HELLO_1_0_WIRE, HELLO_ACK_1_0_WIRE } from './vectors.js';

function frameOf(hex: string): Frame {
  let out: Frame | undefined;
  new FrameDecoder().push(Buffer.from(hex, 'hex'), (f) => {
    out = f;
  });
  assert.ok(out, 'the frozen wire holds one intact frame');
  return out;
}

const decoded = (type: number, payload: Uint8Array, minor?: number): Message => {
  const r = decodeMessage(type, payload, minor === undefined ? {} : { minor });
  assert.ok(r.ok, r.ok ? '' : r.detail);
  return r.message;
};

test('this version is 1.1 and appends exactly HELLO.rx_window_bytes and HELLO_ACK.host_session', () => {
  assert.equal(PROTOCOL_MINOR, 1);
  const appended = Object.entries(LAYOUTS).flatMap(([n, l]) =>
    l.filter((f) => f.since).map((f) => `${n}.${f.name}@${f.since}`),
  );
  assert.deepEqual(appended, ['HELLO.rxWindowBytes@1', 'HELLO_ACK.hostSession@1']);
  for (const name of Object.keys(LAYOUTS) as MessageTypeName[]) {
    const since = LAYOUTS[name].map((f) => f.since ?? 0);
    assert.deepEqual(since, [...since].sort(), `${name}: appended fields come after every older one`);
    for (const f of LAYOUTS[name].filter((x) => x.since)) {
      assert.ok(
        ['u8', 'u16', 'u32'].includes(f.kind),
        `${name}.${f.name}: only integers are appended (read as 0)`,
      );
    }
  }
});

test('1.0 → 1.1: a 1.0 board HELLO decodes with rx_window_bytes 0, every 1.0 field intact', () => {
  const f = frameOf(HELLO_1_0_WIRE);
  assert.equal(f.payload.length, minPayloadBytes('HELLO', 0) + 2 * 2 + 5 + 21 + 17, 'the 1.0 length');
  const m = decoded(f.type, f.payload) as Message & { type: 'HELLO' };
  assert.equal(m.versionMinor, 0);
  assert.equal(m.rxWindowBytes, 0);
  assert.equal(m.boardModel, 'esp32-devkitc-inmp441');
  assert.deepEqual(m.gpio, [
    { pin: 2, caps: 11 },
    { pin: 34, caps: 5 },
  ]);
});

test('1.0 → 1.1: a 1.0 host HELLO_ACK decodes with host_session 0', () => {
  const f = frameOf(HELLO_ACK_1_0_WIRE);
  assert.equal(f.payload.length, minPayloadBytes('HELLO_ACK', 0));
  const m = decoded(f.type, f.payload) as Message & { type: 'HELLO_ACK' };
  assert.equal(m.hostSession, 0);
  assert.equal(m.heartbeatMs, 1000);
  assert.equal(m.flags, 1);
});

test('1.1 → 1.0: a 1.0 receiver reads the 1.0 fields of 1.1 payloads unchanged and ignores the rest', () => {
  for (const msg of [EXAMPLES.HELLO, EXAMPLES.HELLO_ACK]) {
    const payload = encodeMessage(msg);
    const asOld = decoded(MessageType[msg.type], payload, 0) as unknown as Record<string, unknown>;
    const full = msg as unknown as Record<string, unknown>;
    for (const f of layoutFor(msg.type, 0))
      assert.deepEqual(asOld[f.name], full[f.name], `${msg.type}.${f.name}`);
    for (const f of LAYOUTS[msg.type].filter((x) => x.since)) {
      assert.notEqual(full[f.name], 0, 'the example sets the appended field, so the check can fail');
      assert.equal(asOld[f.name], 0, `${msg.type}.${f.name} is unknown to 1.0`);
    }
  }
});

test('an appended field is whole or absent: a cut one is bad_payload, and so is a cut 1.0 field', () => {
  const ack = encodeMessage(EXAMPLES.HELLO_ACK);
  const v10 = minPayloadBytes('HELLO_ACK', 0);
  for (let n = v10 + 1; n < ack.length; n++) {
    const r = decodeMessage(MessageType.HELLO_ACK, ack.subarray(0, n));
    assert.equal(r.ok, false, `${n} bytes`);
    if (!r.ok) assert.match(r.detail, /hostSession: payload too short/);
  }
  const r = decodeMessage(MessageType.HELLO_ACK, ack.subarray(0, v10 - 1));
  assert.equal(r.ok, false);
});

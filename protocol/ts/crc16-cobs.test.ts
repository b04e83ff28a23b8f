import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cobsDecode, cobsDecodeInto, cobsEncode, cobsMaxEncodedLength } from './cobs.js';
import { CRC16_INIT, crc16, crc16Update } from './crc16.js';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'ascii'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Bitwise reference CRC, independent of the table implementation. */
function crcBitwise(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

test('crc16 is CRC-16/CCITT-FALSE: check value of "123456789" is 0x29B1', () => {
  assert.equal(crc16(ascii('123456789')), 0x29b1);
  assert.equal(crc16(new Uint8Array(0)), 0xffff);
});

test('crc16 matches a bitwise reference on random data, whole and incremental', () => {
  for (let n = 0; n < 300; n += 7) {
    const data = Uint8Array.from({ length: n }, () => Math.floor(Math.random() * 256));
    assert.equal(crc16(data), crcBitwise(data));
    const half = n >> 1;
    assert.equal(crc16Update(crc16Update(CRC16_INIT, data, 0, half), data, half), crcBitwise(data));
  }
});

test('cobs encodes the reference examples of Cheshire & Baker / Wikipedia', () => {
  const cases: [number[], string][] = [
    [[], '01'],
    [[0x00], '0101'],
    [[0x00, 0x00], '010101'],
    [[0x11, 0x22, 0x00, 0x33], '0311220233'],
    [[0x11, 0x22, 0x33, 0x44], '0511223344'],
    [[0x11, 0x00, 0x00, 0x00], '0211010101'],
  ];
  for (const [raw, enc] of cases) {
    assert.equal(hex(cobsEncode(Uint8Array.from(raw))), enc, `encode ${raw}`);
    assert.deepEqual([...cobsDecode(Buffer.from(enc, 'hex'))!], raw, `decode ${enc}`);
  }
});

test('cobs handles 254-byte runs at the block boundaries', () => {
  const run254 = Uint8Array.from({ length: 254 }, (_, i) => i + 1);
  const enc = cobsEncode(run254);
  assert.equal(enc.length, 255);
  assert.equal(enc[0], 0xff);
  const run255 = Uint8Array.from({ length: 255 }, (_, i) => (i % 255) + 1);
  const enc255 = cobsEncode(run255);
  assert.equal(enc255.length, 257);
  assert.deepEqual(enc255.subarray(255), Uint8Array.from([0x02, 0xff]));
  assert.deepEqual(cobsDecode(enc255), run255);
  const withZeroAfter = Uint8Array.from([...run254, 0]);
  assert.deepEqual(cobsDecode(cobsEncode(withZeroAfter)), withZeroAfter);
});

test('cobs round-trips random data, never emits 0x00 and stays within the size bound', () => {
  for (let k = 0; k < 500; k++) {
    const n = Math.floor(Math.random() * 1100);
    const zeroRate = Math.random();
    const data = Uint8Array.from({ length: n }, () =>
      Math.random() < zeroRate ? 0 : 1 + Math.floor(Math.random() * 255),
    );
    const enc = cobsEncode(data);
    assert.ok(!enc.includes(0), 'encoded data contains 0x00');
    assert.ok(enc.length <= cobsMaxEncodedLength(n));
    assert.deepEqual(cobsDecode(enc), data);
    // decoding in place gives the same result
    const copy = Uint8Array.from(enc);
    const len = cobsDecodeInto(copy, 0, copy.length, copy);
    assert.deepEqual(copy.subarray(0, len), data);
  }
});

test('cobs rejects a code byte pointing past the end and embedded zeros', () => {
  assert.equal(cobsDecode(Uint8Array.from([0x05, 0x11, 0x22])), null);
  assert.equal(cobsDecode(Uint8Array.from([0x03, 0x00, 0x22])), null);
  assert.equal(cobsDecode(Uint8Array.from([0x00])), null);
});

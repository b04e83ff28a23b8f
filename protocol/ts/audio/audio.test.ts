import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AudioCodec } from '../messages.js';
import { type AdpcmEncoderState, adpcmBlockBytes, adpcmDecodeBlock, adpcmEncodeBlock } from './ima-adpcm.js';
import { decodeAudioBlock, encodeAudioBlock, pcm16Decode, pcm16Encode } from './index.js';
import { ulawDecode, ulawDecodeSample, ulawEncode, ulawEncodeSample } from './ulaw.js';

/** A 440 Hz + 1250 Hz tone at 16 kHz, the kind of signal speech codecs are built for. */
const tone = (n: number, amp = 12000): Int16Array =>
  Int16Array.from({ length: n }, (_, i) =>
    Math.round(
      amp *
        (0.7 * Math.sin((2 * Math.PI * 440 * i) / 16000) + 0.3 * Math.sin((2 * Math.PI * 1250 * i) / 16000)),
    ),
  );

/** Signal-to-noise ratio of `b` against reference `a`, in dB. */
const snrDb = (a: Int16Array, b: Int16Array): number => {
  let sig = 0;
  let noise = 0;
  for (let i = 0; i < a.length; i++) {
    sig += a[i]! ** 2;
    noise += (a[i]! - b[i]!) ** 2;
  }
  return 10 * Math.log10(sig / Math.max(noise, 1));
};

test('µ-law matches G.711 reference points and is monotonic', () => {
  assert.equal(ulawEncodeSample(0), 0xff);
  assert.equal(ulawEncodeSample(-1), 0x7f);
  assert.equal(ulawEncodeSample(32767), 0x80);
  assert.equal(ulawEncodeSample(-32768), 0x00);
  assert.equal(ulawDecodeSample(0x80), 32124);
  assert.equal(ulawDecodeSample(0x00), -32124);
  assert.equal(ulawDecodeSample(0xff), 0);
  let prev = -Infinity;
  for (let s = -32768; s <= 32767; s += 97) {
    const d = ulawDecodeSample(ulawEncodeSample(s));
    assert.ok(d >= prev, `not monotonic at ${s}`);
    prev = d;
    // quantisation error stays within one step of the segment (≤ 1/16 of the magnitude, plus bias)
    assert.ok(Math.abs(d - s) <= Math.abs(s) / 16 + 132, `error too large at ${s}: ${d}`);
  }
  // every code decodes and re-encodes to itself (except the two zeros 0x7f/0xff)
  for (let c = 0; c < 256; c++) if (c !== 0x7f) assert.equal(ulawEncodeSample(ulawDecodeSample(c)), c);
});

test('µ-law round trip of a speech-band tone is above 30 dB SNR', () => {
  const x = tone(1600);
  assert.ok(snrDb(x, ulawDecode(ulawEncode(x))) > 30);
});

test('IMA-ADPCM blocks hold odd and even sample counts exactly (PAD flag)', () => {
  for (const n of [1, 2, 3, 160, 319, 320, 505]) {
    const block = adpcmEncodeBlock(tone(n));
    assert.equal(block.length, adpcmBlockBytes(n));
    assert.equal(block[3], (n - 1) % 2, `pad flag for ${n}`);
    const out = adpcmDecodeBlock(block);
    assert.equal(out.length, n);
    assert.equal(out[0], tone(n)[0]);
  }
  assert.equal(adpcmEncodeBlock(new Int16Array(0)).length, 0);
  assert.equal(adpcmDecodeBlock(Uint8Array.from([1, 2, 3])).length, 0);
});

test('IMA-ADPCM with state carried across 20 ms blocks is above 20 dB SNR; each block decodes alone', () => {
  const x = tone(320 * 10);
  const state: AdpcmEncoderState = { stepIndex: 0 };
  const decoded = new Int16Array(x.length);
  for (let b = 0; b < 10; b++) {
    const block = adpcmEncodeBlock(x.subarray(b * 320, (b + 1) * 320), state);
    decoded.set(adpcmDecodeBlock(block), b * 320);
  }
  assert.ok(state.stepIndex > 0);
  const snr = snrDb(x.subarray(320), decoded.subarray(320));
  assert.ok(snr > 20, `SNR ${snr.toFixed(1)} dB`);
});

test('IMA-ADPCM survives full-scale square waves and hostile headers without overflow', () => {
  const square = Int16Array.from({ length: 301 }, (_, i) => (i % 8 < 4 ? 32767 : -32768));
  const out = adpcmDecodeBlock(adpcmEncodeBlock(square));
  assert.equal(out.length, 301);
  const hostile = Uint8Array.from([0xff, 0x7f, 250, 0xff, ...new Array(50).fill(0x77)]);
  const h = adpcmDecodeBlock(hostile);
  assert.equal(h.length, 1 + 100 - 1);
  for (const s of h) assert.ok(s >= -32768 && s <= 32767);
});

test('encodeAudioBlock/decodeAudioBlock dispatch on the codec id; PCM16 is little-endian', () => {
  const x = tone(321);
  assert.deepEqual(pcm16Decode(pcm16Encode(x)), x);
  const bytes = pcm16Encode(Int16Array.from([0x1234, -2]));
  assert.deepEqual([...bytes], [0x34, 0x12, 0xfe, 0xff]);
  assert.equal(pcm16Decode(Uint8Array.from([1, 2, 3])).length, 1);
  for (const codec of [AudioCodec.PCM16, AudioCodec.ULAW, AudioCodec.IMA_ADPCM]) {
    assert.equal(decodeAudioBlock(codec, encodeAudioBlock(codec, x)).length, x.length);
  }
  assert.throws(() => encodeAudioBlock(9 as 0, x), { code: 'HARK_ERR_PROTOCOL_ENCODE' });
  assert.equal(decodeAudioBlock(9 as 0, new Uint8Array(10)).length, 0);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BAUD_RATES, bandwidthRows, chunkLimitRows } from './bandwidth.js';
import { AudioCodec, AudioCodecNames } from './messages.js';
import { blockBytes, chunkSamples, MAX_CHUNK_MS, MIN_CHUNK_MS, maxChunkMs } from './rules.js';

test('the bandwidth table matches the framing arithmetic of SPEC §1 and §8', () => {
  const rows = bandwidthRows();
  assert.equal(rows.length, 6);
  for (const r of rows) {
    const chunkData = r.dataBytesPerS / 50;
    const raw = chunkData + 3 + 5; // AUDIO header + type/seq/crc
    const cobs = raw + 1 + Math.floor((raw - 1) / 254); // worst case: no zero bytes
    assert.equal(r.wireBytesPerS, (cobs + 1) * 50, `${r.codec} ${r.rateHz}`);
    const overhead = r.wireBytesPerS / 50 - chunkData;
    assert.ok(overhead >= 10 && overhead <= 12, `overhead ${overhead}`);
    r.load.forEach((l, i) => {
      assert.ok(Math.abs(l - (r.wireBytesPerS * 10) / BAUD_RATES[i]!) < 1e-9);
    });
  }
  const pcm16k = rows.find((r) => r.codec === 'PCM16' && r.rateHz === 16000)!;
  assert.ok(pcm16k.dataBytesPerS / pcm16k.wireBytesPerS >= 0.97, 'default stream efficiency ≥ 0.97');
});

test('the chunk_ms table (measured with the real encoders) agrees with rules.maxChunkMs', () => {
  const rows = chunkLimitRows();
  assert.equal(rows.length, 15);
  for (const r of rows) {
    const codec = AudioCodecNames.id(
      r.codec === 'PCM16' ? 'pcm16' : r.codec === 'µ-law' ? 'ulaw' : 'ima-adpcm',
    )!;
    assert.equal(r.maxChunkMs, maxChunkMs(codec, r.rateHz), `${r.codec} ${r.rateHz}`);
    assert.ok(r.payloadBytes <= 1024 && r.maxChunkMs >= MIN_CHUNK_MS && r.maxChunkMs <= MAX_CHUNK_MS);
    if (r.maxChunkMs < MAX_CHUNK_MS) {
      const over = 3 + blockBytes(codec, chunkSamples(r.rateHz, r.maxChunkMs + 1));
      assert.ok(over > 1024, `${r.codec} ${r.rateHz}: ${r.maxChunkMs + 1} ms would fit too`);
    }
  }
  const pcm16k = rows.find((r) => r.codec === 'PCM16' && r.rateHz === 16000)!;
  assert.equal(pcm16k.maxChunkMs, 31, '16 kHz PCM16: 31 ms is 995 bytes, 32 ms would be 1027');
  assert.equal(maxChunkMs(AudioCodec.PCM16, 16000, 64), 0, 'nothing fits a 64-byte board at 16 kHz PCM16');
  assert.equal(maxChunkMs(AudioCodec.IMA_ADPCM, 8000, 64), 14, 'an Uno: 14 ms of 8 kHz ADPCM in 64 bytes');
});

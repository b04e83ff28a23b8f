import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BAUD_RATES, bandwidthRows } from './bandwidth.js';

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

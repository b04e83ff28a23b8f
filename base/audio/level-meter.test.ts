import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LevelMeter } from './level-meter.js';

test('a level meter reports RMS and peak per block: a full-scale sine is about -3 dBFS RMS, silence -100', () => {
  const m = new LevelMeter(16000, 100);
  const tone = new Int16Array(1600);
  for (let i = 0; i < tone.length; i++)
    tone[i] = Math.round(32767 * Math.sin((2 * Math.PI * 1000 * i) / 16000));
  assert.deepEqual(m.push(tone.subarray(0, 1000)), []);
  const [l] = m.push(tone.subarray(1000));
  assert.ok(l && Math.abs(l.rmsDb + 3.01) < 0.1, JSON.stringify(l));
  assert.ok(Math.abs(l.peakDb) < 0.01);
  assert.deepEqual(m.push(new Int16Array(1600)), [{ rmsDb: -100, peakDb: -100 }]);
  assert.equal(m.push(new Int16Array(4800)).length, 3, 'three blocks in one push');
});

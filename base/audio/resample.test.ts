import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../errors.js';
import { Resampler, resample } from './resample.js';

const tone = (hz: number, rate: number, seconds: number, amp = 10000) =>
  Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.round(amp * Math.sin((2 * Math.PI * hz * i) / rate)),
  );
const rms = (x: Int16Array, from = 0, to = x.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! ** 2;
  return Math.sqrt(s / (to - from));
};
/** Frequency from zero crossings (edges trimmed). */
const freq = (x: Int16Array, rate: number) => {
  let n = 0;
  const a = Math.floor(x.length * 0.1);
  const b = Math.floor(x.length * 0.9);
  for (let i = a + 1; i < b; i++) if (x[i - 1]! < 0 !== x[i]! < 0) n++;
  return (n / 2) * (rate / (b - a));
};

test('8 kHz → 16 kHz keeps length, pitch and level of a 1 kHz tone', () => {
  const x = tone(1000, 8000, 1);
  const y = resample(x, 8000, 16000);
  assert.ok(Math.abs(y.length - 16000) <= 2, `length ${y.length}`);
  assert.ok(Math.abs(freq(y, 16000) - 1000) < 5, `freq ${freq(y, 16000)}`);
  assert.ok(Math.abs(rms(y, 1000, 15000) / rms(x, 500, 7500) - 1) < 0.03);
  // Delay-compensated: the output is in phase with the input (sample 2k of y ≈ sample k of x).
  for (let k = 1000; k < 1010; k++)
    assert.ok(Math.abs(y[2 * k]! - x[k]!) < 400, `k=${k}: ${y[2 * k]} vs ${x[k]}`);
});

test('22.05 kHz → 16 kHz passes 3 kHz and removes a 10 kHz tone (no aliasing)', () => {
  const pass = resample(tone(3000, 22050, 0.5), 22050, 16000);
  const stop = resample(tone(10000, 22050, 0.5), 22050, 16000);
  assert.ok(rms(pass, 500, 7500) > 6900);
  assert.ok(rms(stop, 500, 7500) < 100, `10 kHz leaked at rms ${rms(stop, 500, 7500)}`);
});

test('resampling in chunks of any size equals resampling at once', () => {
  const x = tone(440, 8000, 0.3);
  const whole = resample(x, 8000, 16000);
  const r = new Resampler(8000, 16000);
  const parts: number[] = [];
  for (let i = 0, step = 1; i < x.length; i += step, step = (step * 7) % 97 || 1)
    parts.push(...r.process(x.subarray(i, i + step)));
  parts.push(...r.flush());
  assert.deepEqual(Int16Array.from(parts), whole);
  assert.deepEqual(resample(x, 8000, 8000), x);
});

test('rates out of range are refused', () => {
  assert.throws(
    () => new Resampler(0, 16000),
    (e) => isHarkError(e, 'HARK_ERR_AUDIO_RATE') && /input sample rate 0/.test(e.message),
  );
  assert.throws(
    () => new Resampler(8000, 16000.5),
    (e) => isHarkError(e, 'HARK_ERR_AUDIO_RATE'),
  );
});

test('equal rates pass chunks through untouched, and a stream starts without building a filter', () => {
  const x = tone(440, 16000, 0.1);
  const r = new Resampler(16000, 16000);
  assert.equal(r.process(x), x, 'the same array: no copy, no delay');
  assert.equal(r.flush().length, 0);
  // Two streams at the same rates share one table and produce identical output.
  const a = new Resampler(8000, 16000);
  const b = new Resampler(8000, 16000);
  assert.deepEqual(b.process(tone(300, 8000, 0.05)), a.process(tone(300, 8000, 0.05)));
  const y = tone(300, 8000, 0.05);
  assert.deepEqual(resample(y, 8000, 16000), resample(y, 8000, 16000));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatPcm } from '../../base/audio/concat.js';
import { EnergyVad, type VadEvent } from './vad.js';

const RATE = 16000;
/** Noise at `db` dBFS for `ms` (deterministic pseudo-random). */
function noise(ms: number, db: number, seed = 1): Int16Array {
  let s = seed;
  const amp = 32768 * 10 ** (db / 20) * Math.sqrt(3);
  return Int16Array.from({ length: (RATE * ms) / 1000 }, () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return Math.round(((s / 0x7fffffff) * 2 - 1) * amp);
  });
}
const join = (...parts: Int16Array[]) => concatPcm(parts);
const run = (vad: EnergyVad, x: Int16Array, chunk = 256): VadEvent[] => {
  const ev: VadEvent[] = [];
  for (let i = 0; i < x.length; i += chunk) ev.push(...vad.push(x.subarray(i, i + chunk)));
  return ev;
};

test('speech over a noise floor: start where it began, end after 0.7 s of silence', () => {
  const x = join(noise(500, -65), noise(1200, -20, 7), noise(1500, -65, 3));
  const ev = run(new EnergyVad(RATE), x);
  assert.equal(ev.length, 2);
  assert.deepEqual(ev[0], { state: 'start', atMs: 500 });
  assert.equal(ev[1]!.state, 'end');
  assert.equal(ev[1]!.reason, 'silence');
  assert.ok(Math.abs(ev[1]!.atMs - 1700) <= 20, `end at ${ev[1]!.atMs}`);
});

test('a 0.1 s click is not speech; the same events come whatever the chunk size', () => {
  const click = join(noise(300, -65), noise(100, -10, 5), noise(1000, -65, 9));
  assert.deepEqual(run(new EnergyVad(RATE), click), []);
  const x = join(noise(200, -60), noise(800, -25, 4), noise(900, -60, 2));
  assert.deepEqual(run(new EnergyVad(RATE), x, 37), run(new EnergyVad(RATE), x, 4000));
});

test('15 s hard limit, and custom (relaxed) settings', () => {
  const long = join(noise(100, -70), noise(16000, -20, 3));
  const ev = run(new EnergyVad(RATE), long);
  // Speech that goes on after the cut starts a new segment (0.3 s later).
  assert.deepEqual(
    ev.map((e) => [e.state, e.reason]),
    [
      ['start', undefined],
      ['end', 'max'],
      ['start', undefined],
    ],
  );
  assert.ok(Math.abs(ev[1]!.atMs - 15100) <= 20);
  const x = join(
    noise(200, -65),
    noise(600, -20, 3),
    noise(1000, -65, 8),
    noise(600, -20, 6),
    noise(1500, -65),
  );
  assert.equal(run(new EnergyVad(RATE), x).filter((e) => e.state === 'end').length, 2);
  assert.equal(run(new EnergyVad(RATE, { silenceMs: 1250 }), x).filter((e) => e.state === 'end').length, 1);
});

test('voiced: every speech-like stretch with its times, a click included, nothing in silence', () => {
  const x = join(
    noise(500, -65),
    noise(600, -20, 7),
    noise(400, -65, 3),
    noise(100, -10, 5),
    noise(800, -65, 9),
  );
  const vad = new EnergyVad(RATE);
  run(vad, x, 100);
  const v = vad.voiced.map(([a, b]) => [a, b]);
  assert.equal(v.length, 2, JSON.stringify(v));
  assert.ok(Math.abs(v[0]![0]! - 500) <= 20 && Math.abs(v[0]![1]! - 1100) <= 20, JSON.stringify(v));
  assert.ok(Math.abs(v[1]![0]! - 1500) <= 20 && Math.abs(v[1]![1]! - 1600) <= 20, JSON.stringify(v));
  const quiet = new EnergyVad(RATE);
  run(quiet, noise(2000, -65));
  assert.deepEqual(quiet.voiced, []);
});

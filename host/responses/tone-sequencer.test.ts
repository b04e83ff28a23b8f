import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import type { Tone } from '../../protocol/ts/messages.js';
import { ToneSequencer } from './tone-sequencer.js';

const tone = (freqHz: number, durationMs: number): Tone => ({
  type: 'TONE',
  steps: [{ freqHz, durationMs, volume: 50 }],
});

/** A sequencer on mock timers with a clock that follows them. */
function setup() {
  mock.timers.enable({ apis: ['setTimeout'], now: 0 });
  let clock = 0;
  const sent: { freqHz: number; at: number }[] = [];
  const seq = new ToneSequencer(
    (t) => sent.push({ freqHz: t.steps[0]!.freqHz, at: clock }),
    () => clock,
  );
  const advance = (ms: number) => {
    clock += ms;
    mock.timers.tick(ms);
  };
  return { seq, sent, advance, done: () => mock.timers.reset() };
}

test('a tone waits for the one playing to end instead of cutting it off', async () => {
  const { seq, sent, advance, done } = setup();
  try {
    void seq.play(tone(1320, 150)); // the "stopped" earcon
    const success = seq.play(tone(1047, 180));
    assert.deepEqual(
      sent.map((s) => s.freqHz),
      [1320],
      'the second tone is held while the first plays',
    );
    advance(150);
    assert.equal(sent.length, 1, 'not before the first tone and the settle margin are over');
    advance(20);
    await success;
    assert.deepEqual(
      sent.map((s) => s.freqHz),
      [1320, 1047],
    );
    assert.ok(sent[1]!.at >= 150, `sent at ${sent[1]!.at} ms`);
  } finally {
    done();
  }
});

test('an interrupting tone plays at once and drops the waiting ones (their promises still resolve)', async () => {
  const { seq, sent, advance, done } = setup();
  try {
    void seq.play(tone(1320, 150));
    const dropped = seq.play(tone(1047, 100));
    await seq.play(tone(880, 60), { interrupt: true }); // a fresh press: "listening"
    await dropped;
    advance(1000);
    assert.deepEqual(
      sent.map((s) => s.freqHz),
      [1320, 880],
      'the held tone never plays after the interruption',
    );
  } finally {
    done();
  }
});

test('with nothing playing a tone goes out at once; clear() forgets what waits', async () => {
  const { seq, sent, advance, done } = setup();
  try {
    await seq.play(tone(440, 50));
    assert.equal(sent.length, 1);
    const held = seq.play(tone(660, 50));
    seq.clear();
    await held;
    advance(500);
    assert.equal(sent.length, 1, 'a cleared tone is not sent later');
    await seq.play(tone(770, 50));
    assert.equal(sent.length, 2, 'after clear() nothing is playing any more');
  } finally {
    done();
  }
});

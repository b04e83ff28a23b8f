/**
 * What a board sends on its own, over a real pty with real recognition. SPEC 1.1 button gestures: a
 * push-to-talk hold past 800 ms makes the board send BUTTON LONG, which is part of the hold (never a
 * mute), so every utterance runs; a double click toggles mute. ERROR frames become
 * HARK_ERR_BOARD_REPORTED events naming the board's error.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EmulatedBoard } from '../../boards/emulator/index.js';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';
import { ButtonEvent, ErrorCode } from '../../protocol/ts/messages.js';

let h: Harness;
let boardId: string;
let board: EmulatedBoard;

before(async () => {
  h = await Harness.start({ commands: demo, asrThreads: 1 });
  ({ boardId, board } = await h.addBoard({ uid: 'e2e-gestures', speed: 4 }));
});
after(async () => {
  await h?.close();
});

const commandsSince = (from: number) =>
  h.events
    .slice(from)
    .filter((e): e is Extract<PipelineEvent, { event: 'command' }> => e.event === 'command')
    .map((e) => e.command);
const sessionLine = (from: number, pattern: RegExp) => () =>
  h.events.slice(from).some((e) => e.event === 'session' && pattern.test(e.line)) || undefined;

/** Until the emulator sends LONG itself (protocol helper), the test sends it while the button is held. */
function sendLongWhileHeld(): () => void {
  const onStart = () => board.send({ type: 'BUTTON', button: 0, event: ButtonEvent.LONG });
  board.on('stream-start', onStart);
  return () => board.off('stream-start', onStart);
}

// First, while no command has set an LED override (an override outranks the muted LED).
test('a double click mutes (utterances are discarded, the LED says so) and another unmutes', async () => {
  const e0 = h.events.length;
  board.send({ type: 'BUTTON', button: 0, event: ButtonEvent.DOUBLE });
  await h.waitFor('the session to mute', sessionLine(e0, /microphone muted$/));
  await h.waitFor('the muted LED', () =>
    h.received.some((o) => o.kind === 'led' && o.detail.r === 0x40 && o.detail.g === 0) ? true : undefined,
  );
  const e1 = h.events.length;
  await h.say(boardId, 'volume up');
  await h.waitFor(
    'the muted utterance to be discarded',
    sessionLine(e1, /microphone muted: stream \d+ discarded/),
  );
  assert.deepEqual(commandsSince(e1), [], 'nothing runs while muted');

  board.send({ type: 'BUTTON', button: 0, event: ButtonEvent.DOUBLE });
  await h.waitFor('the session to unmute', sessionLine(e1, /microphone unmuted$/));
  const e2 = h.events.length;
  await h.say(boardId, 'volume up');
  await h.idleAfter(boardId, e2);
  assert.deepEqual(commandsSince(e2), ['volume up']);
});

test('a LONG during push-to-talk is part of the hold: two commands, twice each, all run', async () => {
  const stop = sendLongWhileHeld();
  try {
    const e0 = h.events.length;
    for (const text of ['turn the light on', 'volume up', 'turn the light on', 'volume up']) {
      const from = h.events.length;
      await h.say(boardId, text);
      await h.idleAfter(boardId, from);
    }
    assert.deepEqual(commandsSince(e0), ['lights', 'volume up', 'lights', 'volume up']);
    assert.ok(!h.events.slice(e0).some((e) => e.event === 'session' && /muted/.test(e.line)), 'never muted');
  } finally {
    stop();
  }
});

test('an ERROR frame is reported as HARK_ERR_BOARD_REPORTED with the board code and its name', async () => {
  const e0 = h.events.length;
  const errors = () =>
    h.events.slice(e0).filter((e): e is Extract<PipelineEvent, { event: 'error' }> => e.event === 'error');
  board.send({ type: 'ERROR', code: ErrorCode.GPIO_INVALID_PIN, message: 'no pin 99' });
  board.send({ type: 'ERROR', code: 200, message: '' });
  await h.waitFor('two error events', () => (errors().length >= 2 ? true : undefined));
  const [known, unknown] = errors();
  assert.equal(known?.code, 'HARK_ERR_BOARD_REPORTED');
  assert.equal(known?.boardId, boardId);
  assert.deepEqual(known?.details, { boardCode: 6, boardError: 'gpio-invalid-pin' });
  assert.match(known?.message ?? '', /reported gpio-invalid-pin \(6\): no pin 99/);
  assert.equal(unknown?.code, 'HARK_ERR_BOARD_REPORTED');
  assert.deepEqual(unknown?.details, { boardCode: 200, boardError: 'unknown' });
});

import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { AudioTrigger } from '../../protocol/ts/messages.js';
import { BoardSession, type BoardSessionOptions, type SessionHost } from './board-session.js';
import { TRANSITIONS } from './session-machine.js';

function setup(over: Partial<BoardSessionOptions> = {}) {
  const calls: string[] = [];
  const leds: string[] = [];
  const host: SessionHost = {
    showLed: (c) => leds.push([...c].join('+') || 'idle'),
    earcon: (n) => calls.push(`earcon:${n}`),
    startCapture: (ms, mode = 'single') => calls.push(`capture:start:${ms}:${mode}`),
    stopCapture: () => calls.push('capture:stop'),
    cancelStream: (r) => calls.push(`cancel:${r}`),
    stopPlayback: () => calls.push('playback:stop'),
    log: (l) => calls.push(`log:${l}`),
  };
  const opts: BoardSessionOptions = {
    boardId: 'b1',
    wake: false,
    wakePhrase: 'hey computer',
    noSpeechTimeoutMs: 5000,
    maxUtteranceMs: 15000,
    followUpMs: 8000,
    earcons: true,
    ...over,
  };
  const s = new BoardSession(opts, host);
  const actions = () => calls.filter((c) => !c.startsWith('log:'));
  return { s, calls, leds, actions };
}

/** Runs `body` with setTimeout mocked, restoring the real timers afterwards. */
function withMockTimers(body: () => void): void {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    body();
  } finally {
    mock.timers.reset();
  }
}

test('push-to-talk: listening, thinking, responding, idle with LEDs and earcons', () => {
  const { s, leds, actions, calls } = setup();
  s.connected();
  assert.equal(s.state, 'idle');
  s.buttonDown();
  const plan = s.audioStarted(AudioTrigger.BUTTON);
  assert.deepEqual(plan, { grammar: 'commands', trigger: 'push-to-talk', endOnSilence: false });
  assert.equal(s.state, 'listening');
  s.speech('start');
  s.speech('end');
  assert.equal(s.state, 'listening', 'push-to-talk ignores end of speech: the button decides');
  s.audioEnded();
  assert.equal(s.state, 'thinking');
  assert.equal(s.transcribed(' turn on the light '), 'turn on the light');
  s.replyStarted();
  assert.equal(s.state, 'responding');
  s.replyDone(false);
  assert.equal(s.state, 'idle');
  assert.deepEqual(leds, ['idle', 'listening', 'thinking', 'replying', 'idle']);
  assert.deepEqual(actions(), ['earcon:listening', 'earcon:stopped']);
  assert.ok(
    calls.includes('log:session b1: listening -> thinking on audio.end (the board stopped streaming)'),
  );
});

test('tap-to-talk: host capture ended by end of speech; no-speech timeout returns to idle', () => {
  const { s, actions } = setup();
  withMockTimers(() => {
    s.connected();
    s.buttonClick();
    assert.deepEqual(actions(), ['capture:start:15000:single']);
    assert.equal(s.audioStarted(AudioTrigger.HOST_CAPTURE)?.endOnSilence, true);
    s.speech('start');
    mock.timers.tick(6000);
    assert.equal(s.state, 'listening', 'speech cancels the no-speech timer');
    s.speech('end');
    assert.equal(actions().at(-1), 'capture:stop', 'end of speech ends the capture');
    s.audioEnded();
    assert.equal(s.transcribed(''), undefined);
    assert.equal(s.state, 'idle');

    s.buttonClick();
    s.audioStarted(AudioTrigger.HOST_CAPTURE);
    mock.timers.tick(4999);
    assert.equal(s.state, 'listening');
    mock.timers.tick(1);
    assert.equal(s.state, 'idle');
    assert.deepEqual(actions().slice(-2), ['cancel:no speech', 'capture:stop']);
  });
});

test('max utterance length stops the capture and moves on to thinking', () => {
  const { s, actions } = setup({ maxUtteranceMs: 3000 });
  withMockTimers(() => {
    s.connected();
    s.audioStarted(AudioTrigger.BUTTON);
    s.speech('start');
    mock.timers.tick(3000);
    assert.equal(s.state, 'thinking');
    assert.equal(actions().at(-2), 'capture:stop');
  });
});

test('a response that needs input opens a follow-up window with its own timeout', () => {
  const { s, actions } = setup({ followUpMs: 2000 });
  withMockTimers(() => {
    s.connected();
    s.audioStarted(AudioTrigger.BUTTON);
    s.audioEnded();
    s.transcribed('set a timer');
    s.replyStarted();
    s.replyDone(true);
    assert.deepEqual(actions().slice(-2), ['earcon:followUp', 'capture:start:15000:single']);
    const plan = s.audioStarted(AudioTrigger.HOST_CAPTURE);
    assert.equal(plan?.trigger, 'follow-up');
    assert.equal(s.state, 'listening');
    mock.timers.tick(2000);
    assert.equal(s.state, 'idle', 'silence after the question closes the window');
  });
});

test('pressing the button while the board speaks interrupts playback', () => {
  const { s, actions } = setup();
  s.connected();
  s.audioStarted(AudioTrigger.BUTTON);
  s.audioEnded();
  s.transcribed('what time is it');
  s.replyStarted();
  s.buttonDown();
  assert.equal(actions().at(-1), 'playback:stop');
  assert.equal(s.audioStarted(AudioTrigger.BUTTON)?.trigger, 'push-to-talk');
  assert.equal(s.state, 'listening');
});

test('hands-free: background stream, wake phrase with a command, alone, or not at all', () => {
  const { s, actions, leds } = setup({ wake: true });
  s.connected();
  assert.deepEqual(actions(), ['capture:start:0:continuous']);
  assert.deepEqual(s.audioStarted(AudioTrigger.CONTINUOUS, 7), {
    grammar: 'wake',
    trigger: 'wake',
    endOnSilence: true,
  });
  assert.equal(s.state, 'idle', 'waiting for the wake phrase shows idle');
  s.speech('start');
  s.speech('end');
  assert.equal(actions().length, 1, 'end of speech alone never stops the background stream');
  assert.equal(s.transcribed('hey computer turn the light on', 7), 'turn the light on');
  assert.deepEqual(actions().slice(-2), ['capture:stop', 'earcon:listening']);
  assert.equal(s.state, 'thinking');
  s.audioEnded(7);
  s.replyDone(false);
  assert.equal(s.state, 'idle');
  assert.equal(actions().at(-1), 'capture:start:0:continuous', 'background stream restarted once idle');

  s.audioStarted(AudioTrigger.CONTINUOUS, 8);
  assert.equal(s.transcribed('turn the light on', 8), undefined, 'no wake phrase: ignored');
  s.audioEnded(8);
  assert.equal(actions().at(-1), 'capture:start:0:continuous');

  s.audioStarted(AudioTrigger.CONTINUOUS, 9);
  assert.equal(s.transcribed('hey computer', 9), undefined);
  assert.deepEqual(
    actions().slice(-2),
    ['capture:stop', 'capture:start:15000:single'],
    'capture the command next',
  );
  s.audioEnded(9);
  assert.equal(s.audioStarted(AudioTrigger.HOST_CAPTURE, 10)?.grammar, 'commands');
  assert.equal(s.state, 'listening');
  assert.equal(leds.at(-1), 'listening');

  s.transcribed('', 10);
  s.audioEnded(10);
  s.audioStarted(AudioTrigger.CONTINUOUS, 11);
  s.buttonClick();
  assert.deepEqual(actions().slice(-3), ['cancel:tap-to-talk', 'capture:stop', 'capture:start:15000:single']);
  s.audioEnded(11);
  assert.equal(s.audioStarted(AudioTrigger.HOST_CAPTURE, 12)?.trigger, 'tap-to-talk');
});

test('disconnect from any state, error shows then clears', () => {
  const { s, leds } = setup({ errorMs: 1000 });
  withMockTimers(() => {
    s.connected();
    s.audioStarted(AudioTrigger.BUTTON);
    s.disconnected();
    assert.equal(s.state, 'disconnected');
    assert.equal(leds.at(-1), 'disconnected');
    assert.equal(s.audioStarted(AudioTrigger.BUTTON), undefined, 'no audio accepted while disconnected');
    s.connected();
    s.setMuted(true);
    assert.equal(leds.at(-1), 'muted');
    s.failed('recogniser crashed');
    assert.equal(leds.at(-1), 'error+muted');
    mock.timers.tick(1000);
    assert.equal(s.state, 'idle');
  });
});

test('muted: streams are discarded, the LED shows muted, unmuting restarts hands-free listening', () => {
  const { s, actions, leds } = setup({ wake: true });
  s.connected();
  s.audioStarted(AudioTrigger.CONTINUOUS, 1);
  s.setMuted(true);
  assert.deepEqual(actions().slice(-2), ['cancel:muted', 'capture:stop']);
  assert.equal(leds.at(-1), 'muted');
  assert.equal(s.audioStarted(AudioTrigger.BUTTON, 2), undefined, 'push-to-talk ignored while muted');
  s.buttonClick();
  assert.equal(actions().at(-1), 'capture:stop', 'tap-to-talk ignored while muted');
  s.setMuted(false);
  assert.equal(actions().at(-1), 'capture:start:0:continuous');
  assert.equal(leds.at(-1), 'idle');
});

test('the transition table has no duplicate rows', () => {
  const keys = TRANSITIONS.map((r) => `${r.from}/${r.on}`);
  assert.equal(new Set(keys).size, keys.length);
});

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
    dispatch: (text, stream) => calls.push(`dispatch:${stream}:${text}`),
    discarded: (stream, why) => calls.push(`discarded:${stream}:${why}`),
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

test('hands-free: background stream, a wake phrase opens the command, a rejected command is answered', () => {
  const { s, actions, leds } = setup({ wake: true });
  s.connected();
  assert.deepEqual(actions(), ['capture:start:0:continuous']);
  assert.deepEqual(s.audioStarted(AudioTrigger.CONTINUOUS, 7), {
    grammar: 'wake',
    trigger: 'wake',
    endOnSilence: false,
  });
  assert.equal(s.state, 'idle', 'waiting for the wake phrase shows idle');
  s.speech('start');
  s.speech('end');
  assert.equal(actions().length, 1, 'speech without a wake phrase never stops the background stream');
  s.wakeHeard(99);
  assert.equal(s.state, 'idle', 'a wake from a stream that is not the background one is ignored');
  s.wakeHeard(7);
  assert.equal(s.state, 'listening', 'the accepted wake phrase opens the command');
  assert.equal(actions().at(-1), 'earcon:listening');
  assert.equal(leds.at(-1), 'listening');
  assert.equal(s.transcribed('turn the light on', 7), 'turn the light on');
  assert.equal(actions().at(-1), 'capture:stop', 'the board stops streaming while the command is answered');
  assert.equal(s.state, 'thinking');
  s.audioEnded(7);
  s.replyDone(false);
  assert.equal(s.state, 'idle');
  assert.equal(actions().at(-1), 'capture:start:0:continuous', 'background stream restarted once idle');

  // The command after the wake phrase was rejected (or never started): answered, never silent.
  s.audioStarted(AudioTrigger.CONTINUOUS, 8);
  s.wakeHeard(8);
  assert.equal(s.transcribed('', 8, 'no-speech'), '', 'a rejected command is handed back to be answered');
  assert.equal(s.state, 'thinking');
  s.audioEnded(8);
  s.replyDone(false);
  assert.equal(actions().at(-1), 'capture:start:0:continuous');

  // The background stream ends with no wake phrase in it: nothing to answer.
  s.audioStarted(AudioTrigger.CONTINUOUS, 9);
  assert.equal(s.transcribed('', 9, 'no-speech'), undefined, 'no wake phrase: nothing to answer');
  assert.equal(s.state, 'idle');
  s.audioEnded(9);
  assert.equal(actions().at(-1), 'capture:start:0:continuous');

  s.audioStarted(AudioTrigger.CONTINUOUS, 11);
  s.buttonClick();
  assert.deepEqual(actions().slice(-3), ['cancel:tap-to-talk', 'capture:stop', 'capture:start:15000:single']);
  s.audioEnded(11);
  assert.equal(s.audioStarted(AudioTrigger.HOST_CAPTURE, 12)?.trigger, 'tap-to-talk');
});

test('a rejected push-to-talk utterance is answered, an accepted empty one too; muted wakes are ignored', () => {
  const { s, actions } = setup({ wake: true });
  s.connected();
  s.audioStarted(AudioTrigger.CONTINUOUS, 1);
  s.setMuted(true);
  s.wakeHeard(1);
  assert.equal(s.state, 'idle', 'no wake while muted');
  s.setMuted(false);
  s.audioEnded(1);
  s.audioStarted(AudioTrigger.BUTTON, 2);
  assert.equal(s.state, 'listening');
  assert.equal(s.transcribed('what is the weather', 2, 'out-of-grammar'), 'what is the weather');
  assert.equal(s.state, 'thinking', 'a rejected utterance goes on to be answered, like a command');
  assert.ok(actions().length > 0);
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

test('utterances that arrive while a command runs wait their turn; none is dropped without a word', () => {
  const { s, calls, actions } = setup({ maxQueuedUtterances: 2 });
  s.connected();
  s.audioStarted(AudioTrigger.BUTTON, 1);
  s.audioEnded(1);
  assert.equal(s.transcribed('what time is it', 1), 'what time is it');
  assert.equal(s.state, 'thinking');
  // The main thread was blocked: three more utterances arrive in one burst while the command runs.
  for (const stream of [2, 3]) {
    assert.deepEqual(s.audioStarted(AudioTrigger.BUTTON, stream), {
      grammar: 'commands',
      trigger: 'push-to-talk',
      endOnSilence: false,
    });
    s.audioEnded(stream);
  }
  assert.equal(s.audioStarted(AudioTrigger.BUTTON, 4), undefined, 'the queue is full');
  assert.match(actions().at(-1)!, /^discarded:4:2 utterance\(s\) already wait/);
  assert.equal(s.state, 'thinking', 'the running command is not disturbed');
  assert.equal(s.transcribed('volume up', 3), undefined, 'a queued final waits');
  s.replyDone(false);
  // Stream 2 ended but its final has not come: the session waits for it (thinking).
  assert.equal(s.state, 'thinking');
  assert.equal(s.transcribed('turn the light on', 2), 'turn the light on', 'now the current one');
  s.replyDone(false);
  assert.equal(actions().at(-1), 'dispatch:3:volume up', 'stream 3 was heard already: run at once');
  assert.equal(s.state, 'thinking');
  s.replyDone(false);
  assert.equal(s.state, 'idle');
  assert.ok(calls.some((c) => / -> thinking on queue\.dispatch/.test(c)));
});

test('a queued utterance still being spoken resumes as listening; a failed one is reported', () => {
  const { s, actions } = setup();
  s.connected();
  s.audioStarted(AudioTrigger.BUTTON, 1);
  s.audioEnded(1);
  s.transcribed('what time is it', 1);
  s.audioStarted(AudioTrigger.BUTTON, 2);
  s.audioStarted(AudioTrigger.BUTTON, 3);
  s.streamFailed(3, 'the ASR worker crashed');
  assert.equal(actions().at(-1), 'discarded:3:the ASR worker crashed');
  s.replyDone(false);
  assert.equal(s.state, 'listening', 'stream 2 is still held down');
  s.audioEnded(2);
  assert.equal(s.state, 'thinking');
  assert.equal(s.transcribed('volume down', 2), 'volume down');
});

test('mute: a double click drops what is being captured or queued and what has not run yet', () => {
  const { s, actions } = setup();
  s.connected();
  s.audioStarted(AudioTrigger.BUTTON, 1);
  s.setMuted(true);
  assert.equal(s.state, 'idle');
  assert.equal(actions().at(-1), 'cancel:muted');
  s.setMuted(false);
  s.audioStarted(AudioTrigger.BUTTON, 2);
  s.audioEnded(2);
  s.setMuted(true); // the double click's own presses streamed: their transcript must not run
  assert.equal(s.transcribed('turn the light on', 2), undefined);
  assert.equal(s.state, 'idle');
  s.setMuted(false);
  s.audioStarted(AudioTrigger.BUTTON, 3);
  s.audioEnded(3);
  assert.equal(s.transcribed('turn the light on', 3), 'turn the light on', 'unmuted: runs again');
});

/**
 * The emulated board behaves like the firmware core (firmware/core) and SPEC 1.1: gestures with LONG
 * while held, tap-to-talk with the board VAD, the firmware's start-up LOG frames, a press while a stream
 * is open, host sessions and the host gone, a 1.0 board, and an Uno's 64-byte receive ring that really
 * drops bytes when the host does not pace. A bare protocol host (boards/conformance/raw-host.ts) drives
 * it over a real pty, so nothing of hark's link hides what the board sends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PcmAudio } from '../../base/audio/wav.js';
import { isHarkError } from '../../base/errors.js';
import { LinkManager } from '../../host/link/index.js';
import {
  AudioEndReason,
  AudioTrigger,
  ButtonEvent,
  CaptureAction,
  CaptureMode,
  GpioMode,
  HelloAckFlag,
  SpeakerState,
} from '../../protocol/ts/messages.js';
import { RawHost } from '../conformance/raw-host.js';
import { EmulatedBoard, type EmulatedBoardOptions } from './emulated-board.js';

const tone = (seconds: number, rate = 16000): PcmAudio => ({
  sampleRate: rate,
  samples: Int16Array.from({ length: Math.round(seconds * rate) }, (_, i) =>
    Math.round(9000 * Math.sin(i / 4)),
  ),
});
/** Speech for `speech` s, then silence, so the board VAD can find the end. */
const speechThenSilence = (speech: number, silence: number): PcmAudio => {
  const a = tone(speech + silence);
  a.samples.fill(0, Math.round(speech * 16000));
  return a;
};

async function withBoard(
  opts: EmulatedBoardOptions,
  fn: (board: EmulatedBoard, host: RawHost) => Promise<void>,
): Promise<void> {
  const board = await EmulatedBoard.overPty({ uid: 'emu-1-1', bootNoise: false, ...opts });
  const host = await RawHost.open(board.hostPath);
  try {
    await fn(board, host);
  } finally {
    await host.close();
    await board.close();
  }
}

const events = (host: RawHost, since: number) => host.all('BUTTON', since).map((b) => b.event);

test('a hold past 800 ms sends DOWN, LONG while held, UP; the push-to-talk stream ends only at UP', async () => {
  await withBoard({ audio: tone(3), speed: 4 }, async (board, host) => {
    await host.handshake();
    const since = performance.now();
    board.press(0);
    const long = await host.next('BUTTON', {
      since,
      pred: (b) => b.event === ButtonEvent.LONG,
      timeoutMs: 2000,
    });
    // From before the press, not from DOWN's arrival: a loaded machine can deliver DOWN late, never
    // LONG early, so this lower bound holds whatever the load (at speed 4, 800 board ms = 200 ms; 8
    // board ms = 2 ms of slack for libuv's millisecond timers).
    const heldMs = (long.at - since) * 4;
    assert.ok(heldMs >= 792, `LONG after ${heldMs.toFixed(0)} board ms of a hold, expected ≥ 800`);
    assert.equal(host.all('BUTTON', since)[0]?.event, ButtonEvent.DOWN, 'DOWN came first');
    assert.equal(host.all('AUDIO_END', since).length, 0, 'LONG did not end the stream');
    board.release(0);
    const end = await host.next('AUDIO_END', { since });
    assert.equal(end.reason, AudioEndReason.BUTTON_RELEASED);
    await new Promise((r) => setTimeout(r, 150)); // the double-click window (300 board ms) has passed
    assert.deepEqual(
      events(host, since),
      [ButtonEvent.DOWN, ButtonEvent.LONG, ButtonEvent.UP],
      'no CLICK after LONG',
    );
  });
});

test('utter() of a WAV longer than 800 ms sends LONG during the utterance (the host must not mute on it)', async () => {
  await withBoard({ audio: tone(1.2), speed: 4 }, async (board, host) => {
    await host.handshake();
    const since = performance.now();
    const r = await board.utter();
    assert.equal(r.interrupted, false);
    await host.next('BUTTON', { since, pred: (b) => b.event === ButtonEvent.UP });
    assert.deepEqual(events(host, since), [ButtonEvent.DOWN, ButtonEvent.LONG, ButtonEvent.UP]);
    const short = performance.now();
    board.setAudio(tone(0.3));
    await board.utter();
    await host.next('BUTTON', { since: short, pred: (b) => b.event === ButtonEvent.CLICK, timeoutMs: 2000 });
    assert.deepEqual(
      events(host, short),
      [ButtonEvent.DOWN, ButtonEvent.UP, ButtonEvent.CLICK],
      'a short utterance is a click',
    );
  });
});

test('right after HELLO_ACK the board sends the firmware start-up LOG frames', async () => {
  await withBoard({}, async (board, host) => {
    const since = performance.now();
    await host.handshake();
    const texts = host.all('LOG', since).map((l) => l.text);
    assert.deepEqual(texts, [
      'link: AWAIT_ACK -> READY',
      'emulated',
      'mic: streaming PCM16',
      'speaker: PCM, credit flow',
    ]);
    assert.deepEqual(
      board.logs.map((l) => l.text),
      texts,
    );
    const again = performance.now();
    await host.handshake(); // a new host_session: a reconnect
    assert.deepEqual(
      host.all('LOG', again).map((l) => l.text),
      [
        'host reconnected: resetting host-facing state',
        'emulated',
        'mic: streaming PCM16',
        'speaker: PCM, credit flow',
      ],
    );
  });
});

test('a tap with BOARD_VAD_MAY_END keeps the stream open after UP and the board VAD ends it (reason 1); without the flag UP ends it', async () => {
  // A profile with a board VAD (the feature bit the VAD needs besides the flag).
  const opts = { profile: 'esp32-devkitc-inmp441', audio: speechThenSilence(0.6, 1.5), speed: 2 };
  await withBoard(opts, async (board, host) => {
    await host.handshake({ ack: { flags: HelloAckFlag.BOARD_VAD_MAY_END } });
    const since = performance.now();
    board.press(0);
    await new Promise((r) => setTimeout(r, 40)); // 80 board ms: a tap
    board.release(0);
    const end = await host.next('AUDIO_END', { since, timeoutMs: 5000 });
    const up = host.all('BUTTON', since).find((b) => b.event === ButtonEvent.UP)!;
    assert.equal(end.reason, AudioEndReason.BOARD_VAD);
    assert.ok(end.at - up.at > 200, 'the stream went on after UP');
    assert.ok(board.logs.some((l) => l.text === 'vad: may end utterances'));
    await host.handshake(); // flags 0
    const plain = performance.now();
    board.press(0);
    await new Promise((r) => setTimeout(r, 40));
    board.release(0);
    const end2 = await host.next('AUDIO_END', { since: plain });
    assert.equal(end2.reason, AudioEndReason.BUTTON_RELEASED);
  });
});

test('a press while a host capture streams is a BUTTON event only, and utter() says the stream is open', async () => {
  await withBoard({ audio: tone(1) }, async (board, host) => {
    await host.handshake();
    const since = performance.now();
    await host.send({ type: 'CAPTURE', action: CaptureAction.START, mode: CaptureMode.CONTINUOUS, maxMs: 0 });
    const start = await host.next('AUDIO_START', { since });
    assert.equal(start.trigger, AudioTrigger.CONTINUOUS);
    board.press(0);
    await host.next('BUTTON', { since, pred: (b) => b.event === ButtonEvent.DOWN });
    board.release(0);
    await host.next('BUTTON', { since, pred: (b) => b.event === ButtonEvent.UP });
    assert.equal(host.all('AUDIO_START', since).length, 1, 'no second stream');
    assert.equal(host.all('AUDIO_END', since).length, 0, 'the capture goes on');
    await assert.rejects(board.utter(), (e: unknown) => {
      assert.ok(isHarkError(e, 'HARK_ERR_BOARD_EMULATOR'));
      assert.match(e.message, /stream \d+ \(trigger 3\) is still open; wait for its stream-end/);
      return true;
    });
  });
});

test('utter() before the handshake fails at once, naming why', async () => {
  await withBoard({ audio: tone(0.5) }, async (board) => {
    await assert.rejects(board.utter(), /cannot speak before the host acknowledged HELLO/);
    await assert.rejects(
      board.gesture('click'),
      /cannot click the button before the host acknowledged HELLO/,
    );
  });
});

test('the host gone: capture ends with reason 5, the speaker stops with state 2, HELLO every second again', async () => {
  await withBoard({ audio: tone(3) }, async (board, host) => {
    await host.handshake({ ack: { heartbeatMs: 200 } });
    const since = performance.now();
    await host.send({ type: 'SPEAKER_START', stream: 4, codec: 0, sampleRate: 16000 });
    await host.send({ type: 'CAPTURE', action: CaptureAction.START, mode: CaptureMode.SINGLE, maxMs: 0 });
    await host.next('AUDIO_START', { since });
    const end = await host.next('AUDIO_END', { since, timeoutMs: 3000 });
    assert.equal(end.reason, AudioEndReason.ERROR);
    assert.ok(end.at - since >= 600 * 0.9, `gone after ${Math.round(end.at - since)} ms`);
    const stopped = await host.next('SPEAKER_CREDIT', {
      since,
      pred: (c) => c.state === SpeakerState.STOPPED,
    });
    assert.equal(stopped.stream, 4);
    const warn = host.all('LOG', since).find((l) => l.text === 'no frame from the host for 3 heartbeats');
    assert.ok(warn && warn.at <= end.at, 'the warning comes first');
    const h1 = await host.next('HELLO', { since: end.at });
    const h2 = await host.next('HELLO', { since: h1.at + 1, timeoutMs: 2500 });
    assert.ok(h2.at - h1.at > 600, 'HELLO repeats about every second');
    assert.equal(board.ack, undefined);
  });
});

test('a 1.0 board: PING 0 in READY gets PONG only, and every HELLO_ACK in READY resets it', async () => {
  await withBoard({ audio: tone(2), versionMinor: 0 }, async (board, host) => {
    const { hello, ack } = await host.handshake();
    assert.equal(hello.versionMinor, 0);
    assert.equal(hello.rxWindowBytes, 0);
    const since = performance.now();
    await host.send({ type: 'PING', token: 0 });
    await host.next('PONG', { since, pred: (p) => p.token === 0 });
    await host.ping(77);
    assert.equal(host.all('HELLO', since).length, 0, 'no HELLO from a 1.0 board in READY');
    await host.send({ type: 'CAPTURE', action: CaptureAction.START, mode: CaptureMode.CONTINUOUS, maxMs: 0 });
    await host.next('AUDIO_START', { since });
    await host.send(ack); // the same session: a 1.0 board does not know sessions
    const end = await host.next('AUDIO_END', { since });
    assert.equal(end.reason, AudioEndReason.ERROR);
    assert.ok(board.ack);
  });
});

test('a restarted host brings a 1.1 board back at once: PING 0 → HELLO → a new session, no 3-heartbeat wait', async () => {
  const board = await EmulatedBoard.overPty({ uid: 'restart-1-1', helloIntervalMs: 5000 });
  try {
    const first = await LinkManager.start({ heartbeatMs: 1000 });
    const acked = board.waitFor('ack');
    await first.open({ path: board.hostPath });
    await acked;
    await first.close();
    let gone = false;
    const states: string[] = [];
    board.on('host-gone', () => {
      gone = true;
    });
    board.on('link-state', (e: { to: string }) => states.push(e.to));
    const second = await LinkManager.start({ heartbeatMs: 1000, handshakeTimeoutMs: 2500 });
    try {
      const reconnected = board.waitFor('log', (l: { text: string }) => /host reconnected/.test(l.text));
      const info = await second.open({ path: board.hostPath });
      await reconnected;
      assert.equal(info.boardId, 'restart-1-1');
      assert.equal(gone, false, 'the board never had to give up on the old host');
      assert.deepEqual(
        states,
        [],
        'it stayed READY throughout: a reconnect, not a new handshake from AWAIT_ACK',
      );
    } finally {
      await second.close();
    }
  } finally {
    await board.close();
  }
});

test('an Uno: an unpaced PING flood (each PONG longer than its PING) overflows its 64-byte ring, counted in PONG; paced by its window, nothing is lost', async () => {
  await withBoard({ profile: 'arduino-uno-electret', audio: tone(1, 8000) }, async (board, host) => {
    const { hello } = await host.handshake();
    assert.equal(hello.rxWindowBytes, 64);
    assert.equal(hello.maxRxPayload, 64);
    const flood = (first: number) =>
      Buffer.concat(
        Array.from({ length: 60 }, (_, i) => host.enc.encode({ type: 'PING', token: first + i })),
      );
    // Unpaced: 60 PINGs back to back. The PONGs fill the transmit ring, the loop waits for it, the
    // receive ring overflows.
    const since = performance.now();
    await host.sendRaw(flood(1000));
    // A PING that lands in the overflowing ring is lost like any other frame: ask again, as a heartbeat
    // would, until one is answered.
    let bad = -1;
    for (let attempt = 1; attempt <= 5 && bad < 0; attempt++) {
      bad = await host.ping(attempt, 1000).then(
        (p) => p.rxFramesBad,
        () => -1,
      );
    }
    const answered = host.all('PONG', since).filter((p) => p.token >= 1000 && p.token < 1060).length;
    assert.ok(board.rxStats!.bytesDropped > 0, 'the ring overflowed');
    assert.ok(answered < 60, `${answered} of 60 PINGs answered`);
    assert.ok(bad > 0, `PONG counts the damaged frames (${bad})`);
    // Paced: at most 64 unprocessed bytes in flight, a PONG before the next window (SPEC §1.4.2).
    const dropped = board.rxStats!.bytesDropped;
    const before = (await host.ping(10)).rxFramesBad;
    const pacedFrom = performance.now();
    let inFlight = 0;
    for (let i = 0; i < 60; i++) {
      const f = host.enc.encode({ type: 'PING', token: 2000 + i });
      if (inFlight + f.length > hello.rxWindowBytes) {
        await host.next('PONG', { since: pacedFrom, pred: (p) => p.token === 2000 + i - 1 });
        inFlight = 0;
      }
      await host.sendRaw(f);
      inFlight += f.length;
    }
    const after = (await host.ping(11)).rxFramesBad;
    assert.equal(after - before, 0, 'no frame lost');
    assert.equal(board.rxStats!.bytesDropped, dropped, 'no byte dropped');
    assert.equal(host.all('PONG', pacedFrom).filter((p) => p.token >= 2000 && p.token < 2060).length, 60);
  });
});

test('an Uno: the GPIO replay after a handshake, paced by its window, sets every pin', async () => {
  await withBoard({ profile: 'arduino-uno-electret', audio: tone(1, 8000) }, async (board, host) => {
    const { hello } = await host.handshake();
    const frames = hello.gpio.flatMap(({ pin }) => [
      host.enc.encode({ type: 'GPIO_MODE', pin, mode: GpioMode.OUTPUT }),
      host.enc.encode({ type: 'GPIO_WRITE', pin, value: 1 }),
    ]);
    let inFlight = 0;
    let token = 10;
    for (const f of frames) {
      if (inFlight + f.length + 11 > hello.rxWindowBytes) {
        await host.ping(token++);
        inFlight = 0;
      }
      await host.sendRaw(f);
      inFlight += f.length;
    }
    await host.ping(token);
    assert.equal(board.rxStats!.bytesDropped, 0);
    assert.ok(
      [...board.gpio.pins.values()].every((p) => p.mode === GpioMode.OUTPUT && p.value === 1),
      'every pin set',
    );
  });
});

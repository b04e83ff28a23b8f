/**
 * The real Uno image in the simulated Uno (boards/simavr), scripted: the test plays the host frame by
 * frame and simulated time advances only when the test says so, so every figure here is the
 * firmware's and none depends on how loaded the machine is. One board runs every scenario in order;
 * the last test holds the measurements taken over all of them to their targets:
 * stack margin ≥ 128 B (stack-pointer low-water mark), Timer2 ISR ≤ 350 cycles, capture ring peak
 * < 50 %.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeWav } from '../../base/audio/wav.js';
import { getProfile } from '../../boards/profiles/profile-loader.js';
import {
  SimavrBoard,
  type SimFrame,
  type SimPinEvent,
  UNO_CAPTURE_RING_SAMPLES,
  VECTOR,
} from '../../boards/simavr/simavr-board.js';
import { adpcmDecodeBlock } from '../../protocol/ts/audio/index.js';
import { AudioCodec, AudioEndReason, type HelloAck } from '../../protocol/ts/messages.js';

const PROFILE = getProfile('arduino-uno-electret');
/* ATmega328P data addresses of the timer registers the PWM tests read (simavr drives no pin for Timer1's
   mode 14, see boards/simavr/harness/sim_quirks.c, so pins 9 and 10 are checked by register). */
const TCCR0A = 0x44;
const TCCR1A = 0x80;
const COM1A1 = 0x80;
const COM1B1 = 0x20;
const ACK: HelloAck = {
  type: 'HELLO_ACK',
  versionMajor: 1,
  versionMinor: 1,
  hostSession: 1,
  features: 0x1ff,
  audioCodec: AudioCodec.IMA_ADPCM,
  audioSampleRate: 8000,
  chunkMs: 20,
  heartbeatMs: 1000,
  flags: 0,
};

let board: SimavrBoard;
let dir: string;
let session = 1;
/** A HELLO_ACK of a new host session (a reconnect, SPEC §2.3.3), with `changes`. */
const newAck = (changes: Partial<HelloAck> = {}): HelloAck => ({
  ...ACK,
  hostSession: ++session,
  ...changes,
});

/** Pin events of `pin` after simulated time `t` µs. */
const pinEvents = (pin: number, t: number): SimPinEvent[] =>
  board.pinLog.filter((p) => p.pin === pin && p.t >= t);
/** Edge events of `pin` at or after `t`. */
const edges = (pin: number, t: number) =>
  board.history.filter((l) => l.e === 'edge' && l.pin === pin && l.t >= t);
/** Frames since index `from` the board sent, decoded. */
const sentSince = (from: number) => board.frames.slice(from).filter((f) => f.dir === 'tx');

async function handshake(ack: HelloAck = newAck()): Promise<void> {
  assert.ok(await board.runUntil('HELLO', 1200), 'the board sends HELLO at least once a second');
  board.resetHostSeq();
  board.send(ack);
  assert.ok(await board.runUntil('LOG', 100), 'a LOG once READY');
  await board.run(20);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hark-simavr-scripted-'));
  // 2 s of a 440 Hz tone at 8 kHz: the microphone's input for the streaming scenarios
  const samples = Int16Array.from({ length: 16000 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)),
  );
  writeFileSync(join(dir, 'tone.wav'), encodeWav({ sampleRate: 8000, samples }));
  board = await SimavrBoard.start({ mode: 'scripted', wav: join(dir, 'tone.wav'), pinEdges: [5, 6, 9, 10] });
});
after(async () => {
  await board?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('simulated Uno, scripted', () => {
  test('handshake: HELLO carries the profile; HELLO_ACK makes the board READY', async () => {
    assert.ok(await board.runUntil('HELLO', 1200));
    const hello = board.sent('HELLO')[0]!;
    assert.equal(hello.boardModel, PROFILE.id);
    assert.equal(hello.maxRxPayload, PROFILE.maxRxPayload);
    assert.equal(hello.micSampleRate, PROFILE.audio.sampleRate);
    assert.deepEqual(
      hello.gpio.map((g) => g.pin),
      PROFILE.gpio.map((g) => g.pin),
    );
    const from = board.frames.length;
    await handshake();
    const texts = board.sent('LOG', from).map((l) => l.text);
    assert.ok(texts.includes('link: AWAIT_ACK -> READY'), texts.join(' | '));
    assert.ok(texts.includes('mic: streaming IMA-ADPCM'), texts.join(' | '));
  });

  test('a heartbeat of 21846 ms or more keeps the host (3 × heartbeat computed in 32 bits)', async () => {
    const from = board.frames.length;
    board.send(newAck({ heartbeatMs: 30_000 })); // 3 × 30000 = 90000 wraps to 24464 in 16 bits; 21846 → 2 ms
    await board.run(2_000);
    const texts = board.sent('LOG', from).map((l) => l.text);
    assert.ok(!texts.includes('no frame from the host for 3 heartbeats'), texts.join(' | '));
    assert.equal(board.sent('HELLO', from).length, 0, 'no HELLO: the board still counts the host as there');
    board.send(newAck({ heartbeatMs: 21_846 }));
    await board.run(500);
    assert.equal(board.sent('HELLO', from).length, 0);
  });

  test('negative: with a 1000 ms heartbeat, 3 s of silence does make the board drop the host', async () => {
    board.send(newAck());
    await board.run(50);
    const from = board.frames.length;
    await board.run(3_100);
    const texts = board.sent('LOG', from).map((l) => l.text);
    assert.ok(board.sent('HELLO', from).length >= 1, 'HELLO again after the host went silent');
    assert.ok(!texts.includes('link: AWAIT_ACK -> READY'));
    await handshake();
  });

  test('PWM duty 0 on pins 5 and 6 (Timer0) and 9 (Timer1) is a steady low: no spike at all', async () => {
    for (const pin of [5, 6, 9]) {
      board.send({ type: 'GPIO_MODE', pin, mode: 3 });
      board.send({ type: 'GPIO_WRITE', pin, value: 0 });
    }
    await board.run(20);
    const t = board.now;
    await board.run(100);
    for (const pin of [5, 6, 9]) assert.equal(edges(pin, t).length, 0, `pin ${pin} has edges at duty 0`);
    assert.equal((await board.readRegister(TCCR0A)) & 0xa0, 0, 'Timer0 outputs disconnected at duty 0');
    assert.equal((await board.readRegister(TCCR1A)) & COM1A1, 0, 'Timer1 output A disconnected at duty 0');
    board.send({ type: 'GPIO_WRITE', pin: 9, value: 128 });
    await board.run(5);
    assert.equal(
      (await board.readRegister(TCCR1A)) & COM1A1,
      COM1A1,
      'Timer1 output A connected at duty 128',
    );
    const ocr1a = (await board.readRegister(0x88)) | ((await board.readRegister(0x89)) << 8);
    assert.equal(ocr1a, Math.floor((128 * 39999) / 255), 'OCR1A holds duty 128 of the 20 ms period');
    board.send({ type: 'GPIO_WRITE', pin: 6, value: 128 });
    await board.run(100);
    const osc = board.pinState(6);
    assert.ok(osc?.state === 'osc', 'duty 128 oscillates');
    assert.ok(Math.abs(osc.freqHz! - 976.6) < 5, `Timer0 fast PWM at ${osc.freqHz} Hz`);
    assert.ok(Math.abs(osc.dutyPct! - 50) < 3, `duty ${osc.dutyPct} %`);
    board.send({ type: 'GPIO_WRITE', pin: 6, value: 0 });
    await board.run(20);
    const t0 = board.now;
    await board.run(100);
    assert.equal(edges(6, t0).length, 0, 'back to 0: steady low again');
  });

  test('a pin switched from PWM (or servo) back to digital follows digital writes, not its timer', async () => {
    board.send({ type: 'GPIO_MODE', pin: 6, mode: 3 });
    board.send({ type: 'GPIO_WRITE', pin: 6, value: 128 });
    board.send({ type: 'GPIO_MODE', pin: 10, mode: 4 });
    board.send({ type: 'GPIO_WRITE', pin: 10, value: 90 });
    await board.run(60);
    for (const pin of [6, 10]) {
      board.send({ type: 'GPIO_MODE', pin, mode: 1 });
      board.send({ type: 'GPIO_WRITE', pin, value: 1 });
    }
    await board.run(30);
    const t = board.now;
    await board.run(100);
    for (const pin of [6, 10]) {
      assert.equal(edges(pin, t).length, 0, `pin ${pin} still toggles after GPIO_MODE output`);
      assert.equal(board.pinState(pin)?.state, 'high');
    }
    assert.equal((await board.readRegister(TCCR1A)) & COM1B1, 0, 'pin 10 released from Timer1');
    board.send({ type: 'GPIO_WRITE', pin: 6, value: 0 });
    await board.run(60);
    assert.equal(board.pinState(6)?.state, 'low');
  });

  test('the LED pin follows LED frames: on, half (soft PWM at 250 Hz), off', async () => {
    const led = PROFILE.leds.pins.led!;
    board.send({ type: 'LED', index: 0, effect: 1, r: 255, g: 255, b: 255, periodMs: 0, durationMs: 0 });
    await board.run(80);
    assert.equal(board.pinState(led)?.state, 'high');
    board.send({ type: 'LED', index: 0, effect: 1, r: 128, g: 0, b: 0, periodMs: 0, durationMs: 0 });
    await board.run(80);
    const half = board.pinState(led)!;
    assert.equal(half.state, 'osc');
    assert.ok(Math.abs(half.freqHz! - 250) < 2 && Math.abs(half.dutyPct! - 50) < 4, JSON.stringify(half));
    board.send({ type: 'LED', index: 0, effect: 0, r: 0, g: 0, b: 0, periodMs: 0, durationMs: 0 });
    await board.run(80);
    assert.equal(board.pinState(led)?.state, 'low');
  });

  test('the piezo pin plays each TONE step at its frequency and for its duration', async () => {
    const piezo = PROFILE.speaker.pins!.tone!;
    const from = board.frames.length;
    board.send({
      type: 'TONE',
      steps: [
        { freqHz: 1000, durationMs: 200, volume: 80 },
        { freqHz: 440, durationMs: 100, volume: 80 },
      ],
    });
    await board.run(500);
    const arrived = board.frames.slice(from).find((f) => f.dir === 'rx' && f.message?.type === 'TONE')!.t;
    const log = pinEvents(piezo, arrived);
    const first = log.find((p) => p.state === 'osc')!;
    assert.ok(first.t - arrived < 2_000, `first edge ${first.t - arrived} µs after the frame arrived`);
    assert.ok(Math.abs(first.freqHz! - 1000) < 10, `first step at ${first.freqHz} Hz`);
    const second = log.find((p) => p.state === 'osc' && Math.abs(p.freqHz! - 440) < 10);
    assert.ok(second, `a 440 Hz step: ${JSON.stringify(log)}`);
    const silent = log.find((p) => p.state === 'low' && p.t > first.t)!;
    const total = silent.t - first.t;
    assert.ok(Math.abs(total - 300_000) < 3_000, `the sequence lasted ${total} µs, not 300 ms`);
  });

  test('a reset keeps the button released (simavr quirk corrected): no press is reported after it', async () => {
    const from = board.frames.length;
    board.reset();
    await handshake();
    await board.run(300);
    assert.equal(board.sent('BUTTON', from).length, 0, 'BUTTON frames after a reset with the button up');
    assert.equal(board.sent('AUDIO_START', from).length, 0);
    // and a real press still works
    board.press();
    await board.run(100);
    board.release();
    await board.run(400);
    assert.deepEqual(
      board.sent('BUTTON', from).map((b) => b.event),
      [0, 1, 2], // down, up, click
    );
  });

  test('frames lost to the full 64-byte receive buffer are counted truthfully in PONG', async () => {
    // 60 GPIO_READs back to back, as a host that does not pace would send them: each is answered by a
    // GPIO_STATE a little longer than itself, so the answers cannot keep up with the line and the
    // 64-byte receive buffer overflows; every frame is either answered or counted as lost
    await board.run(400); // the click's capture, if any, is over
    const from = board.frames.length;
    for (let i = 0; i < 60; i++) board.send({ type: 'GPIO_READ', pin: 15 });
    await board.run(400);
    board.send({ type: 'PING', token: 7 });
    assert.ok(await board.runUntil('PONG', 200));
    const answered = board.sent('GPIO_STATE', from).length;
    const pong = board.sent('PONG', from)[0]!;
    assert.ok(answered < 60, 'the flood did overflow the buffer');
    assert.equal(pong.rxFramesBad, 60 - answered, `${answered} answered, PONG says ${pong.rxFramesBad} lost`);
  });

  test('GPIO frames arriving while streaming never overflow the capture ring (bounded loop pass)', async () => {
    const from = board.frames.length;
    board.press();
    board.play();
    await board.run(300);
    // 40 frames each answered by an ERROR (~2 ms of line time): the old loop handled every frame in
    // its receive buffer in one pass, stalled ~20 ms at a time and overflowed the 32 ms ring (reason 2)
    for (let i = 0; i < 40; i++) board.send({ type: 'GPIO_MODE', pin: 13, mode: 1 });
    for (let i = 0; i < 20; i++) board.send({ type: 'GPIO_WRITE', pin: 4, value: i & 1 });
    for (let i = 0; i < 10; i++) board.send({ type: 'GPIO_READ', pin: 15 });
    await board.run(900);
    board.release();
    assert.ok(await board.runUntil('AUDIO_END', 500));
    const sent = sentSince(from);
    const end = board.sent('AUDIO_END', from)[0]!;
    assert.equal(end.reason, AudioEndReason.BUTTON_RELEASED, 'ended by the release, not an overflow');
    assert.equal(end.droppedSamples, 0);
    assert.ok(!board.sent('ERROR', from).some((e) => e.code === 5), 'no CAPTURE_OVERFLOW');
    const chunks = sent.filter((f: SimFrame) => f.message?.type === 'AUDIO').map((f) => f.message!);
    assert.deepEqual(
      chunks.map((c) => (c.type === 'AUDIO' ? c.chunk : -1)),
      chunks.map((_, i) => i),
      'every chunk, in order',
    );
    assert.equal(chunks.length, end.chunks);
    // the audio is the tone: decode the ADPCM and look for its energy
    const pcm = chunks.flatMap((c) => (c.type === 'AUDIO' ? [...adpcmDecodeBlock(c.data)] : []));
    const rms = Math.sqrt(pcm.reduce((s, x) => s + x * x, 0) / pcm.length);
    assert.ok(rms > 2000, `streamed audio RMS ${rms.toFixed(0)}: the microphone's tone arrived`);
    const m = await board.measure();
    assert.ok(m.ringPeakSamples < UNO_CAPTURE_RING_SAMPLES / 2, `ring peak ${m.ringPeakSamples} samples`);
  });

  test('measured over every scenario: stack margin ≥ 128 B, Timer2 ISR ≤ 350 cycles, ring peak < 50 %', async (t) => {
    const m = await board.measure();
    const timer2 = m.isr[String(VECTOR.TIMER2_COMPA)]!;
    t.diagnostic(
      `stack margin ${m.stackMarginBytes} B (${m.stackUsedBytes} B used, deepest: ${m.spMinChain}); ` +
        `Timer2 ISR max ${timer2.maxCycles} cycles (mean ${timer2.meanCycles}, ${timer2.count} runs, ` +
        `latency ≤ ${timer2.maxLatencyCycles}); ring peak ${m.ringPeakSamples}/${UNO_CAPTURE_RING_SAMPLES}; ` +
        `interrupts re-raised after a mask: ${m.timerReraised}; UART overruns ${m.uartOverruns}`,
    );
    assert.ok(m.stackMarginBytes >= 128, `stack margin ${m.stackMarginBytes} B`);
    assert.ok(timer2.maxCycles <= 350, `Timer2 ISR ${timer2.maxCycles} cycles`);
    assert.ok(m.ringPeakSamples < UNO_CAPTURE_RING_SAMPLES / 2, `ring peak ${m.ringPeakSamples}`);
    assert.equal(m.uartOverruns, 0, 'the RX interrupt always read the UART in time');
  });
});

/**
 * Host → board features end to end over a pty: speaker playback with credit flow control (finished,
 * stopped, aborted, overrun detection), GPIO with reported inputs, LED / TONE / VOLUME state, CAPTURE,
 * and the codec chosen from the profile (IMA-ADPCM at 8 kHz for the Arduino profile).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { LinkManager, type MessageEvent } from '../../host/link/index.js';
import { decodeAudioBlock, ulawEncode } from '../../protocol/ts/audio/index.js';
import { collectAudio, sweep, waitFor } from '../helpers/link.js';

let link: LinkManager;
let board: EmulatedBoard;
before(async () => {
  link = await LinkManager.start();
  board = await EmulatedBoard.overPty({ uid: 'io', audio: sweep(1), speed: 8 });
  const acked = waitFor(board, 'ack');
  await link.open({ path: board.hostPath });
  await acked;
});
after(async () => {
  await link.close();
  await board.close();
});

const pcmBytes = (samples: Int16Array) =>
  new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);

test('play(): credit flow control never overruns the board buffer and the audio arrives intact', async () => {
  const audio = sweep(2);
  const result = await link.play('io', { codec: 0, sampleRate: 16000, data: pcmBytes(audio.samples) });
  assert.equal(result, 'finished');
  const st = board.speaker.stats;
  assert.equal(st.overruns, 0);
  assert.ok(st.maxBufferedBytes <= 16384, `buffered ${st.maxBufferedBytes} > buffer size`);
  assert.deepEqual(board.speakerAudio().samples, audio.samples);
});

test('play(…, { transfer: true }) moves the bytes to the link worker (no copy) and plays them intact', async () => {
  const audio = sweep(1);
  const data = pcmBytes(audio.samples.slice());
  const result = await link.play('io', { codec: 0, sampleRate: 16000, data }, undefined, { transfer: true });
  assert.equal(result, 'finished');
  assert.equal(data.byteLength, 0, "main's view is detached: the buffer moved");
  assert.deepEqual(board.speakerAudio().samples, audio.samples);
  // A view of part of a buffer is copied, never moved: the rest of the buffer is not the link's.
  const part = pcmBytes(audio.samples).subarray(0, 3200);
  assert.equal(
    await link.play('io', { codec: 0, sampleRate: 16000, data: part }, undefined, { transfer: true }),
    'finished',
  );
  assert.equal(part.byteLength, 3200);
});

test('play() with µ-law, then stopPlayback() and an AbortSignal both end it with "stopped"', async () => {
  const audio = sweep(3);
  const ulaw = ulawEncode(audio.samples);
  const p1 = link.play('io', { codec: 1, sampleRate: 16000, data: ulaw });
  await waitFor(board, 'speaker', (e: { event: string }) => e.event === 'data');
  await link.stopPlayback('io');
  assert.equal(await p1, 'stopped');
  const ac = new AbortController();
  const p2 = link.play('io', { codec: 1, sampleRate: 16000, data: ulaw }, ac.signal);
  await waitFor(board, 'speaker', (e: { event: string }) => e.event === 'data');
  ac.abort();
  assert.equal(await p2, 'stopped');
  assert.equal(board.speaker.stats.overruns, 0);
});

test('the emulator detects a host that sends more than its credit (SPEAKER_OVERRUN)', async () => {
  // Listening from before the first frame, with the rejection handled at once: on a loaded machine the
  // steps before the await can outlast a timeout, and an unhandled rejection then hides which step it was.
  const t0 = performance.now();
  const steps: string[] = [];
  const step = (what: string) => steps.push(`${what} at ${Math.round(performance.now() - t0)} ms`);
  const err = waitFor<MessageEvent>(link, 'message', (e) => e.message.type === 'ERROR', 60_000).then(
    (e) => ({ e }),
    (error: Error) => ({ error }),
  );
  const speed = board.speed;
  board.speed = 0.001; // the speaker (nearly) stops playing, so no new credit arrives meanwhile
  try {
    // listening before the frame goes: the board may handle it before link.send()'s reply reaches us
    const started = waitFor(board, 'speaker', (e: { event: string }) => e.event === 'start', 60_000);
    await link.send('io', { type: 'SPEAKER_START', stream: 200, codec: 0, sampleRate: 16000 });
    await started;
    step('started');
    const big = new Uint8Array(1000);
    for (let i = 0; i < 20; i++) await link.send('io', { type: 'SPEAKER_DATA', stream: 200, data: big });
    step('20 frames sent');
    const got = await err;
    if ('error' in got) {
      const st = await link.stats('io');
      throw new Error(
        `${got.error.message} (${steps.join(', ')}); board speaker ${JSON.stringify(board.speaker.stats)}, emulator ${JSON.stringify({ ...board.stats, damagedAudioChunks: undefined })}, link ${JSON.stringify(st)}`,
      );
    }
    const m = got.e.message;
    assert.equal(m.type === 'ERROR' && m.code, 4);
    const stopped = waitFor(board, 'speaker', (e: { event: string }) => e.event === 'stopped', 60_000);
    await link.send('io', { type: 'SPEAKER_STOP', stream: 200 });
    await stopped; // handled after every SPEAKER_DATA
    assert.equal(board.speaker.stats.overruns, 4, '16 KiB credited: frames 17 to 20 overrun');
  } finally {
    board.speed = speed;
  }
});

test('GPIO: outputs change board state, reported inputs arrive as GPIO_STATE, bad pins get ERROR 6', async () => {
  await link.send('io', { type: 'GPIO_MODE', pin: 4, mode: 1 });
  const out = waitFor<{ pin: number; value: number }>(board, 'gpio', (p) => p.pin === 4 && p.value === 1);
  await link.send('io', { type: 'GPIO_WRITE', pin: 4, value: 1 });
  await out;
  await link.send('io', { type: 'GPIO_MODE', pin: 2, mode: 5 });
  await link.send('io', { type: 'GPIO_REPORT', pin: 2, enable: 1, intervalMs: 0 });
  // A GPIO_READ round trip: the board handles messages in order, so the report is on afterwards.
  const read = waitFor<MessageEvent>(link, 'message', (e) => e.message.type === 'GPIO_STATE');
  await link.send('io', { type: 'GPIO_READ', pin: 2 });
  assert.deepEqual((await read).message, { type: 'GPIO_STATE', pin: 2, value: 1 }, 'input_pullup reads 1');
  const state = waitFor<MessageEvent>(link, 'message', (e) => e.message.type === 'GPIO_STATE');
  board.setPin(2, 0); // button on a pulled-up input pressed
  assert.deepEqual((await state).message, { type: 'GPIO_STATE', pin: 2, value: 0 });
  const bad = waitFor<MessageEvent>(link, 'message', (e) => e.message.type === 'ERROR');
  await link.send('io', { type: 'GPIO_MODE', pin: 34, mode: 1 }); // input-only pin
  const m = (await bad).message;
  assert.equal(m.type === 'ERROR' && m.code, 6);
});

test('LED, TONE and VOLUME update the board state', async () => {
  const led = waitFor(board, 'led');
  await link.send('io', {
    type: 'LED',
    index: 0,
    effect: 3,
    r: 0,
    g: 0,
    b: 255,
    periodMs: 1500,
    durationMs: 0,
  });
  await led;
  assert.deepEqual(board.leds[0], { effect: 3, r: 0, g: 0, b: 255, periodMs: 1500, durationMs: 0 });
  const tone = waitFor(board, 'tone');
  const steps = [
    { freqHz: 880, durationMs: 80, volume: 50 },
    { freqHz: 0, durationMs: 40, volume: 0 },
  ];
  await link.send('io', { type: 'TONE', steps });
  assert.deepEqual(await tone, steps);
  const vol = waitFor(board, 'volume');
  await link.send('io', { type: 'VOLUME', level: 35 });
  assert.equal(await vol, 35);
});

test('CAPTURE continuous starts a host-triggered stream and CAPTURE stop ends it (reason 3)', async () => {
  const got = collectAudio(link);
  try {
    const start = waitFor<MessageEvent>(link, 'message', (e) => e.message.type === 'AUDIO_START');
    await link.send('io', { type: 'CAPTURE', action: 1, mode: 1, maxMs: 0 });
    const s = (await start).message;
    assert.equal(s.type === 'AUDIO_START' && s.trigger, 3);
    await got.streams[0]!.firstChunk; // audio flows before the stop
    const end = waitFor<MessageEvent>(link, 'message', (e) => e.message.type === 'AUDIO_END');
    await link.send('io', { type: 'CAPTURE', action: 0, mode: 0, maxMs: 0 });
    const e = (await end).message;
    assert.equal(e.type === 'AUDIO_END' && e.reason, 3);
    assert.ok(got.streams[0]!.chunks.size > 0);
  } finally {
    got.stop();
  }
});

test('an Arduino-profile board gets IMA-ADPCM at 8 kHz and its blocks decode', async () => {
  const uno = await EmulatedBoard.overPty({
    uid: 'uno',
    profile: 'arduino-uno-electret',
    audio: sweep(0.5, 8000),
    speed: 4,
  });
  const got = collectAudio(link);
  try {
    const acked = waitFor(uno, 'ack');
    const info = await link.open({ path: uno.hostPath });
    await acked;
    assert.equal(info.profile, 'arduino-uno-electret');
    assert.equal(info.codec, 2);
    assert.equal(info.sampleRate, 8000);
    const r = await uno.utter();
    const s = got.streams.find((x) => x.boardId === 'uno')!;
    await s.done;
    assert.equal(s.chunks.size, r.chunks);
    assert.equal(decodeAudioBlock(2, s.chunks.get(3)!).length, 160); // 20 ms at 8 kHz
  } finally {
    got.stop();
    await link.forget('uno');
    await uno.close();
  }
});

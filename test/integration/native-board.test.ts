/**
 * The host's real LinkManager (link worker, serialport on a pty) against the native emulated board —
 * the firmware core's C, built for the host. Proves the firmware and the host interoperate: handshake,
 * an utterance whose AUDIO frames all arrive in order and sample-exact, LED / TONE / GPIO, and speaker
 * playback with credit flow control through a buffer smaller than the sound.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { encodeWav } from '../../base/audio/wav.js';
import { NativeBoard } from '../../boards/native/native-board.js';
import type { AudioRouteMessage } from '../../host/link/audio-route.js';
import { type BoardInfo, LinkManager, type MessageEvent } from '../../host/link/index.js';
import { AudioCodec, AudioEndReason, ErrorCode, type Message } from '../../protocol/ts/messages.js';
import { nextMessage, pingBarrier } from '../helpers/link.js';

const RATE = 16000;
/** The microphone's WAV: a ramp 0..16383 repeating, so any lost, doubled or reordered sample shows. */
const ramp = (n: number) => Int16Array.from({ length: n }, (_, i) => i & 0x3fff);

let dir: string;
let board: NativeBoard;
let link: LinkManager;
let info: BoardInfo;
const messages: Message[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hark-native-test-'));
  const wav = join(dir, 'ramp.wav');
  writeFileSync(wav, encodeWav({ sampleRate: RATE, samples: ramp(RATE * 3) }));
  board = await NativeBoard.start({ wav, uid: 'native-test-1' });
  link = await LinkManager.start();
  link.on('message', (e: MessageEvent) => messages.push(e.message));
  link.on('error', () => {}); // errors are asserted through messages/state, not thrown here
  info = await link.open({ path: board.hostPath, profile: 'emulated' });
  await pingBarrier(link, info.boardId); // the board has handled HELLO_ACK
});

after(async () => {
  await link?.close();
  await board?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('handshake: HELLO from the firmware, HELLO_ACK from the host', () => {
  assert.equal(info.boardId, 'native-test-1');
  assert.equal(info.hello.boardModel, 'emulated');
  assert.equal(info.hello.micSampleRate, RATE);
  assert.equal(info.hello.speakerBufferBytes, 16384);
  assert.deepEqual(
    info.hello.gpio.map((g) => g.pin),
    [2, 4, 5, 34],
  );
  assert.equal(info.codec, AudioCodec.PCM16);
});

test('button utterance: every AUDIO chunk arrives, in order, sample-exact', async () => {
  const started = nextMessage(link, 'AUDIO_START');
  board.press();
  const start = await started;
  const { port1, port2 } = new MessageChannel();
  const chunks: AudioRouteMessage[] = [];
  const ended = new Promise<AudioRouteMessage>((resolve) => {
    port2.on('message', (m: AudioRouteMessage) => {
      chunks.push(m);
      if (m.kind !== 'chunk') resolve(m);
    });
  });
  link.routeAudio(info.boardId, start.stream, port1);
  await new Promise((r) => setTimeout(r, 700));
  const audioEnd = nextMessage(link, 'AUDIO_END'); // arrives on main separately from the route's 'end'
  board.release();
  const end = await ended;
  port2.close();
  assert.equal(end.kind, 'end');
  assert.equal(end.kind === 'end' && end.reason, AudioEndReason.BUTTON_RELEASED);
  const data = chunks.filter((c) => c.kind === 'chunk');
  assert.ok(data.length >= 20, `expected ≥ 20 chunks of 20 ms, got ${data.length}`);
  data.forEach((c, i) => {
    assert.equal(c.chunk, i);
    assert.equal(c.gap, 0);
  });
  const pcm = Buffer.concat(data.map((c) => c.data));
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2);
  assert.deepEqual(samples, ramp(samples.length), 'the WAV ramp, from its first sample, with no hole');
  assert.equal((await audioEnd).chunks, data.length);
  const stats = await link.stats(info.boardId);
  assert.equal(stats.audioGaps, 0);
  assert.equal(stats.framesLost, 0);
});

test('LED and TONE messages reach the effect engine and the sequencer', async () => {
  const led = board.waitFor('led', (e) => e.effect === 3);
  await link.send(info.boardId, {
    type: 'LED',
    index: 0xff,
    effect: 3,
    r: 0,
    g: 0,
    b: 255,
    periodMs: 1500,
    durationMs: 0,
  });
  const l = await led;
  assert.deepEqual([l.r, l.g, l.b, l.periodMs], [0, 0, 255, 1500]);
  const second = board.waitFor('tone', (e) => e.freqHz === 1320);
  const silence = board.waitFor('tone', (e) => e.freqHz === 0);
  await link.send(info.boardId, {
    type: 'TONE',
    steps: [
      { freqHz: 880, durationMs: 60, volume: 80 },
      { freqHz: 1320, durationMs: 60, volume: 80 },
    ],
  });
  await second;
  await silence;
  const freqs = board.tones.map((t) => t.freqHz);
  assert.deepEqual(freqs.slice(freqs.lastIndexOf(880)), [880, 1320, 0]);
});

test('GPIO: mode, write, read and an invalid pin', async () => {
  const wrote = board.waitFor('gpio', (e) => e.pin === 4 && e.value === 1);
  await link.send(info.boardId, { type: 'GPIO_MODE', pin: 4, mode: 1 });
  await link.send(info.boardId, { type: 'GPIO_WRITE', pin: 4, value: 1 });
  await wrote;
  board.setPin(34, 612);
  await new Promise((r) => setTimeout(r, 50));
  const state = nextMessage(link, 'GPIO_STATE');
  await link.send(info.boardId, { type: 'GPIO_MODE', pin: 34, mode: 2 });
  await link.send(info.boardId, { type: 'GPIO_READ', pin: 34 });
  assert.deepEqual(await state, { type: 'GPIO_STATE', pin: 34, value: 612 });
  const err = nextMessage(link, 'ERROR');
  await link.send(info.boardId, { type: 'GPIO_MODE', pin: 13, mode: 1 });
  assert.equal((await err).code, ErrorCode.GPIO_INVALID_PIN);
});

test('speaker: 1.5 s through a 16 KiB buffer, paced by SPEAKER_CREDIT', async () => {
  const before = messages.length;
  const pcm = new Int16Array(RATE * 1.5).map((_, i) => Math.round(8000 * Math.sin(i / 10)));
  const closed = board.waitFor('speaker', (e) => e.state === 'closed', 20_000);
  const result = await link.play(
    info.boardId,
    { codec: AudioCodec.PCM16, sampleRate: RATE, data: new Uint8Array(pcm.buffer) },
    AbortSignal.timeout(30_000), // a generous bound so a lost credit fails the test instead of hanging it
  );
  assert.equal(result, 'finished', `board said: ${JSON.stringify(board.history.slice(-8))}`);
  const c = await closed;
  assert.equal(c.state === 'closed' && c.samples, pcm.length);
  const credits = messages.slice(before).filter((m) => m.type === 'SPEAKER_CREDIT');
  assert.ok(credits.length >= 3, 'the buffer was refilled several times');
  assert.equal(credits.at(-1)?.type === 'SPEAKER_CREDIT' && credits.at(-1)?.state, 1);
  assert.ok(!messages.slice(before).some((m) => m.type === 'ERROR' && m.code === ErrorCode.SPEAKER_OVERRUN));
});

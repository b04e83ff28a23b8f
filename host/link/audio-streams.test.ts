/** Unit tests of the link worker's audio routing: holding (bounded, counted), gaps, routing, aborts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import type { AudioRouteMessage } from './audio-route.js';
import { AudioStreams } from './audio-streams.js';
import { Backoff } from './backoff.js';

const counters = () => ({ audioChunks: 0, audioGaps: 0, audioHeldDropped: 0, audioDiscarded: 0 });
const chunk = (stream: number, i: number, bytes = 640) => ({
  type: 'AUDIO' as const,
  stream,
  chunk: i,
  data: new Uint8Array(bytes).fill(i & 0xff),
});
const start = (stream: number, codec: 0 | 1 | 2 = 0) => ({
  type: 'AUDIO_START' as const,
  stream,
  codec,
  sampleRate: 16000,
  trigger: 0,
});
const end = (stream: number, chunks: number) => ({
  type: 'AUDIO_END' as const,
  stream,
  reason: 0,
  chunks,
  droppedSamples: 0,
});

function receive(
  port: import('node:worker_threads').MessagePort,
  until: (m: AudioRouteMessage) => boolean,
): Promise<AudioRouteMessage[]> {
  const got: AudioRouteMessage[] = [];
  return new Promise((resolve) => {
    port.on('message', (m: AudioRouteMessage) => {
      got.push(m);
      if (until(m)) {
        port.close();
        resolve(got);
      }
    });
  });
}

test('audio held before routing is delivered in order when the route arrives, gaps counted', async () => {
  const c = counters();
  const s = new AudioStreams(1 << 20, c, () => {});
  s.start(start(1));
  s.chunk(chunk(1, 0));
  s.chunk(chunk(1, 1));
  s.chunk(chunk(1, 4)); // 2 and 3 lost on the wire
  const { port1, port2 } = new MessageChannel();
  const got = receive(port1, (m) => m.kind !== 'chunk');
  s.route(1, port2);
  s.chunk(chunk(1, 5));
  s.end(end(1, 6));
  const msgs = await got;
  assert.deepEqual(
    msgs.map((m) => (m.kind === 'chunk' ? `${m.chunk}/${m.gap}` : m.kind)),
    ['0/0', '1/0', '4/2', '5/0', 'end'],
  );
  assert.equal(c.audioGaps, 2);
  assert.equal(c.audioChunks, 4);
  assert.equal(s.heldAudioBytes, 0);
  const first = msgs[0]!;
  assert.ok(
    first.kind === 'chunk' && first.data.byteOffset === 0 && first.data.buffer.byteLength === 640,
    'each chunk owns its buffer',
  );
});

test('held audio is bounded: chunks past the limit are dropped, counted, and reported as a gap', async () => {
  const c = counters();
  const s = new AudioStreams(640 * 3, c, () => {});
  s.start(start(2));
  for (let i = 0; i < 10; i++) s.chunk(chunk(2, i));
  assert.equal(c.audioHeldDropped, 7);
  assert.equal(s.heldAudioBytes, 640 * 3);
  const { port1, port2 } = new MessageChannel();
  const got = receive(port1, (m) => m.kind === 'chunk' && m.chunk === 10);
  s.route(2, port2);
  s.chunk(chunk(2, 10));
  const msgs = await got;
  assert.deepEqual(
    msgs.map((m) => (m.kind === 'chunk' ? `${m.chunk}/${m.gap}` : m.kind)),
    ['0/0', '1/0', '2/0', '10/7'],
  );
});

test('a discarded stream drops its held and later audio; abortAll ends open routed streams', async () => {
  const c = counters();
  const aborted: string[] = [];
  const s = new AudioStreams(1 << 20, c, (stream, reason) => aborted.push(`${stream}:${reason}`));
  s.start(start(3));
  s.chunk(chunk(3, 0));
  s.discard(3);
  s.chunk(chunk(3, 1));
  assert.equal(c.audioDiscarded, 2);
  assert.equal(s.heldAudioBytes, 0);
  s.start(start(4));
  const { port1, port2 } = new MessageChannel();
  const got = receive(port1, (m) => m.kind === 'abort');
  s.route(4, port2);
  s.chunk(chunk(4, 0));
  s.abortAll('disconnected');
  const msgs = await got;
  assert.deepEqual(msgs.at(-1), { kind: 'abort', stream: 4, reason: 'disconnected' });
  assert.deepEqual(aborted, ['3:disconnected', '4:disconnected']);
});

const label = (m: AudioRouteMessage) =>
  m.kind === 'chunk' ? `${m.chunk}x${m.chunks ?? 1}/${m.gap}:${m.data.byteLength}` : m.kind;

test('with a batch length, consecutive routed chunks go out joined, in order, bytes intact', async () => {
  const c = counters();
  const s = new AudioStreams(1 << 20, c, () => {}, 100); // 100 ms of 16 kHz PCM16: 3200 bytes, 5 chunks
  s.start(start(5));
  s.chunk(chunk(5, 0)); // held (no route yet): delivered as it came
  const { port1, port2 } = new MessageChannel();
  const got = receive(port1, (m) => m.kind === 'end');
  s.route(5, port2);
  for (let i = 1; i <= 12; i++) s.chunk(chunk(5, i));
  s.end(end(5, 13));
  const msgs = await got;
  // 1–5 and 6–10 fill a batch each; 11–12 go out with AUDIO_END, before it.
  assert.deepEqual(msgs.map(label), ['0x1/0:640', '1x5/0:3200', '6x5/0:3200', '11x2/0:1280', 'end']);
  const second = msgs[2]!;
  assert.ok(second.kind === 'chunk');
  for (let k = 0; k < 5; k++) assert.equal(second.data[k * 640], 6 + k, `chunk ${6 + k} in its place`);
  assert.equal(second.data.buffer.byteLength, 3200, 'each batch owns its buffer');
  assert.equal(c.audioChunks, 13);
});

test('a batch never spans a gap, an abort sends what was gathered first, and ADPCM is never joined', async () => {
  const c = counters();
  const aborted: string[] = [];
  const s = new AudioStreams(1 << 20, c, (stream, reason) => aborted.push(`${stream}:${reason}`), 100);
  s.start(start(6));
  const { port1, port2 } = new MessageChannel();
  const got = receive(port1, (m) => m.kind === 'abort');
  s.route(6, port2);
  s.chunk(chunk(6, 0));
  s.chunk(chunk(6, 1));
  s.chunk(chunk(6, 4)); // 2 and 3 lost: the batch before the gap goes out, the gap opens the next
  s.chunk(chunk(6, 5));
  s.abortAll('disconnected');
  assert.deepEqual((await got).map(label), ['0x2/0:1280', '4x2/2:1280', 'abort']);
  assert.equal(c.audioGaps, 2);
  assert.deepEqual(aborted, ['6:disconnected']);

  s.start(start(7, 2)); // IMA-ADPCM: its blocks have headers, they do not concatenate
  const adpcm = new MessageChannel();
  const got7 = receive(adpcm.port1, (m) => m.kind === 'end');
  s.route(7, adpcm.port2);
  for (let i = 0; i < 3; i++) s.chunk(chunk(7, i, 256));
  s.end(end(7, 3));
  assert.deepEqual((await got7).map(label), ['0x1/0:256', '1x1/0:256', '2x1/0:256', 'end']);
});

test('without a batch length every chunk goes out alone (the default)', async () => {
  const s = new AudioStreams(1 << 20, counters(), () => {});
  s.start(start(8));
  const { port1, port2 } = new MessageChannel();
  const got = receive(port1, (m) => m.kind === 'end');
  s.route(8, port2);
  for (let i = 0; i < 6; i++) s.chunk(chunk(8, i));
  s.end(end(8, 6));
  assert.deepEqual((await got).map(label), [
    '0x1/0:640',
    '1x1/0:640',
    '2x1/0:640',
    '3x1/0:640',
    '4x1/0:640',
    '5x1/0:640',
    'end',
  ]);
});

test('backoff grows ×1.8 up to its cap and resets', () => {
  const b = new Backoff({ initialMs: 100, factor: 1.8, maxMs: 1000 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [100, 180, 324, 583, 1000]);
  b.reset();
  assert.equal(b.next(), 100);
});

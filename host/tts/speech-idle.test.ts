/**
 * A speech service with idleStopMs stops its worker after that long without a request — never while a
 * request is out — and the next request starts a new one that speaks as well. Real espeak-ng.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { AudioCodec } from '../../protocol/ts/messages.js';
import { SpeechService } from './speech-service.js';

let stopped: (() => void) | undefined;
let stops = 0;
const svc = new SpeechService({
  idleStopMs: 30,
  onIdleStop: () => {
    stops++;
    stopped?.();
  },
});
// The idle timer does not hold the event loop open; this keeps the test's open meanwhile.
const keepAlive = setInterval(() => {}, 60_000);
after(async () => {
  clearInterval(keepAlive);
  await svc.close();
});
const pcm16k = { sampleRate: 16000, codec: AudioCodec.PCM16, gain: 1 };
const voice = { voice: 'en-us', wpm: 170 };

test('the worker stops after its idle period and the next reply starts it again', async () => {
  const gone = new Promise<void>((r) => (stopped = r));
  // Several requests back to back: the worker stays while any is out.
  const replies = await Promise.all(['one', 'two', 'three'].map((t) => svc.speak(t, voice, pcm16k)));
  assert.ok(replies.every((r) => r.data.byteLength > 1000));
  assert.equal(stops, 0, 'not stopped while requests were out');
  await gone;
  assert.equal(svc.running, false);
  assert.equal(stops, 1);
  const again = await svc.speak('one', voice, pcm16k);
  assert.equal(again.cached, false, 'a new worker: its cache started empty');
  assert.ok(again.data.byteLength > 1000, 'the new worker speaks');
  assert.equal(svc.running, true);
});

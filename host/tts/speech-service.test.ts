/**
 * The speech worker with real espeak-ng: replies in the board's format, cached by text, voice and
 * format, moved (not copied) to main; conversion of PCM from elsewhere; espeak-ng's errors cross the
 * thread with their code; a closed service refuses work.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { decodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { AudioCodec } from '../../protocol/ts/messages.js';
import { SpeechService } from './speech-service.js';

const svc = new SpeechService();
after(() => svc.close());
const pcm16k = { sampleRate: 16000, codec: AudioCodec.PCM16, gain: 1 };
const voice = { voice: 'en-us', wpm: 170 };

test('speak: espeak-ng speech at the speaker rate and codec, the second ask served from the cache', async () => {
  const a = await svc.speak('lights on', voice, pcm16k);
  assert.equal(a.sampleRate, 16000);
  assert.equal(a.codec, AudioCodec.PCM16);
  assert.equal(a.cached, false);
  assert.ok(a.durationMs > 300 && a.durationMs < 3000, `${a.durationMs} ms`);
  assert.equal(a.data.byteLength, a.data.buffer.byteLength, 'owns its whole buffer: it can move on');
  const samples = decodeAudioBlock(AudioCodec.PCM16, a.data);
  assert.ok(
    samples.some((s) => Math.abs(s) > 2000),
    'speech, not silence',
  );
  const b = await svc.speak('lights on', voice, pcm16k);
  assert.equal(b.cached, true);
  assert.deepEqual(b.data, a.data);
  // Another format, voice or gain is another reply.
  const ulaw = await svc.speak('lights on', voice, { ...pcm16k, sampleRate: 8000, codec: AudioCodec.ULAW });
  assert.equal(ulaw.cached, false);
  assert.equal(ulaw.sampleRate, 8000);
  assert.ok(Math.abs(ulaw.data.byteLength - a.data.byteLength / 4) < 400, 'half the rate, one byte a sample');
  assert.equal((await svc.speak('lights on', voice, { ...pcm16k, gain: 0.5 })).cached, false);
  const st = await svc.stats();
  assert.equal(st.hits, 1);
  assert.equal(st.misses, 3);
});

test('convert: PCM from elsewhere is resampled and encoded there, and the caller keeps its samples', async () => {
  const tone = Int16Array.from({ length: 22050 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 22050)),
  );
  const out = await svc.convert(tone, 22050, pcm16k);
  assert.ok(Math.abs(out.data.byteLength / 2 - 16000) <= 2, `${out.data.byteLength / 2} samples`);
  assert.equal(out.durationMs, 1000);
  assert.equal(tone.length, 22050, "the caller's samples are not moved away");
});

test("espeak-ng's failure crosses the thread with its code; a closed service refuses work", async () => {
  await assert.rejects(svc.speak('hi', { voice: 'xx-nonexistent', wpm: 170 }, pcm16k), (e) =>
    isHarkError(e, 'HARK_ERR_TTS_ESPEAK'),
  );
  const closed = new SpeechService();
  await closed.close();
  await assert.rejects(closed.speak('hi', voice, pcm16k), /closed/);
});

test('services started and closed at once leave nothing behind, and a new one is served by a new worker', async () => {
  for (let i = 0; i < 5; i++) {
    const s = new SpeechService();
    s.start();
    await s.close();
  }
  const s = new SpeechService();
  s.start();
  const out = await s.speak('ok', voice, pcm16k);
  assert.ok(out.data.byteLength > 0, 'a new worker serves after the earlier ones closed');
  await s.close();
});

test('start() with a voice loads it ahead of the first reply; a voice that does not exist is reported by that reply', async () => {
  const s = new SpeechService();
  s.start({ voice: 'xx-nonexistent', wpm: 170 }); // never rejects: nothing unhandled
  await assert.rejects(s.speak('hi', { voice: 'xx-nonexistent', wpm: 170 }, pcm16k), (e) =>
    isHarkError(e, 'HARK_ERR_TTS_ESPEAK'),
  );
  s.start(voice);
  const out = await s.speak('warm voice', voice, pcm16k);
  assert.equal(out.cached, false, 'the warm-up synthesis is not cached as a reply');
  assert.ok(out.durationMs > 200, `${out.durationMs} ms of speech`);
  await s.close();
});

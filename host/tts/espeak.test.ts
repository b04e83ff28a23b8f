import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { synthesize } from './espeak.js';

test('espeak-ng speech at the requested rate; voice and speed change the audio', async () => {
  const a = await synthesize('set a timer for five minutes', { sampleRate: 16000 });
  assert.equal(a.sampleRate, 16000);
  const seconds = a.samples.length / 16000;
  assert.ok(seconds > 1 && seconds < 4, `${seconds} s`);
  assert.ok(a.samples.some((s) => Math.abs(s) > 3000));
  const fast = await synthesize('set a timer for five minutes', { sampleRate: 16000, wpm: 300 });
  assert.ok(fast.samples.length < a.samples.length * 0.8);
  const native = await synthesize('hello', { voice: 'en-gb-x-rp' });
  assert.equal(native.sampleRate, 22050);
});

test('text is never read as an option, and a missing binary names the Debian package', async () => {
  const dash = await synthesize('--version', { sampleRate: 16000 });
  assert.ok(dash.samples.length > 8000, 'spoke the text "--version"');
  await assert.rejects(
    synthesize('hi', { binary: 'espeak-ng-not-installed' }),
    (e) => isHarkError(e, 'HARK_ERR_TTS_ESPEAK') && /apt-get install espeak-ng/.test(e.message),
  );
  await assert.rejects(synthesize('hi', { voice: 'xx-nonexistent' }), (e) =>
    isHarkError(e, 'HARK_ERR_TTS_ESPEAK'),
  );
});

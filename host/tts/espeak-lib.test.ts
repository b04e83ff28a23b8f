/** In-process espeak-ng (libespeak-ng through koffi): speech, voices, plain text only, clear errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { EspeakLibrary } from './espeak-lib.js';

// Debian's espeak-ng package depends on libespeak-ng1, so wherever the binary is, the library is.
const lib = EspeakLibrary.load();

test('libespeak-ng speaks in this thread: words at its own rate, faster speech is shorter', () => {
  assert.ok(lib, 'libespeak-ng.so.1 loads (package libespeak-ng1)');
  assert.equal(lib.sampleRate, 22050);
  const a = lib.synthesize('set a timer for five minutes', { voice: 'en-us', wpm: 160 });
  const seconds = a.samples.length / a.sampleRate;
  assert.ok(seconds > 1 && seconds < 4, `${seconds} s`);
  assert.ok(
    a.samples.some((s) => Math.abs(s) > 3000),
    'speech, not silence',
  );
  const fast = lib.synthesize('set a timer for five minutes', { voice: 'en-us', wpm: 300 });
  assert.ok(fast.samples.length < a.samples.length * 0.8);
  const again = lib.synthesize('set a timer for five minutes', { voice: 'en-us', wpm: 160 });
  // The library carries a little state between calls (a few samples differ), never the words.
  assert.ok(Math.abs(again.samples.length - a.samples.length) < 0.01 * a.samples.length);
});

test('markup and option-like text are spoken as text; an unknown voice names itself', () => {
  assert.ok(lib);
  const tag = lib.synthesize('<speak>hello</speak>', { voice: 'en-us', wpm: 170 });
  const plain = lib.synthesize('hello', { voice: 'en-us', wpm: 170 });
  assert.ok(
    tag.samples.length > plain.samples.length * 1.5,
    'the brackets and "speak" were read out, not parsed',
  );
  assert.ok(lib.synthesize('--version', { voice: 'en-us', wpm: 170 }).samples.length > 8000);
  assert.throws(
    () => lib.synthesize('hi', { voice: 'xx-nonexistent', wpm: 170 }),
    (e) => isHarkError(e, 'HARK_ERR_TTS_ESPEAK') && /xx-nonexistent/.test(e.message),
  );
  assert.ok(lib.synthesize('hi', { voice: 'en-us', wpm: 170 }).samples.length > 0, 'still works afterwards');
});

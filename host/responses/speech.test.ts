import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { decodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { AudioCodec, codecBit, SpeakerKind } from '../../protocol/ts/messages.js';
import { SpeechService } from '../tts/speech-service.js';
import { applyGain, canSpeak, chooseSpeakerCodec, prepareSpeech, type RemoteSpeech } from './speech.js';

const pcmBoard = {
  speakerKind: SpeakerKind.PCM,
  speakerSampleRate: 16000,
  speakerCodecs: codecBit(AudioCodec.PCM16) | codecBit(AudioCodec.ULAW),
};

test('codec choice prefers PCM16, then µ-law, never ADPCM; piezo boards cannot speak', () => {
  assert.equal(chooseSpeakerCodec(pcmBoard), AudioCodec.PCM16);
  assert.equal(
    chooseSpeakerCodec({
      ...pcmBoard,
      speakerCodecs: codecBit(AudioCodec.ULAW) | codecBit(AudioCodec.IMA_ADPCM),
    }),
    AudioCodec.ULAW,
  );
  assert.equal(chooseSpeakerCodec({ ...pcmBoard, speakerCodecs: codecBit(AudioCodec.IMA_ADPCM) }), undefined);
  assert.equal(canSpeak({ speakerKind: SpeakerKind.PIEZO, speakerSampleRate: 0, speakerCodecs: 0 }), false);
});

test('gain scales and clips', () => {
  assert.deepEqual([...applyGain(Int16Array.from([1000, -20000, 30000]), 2)], [2000, -32768, 32767]);
});

test('speech is synthesised by espeak-ng at the board rate in its codec', async () => {
  const a = await prepareSpeech('five minutes', pcmBoard);
  assert.equal(a.codec, AudioCodec.PCM16);
  assert.equal(a.sampleRate, 16000);
  assert.ok(a.durationMs > 300 && a.durationMs < 3000, `duration ${a.durationMs} ms`);
  assert.equal(a.data.length % 2, 0, 'whole PCM16 samples');
  const samples = decodeAudioBlock(AudioCodec.PCM16, a.data);
  const peak = samples.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
  assert.ok(peak > 1000, 'not silence');
  const ulaw = await prepareSpeech('five minutes', {
    ...pcmBoard,
    speakerCodecs: codecBit(AudioCodec.ULAW),
    speakerSampleRate: 8000,
  });
  assert.equal(ulaw.codec, AudioCodec.ULAW);
  assert.ok(
    Math.abs(ulaw.data.length - samples.length / 2) < 200,
    'µ-law at 8 kHz: one byte a sample, half the samples',
  );
  await assert.rejects(
    prepareSpeech('hello', { speakerKind: SpeakerKind.NONE, speakerSampleRate: 0, speakerCodecs: 0 }),
    (e) => isHarkError(e, 'HARK_ERR_RESPONSE_SPEECH') && /hello/.test(e.message),
  );
});

test('with the speech worker: the same audio as on main, and its failures name the text', async () => {
  const service = new SpeechService();
  try {
    const onMain = await prepareSpeech('five minutes', pcmBoard);
    const off = await prepareSpeech('five minutes', pcmBoard, { service });
    assert.equal(off.codec, onMain.codec);
    assert.equal(off.sampleRate, onMain.sampleRate);
    // In-process libespeak-ng leaves out the binary's closing pause (~0.3 s); the words are the same.
    assert.ok(
      Math.abs(off.durationMs - onMain.durationMs) < 500,
      `${off.durationMs} vs ${onMain.durationMs} ms`,
    );
    const peak = decodeAudioBlock(AudioCodec.PCM16, off.data).reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    assert.ok(peak > 1000, 'speech, not silence');
    await assert.rejects(
      prepareSpeech('five minutes', pcmBoard, { service, voice: 'xx-nonexistent' }),
      (e) => isHarkError(e, 'HARK_ERR_RESPONSE_SPEECH') && /five minutes/.test(e.message),
    );
  } finally {
    await service.close();
  }
});

test('a remote voice that falls back to espeak-ng: the speech worker speaks it, main never spawns it', async () => {
  const service = new SpeechService();
  try {
    let fellBack = 0;
    const downServer: RemoteSpeech = (_text, local) => {
      fellBack++;
      return local();
    };
    const before = await service.stats();
    const out = await prepareSpeech('the light is on', pcmBoard, { service, remote: downServer });
    const after = await service.stats();
    assert.equal(fellBack, 1);
    assert.equal(after.misses - before.misses, 1, 'espeak-ng ran in the speech worker');
    assert.equal(out.codec, AudioCodec.PCM16);
    // A remote voice's own PCM (here 22.05 kHz) is still converted to the board's rate.
    const tone = new Int16Array(22050).map((_, i) => Math.round(8000 * Math.sin(i / 5)));
    const served: RemoteSpeech = async () => ({ sampleRate: 22050, samples: tone });
    const remote = await prepareSpeech('anything', pcmBoard, { service, remote: served });
    assert.equal(remote.sampleRate, 16000);
    assert.ok(Math.abs(remote.durationMs - 1000) <= 1, `${remote.durationMs} ms`);
  } finally {
    await service.close();
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import { LedKind, SpeakerKind } from '../../protocol/ts/messages.js';
import { defaultConfig } from '../config/index.js';
import { EARCONS } from './earcons.js';
import { planResponse } from './response-plan.js';

const config = defaultConfig();
const pcmBoard = helloForProfile(getProfile('emulated'), '0.1.0', 'a');
const piezoBoard = { ...pcmBoard, speakerKind: SpeakerKind.PIEZO, speakerSampleRate: 0, speakerCodecs: 0 };
const noLedBoard = { ...pcmBoard, ledKind: LedKind.NONE, ledCount: 0 };

test('voice is spoken on PCM speakers and becomes a tone on piezo boards', () => {
  assert.deepEqual(planResponse({ text: 'It is 3', voice: true }, pcmBoard, config, 70), {
    speak: 'It is 3',
  });
  const piezo = planResponse({ text: 'It is 3', voice: true }, piezoBoard, config, 70);
  assert.equal(piezo.speak, undefined);
  assert.deepEqual(piezo.tone?.steps, EARCONS.success);
  const failed = planResponse({ text: 'No', voice: true, status: 'error' }, piezoBoard, config, 70);
  assert.deepEqual(failed.tone?.steps, EARCONS.error);
  assert.deepEqual(planResponse({ status: 'not_found' }, pcmBoard, config, 70).tone?.steps, EARCONS.error);
  assert.deepEqual(planResponse({ audio: '/x.wav' }, pcmBoard, config, 70), { audio: '/x.wav' });
});

test('LED requests become overrides with durations; LED-less boards get none', () => {
  const ok = planResponse({ led: 'success' }, pcmBoard, config, 70).led;
  assert.deepEqual(ok?.effect.color, { r: 0, g: 255, b: 0 });
  assert.ok((ok?.durationMs ?? 0) > 0, 'success is shown briefly');
  assert.equal(planResponse({ led: 'idle' }, pcmBoard, config, 70).led, null, 'idle clears the override');
  const spec = planResponse(
    { led: { effect: 'blink', color: { r: 1, g: 2, b: 3 }, periodMs: 250 } },
    pcmBoard,
    config,
    70,
  ).led;
  assert.deepEqual(spec, {
    effect: { effect: 'blink', color: { r: 1, g: 2, b: 3 }, periodMs: 250 },
    durationMs: 0,
  });
  assert.equal(planResponse({ led: 'success' }, noLedBoard, config, 70).led, undefined);
});

test('volume: absolute levels and clamped steps; tone steps scale 0..255 to percent', () => {
  assert.equal(planResponse({ volume: { delta: 10 } }, pcmBoard, config, 95).volume, 100);
  assert.equal(planResponse({ volume: { delta: -30 } }, pcmBoard, config, 20).volume, 0);
  assert.equal(planResponse({ volume: { level: 42 } }, pcmBoard, config, 70).volume, 42);
  const tone = planResponse(
    { tone: [{ freqHz: 440, durationMs: 100, volume: 255 }] },
    pcmBoard,
    config,
    70,
  ).tone;
  assert.deepEqual(tone?.steps, [{ freqHz: 440, durationMs: 100, volume: 100 }]);
  assert.deepEqual(planResponse({ tone: 'alarm' }, pcmBoard, config, 70).tone?.steps, EARCONS.alarm);
});

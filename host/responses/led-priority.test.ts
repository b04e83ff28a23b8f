import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LED_ALL, LedEffect, LedKind, MAX_TONE_STEPS } from '../../protocol/ts/messages.js';
import { defaultConfig } from '../config/index.js';
import { EARCONS, earconMessage } from './earcons.js';
import { type LedCondition, ledMessage, resolveLed } from './led-priority.js';

const leds = defaultConfig().leds;
const rgb = { ledKind: LedKind.ADDRESSABLE_RGB, ledCount: 12 };

test('the highest-priority condition wins', () => {
  const cases: [LedCondition[], string][] = [
    [[], 'idle'],
    [['muted'], 'muted'],
    [['muted', 'replying'], 'replying'],
    [['replying', 'thinking'], 'thinking'],
    [['thinking', 'listening'], 'listening'],
    [['listening', 'error'], 'error'],
    [['error', 'disconnected', 'listening'], 'disconnected'],
  ];
  for (const [active, want] of cases)
    assert.equal(resolveLed(new Set(active), leds).source, want, active.join('+'));
});

test('a command override beats replying and idle but not listening or errors', () => {
  const green = { effect: 'solid' as const, color: { r: 0, g: 255, b: 0 }, periodMs: 0 };
  assert.equal(resolveLed(new Set(['replying'] as LedCondition[]), leds, green).source, 'override');
  assert.deepEqual(resolveLed(new Set(), leds, green).effect.color, { r: 0, g: 255, b: 0 });
  assert.equal(resolveLed(new Set(['listening'] as LedCondition[]), leds, green).source, 'listening');
  assert.equal(resolveLed(new Set(['error'] as LedCondition[]), leds, green).source, 'error');
});

test('configured effects become LED messages for RGB boards', () => {
  const custom = {
    ...leds,
    listening: { effect: 'spin' as const, color: { r: 0x10, g: 0x20, b: 0x30 }, periodMs: 500 },
  };
  const msg = ledMessage(resolveLed(new Set(['listening'] as LedCondition[]), custom), rgb);
  assert.deepEqual(msg, {
    type: 'LED',
    index: LED_ALL,
    effect: LedEffect.SPIN,
    r: 0x10,
    g: 0x20,
    b: 0x30,
    periodMs: 500,
    durationMs: 0,
  });
});

test('mono LEDs get a distinct blink pattern per condition; LED-less boards get nothing', () => {
  const mono = { ledKind: LedKind.GPIO_MONO, ledCount: 1 };
  const states: LedCondition[] = ['disconnected', 'error', 'listening', 'thinking', 'replying', 'muted'];
  const patterns = states.map((s) => {
    const m = ledMessage(resolveLed(new Set([s]), leds), mono)!;
    assert.equal(m.r, 255, `${s} is visible at full brightness`);
    return `${m.effect}/${m.periodMs}`;
  });
  assert.equal(new Set(patterns).size, states.length, `patterns must differ: ${patterns.join(' ')}`);
  assert.equal(ledMessage(resolveLed(new Set(), leds), mono)!.effect, LedEffect.OFF);
  assert.equal(ledMessage(resolveLed(new Set(), leds), { ledKind: LedKind.NONE, ledCount: 0 }), undefined);
});

test('earcons scale with volume and fit one TONE message', () => {
  const quiet = earconMessage('listening', 50);
  assert.equal(quiet.steps.length, EARCONS.listening.length);
  assert.equal(quiet.steps[0]!.volume, Math.round(EARCONS.listening[0]!.volume / 2));
  assert.ok(
    earconMessage('listening').steps.at(-1)!.freqHz > earconMessage('listening').steps[0]!.freqHz,
    'rising',
  );
  for (const name of Object.keys(EARCONS) as (keyof typeof EARCONS)[])
    assert.ok(earconMessage(name).steps.length <= MAX_TONE_STEPS, `${name} fits one TONE message`);
});

test('an LED effect name the protocol lacks is refused, not sent as a wrong id', () => {
  const bad = { effect: 'sparkle' as 'solid', color: { r: 1, g: 2, b: 3 }, periodMs: 0 };
  assert.throws(
    () => ledMessage({ source: 'override', effect: bad }, rgb),
    /"sparkle" is not one of off, solid/,
  );
});

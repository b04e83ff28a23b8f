/** The name ↔ id tables (names.ts): both directions, unknown values, bit sets, and the C constants. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { C_NAME_GROUPS } from './c-header.js';
import {
  AudioCodecNames,
  AudioEndReasonNames,
  ButtonEventNames,
  FeatureNames,
  GpioCapNames,
  HelloAckFlag,
  HelloAckFlagNames,
  LedEffectNames,
  MessageTypeNames,
} from './messages.js';
import { bitTable, nameTable } from './names.js';

test('names are the keys in lower case with dashes, in id order, both ways', () => {
  assert.deepEqual(LedEffectNames.all, ['off', 'solid', 'blink', 'pulse', 'spin']);
  assert.deepEqual(AudioCodecNames.all, ['pcm16', 'ulaw', 'ima-adpcm']);
  assert.equal(AudioCodecNames.id('ima-adpcm'), 2);
  assert.equal(AudioEndReasonNames.name(0), 'button-released');
  assert.equal(ButtonEventNames.name(3), 'double');
  assert.equal(MessageTypeNames.name(0x44), 'speaker-credit');
  assert.equal(LedEffectNames.max, 4);
  for (const n of LedEffectNames.all) assert.equal(LedEffectNames.name(LedEffectNames.id(n)!), n);
});

test('an unknown id or name is undefined, never a throw (a newer peer may add values)', () => {
  assert.equal(LedEffectNames.name(5), undefined);
  assert.equal(LedEffectNames.name(-1), undefined);
  assert.equal(LedEffectNames.id('PULSE'), undefined, 'names are case-sensitive');
  assert.equal(LedEffectNames.id('rainbow'), undefined);
  assert.equal(LedEffectNames.has('rainbow'), false);
  assert.equal(LedEffectNames.has('spin'), true);
});

test('bit sets: names of a mask, mask of names, every bit', () => {
  assert.deepEqual(GpioCapNames.names(0b1011), ['input', 'output', 'pwm']);
  assert.deepEqual(GpioCapNames.names(0x20), [], 'a bit this version does not define has no name');
  assert.equal(FeatureNames.mask(['led', 'gpio']), (1 << 5) | (1 << 6));
  assert.equal(GpioCapNames.allBits, 0x1f);
  assert.equal(HelloAckFlagNames.name(HelloAckFlag.BOARD_VAD_MAY_END), 'board-vad-may-end');
  assert.throws(() => bitTable({ TWO_BITS: 3 }), /not a single bit/);
  assert.throws(() => bitTable({ NONE: 0 }), /not a single bit/);
  assert.equal(nameTable({ A: 7 }).name(7), 'a');
});

test('hark_protocol.h defines every table value under its C prefix', () => {
  const header = readFileSync(new URL('../../../protocol/c/hark_protocol.h', import.meta.url), 'utf8');
  for (const g of C_NAME_GROUPS) {
    for (const key of Object.keys(g.values)) {
      assert.match(header, new RegExp(`^#define ${g.prefix}${key}\\s`, 'm'), `${g.prefix}${key}`);
    }
  }
  assert.match(header, /^#define HARK_HELLO_ACK_FLAG_BOARD_VAD_MAY_END\s+\(1U << 0\)/m);
});

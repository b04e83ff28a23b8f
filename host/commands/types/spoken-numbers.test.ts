import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize } from '../pattern/tokenize.js';
import { durationSpans } from './duration.js';
import { parseSpokenNumber, spellNumber } from './spoken-numbers.js';

test('spoken numbers parse to values', () => {
  const table: [string, number | undefined][] = [
    ['zero', 0],
    ['seven', 7],
    ['thirteen', 13],
    ['twenty five', 25],
    ['twenty-five', 25],
    ['ninety nine', 99],
    ['one hundred', 100],
    ['one hundred and two', 102],
    ['two hundred twelve', 212],
    ['nineteen hundred', 1900],
    ['three thousand', 3000],
    ['three thousand and one', 3001],
    ['four million five hundred thousand', 4_500_000],
    ['42', 42],
    ['a hundred', 100],
    ['a thousand and five', 1005],
    ['a', undefined],
    ['2.5', 2.5],
    ['five five', undefined],
    ['twenty twenty', undefined],
    ['hundred', undefined],
    ['one hundred and', undefined],
    ['three thousand two million', undefined],
    ['apple', undefined],
  ];
  for (const [text, value] of table) assert.equal(parseSpokenNumber(text), value, text);
});

test('spelling and parsing round-trip for 0..2000 and some large numbers', () => {
  const values = [...Array.from({ length: 2001 }, (_, i) => i), 10_000, 123_456, 7_000_001, 999_999_999];
  for (const n of values)
    assert.equal(parseSpokenNumber(spellNumber(n).join(' ')), n, spellNumber(n).join(' '));
});

test('durations parse to milliseconds, longest reading first', () => {
  const table: [string, number][] = [
    ['five minutes', 300_000],
    ['an hour and a half', 5_400_000],
    ['ninety seconds', 90_000],
    ['half a minute', 30_000],
    ['one and a half hours', 5_400_000],
    ['1 hour 15 minutes', 4_500_000],
    ['two days', 172_800_000],
    ['a quarter of an hour', 900_000],
    ['three quarters of an hour', 2_700_000],
    ['an hour and a quarter of an hour', 4_500_000],
  ];
  for (const [text, ms] of table) {
    const tokens = tokenize(text);
    const best = durationSpans(tokens, 0)[0];
    assert.equal(best?.end, tokens.length, text);
    assert.equal(best?.value, ms, text);
  }
  assert.deepEqual(durationSpans(tokenize('five apples'), 0), []);
});

test('tokenize is case-insensitive and tolerant of spacing and punctuation', () => {
  assert.deepEqual(tokenize('  Turn the LIGHTS on,   please!  '), ['turn', 'the', 'lights', 'on', 'please']);
  assert.deepEqual(tokenize("What's twenty-five + 2.5?"), ["what's", 'twenty', 'five', '2.5']);
});

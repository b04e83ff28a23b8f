/** The pattern-matching table: utterance → which command wins and with which parameters. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { command } from '../command.js';
import { CommandRegistry } from '../registry.js';
import { defineType } from '../types/define-type.js';

const h = () => ({});
const registry = new CommandRegistry().add(
  defineType('Room', { values: { kitchen: 'kitchen', 'living room': 'living', bedroom: 'bedroom' } }),
  defineType('Temperature', {
    pattern: '$degrees:Number (degrees)? (celsius|fahrenheit)?',
    parse: ({ params, words }) => ({
      degrees: params.degrees,
      unit: words.includes('fahrenheit') ? 'F' : 'C',
    }),
  }),
  command('set a timer for $duration:Duration', h, { name: 'timer' }),
  command('set a timer', h, { name: 'timer?' }),
  command('set (the)? volume to $level:Number(0..100) (percent)?', h, { name: 'volume' }),
  command('turn (the)? (light|lights) $state:OnOff', h, { name: 'lights onoff' }),
  command('turn (the)? $room:Room (light|lights) $state:OnOff', h, { name: 'room lights' }),
  command('(turn|make|set) (the)? (light|lights) (to)? $color:Color', h, { name: 'lights color' }),
  command('what time is it', h, { name: 'time' }),
  command('what is **', h, { name: 'what is' }),
  command('say $text:String', h, { name: 'say' }),
  command('say hello', h, { name: 'say hello' }),
  command('call $who:Word', h, { name: 'call' }),
  command('call mom', h, { name: 'call mom' }),
  command('play * radio', h, { name: 'radio' }),
  command('{very} good', h, { name: 'good' }),
  command('add $n:Number (and|plus) $m:Number', h, { name: 'add' }),
  command('set (the)? thermostat to $t:Temperature', h, { name: 'thermostat' }),
  command('remind me (in $delay:Duration?)? to $what:String', h, { name: 'remind' }),
  command('count (the)? primes (below|under|up to) $limit:Number', h, { name: 'primes' }),
  command('(good)? (morning|evening)', h, { name: 'greeting' }),
  command('roll a $sides:Number(2..100) sided die', h, { name: 'dice' }),
  command('wait $duration:Duration then say $text:String', h, { name: 'wait then say' }),
);

type Case = [utterance: string, command: string | undefined, params?: Record<string, unknown>];
const MIN = 60_000;
const cases: Case[] = [
  // durations
  ['set a timer for five minutes', 'timer', { duration: 5 * MIN }],
  ['set a timer for an hour and a half', 'timer', { duration: 90 * MIN }],
  ['set a timer for ninety seconds', 'timer', { duration: 90_000 }],
  ['set a timer for half an hour', 'timer', { duration: 30 * MIN }],
  ['set a timer for one and a half hours', 'timer', { duration: 90 * MIN }],
  ['set a timer for 2 hours and 10 minutes', 'timer', { duration: 130 * MIN }],
  ['set a timer for one hour ten minutes', 'timer', { duration: 70 * MIN }],
  ['set a timer for a minute', 'timer', { duration: MIN }],
  ['set a timer for twenty five seconds', 'timer', { duration: 25_000 }],
  ['set a timer for 1 day', 'timer', { duration: 1440 * MIN }],
  ['Set a timer for FIVE minutes.', 'timer', { duration: 5 * MIN }],
  ['set   a timer   for five   minutes', 'timer', { duration: 5 * MIN }],
  ['set a timer', 'timer?', {}],
  ['set a timer for', undefined],
  ['set a timer for five', undefined],
  ['set a timer for zero minutes', undefined],
  // numbers and ranges
  ['set volume to twenty five', 'volume', { level: 25 }],
  ['set the volume to twenty-five percent', 'volume', { level: 25 }],
  ['set the volume to 100', 'volume', { level: 100 }],
  ['set the volume to one hundred', 'volume', { level: 100 }],
  ['set the volume to one hundred and one', undefined],
  ['set the volume to zero', 'volume', { level: 0 }],
  ['set the volume to a hundred', 'volume', { level: 100 }],
  ['set a timer for a quarter of an hour', 'timer', { duration: 15 * MIN }],
  ['set the volume to seventy', 'volume', { level: 70 }],
  ['count primes below one hundred and two', 'primes', { limit: 102 }],
  ['count the primes up to two thousand and five', 'primes', { limit: 2005 }],
  ['count primes under one million two hundred thousand', 'primes', { limit: 1_200_000 }],
  ['count primes below twenty five hundred', 'primes', { limit: 2500 }],
  ['count primes below 7.5', 'primes', { limit: 7.5 }],
  ['count primes below many', undefined],
  ['add two and three', 'add', { n: 2, m: 3 }],
  ['add twenty plus five', 'add', { n: 20, m: 5 }],
  ['add twenty five plus five', 'add', { n: 25, m: 5 }],
  ['add one hundred and one and two', 'add', { n: 101, m: 2 }],
  ['roll a six sided die', 'dice', { sides: 6 }],
  ['roll a twenty sided die', 'dice', { sides: 20 }],
  ['roll a one sided die', undefined],
  // on/off, colours, user types
  ['turn the lights on', 'lights onoff', { state: true }],
  ['turn light off', 'lights onoff', { state: false }],
  ['Turn the kitchen lights ON', 'room lights', { room: 'kitchen', state: true }],
  ['turn the living room light off', 'room lights', { room: 'living', state: false }],
  ['turn the garage light off', undefined],
  ['turn the lights red', 'lights color', { color: { name: 'red', r: 255, g: 0, b: 0 } }],
  ['make the light warm white', 'lights color', { color: { name: 'warm white', r: 255, g: 180, b: 107 } }],
  ['set lights to light blue', 'lights color', { color: { name: 'light blue', r: 135, g: 206, b: 250 } }],
  ['turn the lights plaid', undefined],
  ['set the thermostat to twenty one degrees', 'thermostat', { t: { degrees: 21, unit: 'C' } }],
  ['set thermostat to 70 degrees fahrenheit', 'thermostat', { t: { degrees: 70, unit: 'F' } }],
  ['set the thermostat to nineteen', 'thermostat', { t: { degrees: 19, unit: 'C' } }],
  // literals, wildcards, specificity
  ['what time is it', 'time', {}],
  ['What time is it?', 'time', {}],
  ['what is the capital of France', 'what is', {}],
  ['what is', undefined],
  ['say hello', 'say hello', {}],
  ['say hello world', 'say', { text: 'hello world' }],
  ['say something nice', 'say', { text: 'something nice' }],
  ['call mom', 'call mom', {}],
  ['call dad', 'call', { who: 'dad' }],
  ['call my dad', undefined],
  ['play jazz radio', 'radio', {}],
  ['play radio', undefined],
  ['play smooth jazz radio', undefined],
  ['good', undefined],
  ['very good', 'good', {}],
  ['very very very good', 'good', {}],
  ['morning', 'greeting', {}],
  ['good evening', 'greeting', {}],
  // optional parameters and String backtracking
  ['remind me to buy milk', 'remind', { what: 'buy milk' }],
  ['remind me in ten minutes to buy milk', 'remind', { delay: 10 * MIN, what: 'buy milk' }],
  ['remind me in five minutes to go to the shop', 'remind', { delay: 5 * MIN, what: 'go to the shop' }],
  ['wait five seconds then say done', 'wait then say', { duration: 5000, text: 'done' }],
  // nothing
  ['', undefined],
  ['   ', undefined],
  ['open the pod bay doors', undefined],
];

test(`pattern matching table (${cases.length} cases)`, async (t) => {
  assert.ok(cases.length >= 60);
  for (const [utterance, expected, params] of cases) {
    await t.test(`"${utterance}" → ${expected ?? 'no match'}`, () => {
      const m = registry.match(utterance);
      assert.equal(m?.command.name, expected);
      if (params) assert.deepEqual({ ...m!.params }, params);
    });
  }
});

test('ties between equally specific commands go to the one declared first', () => {
  const r = new CommandRegistry().add(
    command('open $thing:Word', h, { name: 'first' }),
    command('open $item:Word', h, { name: 'second' }),
  );
  assert.equal(r.match('open door')?.command.name, 'first');
});

test('a typed parameter beats a free word; a literal beats both', () => {
  const r = new CommandRegistry().add(
    command('set $x:Word', h, { name: 'word' }),
    command('set $n:Number', h, { name: 'number' }),
    command('set five', h, { name: 'literal' }),
  );
  assert.equal(r.match('set six')?.command.name, 'number');
  assert.equal(r.match('set five')?.command.name, 'literal');
  assert.equal(r.match('set fish')?.command.name, 'word');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import demo from '../../examples/typescript-starter/src/index.js';
import type { GrammarNode, GrammarSpec } from '../grammar/spec.js';
import { command } from './command.js';
import { exportGrammar } from './grammar-export.js';
import { CommandRegistry } from './registry.js';
import { defineType } from './types/define-type.js';

/** Every phrase a (finite) rule accepts, `any` shown as "*". Bounded, for small test grammars. */
function phrases(spec: GrammarSpec, node: GrammarNode, limit = 5000): string[] {
  const expand = (n: GrammarNode): string[][] => {
    switch (n.kind) {
      case 'word':
        return [[n.word]];
      case 'any':
        return [['*']];
      case 'ref':
        return expand(spec.rules[n.rule]!);
      case 'opt':
        return [[], ...expand(n.node)];
      case 'repeat':
        return expand(n.node); // one repetition is enough for these checks
      case 'alt':
        return n.options.flatMap(expand).slice(0, limit);
      case 'seq':
        return n.items.reduce<string[][]>(
          (acc, item) => {
            const tails = expand(item);
            return acc.flatMap((a) => tails.map((b) => [...a, ...b])).slice(0, limit);
          },
          [[]],
        );
    }
  };
  return expand(node).map((w) => w.join(' '));
}

test('grammar holds every command, type rules and a sorted vocabulary', () => {
  const r = new CommandRegistry().add(
    defineType('Room', { values: ['kitchen', 'living room'] }),
    command('turn (the)? $room:Room lights $state:OnOff', () => ({})),
    command('set volume to $n:Number(1..12)', () => ({})),
    command('say $text:String', () => ({})),
  );
  const g = exportGrammar(r);
  assert.equal(g.root.length, 3);
  for (const name of [...g.root, ...Object.keys(g.rules)]) assert.match(name, /^[a-z][a-z0-9_]*$/);
  assert.deepEqual(g.vocabulary, [...new Set(g.vocabulary)].sort());
  for (const w of ['turn', 'the', 'kitchen', 'living', 'room', 'on', 'off', 'twelve', 'one', 'say'])
    assert.ok(g.vocabulary.includes(w), w);
  assert.ok(!g.vocabulary.includes('thirteen'), 'numbers outside the declared range are left out');
  const lights = phrases(g, g.rules[g.root[0]!]!);
  assert.ok(lights.includes('turn the living room lights on'));
  assert.ok(lights.includes('turn kitchen lights off'));
  const volume = phrases(g, g.rules[g.root[1]!]!);
  assert.equal(volume.length, 12);
  assert.ok(volume.includes('set volume to eleven'));
  assert.deepEqual(phrases(g, g.rules[g.root[2]!]!), ['say *']);
  // every ref resolves
  const refs = JSON.stringify(g.rules).match(/"rule":"([a-z0-9_]+)"/g) ?? [];
  for (const ref of refs) assert.ok(ref.slice(8, -1) in g.rules, ref);
});

test('every phrase the grammar yields for a number range matches the command', () => {
  const r = new CommandRegistry().add(command('roll a $n:Number(1..150) sided die', () => ({})));
  const g = exportGrammar(r);
  const all = phrases(g, g.rules[g.root[0]!]!);
  assert.equal(all.length, 150);
  for (const p of all) assert.ok(r.match(p), p);
});

test('the demo pack exports a grammar with durations and colours', () => {
  const r = new CommandRegistry().add(demo);
  const g = exportGrammar(r);
  for (const w of ['minutes', 'half', 'hour', 'red', 'warm', 'twenty', 'hundred', 'primes', 'volume'])
    assert.ok(g.vocabulary.includes(w), w);
  assert.equal(g.root.length, r.commands.length);
});

/** A random phrase of a rule (seeded, so failures reproduce); `any` becomes "something". */
function samplePhrase(spec: GrammarSpec, node: GrammarNode, rand: () => number): string[] {
  switch (node.kind) {
    case 'word':
      return [node.word];
    case 'any':
      return ['something'];
    case 'ref':
      return samplePhrase(spec, spec.rules[node.rule]!, rand);
    case 'opt':
      return rand() < 0.5 ? [] : samplePhrase(spec, node.node, rand);
    case 'repeat':
      return [
        ...samplePhrase(spec, node.node, rand),
        ...(rand() < 0.3 ? samplePhrase(spec, node.node, rand) : []),
      ];
    case 'alt':
      return samplePhrase(spec, node.options[Math.floor(rand() * node.options.length)]!, rand);
    case 'seq':
      return node.items.flatMap((i) => samplePhrase(spec, i, rand));
  }
}

test('random phrases of the grammar for durations, numbers, colours and user types all match', () => {
  const r = new CommandRegistry().add(
    defineType('Room', { values: ['kitchen', 'living room'] }),
    command('set a timer for $d:Duration', () => ({}), { name: 'timer' }),
    command('count to $n:Number', () => ({}), { name: 'count' }),
    command('paint the $room:Room $c:Color', () => ({}), { name: 'paint' }),
    command('say $text:String (please)?', () => ({}), { name: 'say' }),
  );
  const g = exportGrammar(r);
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (const root of g.root) {
    for (let i = 0; i < 400; i++) {
      const phrase = samplePhrase(g, g.rules[root]!, rand).join(' ');
      assert.ok(r.match(phrase), `"${phrase}" (${root}) does not match`);
    }
  }
});

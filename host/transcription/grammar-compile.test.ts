import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { HOME_COMMANDS, HOME_UTTERANCES } from '../../test/fixtures/transcription/home-commands.js';
import type { GrammarSpec } from '../grammar/spec.js';
import { pruneSpec, specWords, toCoverPhrases, toJsgf, toPhrases, validateSpec } from './grammar-compile.js';

const w = (word: string) => ({ kind: 'word' as const, word });
const LIGHTS: GrammarSpec = {
  rules: {
    state: { kind: 'alt', options: [w('on'), w('off')] },
    lights: {
      kind: 'seq',
      items: [w('turn'), { kind: 'ref', rule: 'state' }, { kind: 'opt', node: w('the') }, w('lights')],
    },
    say: { kind: 'seq', items: [w('say'), { kind: 'any' }] },
  },
  root: ['lights', 'say'],
  vocabulary: ['lights', 'off', 'on', 'say', 'the', 'turn'],
};

test('JSGF: one public root alternative over prefixed rules; any becomes a word loop', () => {
  const jsgf = toJsgf(LIGHTS);
  assert.match(jsgf, /^#JSGF V1\.0;\ngrammar hark;\npublic <hark_root> = <r_lights> \| <r_say>;\n/);
  assert.match(jsgf, /<r_lights> = \(turn <r_state> \[the\] lights\);/);
  assert.match(jsgf, /<r_state> = \(on \| off\);/);
  assert.match(jsgf, /<any_words> = \(lights \| off \| on \| say \| the \| turn\)\+;/);
  assert.match(toJsgf(LIGHTS, ['hello', 'world']), /<any_words> = \(hello \| world\)\+;/);
});

test('phrases for vosk: every path, [unk] for free-form slots, undefined past the cap', () => {
  assert.deepEqual(toPhrases(LIGHTS), [
    'say [unk]',
    'turn off lights',
    'turn off the lights',
    'turn on lights',
    'turn on the lights',
  ]);
  assert.equal(toPhrases(HOME_COMMANDS), undefined); // ~10^5 paths: timers × durations
});

/** Word bigrams (with sentence start/end) of a phrase list. */
const bigrams = (phrases: string[]) =>
  new Set(
    phrases.flatMap((p) =>
      ['<s>', ...p.split(' '), '</s>'].slice(1).map((w, i, a) => `${i === 0 ? '<s>' : a[i - 1]} ${w}`),
    ),
  );

test('cover phrases keep every word transition of the grammar in a list of modest size', () => {
  const full = toPhrases(LIGHTS)!;
  const cover = toCoverPhrases(LIGHTS);
  for (const b of bigrams(full)) assert.ok(bigrams(cover).has(b), `missing transition ${b}`);
  const home = toCoverPhrases(HOME_COMMANDS);
  assert.ok(home.length < 2000, `${home.length} phrases`);
  const have = bigrams(home);
  for (const b of bigrams([...HOME_UTTERANCES])) assert.ok(have.has(b), `missing transition ${b}`);
});

test('pruning drops exactly the paths that need a missing word', () => {
  const pruned = pruneSpec(LIGHTS, new Set(['off', 'say']));
  assert.deepEqual(toPhrases(pruned), ['turn on lights', 'turn on the lights']);
  assert.deepEqual(pruned.root, ['lights']);
  const noThe = pruneSpec(LIGHTS, new Set(['the']));
  assert.ok(toPhrases(noThe)!.includes('turn on lights'));
  assert.ok(!toPhrases(noThe)!.some((p) => p.includes('the')));
  assert.deepEqual(specWords(LIGHTS), ['lights', 'off', 'on', 'say', 'the', 'turn']);
});

test('validation names the rule at fault', () => {
  const bad = (spec: GrammarSpec, re: RegExp) =>
    assert.throws(
      () => validateSpec('g', spec),
      (e) => isHarkError(e, 'HARK_ERR_TRANSCRIPTION_GRAMMAR') && re.test(e.message),
    );
  bad({ rules: {}, root: ['x'], vocabulary: [] }, /root names rule 'x'/);
  bad({ rules: { a: { kind: 'ref', rule: 'zz' } }, root: ['a'], vocabulary: [] }, /undefined rule 'zz'/);
  bad(
    {
      rules: { a: { kind: 'seq', items: [w('x'), { kind: 'ref', rule: 'a' }] } },
      root: ['a'],
      vocabulary: [],
    },
    /cycle: a → a/,
  );
  bad({ rules: { a: w('Hello') }, root: ['a'], vocabulary: [] }, /'Hello'/);
  bad({ rules: { A: w('x') }, root: ['A'], vocabulary: [] }, /rule name 'A'/);
  validateSpec('home', HOME_COMMANDS);
});

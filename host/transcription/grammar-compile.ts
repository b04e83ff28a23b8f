/**
 * Turns a GrammarSpec (exported by the command framework) into what each engine consumes: JSGF for
 * pocketsphinx, a phrase list plus "[unk]" for vosk. Words the model lacks are pruned together with
 * every phrase that needs them (and reported), because pocketsphinx refuses a whole grammar that
 * names one unknown word and vosk silently ignores the phrase.
 */
import { createHash } from 'node:crypto';
import { HarkError } from '../../base/errors.js';
import { type GrammarNode, type GrammarSpec, grammarWords } from '../grammar/spec.js';
import type { GrammarReport } from './types.js';

const RULE_NAME = /^[a-z][a-z0-9_]*$/;
const WORD = /^[a-z0-9][a-z0-9'.-]*$/;

/** Checks names, references and acyclicity; throws HARK_ERR_TRANSCRIPTION_GRAMMAR naming the fault. */
export function validateSpec(name: string, spec: GrammarSpec): void {
  const fail = (msg: string): never => {
    throw new HarkError('HARK_ERR_TRANSCRIPTION_GRAMMAR', `grammar '${name}': ${msg}`);
  };
  if (!spec || typeof spec !== 'object' || !spec.rules || !Array.isArray(spec.root))
    fail('not a GrammarSpec');
  if (spec.root.length === 0) fail('root lists no rules');
  for (const r of Object.keys(spec.rules))
    if (!RULE_NAME.test(r)) fail(`rule name '${r}' must match [a-z][a-z0-9_]*`);
  for (const r of spec.root) if (!(r in spec.rules)) fail(`root names rule '${r}', which is not defined`);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: GrammarNode, path: string[]): void => {
    switch (node.kind) {
      case 'word':
        if (!WORD.test(node.word))
          fail(`word '${node.word}' in rule '${path.at(-1)}' is not a lowercase word`);
        return;
      case 'seq':
        for (const n of node.items) visit(n, path);
        return;
      case 'alt':
        if (node.options.length === 0) fail(`empty alternative in rule '${path.at(-1)}'`);
        for (const n of node.options) visit(n, path);
        return;
      case 'opt':
      case 'repeat':
        visit(node.node, path);
        return;
      case 'ref':
        visitRule(node.rule, path);
        return;
      case 'any':
        return;
      default:
        fail(`unknown node kind '${(node as { kind: string }).kind}'`);
    }
  };
  const visitRule = (rule: string, path: string[]): void => {
    const def = spec.rules[rule];
    if (!def) {
      fail(`rule '${path.at(-1)}' refers to undefined rule '${rule}'`);
      return;
    }
    if (state.get(rule) === 'done') return;
    if (state.get(rule) === 'visiting')
      fail(`rules refer to each other in a cycle: ${[...path, rule].join(' → ')}`);
    state.set(rule, 'visiting');
    visit(def, [...path, rule]);
    state.set(rule, 'done');
  };
  for (const r of spec.root) visitRule(r, []);
}

/** Every literal word of the spec's rules (see {@link grammarWords}). */
export const specWords = (spec: GrammarSpec): string[] => grammarWords(spec.rules);

/** True when any rule contains a free-form `any` node. */
export const specHasAny = (spec: GrammarSpec): boolean => JSON.stringify(spec.rules).includes('"kind":"any"');

/** Removes every path that needs a missing word; undefined rules after pruning vanish. */
export function pruneSpec(spec: GrammarSpec, missing: ReadonlySet<string>): GrammarSpec {
  if (missing.size === 0) return spec;
  const memo = new Map<string, GrammarNode | null>();
  const rule = (r: string): GrammarNode | null => {
    if (!memo.has(r)) memo.set(r, prune(spec.rules[r]!));
    return memo.get(r)!;
  };
  const prune = (n: GrammarNode): GrammarNode | null => {
    switch (n.kind) {
      case 'word':
        return missing.has(n.word) ? null : n;
      case 'seq': {
        const items = n.items.map(prune);
        return items.includes(null) ? null : { kind: 'seq', items: items as GrammarNode[] };
      }
      case 'alt': {
        const options = n.options.map(prune).filter((o): o is GrammarNode => o !== null);
        return options.length === 0 ? null : { kind: 'alt', options };
      }
      case 'opt': {
        const inner = prune(n.node);
        return inner === null ? { kind: 'seq', items: [] } : { kind: 'opt', node: inner };
      }
      case 'repeat': {
        const inner = prune(n.node);
        return inner === null ? null : { kind: 'repeat', node: inner };
      }
      case 'ref':
        return rule(n.rule) === null ? null : n;
      case 'any':
        return n;
    }
  };
  const rules: Record<string, GrammarNode> = {};
  for (const r of Object.keys(spec.rules)) {
    const p = rule(r);
    if (p) rules[r] = p;
  }
  const root = spec.root.filter((r) => r in rules);
  return { rules, root, vocabulary: spec.vocabulary.filter((w) => !missing.has(w)) };
}

/** JSGF text for pocketsphinx. `any` becomes one or more of `anyWords` (default: the grammar's own words). */
export function toJsgf(spec: GrammarSpec, anyWords?: readonly string[]): string {
  const render = (n: GrammarNode): string => {
    switch (n.kind) {
      case 'word':
        return n.word;
      case 'seq':
        return n.items.length === 0 ? '<NULL>' : `(${n.items.map(render).join(' ')})`;
      case 'alt':
        return `(${n.options.map(render).join(' | ')})`;
      case 'opt':
        return `[${render(n.node)}]`;
      case 'repeat':
        return `(${render(n.node)})+`;
      case 'ref':
        return `<r_${n.rule}>`;
      case 'any':
        return '<any_words>';
    }
  };
  const lines = [
    '#JSGF V1.0;',
    'grammar hark;',
    `public <hark_root> = ${spec.root.map((r) => `<r_${r}>`).join(' | ')};`,
  ];
  for (const [r, def] of Object.entries(spec.rules)) lines.push(`<r_${r}> = ${render(def)};`);
  if (specHasAny(spec)) {
    const words = anyWords && anyWords.length > 0 ? anyWords : specWords(spec);
    lines.push(`<any_words> = (${words.join(' | ')})+;`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Every phrase of the grammar, for vosk. `any` becomes "[unk]"; a repeat expands to 1..2 copies.
 * Returns undefined past `maxPhrases` (see {@link toCoverPhrases} for that case).
 */
export function toPhrases(spec: GrammarSpec, maxPhrases = 20000): string[] | undefined {
  const memo = new Map<string, string[][] | undefined>();
  const over = (list: string[][]): string[][] | undefined => (list.length > maxPhrases ? undefined : list);
  const cross = (a: string[][], b: string[][]): string[][] | undefined => {
    if (a.length * b.length > maxPhrases) return undefined;
    const out: string[][] = [];
    for (const x of a) for (const y of b) out.push([...x, ...y]);
    return out;
  };
  const expand = (n: GrammarNode): string[][] | undefined => {
    switch (n.kind) {
      case 'word':
        return [[n.word]];
      case 'any':
        return [['[unk]']];
      case 'seq': {
        let acc: string[][] | undefined = [[]];
        for (const item of n.items) {
          const e = expand(item);
          if (!e || !acc) return undefined;
          acc = cross(acc, e);
        }
        return acc;
      }
      case 'alt': {
        const out: string[][] = [];
        for (const o of n.options) {
          const e = expand(o);
          if (!e) return undefined;
          out.push(...e);
        }
        return over(out);
      }
      case 'opt': {
        const e = expand(n.node);
        return e ? over([[], ...e]) : undefined;
      }
      case 'repeat': {
        const e = expand(n.node);
        const twice = e ? cross(e, e) : undefined;
        return e && twice ? over([...e, ...twice]) : undefined;
      }
      case 'ref': {
        if (!memo.has(n.rule)) memo.set(n.rule, expand(spec.rules[n.rule]!));
        return memo.get(n.rule);
      }
    }
  };
  const all = new Set<string>();
  for (const r of spec.root) {
    const e = expand({ kind: 'ref', rule: r });
    if (!e) return undefined;
    for (const p of e) if (p.length > 0) all.add(p.join(' '));
    if (all.size > maxPhrases) return undefined;
  }
  return [...all].sort();
}

/** Short content hash (names an engine search so each worker compiles a grammar once). */
export const grammarHash = (text: string): string =>
  createHash('sha1').update(text).digest('hex').slice(0, 12);

/**
 * Phrases for vosk when the full expansion is too large. Vosk turns a phrase list into a bigram
 * model (UpdateGrammarFst), so what matters is that every word-to-word transition of the grammar
 * appears in some phrase, not that every path is listed: a sequence pairs its parts' phrases
 * round-robin and adds one phrase for each (last word, first word) pair across each boundary.
 */
export function toCoverPhrases(spec: GrammarSpec): string[] {
  const memo = new Map<string, string[][]>();
  const seq2 = (a: string[][], b: string[][]): string[][] => {
    if (a.length === 0 || b.length === 0) return [];
    const out: string[][] = [];
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) out.push([...a[i % a.length]!, ...b[i % b.length]!]);
    // Boundary bigrams, and the empty sides of optional parts (a phrase may end after `a` or start at `b`).
    const byLast = new Map<string, string[]>();
    for (const x of a) if (x.length > 0 && !byLast.has(x.at(-1)!)) byLast.set(x.at(-1)!, x);
    const byFirst = new Map<string, string[]>();
    for (const y of b) if (y.length > 0 && !byFirst.has(y[0]!)) byFirst.set(y[0]!, y);
    for (const x of byLast.values()) for (const y of byFirst.values()) out.push([...x, ...y]);
    if (a.some((x) => x.length === 0)) out.push(...b);
    if (b.some((y) => y.length === 0)) out.push(...a);
    return out;
  };
  const expand = (n: GrammarNode): string[][] => {
    switch (n.kind) {
      case 'word':
        return [[n.word]];
      case 'any':
        return [['[unk]']];
      case 'seq':
        return n.items.reduce<string[][]>((acc, item) => seq2(acc, expand(item)), [[]]);
      case 'alt':
        return n.options.flatMap(expand);
      case 'opt':
        return [[], ...expand(n.node)];
      case 'repeat': {
        const e = expand(n.node);
        return [...e, ...seq2(e, e)];
      }
      case 'ref':
        if (!memo.has(n.rule)) memo.set(n.rule, expand(spec.rules[n.rule]!));
        return memo.get(n.rule)!;
    }
  };
  const all = new Set<string>();
  for (const r of spec.root)
    for (const p of expand({ kind: 'ref', rule: r })) if (p.length > 0) all.add(p.join(' '));
  return [...all].sort();
}

/**
 * Phrases rule `rule` accepts (Infinity when it has a free-form slot or a repeat). Counted on the
 * spec, so the number is the same for every engine; printed per command at start-up.
 */
export function countPhrases(spec: GrammarSpec, rule: string): number {
  const memo = new Map<string, number>();
  const count = (n: GrammarNode): number => {
    switch (n.kind) {
      case 'word':
        return 1;
      case 'seq':
        return n.items.reduce((p, i) => p * count(i), 1);
      case 'alt':
        return n.options.reduce((s, o) => s + count(o), 0);
      case 'opt':
        return 1 + count(n.node);
      case 'repeat':
      case 'any':
        return Number.POSITIVE_INFINITY;
      case 'ref': {
        if (!memo.has(n.rule)) memo.set(n.rule, count(spec.rules[n.rule]!));
        return memo.get(n.rule)!;
      }
    }
  };
  return count({ kind: 'ref', rule });
}

const phrases = (n: number): string =>
  n === Number.POSITIVE_INFINITY
    ? 'open-ended'
    : n >= 1e6
      ? `${(n / 1e6).toPrecision(3)} M phrases`
      : `${n} phrase${n === 1 ? '' : 's'}`;

/**
 * One line for the start-up output: the grammar's size per command and, loudly, the words the model
 * lacks (the phrases that need them are not recognised).
 */
export function describeReport(r: GrammarReport): string {
  const rules = r.rules.map((x) => `${x.rule.replace(/^cmd_\d+_/, '')} ${phrases(x.phrases)}`).join(', ');
  const missing = r.missingWords.length
    ? `; words the speech model lacks (phrases with them cannot be recognised): ${r.missingWords.join(', ')}`
    : '';
  return `grammar '${r.name}': ${phrases(r.size)}, ${r.words} dictionary entries — ${rules}${missing}`;
}

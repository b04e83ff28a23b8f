/** Turns a pattern's syntax tree into a speech-grammar node (host/grammar/spec.ts). */
import type { GrammarNode } from '../../grammar/spec.js';
import type { TypeRef } from '../types/param-type.js';
import type { PatternNode } from './ast.js';

export function patternToGrammar(n: PatternNode, ref: TypeRef): GrammarNode {
  switch (n.kind) {
    case 'word':
      return { kind: 'word', word: n.word };
    case 'seq':
      return { kind: 'seq', items: n.items.map((i) => patternToGrammar(i, ref)) };
    case 'alt':
      return { kind: 'alt', options: n.options.map((o) => patternToGrammar(o, ref)) };
    case 'opt':
      return { kind: 'opt', node: patternToGrammar(n.node, ref) };
    case 'repeat':
      return { kind: 'repeat', node: patternToGrammar(n.node, ref) };
    case 'wildcard':
      return { kind: 'any' };
    case 'param': {
      const r = ref(n.type, n.arg);
      return n.optional ? { kind: 'opt', node: r } : r;
    }
  }
}

/**
 * Grammar data exchanged between the command framework (producer, `exportGrammar()`) and the
 * transcription engines (consumers, which turn it into JSGF or phrase lists).
 */
export type GrammarNode =
  | { kind: 'word'; word: string } // lowercase literal
  | { kind: 'seq'; items: GrammarNode[] }
  | { kind: 'alt'; options: GrammarNode[] }
  | { kind: 'opt'; node: GrammarNode }
  | { kind: 'repeat'; node: GrammarNode } // one or more
  | { kind: 'ref'; rule: string }
  | { kind: 'any' }; // free-form words (wildcards, String params)

/** A grammar: named rules, the top-level alternatives, and every literal word. */
export interface GrammarSpec {
  rules: Record<string, GrammarNode>; // rule names: [a-z][a-z0-9_]*
  root: string[]; // rules that are top-level alternatives
  vocabulary: string[]; // every literal word, lowercase, sorted, unique
}

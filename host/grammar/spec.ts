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

/** Every literal word of `rules` (reachable from the root or not), sorted and unique: a spec's vocabulary. */
export function grammarWords(rules: Record<string, GrammarNode>): string[] {
  const words = new Set<string>();
  const walk = (n: GrammarNode): void => {
    if (n.kind === 'word') words.add(n.word);
    else if (n.kind === 'seq') n.items.forEach(walk);
    else if (n.kind === 'alt') n.options.forEach(walk);
    else if (n.kind === 'opt' || n.kind === 'repeat') walk(n.node);
  };
  for (const def of Object.values(rules)) walk(def);
  return [...words].sort();
}

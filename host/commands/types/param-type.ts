/**
 * The contract every parameter type fulfils: read its value from tokens (every possible length,
 * longest first, so the matcher can backtrack) and describe the words it accepts as a grammar.
 */
import type { GrammarNode } from '../../grammar/spec.js';

/** Returns a reference to the grammar rule of type `name` (with its argument text, if any). */
export type TypeRef = (name: string, arg?: string) => GrammarNode;

/** One way a type can read its value: the value and the index after its last token. */
export interface TypeSpan<T = unknown> {
  value: T;
  end: number;
}

/** A compiled parameter type. `A` is the parsed argument, e.g. the range in `Number(1..60)`. */
export interface ParamType<T = unknown, A = unknown> {
  readonly name: string;
  /**
   * 'typed' types read constrained words (numbers, colours); 'free' types read any words (Word,
   * String) and rank like wildcards when several commands match.
   */
  readonly kind: 'typed' | 'free';
  /** Validates the text between the parentheses in `$x:Type(arg)`; throws a message on error. */
  parseArg?(arg: string): A;
  /** Every reading starting at `tokens[start]`, longest first. Must not mutate `tokens`. */
  spans(tokens: readonly string[], start: number, arg: A | undefined): Iterable<TypeSpan<T>>;
  /** The phrases this type accepts, for speech grammars; `ref` refers to another type's rule. */
  grammar(arg: A | undefined, ref: TypeRef): GrammarNode;
  /** A rule-name-safe suffix that distinguishes grammars of different args (e.g. `1_60`). */
  grammarKey?(arg: A | undefined): string;
}

export const word = (w: string): GrammarNode => ({ kind: 'word', word: w });
export const seq = (...items: GrammarNode[]): GrammarNode => ({ kind: 'seq', items });
export const alt = (...options: GrammarNode[]): GrammarNode => ({ kind: 'alt', options });
export const opt = (node: GrammarNode): GrammarNode => ({ kind: 'opt', node });
/** A phrase of several words as a grammar node ("warm white" → seq of two words). */
export const phrase = (text: string): GrammarNode => {
  const words = text.split(' ').filter(Boolean);
  return words.length === 1 ? word(words[0]!) : seq(...words.map(word));
};

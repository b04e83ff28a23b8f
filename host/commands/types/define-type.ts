/**
 * User-defined parameter types: a list of phrases (optionally mapped to values), or a sub-pattern
 * with its own parameters and a `parse` that turns the match into a value.
 */
import type { GrammarNode } from '../../grammar/spec.js';
import type { PatternNode } from '../pattern/ast.js';
import { alt, type ParamType, phrase, type TypeRef } from './param-type.js';

/** A type read from fixed phrases: `values: ['kitchen', 'living room']` or `{ 'living room': 'lr' }`. */
export interface ValuesTypeSpec<T> {
  values: readonly string[] | Readonly<Record<string, T>>;
}
/** A type read by a sub-pattern (which may use other types); `parse` builds the value. */
export interface PatternTypeSpec<T> {
  pattern: string;
  parse(match: { words: string[]; params: Record<string, unknown> }): T;
}

export interface TypeDefinition<T = unknown> {
  readonly kind: 'hark.type';
  readonly name: string;
  readonly spec: ValuesTypeSpec<T> | PatternTypeSpec<T>;
}

/**
 * Defines a parameter type, used in patterns as `$name:TypeName`. Register it with the registry (or
 * export it from a commands module, before the commands that use it).
 */
export function defineType<T = string>(
  name: string,
  spec: ValuesTypeSpec<T> | PatternTypeSpec<T>,
): TypeDefinition<T> {
  return Object.freeze({ kind: 'hark.type' as const, name, spec });
}

export const isTypeDefinition = (v: unknown): v is TypeDefinition =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'hark.type';

/** Builds a ParamType from a list of phrases. */
export function valuesType<T>(name: string, spec: ValuesTypeSpec<T>): ParamType<T> {
  const entries: [string[], T][] = Array.isArray(spec.values)
    ? (spec.values as string[]).map((p) => [norm(p), p as T])
    : Object.entries(spec.values as Record<string, T>).map(([p, v]) => [norm(p), v]);
  if (entries.length === 0) throw new Error('values is empty');
  for (const [words] of entries) if (words.length === 0) throw new Error('a value is empty');
  entries.sort((a, b) => b[0].length - a[0].length); // longest phrase first
  return {
    name,
    kind: 'typed',
    *spans(tokens, start) {
      for (const [words, value] of entries) {
        if (words.every((w, i) => tokens[start + i] === w)) yield { value, end: start + words.length };
      }
    },
    grammar: () => alt(...entries.map(([words]) => phrase(words.join(' ')))),
  };
}

/** Builds a ParamType from a compiled sub-pattern. */
export function patternType<T>(
  name: string,
  spec: PatternTypeSpec<T>,
  compiled: {
    ast: PatternNode;
    prefixMatches(
      tokens: readonly string[],
      start: number,
    ): { end: number; params: Record<string, unknown> }[];
  },
  toGrammar: (ast: PatternNode, ref: TypeRef) => GrammarNode,
): ParamType<T> {
  return {
    name,
    kind: 'typed',
    *spans(tokens, start) {
      for (const m of compiled.prefixMatches(tokens, start)) {
        let value: T;
        try {
          value = spec.parse({ words: tokens.slice(start, m.end), params: m.params });
        } catch {
          continue; // parse may reject a reading; try a shorter one
        }
        if (value !== undefined) yield { value, end: m.end };
      }
    },
    grammar: (_arg, ref) => toGrammar(compiled.ast, ref),
  };
}

const norm = (p: string) =>
  p
    .toLowerCase()
    .split(/[^a-z0-9']+/)
    .filter(Boolean);

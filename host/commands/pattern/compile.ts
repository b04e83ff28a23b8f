/**
 * Compiles a pattern's syntax tree into a backtracking matcher built from closures (continuation
 * passing: each node calls `k(end)` with every position where it can end, best reading first, so
 * the first complete match is the preferred one). Also precomputes what the registry's index needs:
 * the words a match can start with and the words every match must contain.
 */
import type { ParamType } from '../types/param-type.js';
import { collectParams, type ParamDecl, type PatternNode } from './ast.js';

/** Looks up a parameter type by name. */
export type TypeResolver = (name: string) => ParamType<unknown, unknown> | undefined;

/** How specific a match is: compared field by field (see `compareScores`). */
export interface MatchScore {
  /** Literal words matched. More wins. */
  literals: number;
  /** Words taken by wildcards and free types (Word, String). Fewer wins. */
  wildcardWords: number;
  /** Parameters of constrained types (Number, Color...). More wins. */
  typed: number;
}

/** A successful match of one pattern. */
export interface PatternMatch {
  params: Record<string, unknown>;
  score: MatchScore;
}

export interface CompiledPattern {
  readonly source: string;
  readonly params: readonly ParamDecl[];
  /** Words a match can start with, or undefined when it can start with anything. */
  readonly firstWords: ReadonlySet<string> | undefined;
  /** Literal words every match contains (for cheap rejection). */
  readonly requiredWords: readonly string[];
  readonly ast: PatternNode;
  /** Matches all of `tokens`. */
  match(tokens: readonly string[]): PatternMatch | undefined;
  /** Every end position of a match starting at `start`, best first (for user types' sub-patterns). */
  prefixMatches(tokens: readonly string[], start: number): { end: number; params: Record<string, unknown> }[];
}

/** Negative: a is better. */
export function compareScores(a: MatchScore, b: MatchScore): number {
  return b.literals - a.literals || a.wildcardWords - b.wildcardWords || b.typed - a.typed;
}

type Cont = (pos: number) => boolean;
type Matcher = (pos: number, k: Cont) => boolean;

interface State {
  tokens: readonly string[];
  params: Record<string, unknown>;
  literals: number;
  wildcardWords: number;
  typed: number;
}

/** Compiles `ast`; throws Error with a message when a type or argument is invalid. */
export function compilePattern(source: string, ast: PatternNode, resolve: TypeResolver): CompiledPattern {
  const st: State = { tokens: [], params: {}, literals: 0, wildcardWords: 0, typed: 0 };
  const params = collectParams(ast);
  const seen = new Set<string>();
  for (const p of params) {
    if (!resolve(p.type)) throw new Error(`unknown type ${p.type} for $${p.name}`);
    if (seen.has(p.name) && !p.conditional) throw new Error(`parameter $${p.name} is declared twice`);
    seen.add(p.name);
  }

  const build = (n: PatternNode): Matcher => {
    switch (n.kind) {
      case 'word': {
        const w = n.word;
        return (p, k) => {
          if (st.tokens[p] !== w) return false;
          st.literals++;
          if (k(p + 1)) return true;
          st.literals--;
          return false;
        };
      }
      case 'seq': {
        const parts = n.items.map(build);
        return parts.reduceRight<Matcher>(
          (rest, first) => (p, k) => first(p, (q) => rest(q, k)),
          (p, k) => k(p),
        );
      }
      case 'alt': {
        const options = n.options.map(build);
        return (p, k) => {
          for (const o of options) if (o(p, k)) return true;
          return false;
        };
      }
      case 'opt': {
        const inner = build(n.node);
        return (p, k) => inner(p, k) || k(p);
      }
      case 'repeat': {
        const inner = build(n.node);
        const rep: Matcher = (p, k) => inner(p, (q) => (q > p && rep(q, k)) || k(q));
        return rep;
      }
      case 'wildcard':
        return (p, k) => {
          const n0 = st.tokens.length;
          const maxEnd = n.many ? n0 : Math.min(n0, p + 1);
          for (let end = maxEnd; end > p; end--) {
            st.wildcardWords += end - p;
            if (k(end)) return true;
            st.wildcardWords -= end - p;
          }
          return false;
        };
      case 'param': {
        const type = resolve(n.type)!;
        let arg: unknown;
        if (n.arg !== undefined) {
          if (!type.parseArg) throw new Error(`type ${n.type} takes no argument, got ${n.type}(${n.arg})`);
          try {
            arg = type.parseArg(n.arg);
          } catch (e) {
            throw new Error(`$${n.name}:${n.type}: ${(e as Error).message}`);
          }
        }
        const { name } = n;
        const free = type.kind === 'free';
        const matcher: Matcher = (p, k) => {
          const previous = st.params[name];
          for (const span of type.spans(st.tokens, p, arg)) {
            st.params[name] = span.value;
            if (free) st.wildcardWords += span.end - p;
            else st.typed++;
            if (k(span.end)) return true;
            if (free) st.wildcardWords -= span.end - p;
            else st.typed--;
          }
          st.params[name] = previous;
          return false;
        };
        return n.optional ? (p, k) => matcher(p, k) || k(p) : matcher;
      }
    }
  };
  const root = build(ast);

  const reset = (tokens: readonly string[]) => {
    st.tokens = tokens;
    st.params = {};
    st.literals = 0;
    st.wildcardWords = 0;
    st.typed = 0;
  };

  return {
    source,
    params,
    ast,
    firstWords: firstWordsOf(ast),
    requiredWords: [...requiredWordsOf(ast)],
    match(tokens) {
      reset(tokens);
      const n = tokens.length;
      if (!root(0, (p) => p === n)) return undefined;
      const out: PatternMatch = {
        params: st.params,
        score: { literals: st.literals, wildcardWords: st.wildcardWords, typed: st.typed },
      };
      st.params = {};
      return out;
    },
    prefixMatches(tokens, start) {
      reset(tokens);
      const found: { end: number; params: Record<string, unknown> }[] = [];
      root(start, (p) => {
        if (p > start && !found.some((f) => f.end === p)) found.push({ end: p, params: { ...st.params } });
        return false; // keep exploring: collect every end
      });
      return found.sort((a, b) => b.end - a.end);
    },
  };
}

/** Words a match can begin with; undefined when the pattern can begin with a wildcard or parameter. */
function firstWordsOf(n: PatternNode): Set<string> | undefined {
  const out = new Set<string>();
  // Returns true when `node` can match the empty sequence (so the next item's first words count too).
  const walk = (node: PatternNode): boolean | undefined => {
    switch (node.kind) {
      case 'word':
        out.add(node.word);
        return false;
      case 'seq':
        for (const item of node.items) {
          const r = walk(item);
          if (r === undefined) return undefined;
          if (!r) return false;
        }
        return true;
      case 'alt': {
        let nullable = false;
        for (const o of node.options) {
          const r = walk(o);
          if (r === undefined) return undefined;
          nullable ||= r;
        }
        return nullable;
      }
      case 'opt':
        return walk(node.node) === undefined ? undefined : true;
      case 'repeat':
        return walk(node.node);
      default:
        return undefined;
    }
  };
  const r = walk(n);
  return r === false ? out : undefined;
}

function requiredWordsOf(n: PatternNode): Set<string> {
  switch (n.kind) {
    case 'word':
      return new Set([n.word]);
    case 'seq':
      return new Set(n.items.flatMap((i) => [...requiredWordsOf(i)]));
    case 'alt': {
      const sets = n.options.map(requiredWordsOf);
      return new Set([...sets[0]!].filter((w) => sets.every((s) => s.has(w))));
    }
    case 'repeat':
      return requiredWordsOf(n.node);
    default:
      return new Set();
  }
}

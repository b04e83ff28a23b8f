/**
 * The Duration type: "five minutes", "an hour and a half", "ninety seconds", "half an hour",
 * "a quarter of an hour", "one and a half hours", "2 hours and 10 minutes" → milliseconds.
 */
import type { GrammarNode } from '../../grammar/spec.js';
import { alt, opt, seq, word } from './param-type.js';
import { numberSpans } from './spoken-numbers.js';

const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['second', 1_000],
  ['seconds', 1_000],
  ['sec', 1_000],
  ['secs', 1_000],
  ['minute', 60_000],
  ['minutes', 60_000],
  ['min', 60_000],
  ['mins', 60_000],
  ['hour', 3_600_000],
  ['hours', 3_600_000],
  ['day', 86_400_000],
  ['days', 86_400_000],
]);
/** Unit words (for grammars). */
export const DURATION_UNITS: readonly string[] = [...UNIT_MS.keys()];

interface Span {
  ms: number;
  end: number;
}

const isAndAHalf = (t: readonly string[], i: number) =>
  t[i] === 'and' && t[i + 1] === 'a' && t[i + 2] === 'half';

/** One "amount unit" part, every reading, longest first. */
function partSpans(t: readonly string[], i: number): Span[] {
  const out: Span[] = [];
  // "half an hour", "half a minute"
  if (t[i] === 'half' && (t[i + 1] === 'a' || t[i + 1] === 'an')) {
    const unit = UNIT_MS.get(t[i + 2] ?? '');
    if (unit !== undefined) out.push({ ms: unit / 2, end: i + 3 });
  }
  // "a quarter of an hour", "three quarters of an hour"
  const quarters = t[i] === 'a' || t[i] === 'one' ? 1 : t[i] === 'three' ? 3 : 0;
  if (
    quarters > 0 &&
    /^quarters?$/.test(t[i + 1] ?? '') &&
    t[i + 2] === 'of' &&
    /^an?$/.test(t[i + 3] ?? '')
  ) {
    const unit = UNIT_MS.get(t[i + 4] ?? '');
    if (unit !== undefined) out.push({ ms: (quarters / 4) * unit, end: i + 5 });
  }
  const amounts =
    t[i] === 'a' || t[i] === 'an' ? [{ value: 1, end: i + 1 }] : numberSpans(t, i).filter((s) => s.value > 0);
  for (const amount of amounts) {
    let j = amount.end;
    let value = amount.value;
    if (isAndAHalf(t, j)) {
      value += 0.5; // "one and a half hours"
      j += 3;
    }
    const unit = UNIT_MS.get(t[j] ?? '');
    if (unit === undefined) continue;
    if (isAndAHalf(t, j + 1) && value === amount.value) out.push({ ms: (value + 0.5) * unit, end: j + 4 });
    out.push({ ms: value * unit, end: j + 1 });
  }
  return out;
}

/** Every reading of a duration starting at `t[start]` ("one hour and ten minutes"), longest first. */
export function durationSpans(t: readonly string[], start: number): { value: number; end: number }[] {
  const results: Span[] = [];
  const walk = (i: number, total: number, parts: number) => {
    for (const p of partSpans(t, i)) {
      const ms = total + p.ms;
      results.push({ ms, end: p.end });
      if (parts < 4) {
        walk(p.end, ms, parts + 1); // "one hour ten minutes"
        if (t[p.end] === 'and') walk(p.end + 1, ms, parts + 1); // "one hour and ten minutes"
      }
    }
  };
  walk(start, 0, 0);
  results.sort((a, b) => b.end - a.end);
  const seen = new Set<number>();
  return results
    .filter((r) => {
      if (seen.has(r.end)) return false;
      seen.add(r.end);
      return true;
    })
    .map((r) => ({ value: Math.round(r.ms), end: r.end }));
}

/** The grammar of a duration; `number` refers to the rule of spoken numbers. */
export function durationGrammar(number: GrammarNode): GrammarNode {
  const unit = alt(...DURATION_UNITS.map(word));
  const half = seq(word('and'), word('a'), word('half'));
  const aOrAn = alt(word('a'), word('an'));
  const part = alt(
    seq(word('half'), aOrAn, unit),
    seq(
      alt(word('a'), word('one'), word('three')),
      alt(word('quarter'), word('quarters')),
      word('of'),
      aOrAn,
      unit,
    ),
    seq(alt(number, word('a'), word('an')), half, unit), // "one and a half hours"
    seq(alt(number, word('a'), word('an')), unit, opt(half)), // "an hour and a half"
  );
  return seq(part, opt({ kind: 'repeat', node: seq(opt(word('and')), part) }));
}

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

/** The default most a `Duration` accepts when its declaration names none: a day. */
export const DEFAULT_DURATION_MAX_MS = 86_400_000;

/**
 * The argument of `Duration(max)`: the longest duration the parameter accepts, as a number and a unit
 * (`Duration(90s)`, `Duration(2h)`, `Duration(45 minutes)`, `Duration(7d)`) → ms.
 */
export function parseDurationMax(arg: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)\s*$/.exec(arg);
  if (!m)
    throw new Error(
      `expected a longest duration like Duration(2h), Duration(90s) or Duration(7d), got Duration(${arg})`,
    );
  const unit = m[2]!.startsWith('s')
    ? 1_000
    : m[2]!.startsWith('m')
      ? 60_000
      : m[2]!.startsWith('h')
        ? 3_600_000
        : 86_400_000;
  const ms = Math.round(Number(m[1]) * unit);
  if (ms < 1_000) throw new Error(`Duration(${arg}) is shorter than a second`);
  return ms;
}

/** Grammar units, longest first: singular, plural, length in ms, most of it after a longer unit. */
const GRAMMAR_UNITS = [
  ['day', 'days', 86_400_000, 99],
  ['hour', 'hours', 3_600_000, 23],
  ['minute', 'minutes', 60_000, 59],
  ['second', 'seconds', 1_000, 59],
] as const;
type Unit = (typeof GRAMMAR_UNITS)[number];

/** The most of one unit a spoken part names ("ninety seconds", "forty five minutes"). */
const MAX_AMOUNT = 99;

/**
 * The grammar of a duration up to `maxMs`: each unit at most once, longest first ("one hour and
 * ten minutes"), amounts only as large as the maximum allows (at most 99 of a unit; after a longer
 * unit, at most what carries over: 23 hours, 59 minutes, 59 seconds), "one"/"a" ("an" for hour) with
 * the singular and larger amounts with the plural, plus "half an hour", "a quarter of an hour",
 * "three quarters of an hour" and "an hour and a half". `amount(n)` is the grammar of 2..n.
 * A part followed by shorter ones leaves room for them, so sums stay within the maximum when it is a
 * whole number of its longest unit (the default, a day); otherwise the matcher drops the excess.
 */
export function durationGrammar(maxMs: number, amount: (max: number) => GrammarNode): GrammarNode {
  const units = GRAMMAR_UNITS.filter(([, , ms]) => ms <= maxMs);
  const half = seq(word('and'), word('a'), word('half'));
  const article = (singular: string) => word(singular === 'hour' ? 'an' : 'a');
  const part = ([singular, plural]: Unit, most: number): GrammarNode | undefined => {
    if (most < 1) return undefined;
    const options: GrammarNode[] = [seq(alt(word('one'), article(singular)), word(singular))];
    if (most >= 2) options.push(seq(amount(most), word(plural)));
    return alt(...options);
  };
  // Parts in decreasing unit order, each unit at most once: "two hours and ten minutes".
  const from = (i: number, leading: boolean): GrammarNode | undefined => {
    const options: GrammarNode[] = [];
    for (let k = i; k < units.length; k++) {
      const u = units[k]!;
      const cap = Math.min(MAX_AMOUNT, leading ? Number.POSITIVE_INFINITY : u[3]);
      const alone = part(u, Math.min(cap, Math.floor(maxMs / u[2])));
      if (alone) options.push(alone);
      const next = units[k + 1];
      const followed = next ? part(u, Math.min(cap, Math.floor((maxMs - next[2]) / u[2]))) : undefined;
      const rest = next ? from(k + 1, false) : undefined;
      if (followed && rest) options.push(seq(followed, opt(word('and')), rest));
    }
    return options.length ? alt(...options) : undefined;
  };
  const options: GrammarNode[] = [];
  const parts = from(0, true);
  if (parts) options.push(parts);
  // Fractions: half / quarters of a minute, an hour or a day, and "an hour and a half".
  const fractionUnits = units.filter(([, , ms]) => ms >= 60_000).map((u) => u[0]);
  if (fractionUnits.length) {
    const ofUnit = alt(...fractionUnits.map((u) => seq(article(u), word(u))));
    options.push(seq(word('half'), ofUnit));
    options.push(
      seq(alt(word('a'), word('three')), alt(word('quarter'), word('quarters')), word('of'), ofUnit),
    );
  }
  for (const [singular, plural, ms] of units) {
    if (ms < 60_000 || 1.5 * ms > maxMs) continue;
    options.push(seq(article(singular), word(singular), half)); // "an hour and a half"
    options.push(seq(word('one'), half, word(plural))); // "one and a half hours"
  }
  return alt(...options);
}

/**
 * The built-in parameter types: Number, Duration, OnOff, Color, Word and String. Each reads its value
 * from utterance tokens and describes its phrases as a grammar for the speech engines.
 */
import type { GrammarNode } from '../../grammar/spec.js';
import { COLORS, type Rgb } from './color.js';
import { DEFAULT_DURATION_MAX_MS, durationGrammar, durationSpans, parseDurationMax } from './duration.js';
import { alt, opt, type ParamType, phrase, seq, word } from './param-type.js';
import { numberSpans, spellNumber, TENS, UNITS } from './spoken-numbers.js';

/** The argument of `Number(min..max)`. */
export interface NumberRange {
  min: number;
  max: number;
}

/** Ranges up to this many values are spelled out one by one in grammars; larger ones use number rules. */
const ENUMERATE_MAX = 200;

/**
 * Spoken numbers by structure (units, teens, tens, hundreds, thousands, millions) up to the range's
 * order of magnitude; zero only when the range includes it. Within that magnitude it may accept
 * values outside the range, which the matcher then rejects.
 */
function structuredNumberGrammar(range: NumberRange | undefined): GrammarNode {
  const max = range?.max ?? 999_999_999;
  const units = alt(...UNITS.slice(1, 10).map(word));
  const teens = alt(...UNITS.slice(10).map(word));
  const tens = alt(...TENS.slice(2).map(word));
  const below100 = alt(units, teens, seq(tens, opt(units)));
  const below1000 = alt(seq(units, word('hundred'), opt(seq(opt(word('and')), below100))), below100);
  let n = below1000;
  for (const [scale, size] of [
    ['thousand', 1_000],
    ['million', 1_000_000],
  ] as const) {
    if (max < size) break;
    // The multiplier only as large as the range allows ("count primes up to ten million": 1..10).
    const most = Math.floor(max / size);
    const multiplier =
      most < ENUMERATE_MAX
        ? alt(...Array.from({ length: most }, (_, i) => phrase(spellNumber(i + 1).join(' '))))
        : below1000;
    n = alt(seq(multiplier, word(scale), opt(seq(opt(word('and')), n))), n);
  }
  return range === undefined || range.min <= 0 ? alt(word('zero'), n) : n;
}

export const NumberType: ParamType<number, NumberRange> = {
  name: 'Number',
  kind: 'typed',
  parseArg(arg) {
    const m = /^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$/.exec(arg);
    if (!m) throw new Error(`expected a range like Number(1..60), got Number(${arg})`);
    const min = Number(m[1]);
    const max = Number(m[2]);
    if (min > max) throw new Error(`range ${min}..${max} is empty`);
    return { min, max };
  },
  *spans(tokens, start, range) {
    for (const s of numberSpans(tokens, start)) {
      if (!range || (s.value >= range.min && s.value <= range.max)) yield s;
    }
  },
  grammar(range) {
    if (range && range.min >= 0 && range.max - range.min < ENUMERATE_MAX) {
      const options: GrammarNode[] = [];
      for (let n = Math.ceil(range.min); n <= range.max; n++) options.push(phrase(spellNumber(n).join(' ')));
      return alt(...options);
    }
    return structuredNumberGrammar(range);
  },
  grammarKey: (range) => (range ? `${range.min}_${range.max}`.replaceAll('-', 'm') : 'any'),
};

/**
 * Duration in milliseconds, at most the declaration's maximum (`Duration(2h)`; default a day). Its
 * grammar names each unit at most once, with amounts no larger than the maximum allows.
 */
export const DurationType: ParamType<number, number> = {
  name: 'Duration',
  kind: 'typed',
  parseArg: parseDurationMax,
  *spans(tokens, start, max) {
    const most = max ?? DEFAULT_DURATION_MAX_MS;
    for (const s of durationSpans(tokens, start)) if (s.value <= most) yield s;
  },
  grammar: (max, ref) => durationGrammar(max ?? DEFAULT_DURATION_MAX_MS, (n) => ref('Number', `2..${n}`)),
  grammarKey: (max) => String(max ?? DEFAULT_DURATION_MAX_MS),
};

export const OnOffType: ParamType<boolean> = {
  name: 'OnOff',
  kind: 'typed',
  *spans(tokens, start) {
    const t = tokens[start];
    if (t === 'on') yield { value: true, end: start + 1 };
    else if (t === 'off') yield { value: false, end: start + 1 };
  },
  grammar: () => alt(word('on'), word('off')),
};

const colorsByLength = [...COLORS.keys()].map((name) => name.split(' '));

export const ColorType: ParamType<Rgb> = {
  name: 'Color',
  kind: 'typed',
  *spans(tokens, start) {
    const found = colorsByLength
      .filter((words) => words.every((w, i) => tokens[start + i] === w))
      .sort((a, b) => b.length - a.length);
    for (const words of found)
      yield { value: { ...COLORS.get(words.join(' '))! }, end: start + words.length };
  },
  grammar: () => alt(...[...COLORS.keys()].map(phrase)),
};

/** Exactly one word, any word. */
export const WordType: ParamType<string> = {
  name: 'Word',
  kind: 'free',
  *spans(tokens, start) {
    const t = tokens[start];
    if (t !== undefined) yield { value: t, end: start + 1 };
  },
  grammar: () => ({ kind: 'any' }),
};

/** One or more words (as many as the rest of the pattern leaves), joined by single spaces. */
export const StringType: ParamType<string> = {
  name: 'String',
  kind: 'free',
  *spans(tokens, start) {
    for (let end = tokens.length; end > start; end--)
      yield { value: tokens.slice(start, end).join(' '), end };
  },
  grammar: () => ({ kind: 'any' }),
};

/** The built-in types by name. */
export const BUILTIN_TYPES: readonly ParamType<unknown, unknown>[] = [
  NumberType,
  DurationType,
  OnOffType,
  ColorType,
  WordType,
  StringType,
] as ParamType<unknown, unknown>[];

/** TypeScript value types of the built-in types, for typed handler parameters. */
export interface BuiltinValueTypes {
  Number: number;
  Duration: number;
  OnOff: boolean;
  Color: Rgb;
  Word: string;
  String: string;
}

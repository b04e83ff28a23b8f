/**
 * Spoken English numbers, both ways: parsing words ("twenty five", "one hundred and two", "42") into
 * values, and spelling values back into words for grammars. Integers up to the millions, plus digit
 * strings with a decimal point. Tokens are lowercase words as produced by `tokenize()`.
 */

export const UNITS: readonly string[] = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
export const TENS: readonly string[] = [
  '',
  '',
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'sixty',
  'seventy',
  'eighty',
  'ninety',
];
const SCALES: ReadonlyMap<string, number> = new Map([
  ['thousand', 1_000],
  ['million', 1_000_000],
]);
const UNIT_VALUE = new Map(UNITS.map((w, i) => [w, i]));
const TENS_VALUE = new Map(TENS.map((w, i) => [w, i * 10]).filter(([w]) => w !== '') as [string, number][]);

const DIGITS = /^\d+(\.\d+)?$/;

/** One way to read a number from tokens: the value and the index after its last token. */
export interface NumberSpan {
  value: number;
  end: number;
}

/**
 * Reads a number starting at `tokens[start]` and returns every prefix that is itself a number,
 * longest first ("twenty five" gives 25 ending after "five", then 20 ending after "twenty"), so a
 * backtracking matcher can give words back. A dangling "and" never ends a number.
 */
export function numberSpans(tokens: readonly string[], start: number): NumberSpan[] {
  const first = tokens[start];
  if (first === undefined) return [];
  if (DIGITS.test(first)) return [{ value: Number(first), end: start + 1 }];
  if (first === 'a' && (tokens[start + 1] === 'hundred' || SCALES.has(tokens[start + 1] ?? ''))) {
    // "a hundred", "a thousand and five": read "a" as "one", but never "a" alone
    const copy = [...tokens];
    copy[start] = 'one';
    return numberSpans(copy, start).filter((s) => s.end > start + 1);
  }
  const spans: NumberSpan[] = [];
  let total = 0; // completed scale groups (thousands, millions)
  let group = 0; // current group below 1000
  let groupHasValue = false;
  let lastScale = 0;
  let lastKind: 'none' | 'unit' | 'teen' | 'tens' | 'hundred' | 'scale' | 'and' = 'none';
  for (let i = start; i < tokens.length; i++) {
    const w = tokens[i]!;
    const unit = UNIT_VALUE.get(w);
    const tens = TENS_VALUE.get(w);
    if (unit !== undefined) {
      // "twenty five" ok, "five five" is two numbers, "ten five" too.
      if (lastKind === 'unit' || lastKind === 'teen') break;
      if (lastKind === 'tens' && unit >= 10) break;
      if (unit === 0 && lastKind !== 'none') break;
      group += unit;
      groupHasValue = true;
      lastKind = unit >= 10 ? 'teen' : 'unit';
    } else if (tens !== undefined) {
      if (lastKind === 'unit' || lastKind === 'teen' || lastKind === 'tens') break;
      group += tens;
      groupHasValue = true;
      lastKind = 'tens';
    } else if (w === 'hundred') {
      if (lastKind !== 'unit' && lastKind !== 'teen') break;
      if (group >= 100) break;
      group *= 100;
      lastKind = 'hundred';
    } else if (SCALES.has(w)) {
      const scale = SCALES.get(w)!;
      if (!groupHasValue || lastKind === 'and' || lastKind === 'scale') break;
      if (lastScale !== 0 && scale >= lastScale) break; // "three thousand two million" is not one number
      lastScale = scale;
      total += group * scale;
      group = 0;
      groupHasValue = false;
      lastKind = 'scale';
    } else if (w === 'and') {
      if (lastKind !== 'hundred' && lastKind !== 'scale') break;
      lastKind = 'and';
      continue; // "and" alone never completes a number
    } else {
      break;
    }
    spans.push({ value: total + group, end: i + 1 });
  }
  return spans.reverse();
}

/** Parses a whole phrase as one number, or returns undefined. */
export function parseSpokenNumber(text: string): number | undefined {
  const tokens = text
    .toLowerCase()
    .split(/[\s-]+/)
    .filter(Boolean);
  const best = numberSpans(tokens, 0)[0];
  return best && best.end === tokens.length ? best.value : undefined;
}

function below1000(n: number): string[] {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) words.push(UNITS[hundreds]!, 'hundred');
  if (rest > 0) {
    if (hundreds > 0) words.push('and');
    if (rest < 20) words.push(UNITS[rest]!);
    else {
      words.push(TENS[Math.floor(rest / 10)]!);
      if (rest % 10 > 0) words.push(UNITS[rest % 10]!);
    }
  }
  return words;
}

/** Spells a non-negative integer below a billion in words: 102 → ["one", "hundred", "and", "two"]. */
export function spellNumber(n: number): string[] {
  if (!Number.isInteger(n) || n < 0 || n >= 1e9) throw new RangeError(`cannot spell ${n}`);
  if (n === 0) return ['zero'];
  const words: string[] = [];
  const millions = Math.floor(n / 1e6);
  const thousands = Math.floor((n % 1e6) / 1000);
  const rest = n % 1000;
  if (millions > 0) words.push(...below1000(millions), 'million');
  if (thousands > 0) words.push(...below1000(thousands), 'thousand');
  if (rest > 0) {
    if ((millions > 0 || thousands > 0) && rest < 100) words.push('and');
    words.push(...below1000(rest));
  }
  return words;
}

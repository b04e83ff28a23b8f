/**
 * Parses the command pattern language into a syntax tree:
 * words, `(a|b)` one of, `(a|b)?` optional, `{a|b}` one or more, `*` one word, `**` one or more words,
 * `$name:Type`, `$name:Type(arg)`, `$name:Type?` (optional parameter). Punctuation `, . ! ;` is ignored
 * so patterns can be written as sentences. Errors say where in the pattern the problem is.
 */
import type { PatternNode } from './ast.js';

/** A pattern syntax error, with the character offset at fault. */
export class PatternSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'PatternSyntaxError';
  }
}

const WORD_CHAR = /[a-z0-9']/;
const IDENT = /[A-Za-z0-9_]/;
const IGNORED = /[\s,.!;]/;

/** Parses `pattern`; throws PatternSyntaxError. */
export function parsePattern(pattern: string): PatternNode {
  const src = pattern.toLowerCase();
  let i = 0;
  const fail = (msg: string, at = i): never => {
    throw new PatternSyntaxError(
      `${msg} at offset ${at}: "${pattern.slice(0, at)}⟨here⟩${pattern.slice(at)}"`,
      at,
    );
  };
  const skip = () => {
    while (i < src.length && IGNORED.test(src[i]!)) i++;
  };
  const ident = (re: RegExp, from: string): string => {
    const start = i;
    while (i < from.length && re.test(from[i]!)) i++;
    return from.slice(start, i);
  };

  const parseAlts = (close: string): PatternNode => {
    const options: PatternNode[] = [parseSeq()];
    while (src[i] === '|') {
      i++;
      options.push(parseSeq());
    }
    if (src[i] !== close) fail(`expected "${close}"`);
    i++;
    for (const o of options) {
      if (o.kind === 'seq' && o.items.length === 0) fail('empty alternative in a group', i - 1);
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  };

  const parseItem = (): PatternNode | undefined => {
    const c = src[i]!;
    if (c === '(') {
      i++;
      const node = parseAlts(')');
      if (src[i] === '?') {
        i++;
        return { kind: 'opt', node };
      }
      return node;
    }
    if (c === '{') {
      i++;
      return { kind: 'repeat', node: parseAlts('}') };
    }
    if (c === '*') {
      i++;
      if (src[i] === '*') {
        i++;
        return { kind: 'wildcard', many: true };
      }
      return { kind: 'wildcard', many: false };
    }
    if (c === '$') {
      const at = i;
      i++;
      const name = ident(IDENT, pattern);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail('expected a parameter name after "$"', at);
      if (src[i] !== ':') fail(`expected ":Type" after $${name}`);
      i++;
      const type = ident(IDENT, pattern);
      if (!/^[A-Z][A-Za-z0-9_]*$/.test(type)) fail(`expected a type name (capitalised) for $${name}`);
      let arg: string | undefined;
      if (src[i] === '(') {
        const close = pattern.indexOf(')', i);
        if (close < 0) fail(`unclosed "(" in the argument of $${name}:${type}`);
        arg = pattern.slice(i + 1, close);
        i = close + 1;
      }
      let optional = false;
      if (src[i] === '?') {
        optional = true;
        i++;
      }
      return { kind: 'param', name, type, arg, optional };
    }
    if (WORD_CHAR.test(c)) {
      const w = ident(WORD_CHAR, src);
      if (src[i] === '?') fail(`"?" makes only groups and parameters optional; write (${w})?`);
      return { kind: 'word', word: w };
    }
    return undefined;
  };

  const parseSeq = (): PatternNode => {
    const items: PatternNode[] = [];
    for (;;) {
      skip();
      if (i >= src.length || src[i] === '|' || src[i] === ')' || src[i] === '}') break;
      const item = parseItem();
      if (!item) fail(`unexpected "${pattern[i]}"`);
      items.push(item!);
    }
    return items.length === 1 ? items[0]! : { kind: 'seq', items };
  };

  const root = parseSeq();
  if (i < src.length) fail(`unexpected "${pattern[i]}"`);
  if (root.kind === 'seq' && root.items.length === 0) fail('the pattern is empty', 0);
  return root;
}

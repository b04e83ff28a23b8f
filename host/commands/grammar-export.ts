/**
 * Exports the phrases the registered commands can match as a GrammarSpec (host/grammar/spec.ts):
 * one rule per command (all of them top-level alternatives, follow-ups included, since the
 * recogniser must hear them too), one rule per parameter type and argument (numbers spelled out
 * within declared ranges), and the vocabulary of every literal word.
 */

import { HarkError } from '../../base/errors.js';
import { type GrammarNode, type GrammarSpec, grammarWords } from '../grammar/spec.js';
import { patternToGrammar } from './pattern/grammar.js';
import type { CommandRegistry, RegisteredCommand } from './registry.js';

export interface ExportGrammarOptions {
  /** Which commands to include. Default: all registered commands. */
  filter?: (command: RegisteredCommand) => boolean;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);

export function exportGrammar(registry: CommandRegistry, opts: ExportGrammarOptions = {}): GrammarSpec {
  const rules: Record<string, GrammarNode> = {};
  const ref = (typeName: string, argText?: string): GrammarNode => {
    const type = registry.type(typeName);
    if (!type) throw new HarkError('HARK_ERR_COMMANDS_TYPE', `grammar export: unknown type ${typeName}`);
    const arg = argText !== undefined && type.parseArg ? type.parseArg(argText) : undefined;
    const key = type.grammarKey?.(arg) ?? (argText === undefined ? 'any' : slug(argText));
    const rule = `type_${slug(typeName)}_${key}`;
    if (!(rule in rules)) {
      rules[rule] = { kind: 'any' }; // placeholder while building, guards against self-reference
      rules[rule] = type.grammar(arg, ref);
    }
    return { kind: 'ref', rule };
  };
  const root: string[] = [];
  for (const c of registry.commands) {
    if (opts.filter && !opts.filter(c)) continue;
    const rule = `cmd_${c.index}_${slug(c.name) || 'command'}`;
    rules[rule] = patternToGrammar(c.compiled.ast, ref);
    root.push(rule);
  }
  return { rules, root, vocabulary: grammarWords(rules) };
}

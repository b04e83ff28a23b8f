/**
 * The command registry: holds types and commands, runs the start-up health check as each is added
 * (every pattern compiles, every type exists, handler parameters match the pattern, names are unique,
 * blocking commands are importable), and matches utterances. An index by first word keeps matching
 * 200 commands in microseconds.
 */
import { HarkError } from '../../base/errors.js';
import { type AnyCommand, isCommand } from './command.js';
import { destructuredParamNames } from './handler-params.js';
import { type CompiledPattern, compareScores, compilePattern, type MatchScore } from './pattern/compile.js';
import { patternToGrammar } from './pattern/grammar.js';
import { PatternSyntaxError, parsePattern } from './pattern/parse.js';
import { tokenize } from './pattern/tokenize.js';
import { BUILTIN_TYPES } from './types/builtin-types.js';
import { isTypeDefinition, patternType, type TypeDefinition, valuesType } from './types/define-type.js';
import type { ParamType } from './types/param-type.js';

/** A command after the health check. */
export interface RegisteredCommand {
  readonly def: AnyCommand;
  readonly name: string;
  /** Declaration order; breaks ties between equally specific matches. */
  readonly index: number;
  readonly compiled: CompiledPattern;
  /** Modules a command worker may import to find it: where it was defined, then where it was loaded from. */
  readonly modules: readonly string[];
}

/** The best command for an utterance. */
export interface CommandMatch {
  readonly command: RegisteredCommand;
  readonly params: Record<string, unknown>;
  readonly score: MatchScore;
}

/** A command as `describe()` lists it. */
export interface CommandSummary {
  name: string;
  pattern: string;
  params: { name: string; type: string; optional: boolean }[];
  blocking: boolean;
  followUpOnly: boolean;
  timeoutMs: number | undefined;
  module: string | undefined;
  description: string | undefined;
}

/** Things `add()` accepts: commands, types, and arrays of them (as modules export them). */
export type Definition = AnyCommand | TypeDefinition | readonly Definition[];

export class CommandRegistry {
  readonly #types = new Map<string, ParamType<unknown, unknown>>();
  readonly #commands: RegisteredCommand[] = [];
  readonly #byName = new Map<string, RegisteredCommand>();
  readonly #byFirstWord = new Map<string, RegisteredCommand[]>();
  readonly #anyStart: RegisteredCommand[] = [];
  /** Commands that take rejected utterances (CommandOptions.fallback), in declaration order. */
  readonly #fallbacks: RegisteredCommand[] = [];
  /** Follow-up commands defined inline in responses, compiled once each. */
  readonly #adHoc = new WeakMap<AnyCommand, RegisteredCommand>();
  readonly #loadedFrom = new WeakMap<AnyCommand, string>();
  #nextIndex = 0;

  constructor() {
    for (const t of BUILTIN_TYPES) this.#types.set(t.name, t);
  }

  /** Registers commands and types (in order; a type must come before the commands using it). */
  add(...defs: Definition[]): this {
    for (const d of defs) {
      if (Array.isArray(d)) this.add(...(d as Definition[]));
      else if (isTypeDefinition(d)) this.addType(d);
      else if (isCommand(d)) this.#register(this.#check(d as AnyCommand), true);
      else
        throw new HarkError('HARK_ERR_COMMANDS_DEFINITION', `not a command or type definition: ${String(d)}`);
    }
    return this;
  }

  /** Registers definitions exported by the module at `url` (so blocking ones can be found there too). */
  addFromModule(url: string, ...defs: Definition[]): this {
    const mark = (d: Definition): void => {
      if (Array.isArray(d)) (d as Definition[]).forEach(mark);
      else if (isCommand(d) && !this.#loadedFrom.has(d)) this.#loadedFrom.set(d, url);
    };
    defs.forEach(mark);
    return this.add(...defs);
  }

  /** Registers a user type. */
  addType(def: TypeDefinition): void {
    const { name, spec } = def;
    if (!/^[A-Z][A-Za-z0-9_]*$/.test(name))
      throw new HarkError(
        'HARK_ERR_COMMANDS_TYPE',
        `type name "${name}" must be capitalised letters and digits`,
      );
    if (this.#types.has(name)) throw new HarkError('HARK_ERR_COMMANDS_TYPE', `type ${name} is defined twice`);
    try {
      if ('values' in spec) this.#types.set(name, valuesType(name, spec));
      else {
        if (typeof spec.parse !== 'function') throw new Error('a pattern type needs parse()');
        const compiled = compilePattern(spec.pattern, parsePattern(spec.pattern), (n) => this.#types.get(n));
        this.#types.set(name, patternType(name, spec, compiled, patternToGrammar));
      }
    } catch (e) {
      throw new HarkError('HARK_ERR_COMMANDS_TYPE', `type ${name}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** A type by name (built-in or user). */
  type(name: string): ParamType<unknown, unknown> | undefined {
    return this.#types.get(name);
  }

  /** Registered commands in declaration order. */
  /** The fallback commands (they receive rejected utterances), in declaration order. */
  get fallbacks(): readonly RegisteredCommand[] {
    return this.#fallbacks;
  }

  get commands(): readonly RegisteredCommand[] {
    return this.#commands;
  }

  /** One line of data per command, for `dump config` at start-up and `hark commands` listings. */
  describe(): CommandSummary[] {
    return this.#commands.map((c) => ({
      name: c.name,
      pattern: c.def.pattern,
      params: c.compiled.params.map((p) => ({
        name: p.name,
        type: p.arg === undefined ? p.type : `${p.type}(${p.arg})`,
        optional: p.optional,
      })),
      blocking: c.def.options.blocking === true,
      followUpOnly: c.def.options.followUpOnly === true,
      timeoutMs: c.def.options.timeoutMs,
      module: c.modules[0],
      description: c.def.options.description,
    }));
  }

  get(name: string): RegisteredCommand | undefined {
    return this.#byName.get(name);
  }

  /** A follow-up: a registered command's name, or an inline definition (checked on first use). */
  resolve(ref: AnyCommand | string, requester: string): RegisteredCommand {
    if (typeof ref === 'string') {
      const c = this.#byName.get(ref);
      if (!c)
        throw new HarkError(
          'HARK_ERR_COMMANDS_RESPONSE',
          `command "${requester}" names unknown follow-up "${ref}"`,
        );
      return c;
    }
    const registered = this.#byName.get(ref.name);
    if (registered?.def === ref) return registered;
    let c = this.#adHoc.get(ref);
    if (!c) {
      c = this.#check(ref);
      this.#adHoc.set(ref, c);
    }
    return c;
  }

  /** Finds the most specific command for an utterance among `among` (default: the root commands). */
  match(text: string | readonly string[], among?: readonly RegisteredCommand[]): CommandMatch | undefined {
    const tokens = typeof text === 'string' ? tokenize(text) : text;
    if (tokens.length === 0) return undefined;
    let best: CommandMatch | undefined;
    const consider = (c: RegisteredCommand) => {
      for (const w of c.compiled.requiredWords) if (!tokens.includes(w)) return;
      const m = c.compiled.match(tokens);
      if (!m) return;
      if (!best) best = { command: c, params: m.params, score: m.score };
      else {
        const cmp = compareScores(m.score, best.score) || c.index - best.command.index;
        if (cmp < 0) best = { command: c, params: m.params, score: m.score };
      }
    };
    if (among) for (const c of among) consider(c);
    else {
      for (const c of this.#byFirstWord.get(tokens[0]!) ?? []) consider(c);
      for (const c of this.#anyStart) consider(c);
    }
    return best;
  }

  /** Health-checks a definition and compiles it; throws HarkError naming the command. */
  #check(def: AnyCommand): RegisteredCommand {
    const modules = [...new Set([def.moduleUrl, this.#loadedFrom.get(def)].filter((u) => u !== undefined))];
    const label = `command "${def.name}"${modules.length ? ` (${modules.at(-1)})` : ''}`;
    const fail = (code: 'HARK_ERR_COMMANDS_PATTERN' | 'HARK_ERR_COMMANDS_DEFINITION', msg: string): never => {
      throw new HarkError(code, `${label}: ${msg}`, { details: { command: def.name } });
    };
    if (typeof def.pattern !== 'string') fail('HARK_ERR_COMMANDS_PATTERN', 'the pattern must be a string');
    if (typeof def.handler !== 'function')
      fail('HARK_ERR_COMMANDS_DEFINITION', 'the handler must be a function');
    const t = def.options.timeoutMs;
    if (t !== undefined && !(Number.isFinite(t) && t > 0))
      fail('HARK_ERR_COMMANDS_DEFINITION', `timeoutMs must be a positive number, got ${t}`);
    if (def.options.blocking && modules.length === 0)
      fail(
        'HARK_ERR_COMMANDS_DEFINITION',
        'a blocking command must be defined in a module file the worker can import',
      );
    let compiled: CompiledPattern | undefined;
    try {
      compiled = compilePattern(def.pattern, parsePattern(def.pattern), (n) => this.#types.get(n));
    } catch (e) {
      const msg = e instanceof PatternSyntaxError ? e.message : (e as Error).message;
      fail('HARK_ERR_COMMANDS_PATTERN', `pattern "${def.pattern}": ${msg}`);
    }
    const params = compiled!.params;
    for (const p of params) {
      if (p.conditional && !p.optional)
        fail(
          'HARK_ERR_COMMANDS_PATTERN',
          `$${p.name} sits in an optional group or some alternatives only, so a match may lack it: ` +
            `declare it $${p.name}:${p.type}? so the handler knows it may be undefined`,
        );
    }
    const declared = destructuredParamNames(def.handler);
    const known = new Set(params.map((p) => p.name));
    for (const name of declared ?? []) {
      if (!known.has(name))
        fail(
          'HARK_ERR_COMMANDS_DEFINITION',
          `the handler reads parameter "${name}" but the pattern declares ${
            known.size ? [...known].map((n) => `$${n}`).join(', ') : 'none'
          }`,
        );
    }
    return { def, name: def.name, index: this.#nextIndex++, compiled: compiled!, modules };
  }

  #register(c: RegisteredCommand, root: boolean): void {
    if (this.#byName.has(c.name))
      throw new HarkError(
        'HARK_ERR_COMMANDS_DEFINITION',
        `command "${c.name}" is defined twice; give one of them options.name`,
      );
    this.#commands.push(c);
    this.#byName.set(c.name, c);
    if (c.def.options.fallback) this.#fallbacks.push(c);
    if (!root || c.def.options.followUpOnly || c.def.options.fallback) return;
    const first = c.compiled.firstWords;
    if (!first) this.#anyStart.push(c);
    else
      for (const w of first) {
        const list = this.#byFirstWord.get(w) ?? [];
        list.push(c);
        this.#byFirstWord.set(w, list);
      }
  }
}

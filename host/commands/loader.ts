/**
 * Loads a commands directory at start-up: every `.js`/`.mjs` module in it (sorted by name, not
 * recursive), whose exports (default or named; single definitions or arrays) are commands and types.
 * Types are registered before commands so a module can define and use its own types.
 */
import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HarkError } from '../../base/errors.js';
import { type AnyCommand, isCommand } from './command.js';
import type { CommandIsolation } from './isolation.js';
import type { CommandRegistry } from './registry.js';
import { isTypeDefinition, type TypeDefinition } from './types/define-type.js';

function collect(value: unknown, commands: AnyCommand[], types: TypeDefinition[], depth = 0): void {
  if (isCommand(value)) commands.push(value);
  else if (isTypeDefinition(value)) types.push(value);
  else if (Array.isArray(value) && depth < 3) for (const v of value) collect(v, commands, types, depth + 1);
}

export interface LoadOptions {
  /**
   * Runs the module's top-level code as the module's scope, so its own timers and promises are
   * attributed to it, and lets stack attribution recognise the pack's files.
   */
  isolation?: CommandIsolation;
  /** A module whose evaluation (top-level await included) takes longer fails to load. Default 30000. */
  timeoutMs?: number;
  /** Told before each module is imported (start-up progress: "loading commands module …"). */
  onLoading?: (url: string) => void;
}

/** Imports one module and registers its definitions; returns how many commands it added. */
export async function loadCommandModule(
  registry: CommandRegistry,
  file: string,
  opts: LoadOptions = {},
): Promise<number> {
  const url = file.startsWith('file:') ? file : pathToFileURL(resolve(file)).href;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  opts.onLoading?.(url);
  opts.isolation?.addModule(url);
  let mod: Record<string, unknown>;
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  try {
    const load = () => import(url) as Promise<Record<string, unknown>>;
    const imported = opts.isolation
      ? opts.isolation.run({ command: undefined, module: url, boardId: undefined }, load)
      : load();
    // A top-level await that never settles leaves the process with nothing to do: Node would exit 13
    // without a word. The timer keeps it alive and says what hangs.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new HarkError(
              'HARK_ERR_COMMANDS_LOAD_TIMEOUT',
              `commands module ${url} did not finish loading within ${timeoutMs} ms (a top-level await that never settles?)`,
              { details: { module: url, timeoutMs } },
            ),
          ),
        timeoutMs,
      );
    });
    mod = await Promise.race([imported, timedOut]);
  } catch (e) {
    if (e instanceof HarkError && e.code === 'HARK_ERR_COMMANDS_LOAD_TIMEOUT') throw e;
    throw new HarkError(
      'HARK_ERR_COMMANDS_LOAD',
      `cannot load commands module ${url}: ${(e as Error).message}`,
      {
        cause: e,
        details: { module: url, ms: Math.round(performance.now() - started) },
      },
    );
  } finally {
    clearTimeout(timer);
  }
  const commands: AnyCommand[] = [];
  const types: TypeDefinition[] = [];
  const seen = new Set<unknown>();
  for (const v of Object.values(mod)) {
    if (seen.has(v)) continue; // `export default list` plus `export { list }`
    seen.add(v);
    collect(v, commands, types);
  }
  if (commands.length === 0 && types.length === 0)
    throw new HarkError(
      'HARK_ERR_COMMANDS_LOAD',
      `commands module ${url} exports no command(...) or defineType(...) definitions`,
    );
  const unique = [...new Set(commands)];
  registry.addFromModule(url, ...types, ...unique);
  for (const c of unique) if (c.moduleUrl) opts.isolation?.addModule(c.moduleUrl);
  return unique.length;
}

/** Loads every .js/.mjs module of a directory (sorted); returns the number of commands added. */
export async function loadCommandsDir(
  registry: CommandRegistry,
  dir: string,
  opts: LoadOptions = {},
): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new HarkError(
      'HARK_ERR_COMMANDS_LOAD',
      `cannot read commands directory ${dir}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  let total = 0;
  for (const name of names.sort()) {
    const ext = extname(name);
    if ((ext !== '.js' && ext !== '.mjs') || name.endsWith('.test.js') || name.endsWith('.d.js')) continue;
    total += await loadCommandModule(registry, join(dir, name), opts);
  }
  return total;
}

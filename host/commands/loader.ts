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
import type { CommandRegistry } from './registry.js';
import { isTypeDefinition, type TypeDefinition } from './types/define-type.js';

function collect(value: unknown, commands: AnyCommand[], types: TypeDefinition[], depth = 0): void {
  if (isCommand(value)) commands.push(value);
  else if (isTypeDefinition(value)) types.push(value);
  else if (Array.isArray(value) && depth < 3) for (const v of value) collect(v, commands, types, depth + 1);
}

/** Imports one module and registers its definitions; returns how many commands it added. */
export async function loadCommandModule(registry: CommandRegistry, file: string): Promise<number> {
  const url = file.startsWith('file:') ? file : pathToFileURL(resolve(file)).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new HarkError(
      'HARK_ERR_COMMANDS_LOAD',
      `cannot load commands module ${url}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
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
  return unique.length;
}

/** Loads every .js/.mjs module of a directory (sorted); returns the number of commands added. */
export async function loadCommandsDir(registry: CommandRegistry, dir: string): Promise<number> {
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
    total += await loadCommandModule(registry, join(dir, name));
  }
  return total;
}

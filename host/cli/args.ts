/**
 * Argument parsing for the `hark` subcommands: node:util's parseArgs (no extra dependency), with
 * usage errors turned into HARK_ERR_CLI_USAGE (exit code 2) that name the bad flag.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { HarkError } from '../../base/errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Flags every subcommand accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
} as const satisfies OptionSpec;

/** Flag values by name (strings, or true for boolean flags) and the positional arguments. */
export interface ParsedCommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses `argv` for `command`; unknown flags and missing values are usage errors. */
export function parseCommandArgs(command: string, argv: string[], options: OptionSpec): ParsedCommandArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedCommandArgs['values'], positionals };
  } catch (e) {
    throw new HarkError('HARK_ERR_CLI_USAGE', `${(e as Error).message} (see hark ${command} --help)`, {
      cause: e,
    });
  }
}

/** The config folder: `--config-dir`, else HARK_CONFIG_DIR; undefined means the per-user default. */
export const configDirOf = (values: ParsedCommandArgs['values']): string | undefined =>
  (values['config-dir'] as string | undefined) ?? process.env.HARK_CONFIG_DIR;

/** Parses a positive integer flag value, naming the flag on error. */
export function intFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new HarkError('HARK_ERR_CLI_USAGE', `--${name} must be a whole number, got "${value}"`);
  return n;
}

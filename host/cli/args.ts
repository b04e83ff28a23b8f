/**
 * Argument parsing for the `hark` subcommands: node:util's parseArgs (no extra dependency), with
 * usage errors turned into HARK_ERR_CLI_USAGE (exit code 2) that name the bad flag.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { HarkError } from '../../base/errors.js';
import { createLogger, type HarkLogger, LOG_LEVELS, type LogLevelName } from '../../base/log/logger.js';
import type { CliIo } from './io.js';

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

/** Flags of the commands that log (run, emulate, say). */
export const LOG_OPTIONS = {
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
} as const satisfies OptionSpec;

/** The log level from --log-level, else HARK_LOG_LEVEL, else debug with --verbose, else info. */
export function logLevelOf(
  values: ParsedCommandArgs['values'],
  env: NodeJS.ProcessEnv = process.env,
): LogLevelName {
  const flag = values['log-level'] as string | undefined;
  const asked = flag ?? env['HARK_LOG_LEVEL'];
  if (asked === undefined) return values['verbose'] === true ? 'debug' : 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(asked)) {
    const what = flag !== undefined ? '--log-level' : 'HARK_LOG_LEVEL';
    throw new HarkError(
      flag !== undefined ? 'HARK_ERR_CLI_USAGE' : 'HARK_ERR_CONFIG_INVALID',
      `${what} must be one of ${LOG_LEVELS.join(', ')} (got "${asked}")`,
    );
  }
  return asked as LogLevelName;
}

/** The logger of a command: its level and format from the flags, lines to the command's stderr. */
export function loggerFor(values: ParsedCommandArgs['values'], io: CliIo): HarkLogger {
  const format = values['log-format'] as string | undefined;
  if (format !== undefined && format !== 'json' && format !== 'pretty')
    throw new HarkError('HARK_ERR_CLI_USAGE', `--log-format must be json or pretty (got "${format}")`);
  return createLogger({
    level: logLevelOf(values),
    ...(format ? { format } : {}),
    stream: io.stderr as NodeJS.WritableStream & { isTTY?: boolean },
  });
}

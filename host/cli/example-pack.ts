/**
 * The one example command pack (examples/typescript-starter/src, compiled into dist/): what `hark run`
 * loads when no `commands` are configured, and what `hark demo`, the tests and the benchmark speak to.
 */
import { fileURLToPath } from 'node:url';

/** The compiled entry module of the example pack. */
export const EXAMPLE_PACK = fileURLToPath(
  new URL('../../examples/typescript-starter/src/index.js', import.meta.url),
);

/**
 * The command modules a CLI command loads: those given with `--commands`, else the config's `commands`
 * (comma-separated), else the example pack.
 */
export function commandModulesOf(
  given: readonly string[] | undefined,
  configured: string | undefined,
): string[] {
  if (given?.length) return [...given];
  if (configured) return configured.split(',').filter(Boolean);
  return [EXAMPLE_PACK];
}

/**
 * `npm run bench` — runs every test/bench/*.bench.js module and prints its figures.
 * `npm run bench -- --json` prints one flat JSON object on stdout (every key a number: the median of
 * several runs); progress and notes go to stderr. `--only NAME` runs matching modules only, `--quick`
 * fewer repetitions, `--full` the long windows and ramps and the full-size recognition corpora (see
 * README.md).
 * Each module exports `run(opts)` returning `{ key: number }`; keys must be unique across modules.
 * Every module runs in a child process of its own (see runIsolated).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchOptions {
  /** Fewer repetitions, for smoke tests. */
  quick: boolean;
  /** Longer windows and more repetitions (`--full`): the issue's full-minute figures. */
  full: boolean;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}
export type BenchModule = { run(opts: BenchOptions): Promise<Record<string, number>> };

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const full = args.includes('--full');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
const dir = fileURLToPath(new URL('.', import.meta.url));
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only)))
  .sort();

const log = (line: string) => process.stderr.write(`${line}\n`);

// Child mode: run one module and print its figures as JSON on stdout.
const childIdx = args.indexOf('--child');
if (childIdx >= 0) {
  const file = args[childIdx + 1]!;
  const mod = (await import(new URL(file, import.meta.url).href)) as BenchModule;
  process.stdout.write(`${JSON.stringify(await mod.run({ quick, full, log }))}\n`);
  process.exit(0);
}

/**
 * Each module runs in a child process of its own: worker pools, ptys and timers one module leaves
 * behind can't slow the next, and process-wide CPU-time figures count only that module's threads.
 */
function runIsolated(file: string): Record<string, number> {
  const child = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--child',
      file,
      ...(quick ? ['--quick'] : []),
      ...(full ? ['--full'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`exited with ${child.status ?? child.signal}`);
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Record<string, number>;
}

const results: Record<string, number> = {};
let failed = false;
for (const file of modules) {
  log(`# ${file}`);
  try {
    const figures = runIsolated(file);
    for (const [k, v] of Object.entries(figures)) {
      if (k in results) throw new Error(`benchmark key ${k} reported twice`);
      if (typeof v !== 'number' || Number.isNaN(v))
        throw new Error(`benchmark key ${k} is not a number: ${v}`);
      results[k] = v;
      if (!json) process.stdout.write(`${k.padEnd(36)} ${v}\n`);
    }
  } catch (e) {
    failed = true;
    log(`! ${file} failed: ${(e as Error).stack ?? e}`);
  }
}
if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(failed ? 1 : 0);

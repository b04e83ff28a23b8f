/**
 * `npm run bench` — runs every test/bench/*.bench.js module and prints its figures.
 * `npm run bench -- --json` prints one flat JSON object on stdout (every key a number: the median of
 * several runs); progress and notes go to stderr. `--only NAME` runs matching modules only.
 * Each module exports `run(opts)` returning `{ key: number }`; keys must be unique across modules.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchOptions {
  /** Fewer repetitions, for smoke tests. */
  quick: boolean;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}
export type BenchModule = { run(opts: BenchOptions): Promise<Record<string, number>> };

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
const dir = fileURLToPath(new URL('.', import.meta.url));
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only)))
  .sort();

const log = (line: string) => process.stderr.write(`${line}\n`);
const results: Record<string, number> = {};
let failed = false;
for (const file of modules) {
  log(`# ${file}`);
  try {
    const mod = (await import(new URL(file, import.meta.url).href)) as BenchModule;
    const figures = await mod.run({ quick, log });
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

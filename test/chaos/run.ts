/**
 * `npm run chaos` — the long attacks of issue 10, at full length: every test/chaos/*.chaos.js module
 * (floods and a stalled board beside a healthy one, 500 starts, a one-hour soak with four boards), each
 * in a child process of its own. Prints one JSON object of figures on stdout (progress on stderr), with
 * `host_crashes` the sum of every module's `host_crashes_*`, and exits 1 when a figure misses its
 * target (the miss and by how much on stderr). Not part of `npm test`, which smoke-tests `--short`.
 *
 *   npm run chaos                      # about 1.5 hours
 *   npm run chaos -- --short           # every attack for seconds: a smoke test (targets not judged)
 *   npm run chaos -- --only soak       # modules whose file name contains "soak"; --skip NAME leaves some out
 *   npm run chaos -- --only soak --soak-minutes 30   # a shorter soak (the figure says it was shorter)
 *
 * A module exports `run({ quick, log })` resolving to flat numeric figures (the bench's interface).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { misses } from './targets.js';

export interface ChaosOptions {
  quick: boolean;
  log: (line: string) => void;
  /** The soak's length in minutes (default 60). */
  soakMinutes?: number;
}
export type ChaosModule = { run(opts: ChaosOptions): Promise<Record<string, number>> };

const args = process.argv.slice(2);
const short = args.includes('--short');
const flagValue = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = flagValue('--only');
const skip = flagValue('--skip');
const soakFlag = flagValue('--soak-minutes');
const soakMinutes = soakFlag === undefined ? undefined : Number(soakFlag);
if (soakMinutes !== undefined && !(soakMinutes >= 1)) {
  process.stderr.write(`--soak-minutes ${soakFlag}: use a number of minutes, at least 1\n`);
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`${line}\n`);

const childIdx = args.indexOf('--child');
if (childIdx >= 0) {
  const file = args[childIdx + 1]!;
  const mod = (await import(new URL(file, import.meta.url).href)) as ChaosModule;
  const opts: ChaosOptions = { quick: short, log, ...(soakMinutes ? { soakMinutes } : {}) };
  process.stdout.write(`${JSON.stringify(await mod.run(opts))}\n`);
  process.exit(0);
}

const dir = fileURLToPath(new URL('.', import.meta.url));
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.chaos.js') && (!only || f.includes(only)) && (!skip || !f.includes(skip)))
  .sort();
if (modules.length === 0) {
  log(`no chaos module matched in ${dir}`);
  process.exit(1);
}

const figures: Record<string, number> = {};
let failed = false;
for (const file of modules) {
  const t0 = performance.now();
  log(`# ${file}${short ? ' (short)' : ''}`);
  const child = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--child',
      file,
      ...(short ? ['--short'] : []),
      ...(soakMinutes ? ['--soak-minutes', String(soakMinutes)] : []),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !last.startsWith('{')) {
    failed = true;
    log(`! ${file} failed (exit ${child.status ?? child.signal})`);
    continue;
  }
  for (const [k, v] of Object.entries(JSON.parse(last) as Record<string, unknown>)) {
    if (k in figures || typeof v !== 'number') {
      failed = true;
      log(`! ${file}: figure ${k} is ${k in figures ? 'reported twice' : `not a number (${String(v)})`}`);
      continue;
    }
    figures[k] = v;
  }
  log(`  ${file} took ${Math.round((performance.now() - t0) / 1000)} s`);
}
const crashKeys = Object.keys(figures).filter((k) => k.startsWith('host_crashes_'));
if (crashKeys.length > 0) figures.host_crashes = crashKeys.reduce((s, k) => s + figures[k]!, 0);
process.stdout.write(`${JSON.stringify(figures)}\n`);

if (!short) {
  for (const miss of misses(figures)) {
    failed = true;
    log(`! ${miss}`);
  }
}
process.exit(failed ? 1 : 0);

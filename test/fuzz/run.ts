/**
 * `npm run fuzz [-- --cases N] [--seed S]` — the long fuzz run: N cases through the TypeScript decoders,
 * N through the C decoders under AddressSanitizer + UBSan, and N/20 cross-implementation checks.
 * Default N = 1,000,000 (about ten times `npm test`'s run, several minutes). Exit code 1 on any violation.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildCTest } from '../../protocol/c/tests/build.js';
import { audioCross, type CrossReport, cToTs, tsToC } from './cross.js';
import { fuzzTs } from './ts-fuzz.js';

const run = promisify(execFile);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) {
    process.stderr.write(`${name} must be a non-negative integer\n`);
    process.exit(2);
  }
  return v;
}

const cases = arg('--cases', 1_000_000);
const seed = arg('--seed', Date.now() % 2 ** 31);
let failed = false;
const log = (s: string) => process.stdout.write(`${s}\n`);

log(`hark protocol fuzz: ${cases} cases per decoder, seed ${seed}`);
let t0 = performance.now();
const ts = fuzzTs(cases, seed);
log(
  `TypeScript: ${ts.cases} cases, ${(ts.bytes / 1e6).toFixed(1)} MB, ${ts.framesDelivered} frames delivered, ` +
    `${ts.dropped} dropped and counted, ${ts.violations.length} violations (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);
for (const v of ts.violations) log(`  ! ${v}`);
failed ||= ts.violations.length > 0;

const build = await buildCTest({ sanitize: true });
try {
  t0 = performance.now();
  try {
    const { stdout } = await run(build.exe, ['--fuzz', String(cases), String(seed)], { maxBuffer: 64 << 20 });
    log(`C (ASan+UBSan): ${stdout.trim()} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    log(`C (ASan+UBSan) FAILED:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    failed = true;
  }
  const cross: CrossReport = { checks: 0, mismatches: [] };
  const n = Math.max(100, Math.floor(cases / 20));
  await cToTs(build.exe, n, seed, cross);
  await tsToC(build.exe, n, seed, cross);
  await audioCross(build.exe, Math.floor(n / 4), seed, cross);
  log(`cross-implementation: ${cross.checks} checks, ${cross.mismatches.length} mismatches`);
  for (const m of cross.mismatches.slice(0, 10)) log(`  ! ${m}`);
  failed ||= cross.mismatches.length > 0;
} finally {
  await build.cleanup();
}
log(failed ? 'FUZZ FAILED' : 'fuzz passed');
process.exitCode = failed ? 1 : 0;

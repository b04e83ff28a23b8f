/**
 * Fits the rejection confidence (host/transcription/rejection.ts CONFIDENCE_MODEL) from a harness
 * dump: a logistic regression of "this in-grammar utterance was recognised right" (1) against "this
 * everyday sentence was read as a command" (0) on standardised segment features, L2-regularised,
 * Newton's method. Fitted on every third clip (index % 3 === fold) and checked on the other two
 * thirds, for each of the three folds; prints the held-out trade-off curve per threshold (mean of the
 * folds), then the model fitted on fold 0 as TypeScript to paste into rejection.ts.
 *
 *   node dist/test/bench/recognition/harness.js full > dump.json
 *   node dist/test/bench/recognition/calibrate.js dump.json
 */
import { readFileSync } from 'node:fs';

export const FEATURES = ['llr', 'minWordLlr', 'coverage', 'maxMsPerPhone'] as const;
type Feature = (typeof FEATURES)[number];

interface DumpClip {
  kind: 'in-grammar' | 'out-of-grammar';
  nonUs: boolean;
  heard: string;
  right: boolean;
  command: string | null;
  reason: string | null;
  scores: Record<Feature, number> | null;
}

export interface Model {
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

const usable = (c: DumpClip) =>
  c.scores !== null && c.heard !== '' && c.reason !== 'no-speech' && c.reason !== 'too-short';
const labelOf = (c: DumpClip): 0 | 1 | undefined =>
  c.kind === 'in-grammar' ? (c.right ? 1 : undefined) : c.command ? 0 : undefined;

/** Solves A x = b (small, symmetric positive definite) by Gaussian elimination with pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

export function fit(clips: readonly DumpClip[], lambda = 10): Model {
  const rows = clips.filter((c) => usable(c) && labelOf(c) !== undefined);
  const xs = rows.map((c) => FEATURES.map((f) => c.scores![f]));
  const y = rows.map((c) => labelOf(c)!);
  const d = FEATURES.length;
  const mean = FEATURES.map((_, j) => xs.reduce((s, x) => s + x[j]!, 0) / xs.length);
  const scale = FEATURES.map(
    (_, j) => Math.sqrt(xs.reduce((s, x) => s + (x[j]! - mean[j]!) ** 2, 0) / xs.length) + 1e-9,
  );
  const z = xs.map((x) => [...x.map((v, j) => (v - mean[j]!) / scale[j]!), 1]);
  let w = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < 50; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const h = Array.from({ length: d + 1 }, (_, i) =>
      Array.from({ length: d + 1 }, (_, k) => (i === k ? lambda : 0)),
    );
    z.forEach((zi, i) => {
      const p = 1 / (1 + Math.exp(-zi.reduce((s, v, k) => s + v * w[k]!, 0)));
      for (let a = 0; a <= d; a++) {
        g[a]! += (p - y[i]!) * zi[a]!;
        for (let b = 0; b <= d; b++) h[a]![b]! += p * (1 - p) * zi[a]! * zi[b]!;
      }
    });
    for (let a = 0; a < d; a++) g[a]! += lambda * w[a]!;
    const step = solve(h, g);
    w = w.map((v, k) => v - step[k]!);
  }
  return { mean, scale, weights: w.slice(0, d), bias: w[d]! };
}

export function confidenceOf(m: Model, c: DumpClip): number {
  if (!usable(c)) return 0;
  const x = FEATURES.reduce(
    (s, f, j) => s + (m.weights[j]! * (c.scores![f] - m.mean[j]!)) / m.scale[j]!,
    m.bias,
  );
  return 1 / (1 + Math.exp(-x));
}

const pct = (n: number, of: number) => (of === 0 ? 0 : (100 * n) / of);

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: calibrate.js HARNESS_DUMP.json');
  const clips = (JSON.parse(readFileSync(file, 'utf8')) as { clips: DumpClip[] }).clips;
  const thresholds = [0.05, 0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  const sums = thresholds.map(() => [0, 0, 0, 0]);
  for (let fold = 0; fold < 3; fold++) {
    const m = fit(clips.filter((_, i) => i % 3 === fold));
    const test = clips.filter((_, i) => i % 3 !== fold);
    const ins = test.filter((c) => c.kind === 'in-grammar');
    const accent = ins.filter((c) => c.nonUs);
    const oog = test.filter((c) => c.kind === 'out-of-grammar');
    thresholds.forEach((t, k) => {
      const ok = (c: DumpClip) => confidenceOf(m, c) >= t;
      const s = sums[k]!;
      s[0]! += pct(ins.filter((c) => c.right && ok(c)).length, ins.length) / 3;
      s[1]! += pct(ins.filter((c) => !ok(c)).length, ins.length) / 3;
      s[2]! += pct(accent.filter((c) => c.right && ok(c)).length, accent.length) / 3;
      s[3]! += pct(oog.filter((c) => c.command && ok(c)).length, oog.length) / 3;
    });
  }
  console.log('held-out thirds (threshold: exact / rejected, accent exact, false accepts), %:');
  thresholds.forEach((t, k) => {
    console.log(`  ${t.toFixed(2)}: ${sums[k]!.map((v) => v.toFixed(1)).join(' / ')}`);
  });
  const m = fit(clips.filter((_, i) => i % 3 === 0));
  const r = (v: number) => Number(v.toPrecision(4));
  console.log(
    `CONFIDENCE_MODEL (fold 0) = { mean: [${m.mean.map(r)}], scale: [${m.scale.map(r)}], weights: [${m.weights.map(r)}], bias: ${r(m.bias)} }`,
  );
}

if (process.argv[1]?.endsWith('calibrate.js')) main();

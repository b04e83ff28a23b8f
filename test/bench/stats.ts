/** Small statistics helpers for benchmarks (medians of repeated runs, percentiles of samples). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}
export const median = (values: readonly number[]): number => percentile(values, 50);
/** Rounds for display without losing the figure's meaning. */
export const round = (v: number, digits = 3): number => Number(v.toFixed(digits));

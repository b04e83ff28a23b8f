/** Targets of issue 10's chaos figures, and how a run misses them (a figure not reported is not judged). */
export const TARGETS: Readonly<Record<string, { max: number }>> = {
  healthy_board_max_gap_s: { max: 1 },
  host_crashes: { max: 0 },
  start_failures_per_500: { max: 0 },
  soak_rss_growth_mb_per_hour: { max: 5 },
  shutdown_s_stalled_port: { max: 3 },
};

/** One line per missed target, saying by how much. */
export function misses(figures: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  for (const [key, t] of Object.entries(TARGETS)) {
    const v = figures[key];
    if (v === undefined) continue;
    if (!(v <= t.max))
      out.push(`${key} = ${v} misses its target ≤ ${t.max} by ${Math.round((v - t.max) * 1000) / 1000}`);
  }
  return out;
}

/**
 * The full-pipeline ramp: 1, 2, 4, 8 … boards speaking a colour command at once (within 500 ms, as
 * boards never press in lockstep), each step warm (a board's first utterance is not measured here; the
 * cold figures have their own key), until a step fails — AUDIO_END → response p95 over 200 ms, any
 * frame lost on any link, or any board without its response. There is no top: the ramp doubles until
 * the host breaks (a 1024-board guard only keeps a broken bench from running away). The host's RSS is
 * sampled through every measured round; its peak against the number of boards gives memory per
 * concurrent utterance.
 */
import { percentile, round } from '../stats.js';
import type { UtterResult } from './boards-process.js';
import type { Fleet } from './fleet.js';

export const RAMP_P95_LIMIT_MS = 200;
const GUARD_BOARDS = 1024;

export interface RampStep {
  boards: number;
  p95Ms: number;
  framesLost: number;
  missed: number;
  peakRssMb: number;
  pass: boolean;
}

export interface RampResult {
  /** Most boards of a passing step (0 when even one board fails). */
  realtime: number;
  steps: RampStep[];
}

/**
 * Least-squares slope of peak RSS against boards speaking at once, MB per utterance. Decoders stay
 * pooled, so steps at or below the concurrency the host already served (`servedBefore`) show no growth:
 * only the steps from there up count (all of them when fewer than two are left).
 */
export function rssSlope(steps: readonly RampStep[], servedBefore: number): number {
  const done = steps.filter((s) => s.missed === 0);
  const above = done.filter((s) => s.boards >= servedBefore);
  const pts = above.length >= 2 ? above : done;
  if (pts.length < 2) return 0;
  const mx = pts.reduce((a, s) => a + s.boards, 0) / pts.length;
  const my = pts.reduce((a, s) => a + s.peakRssMb, 0) / pts.length;
  let num = 0;
  let den = 0;
  for (const s of pts) {
    num += (s.boards - mx) * (s.peakRssMb - my);
    den += (s.boards - mx) ** 2;
  }
  return num / den;
}

const latencies = (rs: UtterResult[]) =>
  rs.flatMap((r) => (r.responseMs === undefined || r.interrupted ? [] : [r.responseMs]));

/**
 * Runs the ramp on `fleet`, reusing `warm` boards (already spoken once) and adding new ones as the
 * steps grow; `rounds` measured rounds per step. `curveTo`: keep going past the first failure up to
 * that many boards, to record the whole cost curve (the result's `realtime` still stops at the first
 * failure).
 */
export async function ramp(
  fleet: Fleet,
  warm: string[],
  rounds: number,
  log: (line: string) => void,
  curveTo = 0,
): Promise<RampResult> {
  let failed = false;
  const pool = [...warm];
  const steps: RampStep[] = [];
  let realtime = 0;
  for (let n = 1; n <= GUARD_BOARDS; n *= 2) {
    if (pool.length < n) {
      const fresh = await fleet.add(n - pool.length);
      await fleet.sayColour(fresh, 0, { spreadMs: 1000 }); // their first utterance (cold) is not this key's
      pool.push(...fresh);
    }
    const uids = pool.slice(0, n);
    const before = (await fleet.counters()).framesLost;
    const { value: results, peakMb } = await fleet.withRssPeak(async () => {
      const all: UtterResult[] = [];
      for (let r = 0; r < rounds; r++) all.push(...(await fleet.sayColour(uids, r + 1, { spreadMs: 500 })));
      return all;
    });
    const framesLost = (await fleet.counters()).framesLost - before;
    const got = latencies(results);
    const missed = results.length - got.length;
    const p95Ms = got.length ? percentile(got, 95) : Number.POSITIVE_INFINITY;
    const pass = missed === 0 && framesLost === 0 && p95Ms <= RAMP_P95_LIMIT_MS;
    steps.push({ boards: n, p95Ms, framesLost, missed, peakRssMb: peakMb, pass });
    log(
      `  ramp ${n} boards: p95 ${round(p95Ms, 1)} ms, ${framesLost} frames lost, ${missed} without a response, host RSS peak ${Math.round(peakMb)} MB → ${pass ? 'real time' : 'NOT real time'}`,
    );
    if (!pass) failed = true;
    if (failed && n >= curveTo) break;
    if (!failed) realtime = n;
  }
  return { realtime, steps };
}

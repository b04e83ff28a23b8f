/**
 * A CPU-heavy command: `blocking: true` runs it in a worker thread, at lower priority, so the boards
 * keep being served while it computes. A blocking command must be exported from its module.
 */
import { command } from 'hark-voice';

/** Counts primes below `limit` by trial division (deliberately slow). */
export function countPrimes(limit: number): number {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

export const countPrimesCommand = command(
  'count (the)? primes (below|under|up to) $limit:Number(2..50000000)',
  ({ limit }) => ({
    text: `There are ${countPrimes(limit)} primes below ${limit}`,
    voice: true,
    status: 'info',
  }),
  { blocking: true, timeoutMs: 60_000, name: 'count primes' },
);

export default [countPrimesCommand];

/**
 * A CPU-heavy command: `blocking: true` runs it in a worker thread, at lower priority, so the boards
 * keep being served while it computes. A blocking command must be exported from its module.
 * The limit goes up to ten million: that blocks for seconds (about 3–6 s on a shared 2-core machine),
 * enough to show the boards being served meanwhile, where fifty million took about a minute — beyond
 * the command's 60 s timeout. (The grammar's size does not change what is recognised: removing this
 * command altogether changed no other command's result on the recognition corpus.)
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
  'count (the)? primes (below|under|up to) $limit:Number(2..10000000)',
  ({ limit }) => ({
    text: `There are ${countPrimes(limit)} primes below ${limit}`,
    voice: true,
    status: 'info',
  }),
  { blocking: true, timeoutMs: 60_000, name: 'count primes' },
);

export default [countPrimesCommand];

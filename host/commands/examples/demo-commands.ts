/**
 * The commands the pipeline demo uses: lights on/off and colours, a timer with a follow-up
 * question, the time, volume, and one blocking (CPU-heavy) command. No hardware calls: each returns
 * Responses, which the session layer turns into LED, tone, speech and volume messages for the board.
 */
import { type CommandContext, command } from '../command.js';
import type { Response } from '../response.js';

/** "5 minutes", "1 hour 30 minutes", "90 seconds" → spoken words. */
export function describeDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, s] of [
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ] as const) {
    const n = Math.floor(rest / s);
    rest -= n * s;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.join(' ') || '0 seconds';
}

/** Starts a timer that answers later through ctx.respond (unref'd: it never keeps the host alive). */
function startTimer(duration: number, ctx: CommandContext): Response {
  const timer = setTimeout(() => {
    ctx.respond({
      text: `Timer for ${describeDuration(duration)} is done`,
      voice: true,
      tone: 'alarm',
      led: 'timer',
    });
  }, duration);
  timer.unref();
  return {
    text: `Timer set for ${describeDuration(duration)}`,
    voice: true,
    led: 'success',
    tone: 'success',
  };
}

/** The follow-up of "set a timer": valid only right after "For how long?". */
export const timerDuration = command(
  '(for)? $duration:Duration',
  ({ duration }, ctx) => startTimer(duration, ctx),
  {
    name: 'timer duration',
    followUpOnly: true,
  },
);

/** Counts primes below a limit by trial division: deliberately CPU-heavy, so it runs in the worker pool. */
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

export default [
  command('turn (the)? (light|lights) $state:OnOff', ({ state }) => ({
    text: `Lights ${state ? 'on' : 'off'}`,
    led: state ? { effect: 'solid', color: { r: 255, g: 255, b: 255 } } : { effect: 'off' },
    status: 'success',
  })),
  command('(turn|make|set) (the)? (light|lights) (to)? $color:Color', ({ color }) => ({
    text: `Lights ${color.name}`,
    led: { effect: 'solid', color: { r: color.r, g: color.g, b: color.b } },
  })),
  command('(set|start) a timer for $duration:Duration', ({ duration }, ctx) => startTimer(duration, ctx), {
    name: 'set a timer for',
  }),
  command(
    '(set|start) a timer',
    () => ({
      text: 'For how long?',
      voice: true,
      needsInput: true,
      commands: [timerDuration],
      status: 'info',
    }),
    { name: 'set a timer' },
  ),
  timerDuration,
  command('what time is it', () => {
    const now = new Date();
    const hh = now.getHours();
    const mm = now.getMinutes();
    return { text: `It is ${hh}:${String(mm).padStart(2, '0')}`, voice: true, status: 'info' };
  }),
  command('(turn (the)? volume up|volume up|louder)', () => ({ text: 'Louder', volume: { delta: 10 } }), {
    name: 'volume up',
  }),
  command(
    '(turn (the)? volume down|volume down|quieter)',
    () => ({ text: 'Quieter', volume: { delta: -10 } }),
    {
      name: 'volume down',
    },
  ),
  command('set (the)? volume to $level:Number(0..100) (percent)?', ({ level }) => ({
    text: `Volume ${level} percent`,
    volume: { level },
  })),
  command(
    'count (the)? primes (below|under|up to) $limit:Number(2..50000000)',
    ({ limit }) => {
      const n = countPrimes(limit);
      return { text: `There are ${n} primes below ${limit}`, voice: true, status: 'info' };
    },
    { blocking: true, timeoutMs: 60_000, name: 'count primes' },
  ),
];

/**
 * A kitchen timer: "set a timer for five minutes", or "set a timer" → "For how long?" → "for two
 * minutes". When it fires, the board rings (tone, LED and speech) through ctx.respond, long after the
 * command returned.
 */
import { type CommandContext, command, type Response } from 'hark-voice';

/** 300000 → "5 minutes", 5400000 → "1 hour 30 minutes". */
export function describeDuration(ms: number): string {
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.join(' ') || '0 seconds';
}

function startTimer(duration: number, ctx: CommandContext): Response {
  const t = setTimeout(
    () =>
      ctx.respond({
        text: `Timer for ${describeDuration(duration)} is done`,
        voice: true,
        tone: 'alarm',
        led: 'timer',
      }),
    duration,
  );
  t.unref(); // a pending timer never keeps the host from shutting down
  return {
    text: `Timer set for ${describeDuration(duration)}`,
    voice: true,
    led: 'success',
    tone: 'success',
  };
}

/** Valid only right after "For how long?". */
export const timerDuration = command(
  '(for)? $duration:Duration',
  ({ duration }, ctx) => startTimer(duration, ctx),
  {
    name: 'timer duration',
    followUpOnly: true,
  },
);

export default [
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
];

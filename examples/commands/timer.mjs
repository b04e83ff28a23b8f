// A kitchen timer: "set a timer for five minutes", or "set a timer" → "For how long?" → "for two minutes".
// When it fires, the board rings (tone + LED + speech) through ctx.respond, long after the command returned.
import { command } from '../../dist/host/index.js';

function spell(ms) {
  let rest = Math.round(ms / 1000);
  const parts = [];
  for (const [unit, size] of [['hour', 3600], ['minute', 60], ['second', 1]]) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.join(' ') || '0 seconds';
}

function start(duration, ctx) {
  const t = setTimeout(() => ctx.respond({ text: `Your ${spell(duration)} timer is done`, voice: true, tone: 'alarm', led: 'timer' }), duration);
  t.unref(); // a pending timer never keeps the host from shutting down
  return { text: `Timer set for ${spell(duration)}`, voice: true, led: 'success' };
}

/** Valid only right after "For how long?". */
export const timerLength = command('(for)? $duration:Duration', ({ duration }, ctx) => start(duration, ctx), {
  name: 'timer length',
  followUpOnly: true,
});

export default [
  command('(set|start) a timer for $duration:Duration', ({ duration }, ctx) => start(duration, ctx), { name: 'timer' }),
  command('(set|start) a timer', () => ({ text: 'For how long?', voice: true, needsInput: true, commands: [timerLength], status: 'info' }), {
    name: 'timer question',
  }),
  timerLength,
];

/**
 * Speaker volume: the host keeps each board's level and sends VOLUME messages. `Level` is a custom
 * parameter type ("set the volume to loud"); the `declare module` block tells TypeScript its value is a
 * number, so `level` below is typed.
 */
import { command, defineType } from 'hark-voice';

declare module 'hark-voice' {
  interface ParamValueTypes {
    Level: number;
  }
}

export const Level = defineType<number>('Level', {
  values: { quiet: 30, medium: 50, loud: 80, maximum: 100 },
});

export default [
  Level,
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
  command(
    'set (the)? volume to $level:Number(0..100) (percent)?',
    ({ level }) => ({ text: `Volume ${level} percent`, volume: { level } }),
    { name: 'volume level' },
  ),
  command(
    'set (the)? volume to $level:Level',
    ({ level }) => ({ text: `Volume ${level} percent`, volume: { level } }),
    {
      name: 'volume preset',
    },
  ),
];

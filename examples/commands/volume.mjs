// Speaker volume: the host keeps each board's level and sends VOLUME messages.
import { command } from '../../dist/host/index.js';

export default [
  command('(turn (the)? volume up|volume up|louder)', () => ({ text: 'Louder', volume: { delta: 10 }, tone: 'success' }), {
    name: 'volume up',
  }),
  command('(turn (the)? volume down|volume down|quieter)', () => ({ text: 'Quieter', volume: { delta: -10 }, tone: 'success' }), {
    name: 'volume down',
  }),
  command('set (the)? volume to $level:Number(0..100) (percent)?', ({ level }) => ({ text: `Volume ${level} percent`, volume: { level } }), {
    name: 'volume level',
  }),
];

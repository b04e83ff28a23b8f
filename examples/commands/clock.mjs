// "What time is it?" — spoken on boards with a speaker, a tone on the others.
import { command } from '../../dist/host/index.js';

export default [
  command(
    'what time is it',
    () => {
      const now = new Date();
      const minutes = now.getMinutes();
      const words = minutes === 0 ? `${now.getHours()} o'clock` : `${now.getHours()} ${String(minutes).padStart(2, '0')}`;
      return { text: `It is ${words}`, voice: true, status: 'info' };
    },
    { name: 'clock' },
  ),
];

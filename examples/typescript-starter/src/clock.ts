/** "What time is it?" — spoken on boards with a speaker, a tone on the others. */
import { command } from 'hark-voice';

export default [
  command(
    'what time is it',
    () => {
      const now = new Date();
      return {
        text: `It is ${now.getHours()}:${String(now.getMinutes()).padStart(2, '0')}`,
        voice: true,
        status: 'info',
      };
    },
    { name: 'what time is it' },
  ),
];

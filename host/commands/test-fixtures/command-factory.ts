/** Test fixture: builds a blocking command in a module that does not export the definition itself. */
import { command } from '../command.js';

export function makeSummer() {
  return command(
    'sum up to $n:Number',
    ({ n }) => {
      let total = 0;
      for (let i = 1; i <= n; i++) total += i;
      return { text: `sum ${total}` };
    },
    { blocking: true, name: 'sum' },
  );
}

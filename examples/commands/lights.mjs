// Lights on a spare pin of the board, driven with johnny-five over hark's own serial link.
import { command, io, loadJohnnyFive } from '../../dist/host/index.js';

const LIGHT_PIN = 2;
/** One johnny-five Board (and Led) per hark board, created on first use. */
const lights = new Map();

function lightOf(boardId) {
  let led = lights.get(boardId);
  if (!led) {
    const five = loadJohnnyFive();
    const board = new five.Board({ io: io(boardId), repl: false, debug: false, sigint: false });
    led = new Promise((resolve, reject) => {
      board.once('ready', () => resolve(new five.Led({ pin: LIGHT_PIN, board })));
      board.once('error', reject);
    });
    lights.set(boardId, led);
  }
  return led;
}

export default [
  command(
    'turn (the)? (light|lights) $state:OnOff',
    async ({ state }, ctx) => {
      const led = await lightOf(ctx.boardId);
      if (state) led.on();
      else led.off();
      return { text: `Lights ${state ? 'on' : 'off'}`, tone: 'success' };
    },
    { name: 'lights' },
  ),
  command(
    '(blink|flash) (the)? (light|lights)',
    async (_params, ctx) => {
      const led = await lightOf(ctx.boardId);
      led.blink(250);
      const stop = setTimeout(() => led.stop().off(), 3000);
      stop.unref();
      return { text: 'Blinking', tone: 'success' };
    },
    { name: 'blink lights' },
  ),
];

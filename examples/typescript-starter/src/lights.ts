/**
 * Lights: the board's own LED shows the state, and a light wired to a spare pin follows it through
 * johnny-five over hark's serial link. The pin comes from the board's profile (the spare pins its HELLO
 * announces, which never include the talk button): the first one that can be an output.
 * johnny-five is optional (`npm install johnny-five`); without it only the on-board LED changes.
 */
import {
  type BoardIo,
  type CommandContext,
  command,
  type FiveLed,
  isHarkError,
  loadJohnnyFive,
  MODES,
} from 'hark-voice';

/** The first spare pin that can drive a light, or undefined when the board has none. */
export function lightPin(plugin: Pick<BoardIo, 'pins'>): number | undefined {
  const pin = plugin.pins.findIndex((p) => p.supportedModes.includes(MODES.OUTPUT));
  return pin < 0 ? undefined : pin;
}

/** One johnny-five Led per board, created on first use; undefined when there is nothing to drive. */
const lights = new Map<string, Promise<FiveLed | undefined>>();

function lightOf(ctx: CommandContext): Promise<FiveLed | undefined> {
  const { boardId } = ctx;
  let led = lights.get(boardId);
  if (!led) {
    led = (async () => {
      let five: ReturnType<typeof loadJohnnyFive>;
      try {
        five = loadJohnnyFive();
      } catch {
        return undefined; // johnny-five is not installed: the on-board LED still answers
      }
      let plugin: BoardIo;
      try {
        plugin = ctx.io();
      } catch (e) {
        // No board behind this command (`hark say` without one, a test's bare dispatcher): LED only.
        if (isHarkError(e, 'HARK_ERR_COMMANDS_CONTEXT')) return undefined;
        throw e;
      }
      const board = new five.Board({ io: plugin, repl: false, debug: false, sigint: false });
      if (!board.isReady)
        await new Promise<void>((resolve, reject) => {
          board.once('ready', () => resolve());
          board.once('error', (e) => reject(e));
        });
      const pin = lightPin(plugin); // known once the plugin is ready (it reads the board's HELLO)
      return pin === undefined ? undefined : new five.Led({ pin, board });
    })();
    // Only a driven light is kept; a failure (reported by the command that awaited it) or "nothing to
    // drive" is tried again by the next command, e.g. once the board is connected.
    led.then(
      (l) => l === undefined && lights.delete(boardId),
      () => lights.delete(boardId),
    );
    lights.set(boardId, led);
  }
  return led;
}

const WHITE = { r: 255, g: 255, b: 255 };

export default [
  command(
    'turn (the)? (light|lights) $state:OnOff',
    async ({ state }, ctx) => {
      const led = await lightOf(ctx);
      if (state) led?.on();
      else led?.off();
      return {
        text: `Lights ${state ? 'on' : 'off'}`,
        led: state ? { effect: 'solid', color: WHITE } : { effect: 'off' },
        status: 'success',
      };
    },
    { name: 'lights' },
  ),
  command(
    '(turn|make|set) (the)? (light|lights) (to)? $color:Color',
    ({ color }) => ({
      text: `Lights ${color.name}`,
      led: { effect: 'solid', color: { r: color.r, g: color.g, b: color.b } },
    }),
    { name: 'light colour' },
  ),
  command(
    '(blink|flash) (the)? (light|lights)',
    async (_params, ctx) => {
      const led = await lightOf(ctx);
      led?.blink(250);
      setTimeout(() => led?.stop().off(), 3000).unref();
      return { text: 'Blinking', led: { effect: 'blink', color: WHITE, periodMs: 250, durationMs: 3000 } };
    },
    { name: 'blink lights' },
  ),
];

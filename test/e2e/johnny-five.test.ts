/**
 * johnny-five over the board's own serial link: real johnny-five, the hark IO plugin, the link
 * worker, a real pty and the emulated board's GPIO. Also the example pack's "lights" command,
 * which drives a pin with johnny-five when spoken to.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PinState } from '../../boards/emulator/gpio-sim.js';
import { getProfile } from '../../boards/profiles/profile-loader.js';
import type { BoardProfile } from '../../boards/profiles/profile-schema.js';
import { lightPin } from '../../examples/typescript-starter/src/lights.js';
import { Harness } from '../../host/cli/demo-harness.js';
import { loadJohnnyFive } from '../../host/gpio/johnny-five.js';

const profile: BoardProfile = {
  ...getProfile('emulated'),
  gpio: [
    { pin: 2, caps: ['input', 'output'] },
    { pin: 4, caps: ['input', 'output'] },
    { pin: 9, caps: ['input', 'output', 'pwm', 'servo'] },
    { pin: 13, caps: ['input', 'output', 'pwm'] },
  ],
};
const EXAMPLES = fileURLToPath(new URL('../../examples/typescript-starter/src/index.js', import.meta.url));

/** Fails instead of hanging when the board never reaches the state. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

let h: Harness;
let boardId: string;
before(async () => {
  h = await Harness.start({ commandModules: [EXAMPLES], asrThreads: 1 });
  ({ boardId } = await h.addBoard({ uid: 'e2e-j5', profile, speed: 4 }));
});
after(async () => {
  await h?.close();
});

test('johnny-five blinks an LED, reads a button and moves a servo on the emulated board', async () => {
  const five = loadJohnnyFive();
  const emulated = h.boards.get(boardId)!;
  const plugin = h.pipeline.io(boardId);
  const board = new five.Board({ io: plugin, repl: false, debug: false, sigint: false });
  if (!board.isReady)
    await within(10_000, 'johnny-five ready', new Promise<void>((r) => board.once('ready', () => r())));

  const toggles: number[] = [];
  let onGpio: (p: PinState) => void = () => {};
  const blinked = new Promise<void>((resolve) => {
    onGpio = (p: PinState) => {
      if (p.pin !== 13 || p.value === toggles.at(-1)) return;
      toggles.push(p.value);
      if (toggles.length >= 6) resolve();
    };
  });
  emulated.on('gpio', onGpio);
  const led = new five.Led({ pin: 13, board });
  led.blink(40);
  try {
    await within(10_000, 'six toggles of pin 13', blinked);
  } finally {
    led.stop().off();
    emulated.off('gpio', onGpio);
  }
  assert.ok(
    toggles.includes(0) && toggles.some((v) => v > 0),
    `pin 13 went on and off: ${toggles.join(',')}`,
  );

  const button = new five.Button({ pin: 4, board });
  await new Promise((r) => setTimeout(r, 200)); // the initial GPIO_READ answer arrives first
  const pressed = new Promise<void>((r) => button.on('press', () => r()));
  const released = new Promise<void>((r) => button.on('release', () => r()));
  emulated.setPin(4, 1);
  try {
    await within(10_000, 'the button press', pressed);
  } finally {
    emulated.setPin(4, 0); // johnny-five runs a "hold" interval while a button is down
  }
  await within(10_000, 'the button release', released);

  const servo = new five.Servo({ pin: 9, board });
  const at90 = new Promise<void>((resolve) => {
    const check = (p: PinState) => {
      if (p.pin === 9 && p.mode === 4 && Math.abs(p.value - 90) <= 1) {
        emulated.off('gpio', check);
        resolve();
      }
    };
    emulated.on('gpio', check);
  });
  servo.to(90);
  await within(10_000, 'the servo at 90 degrees', at90);
  assert.equal(emulated.gpio.pins.get(9)!.mode, 4, 'pin 9 is in servo mode');
});

test('the example pack turns a light on with johnny-five when spoken to', async () => {
  const emulated = h.boards.get(boardId)!;
  const e0 = h.events.length;
  await h.say(boardId, 'turn the light on');
  await h.idleAfter(boardId, e0);
  const fired = h.events.slice(e0).find((e) => e.event === 'command');
  assert.equal(fired && 'command' in fired ? fired.command : undefined, 'lights');
  const pin = lightPin(h.pipeline.io(boardId));
  assert.equal(pin, 2, "the first output among the profile's spare pins");
  await h.waitFor(
    `pin ${pin} high`,
    () => (emulated.gpio.pins.get(pin!)!.value === 1 ? true : undefined),
    5000,
  );
  assert.equal(emulated.gpio.pins.get(pin!)!.mode, 1, `pin ${pin} is an output`);
});

test('after an unplug and replug the plugin restores its pins and speech works again', async () => {
  const five = loadJohnnyFive();
  const emulated = h.boards.get(boardId)!;
  const board = new five.Board({ io: h.pipeline.io(boardId), repl: false, debug: false, sigint: false });
  if (!board.isReady)
    await within(10_000, 'johnny-five ready', new Promise<void>((r) => board.once('ready', () => r())));
  const led = new five.Led({ pin: 13, board });
  led.on();
  const restored = new Promise<void>((resolve) => {
    const onGpio = (p: PinState) => {
      if (p.pin === 13 && p.value > 0) {
        emulated.off('gpio', onGpio);
        resolve();
      }
    };
    // Registered after the replug below: only the plugin's replay can set pin 13 again.
    h.pipeline.once('board', () => emulated.on('gpio', onGpio));
  });
  await emulated.unplug();
  await h.waitFor(
    'the session to see the link drop',
    () =>
      h.events.some((e) => e.event === 'session' && / -> disconnected on disconnected/.test(e.line)) ||
      undefined,
  );
  await emulated.replug();
  await within(20_000, 'pin 13 restored after the replug', restored);
  led.off();
  const e0 = h.events.length;
  await h.say(boardId, 'turn the light on');
  await h.idleAfter(boardId, e0);
  assert.ok(
    h.events.slice(e0).some((e) => e.event === 'command'),
    'a command ran after the replug',
  );
});

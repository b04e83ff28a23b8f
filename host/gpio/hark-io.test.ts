/**
 * The IO plugin under real johnny-five, against the emulated board's real GPIO model (GpioSim) wired
 * directly (no serial link here; test/e2e/johnny-five.test.ts runs the same over a pty).
 */
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { GpioSim, type PinState } from '../../boards/emulator/gpio-sim.js';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import type { BoardProfile } from '../../boards/profiles/profile-schema.js';
import type { Hello, Message } from '../../protocol/ts/messages.js';
import { HarkIO, MODES } from './hark-io.js';
import { loadJohnnyFive } from './johnny-five.js';

const profile: BoardProfile = {
  ...getProfile('emulated'),
  gpio: [
    { pin: 2, caps: ['input', 'output'] },
    { pin: 9, caps: ['input', 'output', 'pwm', 'servo'] },
    { pin: 13, caps: ['input', 'output', 'pwm'] },
    { pin: 34, caps: ['input', 'analog'] },
  ],
};

/** Connects a HarkIO to a GpioSim as a link would (messages both ways, asynchronously). */
class SimTransport extends EventEmitter {
  sent: Message[] = [];
  changes: PinState[] = [];
  readonly sim = new GpioSim(
    profile,
    (m) => setImmediate(() => this.emit('message', { boardId: 'b1', message: m })),
    (p) => this.changes.push({ ...p }),
  );
  async send(_boardId: string, m: Message): Promise<void> {
    this.sent.push(m);
    if (m.type === 'GPIO_MODE') this.sim.mode(m);
    else if (m.type === 'GPIO_WRITE') this.sim.write(m);
    else if (m.type === 'GPIO_READ') this.sim.read(m.pin);
    else if (m.type === 'GPIO_REPORT') this.sim.report(m);
  }
}

const hello = (): Hello => helloForProfile(profile, '0.1.0', 'b1');

test('contract: frozen MODES, pins from HELLO, connect then ready after construction', async () => {
  const t = new SimTransport();
  const io = new HarkIO({ boardId: 'b1', transport: t, hello: hello() });
  assert.ok(Object.isFrozen(io.MODES));
  assert.deepEqual(io.MODES, { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 });
  const order: string[] = [];
  io.on('connect', () => order.push('connect'));
  await once(io, 'ready');
  assert.deepEqual(order, ['connect']);
  assert.deepEqual(io.pins[9]!.supportedModes, [MODES.INPUT, MODES.OUTPUT, MODES.PWM, MODES.SERVO]);
  assert.deepEqual(io.pins[3]!.supportedModes, [], 'pins the board lacks have no modes');
  assert.equal(io.pins[34]!.analogChannel, 0);
  assert.equal(io.normalize('A0'), 34);
  assert.equal(io.defaultLed, 13);
  assert.throws(
    () => io.pinMode(3, MODES.OUTPUT),
    (e) => isHarkError(e, 'HARK_ERR_GPIO_PIN') && /pin 3/.test(e.message),
  );
  assert.throws(
    () => io.pinMode(2, MODES.SERVO),
    (e) => isHarkError(e, 'HARK_ERR_GPIO_PIN') && /SERVO/.test(e.message),
  );
  io.close();
});

test('johnny-five Led, Button and Servo drive the board pins', async () => {
  const five = loadJohnnyFive();
  const t = new SimTransport();
  const io = new HarkIO({ boardId: 'b1', transport: t, hello: hello() });
  const board = new five.Board({ io, repl: false, debug: false, sigint: false });
  await new Promise<void>((r) => board.once('ready', () => r()));

  const led = new five.Led(13);
  led.on();
  assert.ok(t.sim.pins.get(13)!.value > 0, 'on (johnny-five uses PWM full scale on PWM pins)');
  led.off();
  assert.equal(t.sim.pins.get(13)!.value, 0);
  const before = t.changes.filter((c) => c.pin === 13).length;
  led.blink(20);
  await new Promise((r) => setTimeout(r, 250));
  led.stop().off();
  const toggles = t.changes.filter((c) => c.pin === 13).length - before;
  assert.ok(toggles >= 3, `the LED pin toggled ${toggles} times`);

  const button = new five.Button(2);
  const pressed = new Promise<void>((r) => button.on('press', () => r()));
  await new Promise((r) => setTimeout(r, 20)); // the initial GPIO_READ answer arrives first
  t.sim.set(2, 1);
  await pressed;
  // Release it: johnny-five runs a "hold" interval while a button is down.
  const released = new Promise<void>((r) => button.on('release', () => r()));
  t.sim.set(2, 0);
  await released;

  const servo = new five.Servo(9);
  servo.to(135);
  assert.equal(t.sim.pins.get(9)!.mode, MODES.SERVO);
  assert.ok(Math.abs(t.sim.pins.get(9)!.value - 135) <= 1, `servo at ${t.sim.pins.get(9)!.value}°`);
  io.close();
  t.sim.reset();
});

test('after a reconnect the plugin replays modes, outputs and reports', async () => {
  const t = new SimTransport();
  const io = new HarkIO({ boardId: 'b1', transport: t, hello: hello() });
  await once(io, 'ready');
  io.digitalWrite(13, 1);
  io.digitalRead(2);
  assert.deepEqual(await once(io, 'digital-read-2'), [0], 'the first value is reported once');
  // The board rebooted: it forgot everything.
  t.sim.reset();
  for (const p of t.sim.pins.values()) {
    p.mode = undefined;
    p.value = 0;
  }
  t.emit('board', { boardId: 'b1', hello: hello() });
  assert.equal(t.sim.pins.get(13)!.mode, MODES.OUTPUT);
  assert.equal(t.sim.pins.get(13)!.value, 1);
  assert.equal(t.sim.pins.get(2)!.report, true);
  const read = once(io, 'digital-read-2');
  t.sim.set(2, 1);
  assert.deepEqual(await read, [1]);
  io.close();
  t.sim.reset();
});

/**
 * A johnny-five IO plugin that drives a hark board's spare pins over the same serial link as its
 * audio: `new five.Board({ io: hark.io(boardId), repl: false, debug: false, sigint: false })`.
 * Pin methods become GPIO_MODE / GPIO_WRITE / GPIO_READ / GPIO_REPORT messages; GPIO_STATE messages
 * become `digital-read-N` / `analog-read-N` events. Pins come from the board's HELLO gpio list.
 * When the link reconnects (new HELLO), the plugin replays pin modes, outputs and reports, so a
 * johnny-five program keeps working across a replug (johnny-five itself never reconnects).
 */
import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { HarkError } from '../../base/errors.js';
import {
  ErrorCode,
  GpioCap,
  GpioMode,
  GpioModeNames,
  type Hello,
  type Message,
} from '../../protocol/ts/messages.js';

/** The part of LinkManager the plugin uses (LinkManager satisfies it). */
export interface GpioTransport {
  send(boardId: string, message: Message): Promise<void>;
  /** 'message' ({ boardId, message }) and 'board' ({ boardId, hello }) events. */
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener signature.
  on(event: 'message' | 'board', listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener signature.
  off(event: 'message' | 'board', listener: (...args: any[]) => void): unknown;
}

/** johnny-five pin modes (the IO-plugin contract): the protocol's GPIO_MODE ids are the same numbers. */
export const MODES = Object.freeze({
  INPUT: GpioMode.INPUT,
  OUTPUT: GpioMode.OUTPUT,
  ANALOG: GpioMode.ANALOG,
  PWM: GpioMode.PWM,
  SERVO: GpioMode.SERVO,
});
const NO_ANALOG_CHANNEL = 127;
/** johnny-five's Servo default pwmRange (it calls servoConfig only for a custom range). */
const SERVO_DEFAULT_RANGE_US: [number, number] = [600, 2400];
/** Analog report interval, ms (johnny-five's default sampling is 25 ms; serial links are slower). */
const ANALOG_INTERVAL_MS = 50;

/** One entry of `pins[]` as johnny-five reads it. */
export interface IoPin {
  supportedModes: number[];
  mode: number | undefined;
  value: number;
  report: number;
  analogChannel: number;
}

export interface HarkIoOptions {
  boardId: string;
  transport: GpioTransport;
  /** The board's HELLO if the link is already up; otherwise the plugin waits for the 'board' event. */
  hello?: Hello;
  /**
   * Called with an exception a listener threw (johnny-five's, or a command's on top of it) instead of
   * letting it unwind into the link's event dispatch; absent, the exception propagates. Listeners run
   * in the async context of whoever created the plugin, so what they start is attributed to it.
   */
  onListenerError?: (error: unknown, event: string) => void;
}

const modesOf = (caps: number): number[] => {
  const m: number[] = [];
  if (caps & GpioCap.INPUT) m.push(MODES.INPUT);
  if (caps & GpioCap.OUTPUT) m.push(MODES.OUTPUT);
  if (caps & GpioCap.ANALOG) m.push(MODES.ANALOG);
  if (caps & GpioCap.PWM) m.push(MODES.PWM);
  if (caps & GpioCap.SERVO) m.push(MODES.SERVO);
  return m;
};

export class HarkIO extends EventEmitter {
  readonly MODES = MODES;
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly RESOLUTION = { ADC: 1023, DAC: null, PWM: 255 };
  readonly name = 'hark';
  readonly boardId: string;
  pins: IoPin[] = [];
  analogPins: number[] = [];
  isReady = false;
  defaultLed = 13;
  readonly #transport: GpioTransport;
  readonly #digitalReads = new Set<number>();
  readonly #analogReads = new Set<number>();
  readonly #servoRange = new Map<number, [number, number]>();
  readonly #onListenerError: ((error: unknown, event: string) => void) | undefined;
  readonly #creator = new AsyncResource('HarkIO');
  #closed = false;

  readonly #onBoard = (info: { boardId: string; hello: Hello }) => {
    if (info.boardId !== this.boardId) return;
    this.#setup(info.hello);
  };
  readonly #onMessage = (e: { boardId: string; message: Message }) => {
    if (e.boardId !== this.boardId) return;
    const m = e.message;
    if (m.type === 'GPIO_STATE') this.#onState(m.pin, m.value);
    else if (m.type === 'ERROR' && m.code === ErrorCode.GPIO_INVALID_PIN)
      this.emit('string', `board ${this.boardId}: ${m.message}`);
  };

  constructor(opts: HarkIoOptions) {
    super();
    this.boardId = opts.boardId;
    this.#transport = opts.transport;
    this.#onListenerError = opts.onListenerError;
    this.#transport.on('board', this.#onBoard);
    this.#transport.on('message', this.#onMessage);
    if (opts.hello) {
      const hello = opts.hello;
      // The contract wants connect/ready after the constructor returns (listeners attach first).
      setImmediate(() => this.#setup(hello));
    }
  }

  /** Every event reaches its listeners in the creator's async context; what they throw is reported. */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (!this.#onListenerError) return super.emit(event, ...args);
    try {
      return this.#creator.runInAsyncScope(() => super.emit(event, ...args));
    } catch (e) {
      this.#onListenerError(e, String(event));
      return true;
    }
  }

  #setup(hello: Hello): void {
    if (this.#closed) return;
    const first = !this.isReady;
    if (first) {
      const size = hello.gpio.reduce((m, g) => Math.max(m, g.pin + 1), 0);
      this.pins = Array.from({ length: size }, () => ({
        supportedModes: [],
        mode: undefined,
        value: 0,
        report: 0,
        analogChannel: NO_ANALOG_CHANNEL,
      }));
      for (const g of hello.gpio) {
        const pin = this.pins[g.pin]!;
        pin.supportedModes = modesOf(g.caps);
        if (g.caps & GpioCap.ANALOG) {
          pin.analogChannel = this.analogPins.length;
          this.analogPins.push(g.pin);
        }
      }
      const outputs = hello.gpio.filter((g) => g.caps & GpioCap.OUTPUT).map((g) => g.pin);
      this.defaultLed = outputs.includes(13) ? 13 : (outputs[0] ?? 13);
      this.isReady = true;
      this.emit('connect');
      this.emit('ready');
    } else {
      this.#replay();
    }
  }

  /** After a reconnect the board forgot everything: restore modes, outputs and reports. */
  #replay(): void {
    this.pins.forEach((p, pin) => {
      if (p.mode === undefined) return;
      this.#send({ type: 'GPIO_MODE', pin, mode: p.mode });
      if (p.mode === MODES.OUTPUT || p.mode === MODES.PWM || p.mode === MODES.SERVO) {
        this.#send({ type: 'GPIO_WRITE', pin, value: p.value });
      }
    });
    for (const pin of this.#digitalReads) this.#send({ type: 'GPIO_REPORT', pin, enable: 1, intervalMs: 0 });
    for (const pin of this.#analogReads)
      this.#send({ type: 'GPIO_REPORT', pin, enable: 1, intervalMs: ANALOG_INTERVAL_MS });
  }

  #onState(pin: number, value: number): void {
    const p = this.pins[pin];
    if (!p) return;
    const changed = p.value !== value;
    p.value = value;
    if (this.#analogReads.has(pin)) this.emit(`analog-read-${p.analogChannel}`, value);
    else if (this.#digitalReads.has(pin) && (changed || p.report === 0)) {
      p.report = 1;
      this.emit(`digital-read-${pin}`, value);
    }
  }

  #send(message: Message): void {
    this.#transport.send(this.boardId, message).catch((e: unknown) => {
      // A write while the link is down is replayed on reconnect; report it without crashing.
      this.emit('string', `board ${this.boardId}: ${message.type} not sent: ${(e as Error).message}`);
    });
  }

  #pin(pin: number, mode?: number): IoPin {
    const p = this.pins[pin];
    if (!p || p.supportedModes.length === 0) {
      throw new HarkError(
        'HARK_ERR_GPIO_PIN',
        `board ${this.boardId} has no GPIO pin ${pin} (its pins: ${
          this.pins
            .map((q, i) => (q.supportedModes.length ? i : -1))
            .filter((i) => i >= 0)
            .join(', ') || 'none'
        })`,
      );
    }
    if (mode !== undefined && !p.supportedModes.includes(mode)) {
      // johnny-five spells modes in capitals (MODES.SERVO): so does this message.
      const name = (m: number) => GpioModeNames.name(m)?.toUpperCase() ?? String(m);
      throw new HarkError(
        'HARK_ERR_GPIO_PIN',
        `pin ${pin} of board ${this.boardId} cannot be ${name(mode)} (it supports ${p.supportedModes.map(name).join(', ')})`,
      );
    }
    return p;
  }

  /** True after close(). */
  get closed(): boolean {
    return this.#closed;
  }

  /** 'A0' → the first analog pin; numbers pass through. */
  normalize(pin: number | string): number {
    if (typeof pin === 'string') {
      const m = /^A(\d+)$/i.exec(pin);
      if (m) return this.analogPins[Number(m[1])] ?? Number.NaN;
      return Number(pin);
    }
    return pin;
  }

  pinMode(pin: number, mode: number): this {
    const p = this.#pin(pin, mode);
    p.mode = mode;
    this.#send({ type: 'GPIO_MODE', pin, mode });
    return this;
  }

  /** Switches `pin` to `mode` when it is in another one, then writes `value` (already in range). */
  #write(pin: number, mode: number, value: number): this {
    const p = this.#pin(pin);
    if (p.mode !== mode) this.pinMode(pin, mode);
    p.value = value;
    this.#send({ type: 'GPIO_WRITE', pin, value });
    return this;
  }

  digitalWrite(pin: number, value: number | boolean): this {
    return this.#write(pin, MODES.OUTPUT, value ? 1 : 0);
  }

  pwmWrite(pin: number, value: number): this {
    return this.#write(pin, MODES.PWM, Math.max(0, Math.min(255, Math.round(value))));
  }

  analogWrite(pin: number, value: number): this {
    return this.pwmWrite(pin, value);
  }

  servoConfig(pin: number | { pin: number; min?: number; max?: number }, min?: number, max?: number): this {
    const n = typeof pin === 'object' ? pin.pin : pin;
    const lo = typeof pin === 'object' ? pin.min : min;
    const hi = typeof pin === 'object' ? pin.max : max;
    if (lo !== undefined && hi !== undefined && hi > lo) this.#servoRange.set(n, [lo, hi]);
    return this.pinMode(n, MODES.SERVO);
  }

  /**
   * Firmata convention: values below 544 are degrees, larger ones are pulse widths in µs
   * (johnny-five's Servo writes µs within its pwmRange); the wire carries degrees.
   */
  servoWrite(pin: number, value: number): this {
    let degrees = value;
    if (value >= 544) {
      const [lo, hi] = this.#servoRange.get(pin) ?? SERVO_DEFAULT_RANGE_US;
      degrees = ((value - lo) / (hi - lo)) * 180;
    }
    return this.#write(pin, MODES.SERVO, Math.max(0, Math.min(180, Math.round(degrees))));
  }

  /** Reports changes of a digital input as `digital-read-N` (and to `callback`). */
  digitalRead(pin: number, callback?: (value: number) => void): this {
    this.#pin(pin, MODES.INPUT);
    if (callback) this.on(`digital-read-${pin}`, callback);
    this.#digitalReads.add(pin);
    this.#send({ type: 'GPIO_REPORT', pin, enable: 1, intervalMs: 0 });
    this.#send({ type: 'GPIO_READ', pin }); // the first value, even if it never changes
    return this;
  }

  /** Reports an analog channel (`A<channel>`) every 50 ms as `analog-read-<channel>`. */
  analogRead(channel: number, callback?: (value: number) => void): this {
    const pin = this.analogPins[channel];
    if (pin === undefined) {
      throw new HarkError('HARK_ERR_GPIO_PIN', `board ${this.boardId} has no analog channel A${channel}`);
    }
    const p = this.#pin(pin, MODES.ANALOG);
    if (p.mode !== MODES.ANALOG) this.pinMode(pin, MODES.ANALOG);
    if (callback) this.on(`analog-read-${channel}`, callback);
    this.#analogReads.add(pin);
    this.#send({ type: 'GPIO_REPORT', pin, enable: 1, intervalMs: ANALOG_INTERVAL_MS });
    return this;
  }

  reportDigitalPin(pin: number, enable: number): this {
    if (enable) this.#digitalReads.add(pin);
    else this.#digitalReads.delete(pin);
    this.#send({ type: 'GPIO_REPORT', pin, enable: enable ? 1 : 0, intervalMs: 0 });
    return this;
  }

  reportAnalogPin(channel: number, enable: number): this {
    const pin = this.analogPins[channel];
    if (pin === undefined) return this;
    if (enable) this.#analogReads.add(pin);
    else this.#analogReads.delete(pin);
    this.#send({ type: 'GPIO_REPORT', pin, enable: enable ? 1 : 0, intervalMs: ANALOG_INTERVAL_MS });
    return this;
  }

  queryCapabilities(callback: () => void): this {
    setImmediate(callback);
    return this;
  }
  queryAnalogMapping(callback: () => void): this {
    setImmediate(callback);
    return this;
  }
  queryPinState(pin: number, callback: () => void): this {
    this.#send({ type: 'GPIO_READ', pin });
    setImmediate(callback);
    return this;
  }

  /** Stops reports and detaches from the link (the link itself stays open). */
  close(): void {
    if (this.#closed) return;
    for (const pin of this.#digitalReads) this.#send({ type: 'GPIO_REPORT', pin, enable: 0, intervalMs: 0 });
    for (const pin of this.#analogReads) this.#send({ type: 'GPIO_REPORT', pin, enable: 0, intervalMs: 0 });
    this.#closed = true;
    this.#transport.off('board', this.#onBoard);
    this.#transport.off('message', this.#onMessage);
    this.emit('close');
  }
}

/**
 * The emulated board's GPIO pins (GPIO_MODE / WRITE / READ / REPORT → GPIO_STATE), with inputs that a
 * test drives through `set(pin, value)`.
 */
import {
  ErrorCode,
  type GpioModeMessage,
  type GpioReport,
  type GpioWrite,
  type Message,
} from '../../protocol/ts/messages.js';
import type { BoardProfile, GpioCapName } from '../profiles/profile-schema.js';

/** GPIO_MODE mode → the capability it needs (SPEC §3: 5 is input_pullup). */
const MODE_CAP: readonly GpioCapName[] = ['input', 'output', 'analog', 'pwm', 'servo', 'input'];
const INPUT_MODES = new Set([0, 2, 5]);

export interface PinState {
  pin: number;
  caps: readonly GpioCapName[];
  /** Last GPIO_MODE, or undefined before one. */
  mode: number | undefined;
  value: number;
  report: boolean;
  intervalMs: number;
}

export class GpioSim {
  readonly pins = new Map<number, PinState>();
  private readonly timers = new Map<number, NodeJS.Timeout>();

  constructor(
    profile: BoardProfile,
    private readonly send: (m: Message) => void,
    private readonly onChange: (p: PinState) => void,
  ) {
    for (const g of profile.gpio) {
      this.pins.set(g.pin, {
        pin: g.pin,
        caps: g.caps,
        mode: undefined,
        value: 0,
        report: false,
        intervalMs: 0,
      });
    }
  }

  mode(m: GpioModeMessage): void {
    const p = this.pins.get(m.pin);
    const cap = MODE_CAP[m.mode];
    if (!p || !cap || !p.caps.includes(cap)) {
      this.invalid(m.pin, `mode ${m.mode}`);
      return;
    }
    p.mode = m.mode;
    if (m.mode === 5) p.value = 1; // pulled up
    this.onChange(p);
  }

  write(m: GpioWrite): void {
    const p = this.pins.get(m.pin);
    if (!p || p.mode === undefined || INPUT_MODES.has(p.mode)) {
      this.invalid(m.pin, 'write (not an output)');
      return;
    }
    p.value = m.value;
    this.onChange(p);
  }

  read(pin: number): void {
    const p = this.pins.get(pin);
    if (!p) {
      this.invalid(pin, 'read');
      return;
    }
    this.send({ type: 'GPIO_STATE', pin, value: p.value });
  }

  report(m: GpioReport): void {
    const p = this.pins.get(m.pin);
    if (!p) {
      this.invalid(m.pin, 'report');
      return;
    }
    p.report = m.enable !== 0;
    p.intervalMs = m.intervalMs;
    this.clearTimer(m.pin);
    if (p.report && p.mode === 2) {
      this.timers.set(
        m.pin,
        setInterval(
          () => this.send({ type: 'GPIO_STATE', pin: p.pin, value: p.value }),
          Math.max(10, m.intervalMs || 100),
        ),
      );
    }
  }

  /** Drives an input pin (a test pressing a switch); reports it when the host asked for reports. */
  set(pin: number, value: number): void {
    const p = this.pins.get(pin);
    if (!p) throw new Error(`emulated board has no GPIO pin ${pin}`);
    const changed = p.value !== value;
    p.value = value;
    if (changed && p.report && p.mode !== 2) this.send({ type: 'GPIO_STATE', pin, value });
    this.onChange(p);
  }

  /** Reports off, timers stopped (a new HELLO_ACK or a reset). */
  reset(): void {
    for (const pin of this.timers.keys()) this.clearTimer(pin);
    for (const p of this.pins.values()) p.report = false;
  }

  private clearTimer(pin: number): void {
    const t = this.timers.get(pin);
    if (t) clearInterval(t);
    this.timers.delete(pin);
  }

  private invalid(pin: number, what: string): void {
    this.send({
      type: 'ERROR',
      code: ErrorCode.GPIO_INVALID_PIN,
      message: `GPIO pin ${pin}: invalid ${what}`,
    });
  }
}

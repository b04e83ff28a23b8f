/**
 * The emulated board's buttons: the gesture state machine of the firmware's debouncer
 * (firmware/core/button/hark_button.c) with timers instead of a loop, so the host sees exactly the
 * BUTTON events a real board sends (SPEC §9.1): DOWN at a press, LONG once while held ≥ 800 ms, UP at
 * the release, CLICK 300 ms after the release of a short press that no second press followed, DOUBLE
 * at the release of a second short press that began within 300 ms. A press that sent LONG gives
 * neither CLICK nor DOUBLE. `press()` is the debounced edge (the firmware's DOWN comes 25 ms after the
 * contact closes; the emulator's caller has already decided the press is real).
 *
 * Timings run on the board's clock: divided by `speed()` when it is above 0 (a 4× board holds for a
 * quarter of the wall time), wall time at speed 0.
 */
import { ButtonEvent, type ButtonEventName, ButtonEventNames } from '../../protocol/ts/messages.js';
import { BUTTON_DOUBLE_MS, BUTTON_LONG_MS } from '../../protocol/ts/rules.js';

type Phase = 'idle' | 'pressed' | 'long' | 'wait-second' | 'pressed-second';

export interface ButtonSimHost {
  /** Sends BUTTON {button, event}. */
  event(button: number, event: number): void;
  /** Board clock rate (EmulatedBoard.speed). */
  speed(): number;
}

class OneButton {
  phase: Phase = 'idle';
  down = false;
  /** Board-clock ms of the last press or release. */
  edgeAt = 0;
  private longTimer: NodeJS.Timeout | undefined;
  private clickTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly id: number,
    private readonly host: ButtonSimHost,
  ) {}

  private wall(boardMs: number): number {
    const s = this.host.speed();
    return s > 0 ? boardMs / s : boardMs;
  }

  private send(e: number): void {
    this.host.event(this.id, e);
  }

  press(): void {
    if (this.down) return;
    this.down = true;
    this.edgeAt = performance.now();
    clearTimeout(this.clickTimer);
    this.phase = this.phase === 'wait-second' ? 'pressed-second' : 'pressed';
    this.send(ButtonEvent.DOWN);
    clearTimeout(this.longTimer);
    this.longTimer = setTimeout(() => {
      if (!this.down || (this.phase !== 'pressed' && this.phase !== 'pressed-second')) return;
      this.phase = 'long';
      this.send(ButtonEvent.LONG);
    }, this.wall(BUTTON_LONG_MS));
  }

  release(): void {
    if (!this.down) return;
    this.down = false;
    this.edgeAt = performance.now();
    clearTimeout(this.longTimer);
    this.send(ButtonEvent.UP);
    if (this.phase === 'pressed') {
      this.phase = 'wait-second';
      this.clickTimer = setTimeout(() => {
        if (this.phase !== 'wait-second') return;
        this.phase = 'idle';
        this.send(ButtonEvent.CLICK);
      }, this.wall(BUTTON_DOUBLE_MS));
    } else if (this.phase === 'pressed-second') {
      this.phase = 'idle';
      this.send(ButtonEvent.DOUBLE);
    } else {
      this.phase = 'idle'; // released after LONG: no click
    }
  }

  /** Held time on the board's clock, in ms (0 when up). */
  heldMs(): number {
    if (!this.down) return 0;
    const s = this.host.speed();
    return (performance.now() - this.edgeAt) * (s > 0 ? s : 1);
  }

  /** Board-clock ms since the last press (for the tap rule at UP). */
  sinceEdgeMs(): number {
    const s = this.host.speed();
    return (performance.now() - this.edgeAt) * (s > 0 ? s : 1);
  }

  reset(): void {
    clearTimeout(this.longTimer);
    clearTimeout(this.clickTimer);
    this.phase = 'idle';
    this.down = false;
  }
}

export class ButtonSim {
  private readonly buttons: OneButton[];

  constructor(count: number, host: ButtonSimHost) {
    this.buttons = Array.from({ length: Math.max(1, count) }, (_, i) => new OneButton(i, host));
  }

  private get(id: number): OneButton {
    const b = this.buttons[id];
    if (!b) throw new RangeError(`emulated board has no button ${id} (it has ${this.buttons.length})`);
    return b;
  }

  /** Presses button `id` (the debounced edge): DOWN now, LONG if still held after 800 ms. */
  press(id: number): void {
    this.get(id).press();
  }

  /** Releases it: UP now, then CLICK (300 ms later) or DOUBLE (now), unless it sent LONG. */
  release(id: number): void {
    this.get(id).release();
  }

  isDown(id: number): boolean {
    return this.get(id).down;
  }

  /** Board-clock ms since the last press or release of `id`. */
  sinceEdgeMs(id: number): number {
    return this.get(id).sinceEdgeMs();
  }

  /** Every button released and every pending gesture forgotten (reset, unplug). */
  reset(): void {
    for (const b of this.buttons) b.reset();
  }
}

/** A BUTTON event's name ('down', 'long', …) for logs and errors. */
export const buttonEventName = (e: number): ButtonEventName | undefined => ButtonEventNames.name(e);

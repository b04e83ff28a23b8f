/**
 * Loads johnny-five (CommonJS, no bundled types) with the small typed surface hark's tests, examples
 * and README use. Types are declared here, at the one place the untyped module enters.
 */
import { createRequire } from 'node:module';

export interface FiveBoard {
  on(event: 'ready' | 'error' | 'close', listener: (...args: unknown[]) => void): FiveBoard;
  once(event: 'ready' | 'error', listener: (...args: unknown[]) => void): FiveBoard;
  isReady: boolean;
}
export interface FiveLed {
  on(): FiveLed;
  off(): FiveLed;
  toggle(): FiveLed;
  blink(ms?: number): FiveLed;
  brightness(value: number): FiveLed;
  stop(): FiveLed;
  readonly isOn: boolean;
}
export interface FiveButton {
  on(event: 'press' | 'release' | 'hold', listener: () => void): FiveButton;
  readonly isDown: boolean;
}
export interface FiveServo {
  to(degrees: number): FiveServo;
  readonly position: number;
}
export interface FiveModule {
  Board: new (opts: {
    io: unknown;
    repl: boolean;
    debug: boolean;
    sigint: boolean;
    timeout?: number;
  }) => FiveBoard;
  Led: new (pin: number | { pin: number; board?: FiveBoard }) => FiveLed;
  Button: new (pin: number | { pin: number; board?: FiveBoard; invert?: boolean }) => FiveButton;
  Servo: new (pin: number | { pin: number; board?: FiveBoard }) => FiveServo;
}

/** johnny-five, loaded on first use (it is only needed when a command pack drives pins). */
export function loadJohnnyFive(): FiveModule {
  return createRequire(import.meta.url)('johnny-five') as FiveModule;
}

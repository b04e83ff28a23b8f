/**
 * What a conformance check is and what it gets: the bare host, the handshake in force, and — when the
 * board can be driven — a driver for its buttons and reset, or a person to ask.
 */
import type { Hello, HelloAck } from '../../protocol/ts/messages.js';
import type { RawHost } from './raw-host.js';

/** Drives a board that a program can drive (the emulators; a rig with a relay on the button). */
export interface BoardDriver {
  /** Presses button `id` (contact closed). */
  press(id: number): void | Promise<void>;
  /** Releases it. */
  release(id: number): void | Promise<void>;
  /** Resets the board (power cycle, reset pin); resolves once the reset happened. Optional. */
  reset?(): Promise<void>;
  /** Board time per wall time (the TypeScript emulator's `speed`); 1 for real boards. */
  readonly speed?: number;
}

/** Asks a person at the board to do something; resolves when they say it is done. */
export interface Prompter {
  ask(instruction: string): Promise<void>;
}

export interface CheckContext {
  readonly host: RawHost;
  /** The HELLO and HELLO_ACK of the handshake in force. */
  hello: Hello & { seq: number };
  ack: HelloAck;
  readonly driver: BoardDriver | undefined;
  readonly prompter: Prompter | undefined;
  /** A fresh handshake (new host_session unless given); updates hello and ack. */
  handshake(ack?: Partial<HelloAck>): Promise<void>;
  /** Sleeps `ms` of wall time (timing checks measure gaps; nothing waits on a sleep for an event). */
  pause(ms: number): Promise<void>;
}

/** Heartbeat PINGs of the suite use tokens from here up; checks use tokens below. */
export const KEEPALIVE_TOKEN_MIN = 0x8000_0000;

/** Why a check could not run (printed with the result). */
export class Skip {
  constructor(readonly reason: string) {}
}

/** A check that ran and found the board at fault. */
export class CheckFailure extends Error {}

export interface Check {
  /** SPEC clause number, e.g. "2.3.2". */
  clause: string;
  title: string;
  /**
   * The suite sends heartbeat PINGs (tokens ≥ 0x80000000, KEEPALIVE_TOKEN_MIN) during every check, as a
   * host does, so a slow check never looks like a host gone. `quiet` checks run without them (the
   * host-gone check itself, the window-pacing check that counts every byte in flight).
   */
  quiet?: boolean;
  /** Resolves with a Skip, or nothing when the check passed; throws CheckFailure when it failed. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a check that passes returns nothing at all
  run(ctx: CheckContext): Promise<Skip | undefined | void>;
}

export type Status = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  clause: string;
  title: string;
  status: Status;
  /** Why it failed or was skipped. */
  detail?: string;
  ms: number;
}

/** Fails the check with `why` unless `cond`. */
export function expect(cond: unknown, why: string): asserts cond {
  if (!cond) throw new CheckFailure(why);
}

/** The minor version the board announced; checks of 1.1 rules skip a 1.0 board. */
export const boardMinor = (ctx: CheckContext): number => ctx.hello.versionMinor;

export const needs11 = (ctx: CheckContext): Skip | undefined =>
  boardMinor(ctx) >= 1 ? undefined : new Skip('the board speaks 1.0: a 1.1 rule');

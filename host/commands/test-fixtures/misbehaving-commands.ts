/**
 * Test fixture: commands that misbehave on purpose (busy-wait, exit their worker, throw, never
 * return). Blocking ones are exported so the command worker can import this module by path.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, threadId } from 'node:worker_threads';
import { command } from '../command.js';

/** Spins the CPU for `ms` without yielding (what a careless synchronous handler does). */
export function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

export const blockingCommands = [
  command(
    'busy wait $ms:Number',
    ({ ms }) => {
      busyWait(ms);
      return { text: `waited ${ms} ms`, parameters: { isMainThread, threadId } };
    },
    { blocking: true, timeoutMs: 30_000 },
  ),
  command(
    'exit worker',
    () => {
      process.exit(3);
    },
    { blocking: true },
  ),
  command(
    'throw in worker',
    () => {
      throw new Error('worker kaput');
    },
    { blocking: true },
  ),
  command(
    'spin forever',
    () => {
      for (;;) busyWait(1000);
    },
    { blocking: true, timeoutMs: 300 },
  ),
  command(
    'ask in worker',
    (_p, ctx) => {
      ctx.respond({ text: 'also this' });
      return { text: 'sure?', needsInput: true, commands: ['confirm'], parameters: { from: 'worker' } };
    },
    { blocking: true },
  ),
  command('confirm', (_p, ctx) => ({ text: `confirmed from ${ctx.parameters.from}` }), {
    followUpOnly: true,
  }),
];

/** Async handlers that block the event loop: the watchdog must name them. */
export const loopBlockers = [
  command('hog the loop for $ms:Number', ({ ms }) => {
    busyWait(ms);
    return { text: 'done hogging' };
  }),
  command('hog the loop later for $ms:Number', async ({ ms }) => {
    await sleep(5);
    busyWait(ms);
    return { text: 'done hogging later' };
  }),
];

/**
 * Conformance checks of button gestures and push-to-talk (SPEC §9.1, §9.2). A board with a driver is
 * pressed by the program; otherwise a person is asked (on a terminal) or the check is skipped.
 */
import {
  AudioEndReason,
  AudioTrigger,
  ButtonEvent,
  ButtonEventNames,
  type MessageOf,
} from '../../protocol/ts/messages.js';
import { BUTTON_DOUBLE_MS, BUTTON_LONG_MS } from '../../protocol/ts/rules.js';
import { type Check, type CheckContext, CheckFailure, expect, Skip } from './check.js';
import { startCapture, stopCapture } from './steps.js';

type ButtonMsg = MessageOf<'BUTTON'> & { seq: number; at: number };

/** A gesture done by the driver (board time scaled by its speed) or asked of a person. */
async function perform(ctx: CheckContext, kind: 'hold' | 'click' | 'double'): Promise<Skip | undefined> {
  const d = ctx.driver;
  if (!d) {
    if (!ctx.prompter)
      return new Skip('needs someone to press button 0: run it on a terminal, or drive the board');
    const say = {
      hold: 'Press and hold button 0 for about 2 seconds, then release it.',
      click: 'Click button 0 once (a short press).',
      double: 'Double-click button 0 (two short presses).',
    }[kind];
    await ctx.prompter.ask(say);
    return undefined;
  }
  const wall = (boardMs: number) => boardMs / (d.speed && d.speed > 0 ? d.speed : 1);
  const since = performance.now();
  // Each step waits for the board's own event, so the presses are as short as the board allows and
  // a loaded machine does not stretch a double-click past its 300 ms window.
  const step = async (event: number, act: () => void | Promise<void>) => {
    const count = () =>
      ctx.host.all('BUTTON', since).filter((b) => b.button === 0 && b.event === event).length;
    const want = count() + 1;
    await act();
    await ctx.host.next('BUTTON', {
      since,
      pred: () => count() >= want,
      // Generous: a simulated board on a loaded machine falls behind the wall clock; a passing board
      // answers at once, only a failing one waits this long.
      timeoutMs: wall(BUTTON_LONG_MS) + 8000,
      what: `BUTTON ${ButtonEventNames.name(event)}`,
    });
  };
  try {
    await step(ButtonEvent.DOWN, () => d.press(0));
    if (kind === 'hold') {
      await step(ButtonEvent.LONG, () => {});
      await ctx.pause(wall(100));
    }
    await step(ButtonEvent.UP, () => d.release(0));
    if (kind === 'double') {
      await step(ButtonEvent.DOWN, () => d.press(0));
      await step(ButtonEvent.UP, () => d.release(0));
    }
  } catch (e) {
    await d.release(0);
    throw new CheckFailure(
      `${(e as Error).message}; got ${names(ctx.host.all('BUTTON', since)) || 'no BUTTON'}`,
    );
  }
  return undefined;
}

const names = (bs: ButtonMsg[]) => bs.map((b) => ButtonEventNames.name(b.event) ?? b.event).join(', ');

/** Button 0's events from `since` until `last` arrives (or the timeout names what was seen). */
async function eventsUntil(
  ctx: CheckContext,
  since: number,
  last: number,
  timeoutMs: number,
): Promise<ButtonMsg[]> {
  try {
    await ctx.host.next('BUTTON', {
      since,
      pred: (b) => b.button === 0 && b.event === last,
      timeoutMs,
      what: `BUTTON ${ButtonEventNames.name(last)}`,
    });
  } catch (e) {
    throw new CheckFailure(
      `${(e as Error).message}; got ${names(ctx.host.all('BUTTON', since)) || 'no BUTTON'}`,
    );
  }
  return ctx.host.all('BUTTON', since).filter((b) => b.button === 0);
}

export const BUTTON_CHECKS: Check[] = [
  {
    clause: '9.1.1',
    title: 'a hold past 800 ms gives DOWN, LONG (while held), UP, and neither CLICK nor DOUBLE',
    async run(ctx) {
      const since = performance.now();
      const skip = await perform(ctx, 'hold');
      if (skip) return skip;
      const evs = await eventsUntil(ctx, since, ButtonEvent.UP, 20_000);
      await ctx.pause(BUTTON_DOUBLE_MS + 200);
      const all = ctx.host.all('BUTTON', since).filter((b) => b.button === 0);
      expect(
        evs.map((b) => b.event).join() === [ButtonEvent.DOWN, ButtonEvent.LONG, ButtonEvent.UP].join(),
        `events ${names(evs)}`,
      );
      expect(all.length === 3, `after UP also ${names(all.slice(3))}`);
      const speed = ctx.driver?.speed ?? 1;
      const longAfter = (evs[1]!.at - evs[0]!.at) * speed;
      expect(
        longAfter >= BUTTON_LONG_MS * 0.85,
        `LONG ${Math.round(longAfter)} ms after DOWN, before ${BUTTON_LONG_MS} ms`,
      );
    },
  },
  {
    clause: '9.2.1',
    title:
      'push-to-talk: DOWN opens a stream (trigger 0), UP ends it (reason 0); the LONG in between changes nothing',
    async run(ctx) {
      const since = performance.now();
      const skip = await perform(ctx, 'hold');
      if (skip) return skip;
      const start = await ctx.host.next('AUDIO_START', { since, what: 'AUDIO_START after DOWN' });
      const end = await ctx.host.next('AUDIO_END', {
        since,
        pred: (e) => e.stream === start.stream,
        timeoutMs: 20_000,
      });
      const evs = ctx.host.all('BUTTON', since);
      const down = evs.find((b) => b.event === ButtonEvent.DOWN);
      const up = evs.find((b) => b.event === ButtonEvent.UP);
      expect(start.trigger === AudioTrigger.BUTTON, `trigger ${start.trigger}, expected 0 (button)`);
      expect(down && start.at >= down.at, 'AUDIO_START before BUTTON DOWN');
      expect(up && end.at >= up.at, 'the stream ended before the button was released (LONG ended it?)');
      expect(end.reason === AudioEndReason.BUTTON_RELEASED, `AUDIO_END reason ${end.reason}, expected 0`);
    },
  },
  {
    clause: '9.1.1',
    title: 'a short press gives DOWN, UP, then CLICK about 300 ms after UP',
    async run(ctx) {
      const since = performance.now();
      const skip = await perform(ctx, 'click');
      if (skip) return skip;
      const evs = await eventsUntil(ctx, since, ButtonEvent.CLICK, 20_000);
      expect(
        evs.map((b) => b.event).join() === [ButtonEvent.DOWN, ButtonEvent.UP, ButtonEvent.CLICK].join(),
        `events ${names(evs)}`,
      );
      const speed = ctx.driver?.speed ?? 1;
      const gap = (evs[2]!.at - evs[1]!.at) * speed;
      expect(
        gap >= BUTTON_DOUBLE_MS * 0.8,
        `CLICK ${Math.round(gap)} ms after UP: the double-click window is ${BUTTON_DOUBLE_MS} ms`,
      );
    },
  },
  {
    clause: '9.1.1',
    title: 'two short presses give DOWN, UP, DOWN, UP, DOUBLE and no CLICK',
    async run(ctx) {
      const since = performance.now();
      const skip = await perform(ctx, 'double');
      if (skip) return skip;
      const evs = await eventsUntil(ctx, since, ButtonEvent.DOUBLE, 20_000);
      await ctx.pause(BUTTON_DOUBLE_MS + 200);
      const all = ctx.host.all('BUTTON', since).filter((b) => b.button === 0);
      const want = [ButtonEvent.DOWN, ButtonEvent.UP, ButtonEvent.DOWN, ButtonEvent.UP, ButtonEvent.DOUBLE];
      expect(evs.map((b) => b.event).join() === want.join(), `events ${names(evs)}`);
      expect(!all.some((b) => b.event === ButtonEvent.CLICK), `a CLICK too: ${names(all)}`);
    },
  },
  {
    clause: '9.1.2',
    title: 'a press during a host capture is reported as BUTTON only: no second stream, the capture goes on',
    async run(ctx) {
      if (!ctx.driver) return new Skip('needs the button pressed while a capture runs: a driven board only');
      const since = performance.now();
      const start = await startCapture(ctx);
      const skip = await perform(ctx, 'click');
      if (skip) return skip;
      await eventsUntil(ctx, since, ButtonEvent.CLICK, 10_000);
      expect(ctx.host.all('AUDIO_START', since).length === 1, 'the press started a second stream');
      expect(
        !ctx.host.all('AUDIO_END', since).some((e) => e.stream === start.stream),
        'the press ended the capture',
      );
      await stopCapture(ctx, start.stream);
    },
  },
];

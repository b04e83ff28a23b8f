/**
 * No process-wide host: two pipelines in one process, each with its own board, ASR worker and command
 * isolation, side by side. A command reaches its own board's pins through ctx.io(); neither pipeline
 * knows the other's board; closing one leaves the other serving.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import pack from '../../examples/typescript-starter/src/index.js';
import { Harness } from '../../host/cli/demo-harness.js';

test('two pipelines in one process serve their own boards; closing one leaves the other', async () => {
  const [one, two] = await Promise.all([
    Harness.start({ commands: pack, asrThreads: 1 }),
    Harness.start({ commands: pack, asrThreads: 1 }),
  ]);
  let twoClosed = false;
  try {
    const a = await one.addBoard({ uid: 'pipeline-one-board', speed: 4 });
    const b = await two.addBoard({ uid: 'pipeline-two-board', speed: 4 });
    assert.notEqual(one.pipeline.io(a.boardId), two.pipeline.io(b.boardId));
    assert.throws(
      () => one.pipeline.io(b.boardId),
      (e) => isHarkError(e, 'HARK_ERR_GPIO_NOT_READY'),
    );
    assert.throws(
      () => two.pipeline.io(a.boardId),
      (e) => isHarkError(e, 'HARK_ERR_GPIO_NOT_READY'),
    );

    const [e1, e2] = [one.events.length, two.events.length];
    await Promise.all([one.say(a.boardId, 'turn the light on'), two.say(b.boardId, 'turn the light on')]);
    await Promise.all([one.idleAfter(a.boardId, e1), two.idleAfter(b.boardId, e2)]);
    // The pack drives the first spare output (pin 2 on the emulated board) through ctx.io().
    await one.waitFor('board one’s light pin high', () =>
      a.board.gpio.pins.get(2)?.value === 1 ? true : undefined,
    );
    await two.waitFor('board two’s light pin high', () =>
      b.board.gpio.pins.get(2)?.value === 1 ? true : undefined,
    );
    for (const [h, id] of [
      [one, a.boardId],
      [two, b.boardId],
    ] as const) {
      const fired = h.events.filter((e) => e.event === 'command');
      assert.deepEqual(
        fired.map((e) => e.boardId),
        [id],
        'each pipeline ran only its own board’s command',
      );
    }

    await two.close();
    twoClosed = true;
    const e3 = one.events.length;
    await one.say(a.boardId, 'volume up');
    await one.idleAfter(a.boardId, e3);
    assert.ok(one.events.slice(e3).some((e) => e.event === 'command' && e.command === 'volume up'));
  } finally {
    await one.close();
    if (!twoClosed) await two.close();
  }
});

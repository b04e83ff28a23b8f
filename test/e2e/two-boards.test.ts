/** Two emulated boards on two ptys served at once, speaking different commands at the same time. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';

test('two boards speak at once and each gets its own command and answer', async () => {
  const h = await Harness.start({ commands: demo, asrThreads: 2 });
  try {
    const a = await h.addBoard({ uid: 'e2e-a', speed: 4 });
    const b = await h.addBoard({ uid: 'e2e-b', speed: 4 });
    const e0 = h.events.length;
    await Promise.all([h.say(a.boardId, 'turn the light on'), h.say(b.boardId, 'set the volume to forty')]);
    await Promise.all([h.idleAfter(a.boardId, e0), h.idleAfter(b.boardId, e0)]);
    const fired = h.events
      .slice(e0)
      .filter((e): e is Extract<PipelineEvent, { event: 'command' }> => e.event === 'command');
    const byBoard = new Map(fired.map((c) => [c.boardId, c]));
    assert.equal(byBoard.get(a.boardId)?.command, 'lights');
    assert.deepEqual(byBoard.get(a.boardId)?.params, { state: true });
    assert.equal(byBoard.get(b.boardId)?.command, 'volume level');
    assert.deepEqual(byBoard.get(b.boardId)?.params, { level: 40 });
    await h.waitFor('each board to get its own answer', () =>
      h.received.some(
        (o) => o.boardId === a.boardId && o.kind === 'led' && o.detail.r === 255 && o.detail.g === 255,
      ) && h.received.some((o) => o.boardId === b.boardId && o.kind === 'volume' && o.detail.value === 40)
        ? true
        : undefined,
    );
    assert.ok(
      !h.received.some(
        (o) =>
          o.boardId === b.boardId &&
          o.kind === 'led' &&
          o.detail.r === 255 &&
          o.detail.g === 255 &&
          o.detail.b === 255,
      ),
      'board B never got the light of board A',
    );
    assert.ok(
      !h.received.some((o) => o.boardId === a.boardId && o.kind === 'volume' && o.detail.value === 40),
      'board A never got the volume of board B',
    );
  } finally {
    await h.close();
  }
});

/**
 * A blocking command freezes the main thread for 5 s while a person at a board (in a thread of its own)
 * says three commands back to back. Their audio waits in the link worker; once main runs again, every
 * one of them is transcribed and run, in order — none is dropped (the session used to ignore an
 * AUDIO_START that came while it was still thinking). The watchdog reports the block with its true
 * length.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness, spoken } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';
import { ScriptedBoard } from '../helpers/scripted-board.js';

test('utterances spoken while main is blocked are all run afterwards, in order', async () => {
  const h = await Harness.start({ commands: demo, asrThreads: 1 });
  const board = await ScriptedBoard.start({ uid: 'block-board', speed: 2 });
  try {
    const acked = board.acked();
    const info = await h.pipeline.open({ path: board.hostPath });
    await acked;
    const texts = ['turn the light on', 'volume up', 'volume down'];
    const audio = await Promise.all(texts.map((t) => spoken(t)));
    const e0 = h.events.length;
    const { started, done } = board.speak(audio);
    await started;
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      // A blocking command handler on the main thread: nothing else runs for 5 s.
    }
    const { results } = await done;
    assert.equal(results.length, 3);
    const commands = () =>
      h.events
        .slice(e0)
        .filter((e): e is Extract<PipelineEvent, { event: 'command' }> => e.event === 'command')
        .map((e) => e.command);
    await h.waitFor('three commands', () => (commands().length >= 3 ? true : undefined), 60_000);
    const third = h.events.findLastIndex((e) => e.event === 'command');
    await h.idleAfter(info.boardId, third);
    assert.deepEqual(commands(), ['lights', 'volume up', 'volume down']);
    const errors = h.events.slice(e0).filter((e) => e.event === 'error');
    assert.ok(
      !errors.some((e) => e.code === 'HARK_ERR_SESSION_DISCARDED'),
      `no utterance discarded: ${JSON.stringify(errors)}`,
    );
    // The watchdog's report arrives once its worker sees main's heartbeat again, which on a loaded
    // machine can be after the three answers: wait for it.
    const blocked = await h.waitFor("the watchdog's report of the block (HARK_ERR_COMMANDS_BLOCKED)", () =>
      h.events
        .slice(e0)
        .find(
          (e): e is Extract<PipelineEvent, { event: 'error' }> =>
            e.event === 'error' && e.code === 'HARK_ERR_COMMANDS_BLOCKED',
        ),
    );
    const ms = Number((blocked.details as { blockedMs?: number } | undefined)?.blockedMs);
    assert.ok(ms >= 4900 && ms < 8000, `the block's true length is reported: ${ms} ms`);
  } finally {
    await board.close();
    await h.close();
  }
});

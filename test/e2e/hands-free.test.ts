/**
 * Hands-free over a real pty: the host keeps a continuous capture open, recognises
 * "<wake phrase> <command>" with the command grammar, and ignores speech without the wake phrase.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness, spoken } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';

test('wake phrase + command runs the command; speech without it is ignored', async () => {
  const h = await Harness.start({
    commands: demo,
    asrThreads: 1,
    config: { listenMode: 'wake', wakePhrase: 'hey computer' },
  });
  try {
    const silence = { sampleRate: 16000, samples: new Int16Array(1600) };
    const [withWake, withoutWake] = await Promise.all([
      spoken('hey computer turn the light on'),
      spoken('what time is it'),
    ]);
    const { boardId, board } = await h.addBoard({ uid: 'e2e-wake', speed: 4 });
    const commands = () =>
      h.events.filter((e): e is Extract<PipelineEvent, { event: 'command' }> => e.event === 'command');

    board.setAudio(withoutWake);
    // The wake grammar only accepts "<wake phrase> [<command>]": other speech yields no command.
    await h.waitFor(
      'the utterance without the wake phrase to be transcribed',
      () => h.events.some((e) => e.event === 'transcript') || undefined,
    );
    assert.equal(commands().length, 0, 'no wake phrase, no command');
    assert.ok(
      h.received.some((o) => o.kind === 'capture' && o.detail.mode === 1),
      'continuous capture requested',
    );

    board.setAudio(withWake);
    await h.waitFor('the command after the wake phrase', () => commands()[0]);
    board.setAudio(silence); // the emulator replays its audio on every capture
    const fired = commands()[0]!;
    assert.equal(fired.command, 'lights');
    assert.deepEqual(fired.params, { state: true });
    assert.equal(fired.boardId, boardId);
  } finally {
    await h.close();
  }
});

/**
 * Hands-free over a real pty: the host keeps a continuous capture open and listens for the wake
 * phrase alone (a keyphrase search); speech without it opens nothing, and only after an accepted
 * wake phrase is the command decoded (with the command grammar and rejection).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatPcm } from '../../base/audio/concat.js';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness, spoken } from '../../host/cli/demo-harness.js';
import type { PipelineEvent } from '../../host/pipeline.js';

test('speech without the wake phrase opens nothing; the wake phrase then a command runs it', async () => {
  const h = await Harness.start({
    commands: demo,
    asrThreads: 1,
    config: { listenMode: 'wake', wakePhrase: 'hey computer' },
  });
  try {
    const silence = { sampleRate: 16000, samples: new Int16Array(1600) };
    const [withWake, withoutWake] = await Promise.all([
      spoken('hey computer turn the light on'),
      // Long enough (over 3 s of speech) for the live cepstral mean of a board never heard before to
      // adapt, as a hands-free board's does to the room before anyone says the wake phrase.
      spoken('what time is it. the weather is nice today and the sun is shining on the garden'),
    ]);
    // One continuous stream: a sentence that is not the wake phrase, a pause, then wake + command.
    const audio = {
      sampleRate: 16000,
      samples: concatPcm([withoutWake.samples, new Int16Array(16000), withWake.samples]),
    };
    const notWakeEndMs = ((withoutWake.samples.length + 8000) * 1000) / 16000;
    const { boardId, board } = await h.addBoard({ uid: 'e2e-wake', speed: 4 });
    const of = <K extends PipelineEvent['event']>(k: K) =>
      h.events.filter((e): e is Extract<PipelineEvent, { event: K }> => e.event === k);

    board.setAudio(audio);
    await h.waitFor('the command after the wake phrase', () => of('command')[0]);
    board.setAudio(silence); // the emulator replays its audio on every capture
    assert.ok(
      h.received.some((o) => o.kind === 'capture' && o.detail.mode === 1),
      'continuous capture requested',
    );
    const wakes = of('wake');
    assert.equal(
      wakes.length,
      1,
      `one wake, after the sentence without the wake phrase: ${JSON.stringify(wakes)}`,
    );
    assert.ok(wakes[0]!.atMs > notWakeEndMs, `the wake came from the wake phrase (at ${wakes[0]!.atMs} ms)`);
    const fired = of('command')[0]!;
    assert.equal(fired.command, 'lights');
    assert.deepEqual(fired.params, { state: true });
    assert.equal(fired.boardId, boardId);
    const t = of('transcript')[0]!;
    assert.equal(t.verdict, 'accepted');
    const c = t.confidence ?? -1;
    assert.ok(c > 0 && c <= 1, `confidence ${t.confidence}`);
  } finally {
    await h.close();
  }
});

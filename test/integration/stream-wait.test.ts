/**
 * ASR stream capacity (issue 15): an utterance beyond the capacity waits for a free stream, is
 * announced by an 'asr-wait' event naming the board and the limit, and is still transcribed and
 * answered — never a silent queue, never a lost utterance. Real ptys, real pocketsphinx.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness } from '../../host/cli/demo-harness.js';
import { ConfigStore } from '../../host/config/index.js';
import type { PipelineEvent } from '../../host/pipeline.js';

const defaults = () => new ConfigStore({ cwd: '/nonexistent/hark-test', configName: 'none' }).resolve();
type Wait = Extract<PipelineEvent, { event: 'asr-wait' }>;

async function twoAtOnce(streamsPerWorker: number): Promise<{ waits: Wait[]; commands: string[] }> {
  const base = defaults();
  const h = await Harness.start({
    commands: demo,
    asrThreads: 1,
    config: { transcription: { ...base.transcription, streamsPerWorker } },
  });
  try {
    const a = await h.addBoard({ uid: 'wait-a', speed: 4 });
    const b = await h.addBoard({ uid: 'wait-b', speed: 4 });
    const e0 = h.events.length;
    // Both press at once: B's stream opens while A's is still decoding (its audio lasts > 0.4 s).
    await Promise.all([h.say(a.boardId, 'turn the light on'), h.say(b.boardId, 'set the volume to forty')]);
    await Promise.all([h.idleAfter(a.boardId, e0), h.idleAfter(b.boardId, e0)]);
    const later = h.events.slice(e0);
    return {
      waits: later.filter((e): e is Wait => e.event === 'asr-wait'),
      commands: later.flatMap((e) => (e.event === 'command' ? [`${e.boardId}:${e.command}`] : [])).sort(),
    };
  } finally {
    await h.close();
  }
}

test('one stream for two boards: the second utterance waits, is announced, and is still answered', async () => {
  const { waits, commands } = await twoAtOnce(1);
  assert.equal(waits.length, 1, `one utterance waited: ${JSON.stringify(waits)}`);
  assert.equal(waits[0]!.capacity, 1);
  assert.equal(waits[0]!.open, 2);
  assert.match(
    waits[0]!.message,
    /waits for a free speech-recognition stream.*transcription\.streamsPerWorker/,
  );
  assert.deepEqual(
    commands,
    ['wait-a:lights', 'wait-b:volume level'],
    'both utterances were transcribed and run',
  );
});

test('with the capacity sized from the machine, two boards never wait', async () => {
  const { waits, commands } = await twoAtOnce(0);
  assert.deepEqual(waits, []);
  assert.deepEqual(commands, ['wait-a:lights', 'wait-b:volume level']);
});

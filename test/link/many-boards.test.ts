/** One host, eight boards at once over real ptys; one board unplugged mid-utterance disturbs no other. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { LinkManager } from '../../host/link/index.js';
import { collectAudio, expectedChunk, sweep, waitFor } from '../helpers/link.js';

test('8 boards stream at once; unplugging one loses no frame of the other seven', async () => {
  const audio = sweep(3);
  const link = await LinkManager.start();
  const boards = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      EmulatedBoard.overPty({ uid: `multi-${i}`, audio, speed: 2, bootNoise: false }),
    ),
  );
  const got = collectAudio(link);
  try {
    const acks = boards.map((b) => waitFor(b, 'ack'));
    const infos = await Promise.all(boards.map((b) => link.open({ path: b.hostPath })));
    await Promise.all(acks);
    assert.deepEqual(infos.map((i) => i.boardId).sort(), boards.map((b) => b.uid).sort());
    const victim = boards[0]!;
    const utterances = boards.slice(1).map((b) => b.utter());
    const victimStarted = waitFor(victim, 'stream-start');
    void victim.utter().catch(() => {});
    await victimStarted;
    await new Promise((r) => setTimeout(r, 300));
    const aborted = waitFor(link, 'audio-abort');
    await victim.unplug();
    assert.equal(((await aborted) as { boardId: string }).boardId, 'multi-0');
    const results = await Promise.all(utterances);
    for (const [i, b] of boards.slice(1).entries()) {
      const s = got.streams.find((x) => x.boardId === b.uid)!;
      assert.equal((await s.done).kind, 'end', `${b.uid} ended normally`);
      assert.equal(s.chunks.size, results[i]!.chunks, `${b.uid} lost chunks`);
      assert.equal(s.gaps, 0);
      assert.deepEqual(s.chunks.get(7), expectedChunk(audio, 7));
      const st = await link.stats(b.uid);
      assert.equal(st.audioGaps, 0);
      assert.equal(st.framesLost, 0);
      assert.equal(st.state, 'ready');
    }
  } finally {
    got.stop();
    await link.close();
    await Promise.all(boards.map((b) => b.close()));
  }
});

/**
 * The link worker keeps reading while the main thread is blocked: boards run in their own thread
 * (EmulatorThread) and stream in real time while main busy-waits for 5 s; not one audio frame is lost.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatorThread } from '../../boards/emulator/remote.js';
import { LinkManager } from '../../host/link/index.js';
import { collectAudio, sweep, waitFor } from '../helpers/link.js';

test('a 5 s main-thread block loses no audio frame from any board', async () => {
  const audio = sweep(7);
  const thread = await EmulatorThread.start();
  const link = await LinkManager.start({ heartbeatMs: 1000 });
  const got = collectAudio(link);
  try {
    const boards = await Promise.all(
      [0, 1, 2].map((i) => thread.create({ uid: `block-${i}`, audio, speed: 1 })),
    );
    const acks = boards.map((b) => waitFor(b, 'ack'));
    await Promise.all(boards.map((b) => link.open({ path: b.hostPath })));
    await Promise.all(acks);
    const utterances = boards.map((b) => b.utter());
    await Promise.all(boards.map((b) => waitFor(b, 'stream-start')));
    await new Promise((r) => setTimeout(r, 500));
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      // A blocking command handler: the main thread does nothing else for 5 s.
    }
    const results = await Promise.all(utterances);
    for (const [i, b] of boards.entries()) {
      const s = got.streams.find((x) => x.boardId === b.uid)!;
      assert.ok(s, `no stream from ${b.uid}`);
      assert.equal((await s.done).kind, 'end');
      assert.ok(results[i]!.chunks >= 340, `7 s of audio is ≥ 340 chunks (got ${results[i]!.chunks})`);
      assert.equal(
        s.chunks.size,
        results[i]!.chunks,
        `${b.uid}: ${results[i]!.chunks - s.chunks.size} chunks lost`,
      );
      assert.equal(s.gaps, 0);
      const st = await link.stats(b.uid);
      assert.equal(st.framesLost, 0);
      assert.equal(st.audioGaps, 0);
    }
  } finally {
    got.stop();
    await link.close();
    await thread.close();
  }
});

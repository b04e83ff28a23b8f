/**
 * Dead-link detection and reconnects over real ptys: heartbeat loss, unplug in the middle of an
 * utterance, and 100 unplug/replug cycles without leaking descriptors, timers or listeners.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { type AudioAbortEvent, type BoardInfo, LinkManager, type StateEvent } from '../../host/link/index.js';
import { collectAudio, sweep, waitFor } from '../helpers/link.js';

const openFds = () => readdirSync('/proc/self/fd').length;

test('heartbeat loss (a hung board) → disconnected, then reconnected when it answers again', async () => {
  const link = await LinkManager.start({
    heartbeatMs: 150,
    handshakeTimeoutMs: 3000,
    backoff: { initialMs: 50 },
  });
  const board = await EmulatedBoard.overPty({ uid: 'hb', helloIntervalMs: 100 });
  try {
    await link.open({ path: board.hostPath });
    const down = waitFor<StateEvent>(link, 'state', (s) => s.state === 'disconnected');
    const back = waitFor<BoardInfo>(link, 'board');
    board.stall(1500);
    assert.match((await down).reason ?? '', /heartbeat lost/);
    const info = await back;
    assert.equal(info.boardId, 'hb');
    assert.equal(info.reconnects, 1);
    const s = await link.stats('hb');
    assert.equal(s.heartbeatFailures, 1);
    assert.equal(s.state, 'ready');
  } finally {
    await link.close();
    await board.close();
  }
});

test('unplug in the middle of an utterance: the stream ends with abort on its port and an audio-abort event', async () => {
  const link = await LinkManager.start({ heartbeatMs: 500, backoff: { initialMs: 50 } });
  const board = await EmulatedBoard.overPty({ uid: 'unplug', audio: sweep(5), speed: 2 });
  const audio = collectAudio(link);
  try {
    const acked = waitFor(board, 'ack');
    await link.open({ path: board.hostPath });
    await acked;
    const started = waitFor(board, 'stream-start');
    void board.utter().catch(() => {}); // never finishes: the cable is pulled first
    await started;
    await waitFor(link, 'message', () => audio.streams[0] !== undefined && audio.streams[0].chunks.size >= 5);
    const abortEvent = waitFor<AudioAbortEvent>(link, 'audio-abort');
    await board.unplug();
    const ev = await abortEvent;
    assert.equal(ev.boardId, 'unplug');
    assert.equal(ev.stream, audio.streams[0]!.stream);
    const end = await audio.streams[0]!.done;
    assert.deepEqual(end, { kind: 'abort', stream: ev.stream, reason: 'disconnected' });
    assert.ok(audio.streams[0]!.chunks.size >= 5);
    // Plugging back in brings the board back at once (fs.watch on the link directory).
    const back = waitFor<BoardInfo>(link, 'board');
    await board.replug();
    assert.equal((await back).reconnects, 1);
  } finally {
    audio.stop();
    await link.close();
    await board.close();
  }
});

test('100 unplug/replug cycles leak no file descriptors, timers or listeners', async () => {
  const link = await LinkManager.start({ heartbeatMs: 1000, backoff: { initialMs: 20, maxMs: 200 } });
  const board = await EmulatedBoard.overPty({ uid: 'cycles', bootNoise: false, helloIntervalMs: 100 });
  try {
    await link.open({ path: board.hostPath });
    // Warm up one cycle so lazily created resources (thread pool, watchers) exist before counting.
    let back = waitFor(link, 'board');
    await board.unplug();
    await board.replug();
    await back;
    const fds = openFds();
    const res = (await link.diagnostics()).activeResources.length;
    const listeners = link.listenerCount('board') + link.listenerCount('state') + board.listenerCount('ack');
    for (let i = 0; i < 100; i++) {
      back = waitFor(link, 'board', undefined, 10000);
      await board.unplug();
      await board.replug();
      await back;
    }
    const s = await link.stats('cycles');
    assert.equal(s.reconnects, 101);
    assert.equal(s.state, 'ready');
    assert.ok(openFds() <= fds, `fds grew from ${fds} to ${openFds()}`);
    const after = (await link.diagnostics()).activeResources;
    assert.ok(
      after.length <= res,
      `link worker resources grew from ${res} to ${after.length}: ${after.join(',')}`,
    );
    assert.equal(
      link.listenerCount('board') + link.listenerCount('state') + board.listenerCount('ack'),
      listeners,
    );
  } finally {
    await link.close();
    await board.close();
  }
});

test('a restarted host finds a board that the previous host had acknowledged (HELLO after 3 silent heartbeats)', async () => {
  // A 1.0 board: it answers the new host's PING with PONG only and comes back after its timeout
  // (SPEC §2.4.3). A 1.1 board comes back at once (boards/emulator/emulated-board-1-1.test.ts).
  // HELLO only at boot and when it gives up (a long interval), so no stale HELLO waits in the pty for
  // the second host to answer instead.
  const board = await EmulatedBoard.overPty({ uid: 'restart', helloIntervalMs: 10_000, versionMinor: 0 });
  try {
    const first = await LinkManager.start({ heartbeatMs: 300 });
    const acked = waitFor(board, 'ack');
    await first.open({ path: board.hostPath });
    await acked;
    // Listen before closing: the board may give up on the first host (3 × 300 ms) while close() runs.
    const gone = waitFor(board, 'host-gone');
    await first.close(); // the host process goes away; the board is still acknowledged
    const second = await LinkManager.start({ heartbeatMs: 300, handshakeTimeoutMs: 4000 });
    try {
      const info = await second.open({ path: board.hostPath });
      await gone;
      assert.equal(info.boardId, 'restart');
      assert.equal((await second.stats('restart')).state, 'ready');
    } finally {
      await second.close();
    }
  } finally {
    await board.close();
  }
});

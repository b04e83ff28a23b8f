/**
 * Per-board isolation over real ptys (issue 10 item 1): a board that floods and never reads, and a board
 * that stops reading while the host sends to it, each cost only themselves. The healthy board next to
 * them keeps its PING/PONG round trips, its audio arrives complete, and its answer (an LED frame sent
 * when its AUDIO_END reaches main) reaches it within 1 s. Blame lands on the misbehaving board only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HarkError } from '../../base/errors.js';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import {
  LinkManager,
  type MessageEvent,
  type StateEvent,
  type SuppressedEvent,
} from '../../host/link/index.js';
import { collectAudio, pingLoop, RawPeer, sweep, waitFor } from '../helpers/link.js';

/** The healthy board speaks; main answers its AUDIO_END with an LED frame. Resolves with AUDIO_END → LED at the board (ms). */
async function answerLatency(
  link: LinkManager,
  board: EmulatedBoard,
): Promise<{ ms: number; chunks: number; got: number }> {
  const got = collectAudio(link);
  const answered = new Promise<number>((resolve) => {
    let endAt = 0;
    board.once('stream-end', () => {
      endAt = performance.now();
    });
    const onEnd = (e: MessageEvent) => {
      if (e.boardId !== board.uid || e.message.type !== 'AUDIO_END') return;
      link.off('message', onEnd);
      board.once('led', () => resolve(performance.now() - endAt));
      void link.send(board.uid, {
        type: 'LED',
        index: 0xff,
        effect: 1,
        r: 0,
        g: 0,
        b: 255,
        periodMs: 0,
        durationMs: 0,
      });
    };
    link.on('message', onEnd);
  });
  try {
    const r = await board.utter();
    const ms = await answered;
    const s = got.streams.find((x) => x.boardId === board.uid)!;
    await s.done;
    return { ms, chunks: r.chunks, got: s.chunks.size };
  } finally {
    got.stop();
  }
}

test('a board that floods PINGs and HELLOs and never reads is blamed alone; the healthy board keeps answering', async (t) => {
  const link = await LinkManager.start({ heartbeatMs: 250 });
  const errors: HarkError[] = [];
  const suppressed: SuppressedEvent[] = [];
  link.on('error', (e: HarkError) => errors.push(e));
  link.on('suppressed', (e: SuppressedEvent) => suppressed.push(e));
  const healthy = await EmulatedBoard.overPty({
    uid: 'healthy-a',
    audio: sweep(1.5),
    speed: 1,
    bootNoise: false,
  });
  const pair = await PtyPair.create();
  const deaf = await RawPeer.open(pair.boardPath);
  let flood: NodeJS.Timeout | undefined;
  try {
    const acked = waitFor(healthy, 'ack');
    await link.open({ path: healthy.hostPath });
    await acked;
    const opened = link.open({ path: pair.hostPath, waitForBoard: true });
    const hello = helloForProfile(getProfile('emulated'), '0.1.0', 'deaf-a');
    deaf.send(hello);
    await opened;
    deaf.deaf(); // from now on it reads nothing
    let pings = 0;
    flood = setInterval(() => {
      for (let i = 0; i < 100; i++) deaf.send({ type: 'PING', token: ++pings });
      deaf.send(hello); // a HELLO storm too (seq ≠ 0: repeats)
    }, 2);
    const blamed = waitFor<HarkError>(
      link,
      'error',
      (e) => e.details?.boardId === 'deaf-a',
      15000,
      'an error for deaf-a',
    );
    const loop = pingLoop(link, 'healthy-a');
    const answer = await answerLatency(link, healthy);
    const e = await blamed;
    const { rounds, maxGapMs } = await loop.stop();
    t.diagnostic(
      `healthy board: ${rounds} PING round trips, longest gap ${maxGapMs} ms; AUDIO_END → LED ${Math.round(answer.ms)} ms`,
    );
    assert.match(e.code, /HARK_ERR_LINK_(LOST|STALLED)/);
    assert.match(e.message, /deaf-a/);
    if (e.code === 'HARK_ERR_LINK_LOST') assert.match(e.message, /does not read what the host sends/);
    assert.ok(
      answer.ms < 1000,
      `the healthy board's answer took ${Math.round(answer.ms)} ms after its AUDIO_END`,
    );
    assert.equal(answer.got, answer.chunks, 'the healthy board lost audio');
    assert.ok(rounds >= 3, `only ${rounds} PING round trips to the healthy board`);
    assert.deepEqual(
      errors.filter((x) => x.details?.boardId !== 'deaf-a').map((x) => x.message),
      [],
      'no error names any other board',
    );
    const st = await link.stats('healthy-a');
    assert.equal(st.state, 'ready');
    assert.equal(st.reconnects, 0);
    assert.equal(st.heartbeatFailures, 0);
    // The flood was refused and counted, not answered frame by frame.
    const refused = suppressed.filter((s) => s.boardId === 'deaf-a');
    assert.ok(refused.length > 0, 'a suppressed summary for the flooding board');
    const counts = refused.reduce<Record<string, number>>((a, s) => {
      for (const [k, v] of Object.entries(s.counts)) a[k] = (a[k] ?? 0) + v;
      return a;
    }, {});
    assert.ok((counts['PING not answered'] ?? 0) > 0, `counts: ${JSON.stringify(counts)}`);
    assert.ok(suppressed.every((s) => s.boardId !== 'healthy-a'));
  } finally {
    clearInterval(flood);
    await link.close();
    await deaf.close();
    await pair.close();
    await healthy.close();
  }
});

test('a board that stops reading while the host sends to it is declared stalled: queue dropped and counted, only it is blamed', async (t) => {
  const link = await LinkManager.start({ heartbeatMs: 1000, stallMs: 500 });
  const errors: HarkError[] = [];
  link.on('error', (e: HarkError) => errors.push(e));
  const healthy = await EmulatedBoard.overPty({
    uid: 'healthy-b',
    audio: sweep(1.5),
    speed: 1,
    bootNoise: false,
  });
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath, { answerPings: true });
  try {
    const acked = waitFor(healthy, 'ack');
    await link.open({ path: healthy.hostPath });
    await acked;
    const opened = link.open({ path: pair.hostPath, waitForBoard: true });
    peer.send(helloForProfile(getProfile('emulated'), '0.1.0', 'stops-b'));
    await opened;
    await peer.next((m) => m.type === 'HELLO_ACK', 5000, 'HELLO_ACK');
    const stalled = waitFor<HarkError>(
      link,
      'error',
      (e) => e.details?.boardId === 'stops-b',
      15000,
      'an error for stops-b',
    );
    const down = waitFor<StateEvent>(
      link,
      'state',
      (s) => s.boardId === 'stops-b' && s.state === 'disconnected',
    );
    peer.deaf(); // the firmware hangs: its USB endpoint stops taking bytes
    const loop = pingLoop(link, 'healthy-b');
    const speaking = answerLatency(link, healthy);
    // The host has a lot to say to it (more than the pty and socat can hold).
    const big = { type: 'ERROR' as const, code: 2, message: 'x'.repeat(240) };
    const sends = Array.from({ length: 1200 }, () =>
      link.send('stops-b', big).then(
        () => 'sent',
        (e: HarkError) => e.code,
      ),
    );
    const e = await stalled;
    assert.equal(e.code, 'HARK_ERR_LINK_STALLED', e.message);
    assert.match(e.message, /stops-b .*stopped reading/);
    assert.equal((await down).reason, 'stalled');
    const outcomes = await Promise.all(sends);
    const count = (c: string) => outcomes.filter((o) => o === c).length;
    assert.ok(
      count('HARK_ERR_LINK_STALLED') > 0,
      `senders of dropped frames are told: ${JSON.stringify({ sent: count('sent'), stalled: count('HARK_ERR_LINK_STALLED') })}`,
    );
    const answer = await speaking;
    const { rounds, maxGapMs } = await loop.stop();
    t.diagnostic(
      `healthy board: ${rounds} PING round trips, longest gap ${maxGapMs} ms; AUDIO_END → LED ${Math.round(answer.ms)} ms`,
    );
    assert.ok(
      answer.ms < 1000,
      `the healthy board's answer took ${Math.round(answer.ms)} ms after its AUDIO_END`,
    );
    assert.equal(answer.got, answer.chunks);
    const st = await link.stats('stops-b');
    assert.ok(st.stalls >= 1);
    assert.ok(st.framesDroppedOut > 0, 'the dropped queue is counted');
    const ok = await link.stats('healthy-b');
    assert.equal(ok.state, 'ready');
    assert.equal(ok.heartbeatFailures, 0);
    assert.equal(ok.stalls, 0);
    assert.deepEqual(
      errors.filter((x) => x.details?.boardId !== 'stops-b').map((x) => x.message),
      [],
    );
  } finally {
    await link.close();
    await peer.close();
    await pair.close();
    await healthy.close();
  }
});

/**
 * Fault injection over real ptys: 1 % of frames with a flipped bit never crash the host and cost
 * exactly the damaged frames; dropped bytes, garbage bursts and a slow link leave the link usable.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { LinkManager } from '../../host/link/index.js';
import { collectAudio, expectedChunk, sweep, waitFor } from '../helpers/link.js';

test('1 % of frames with a bit error: only the damaged frames are lost, every delivered chunk is intact', async () => {
  const audio = sweep(20);
  const link = await LinkManager.start();
  const board = await EmulatedBoard.overPty({
    uid: 'ber',
    audio,
    speed: 0,
    faults: { frameCorruptRate: 0.01, seed: 7 },
  });
  const got = collectAudio(link);
  try {
    const acked = waitFor(board, 'ack');
    await link.open({ path: board.hostPath });
    await acked;
    // Faults stop with the audio so the utterance's AUDIO_END is sure to arrive.
    board.once('audio-exhausted', () => board.setFaults({}));
    const { stream, chunks } = await board.utter();
    const s = got.streams.find((x) => x.stream === stream)!;
    assert.equal((await s.done).kind, 'end');
    const damaged = new Set(
      board.stats.damagedAudioChunks
        .filter((k) => k.startsWith(`${stream}:`))
        .map((k) => Number(k.split(':')[1])),
    );
    assert.ok(
      damaged.size >= 3,
      `the fault injector should have damaged some of ${chunks} chunks (got ${damaged.size})`,
    );
    for (let i = 0; i < chunks; i++) {
      if (damaged.has(i)) assert.ok(!s.chunks.has(i), `damaged chunk ${i} was delivered`);
      else assert.deepEqual(s.chunks.get(i), expectedChunk(audio, i), `chunk ${i} missing or altered`);
    }
    assert.equal(s.gaps, damaged.size, 'every lost chunk is reported as a gap');
    const st = await link.stats('ber');
    assert.equal(st.state, 'ready');
    assert.equal(st.audioGaps, damaged.size);
    assert.ok(st.framesBad >= 1);
  } finally {
    got.stop();
    await link.close();
    await board.close();
  }
});

test('dropped bytes, garbage bursts and a slow link: the link stays up and the next utterance is complete', async () => {
  const audio = sweep(1);
  const link = await LinkManager.start({ heartbeatMs: 1000 });
  const board = await EmulatedBoard.overPty({
    uid: 'noisy',
    audio,
    speed: 4,
    faults: { dropByteRate: 0.002, seed: 3 },
  });
  const got = collectAudio(link);
  try {
    const acked = waitFor(board, 'ack');
    await link.open({ path: board.hostPath });
    await acked;
    board.garbage(500);
    const first = await board.utter(); // some frames lose bytes; AUDIO_END may be among them
    board.garbage(2000);
    board.setFaults({ bytesPerSecond: 60_000 }); // slower than the audio at speed 4: frames queue up
    const second = await board.utter();
    await waitFor(
      link,
      'message',
      () => got.streams.some((x) => x.stream === second.stream && x.last !== undefined),
      20000,
    );
    const s = got.streams.find((x) => x.stream === second.stream)!;
    assert.equal(s.chunks.size, second.chunks, 'the clean, slow utterance arrives complete');
    assert.equal(s.gaps, 0);
    const st = await link.stats('noisy');
    assert.equal(st.state, 'ready');
    assert.equal(st.reconnects, 0);
    assert.ok(st.framesBad >= 2, `garbage and damaged frames are counted (got ${st.framesBad})`);
    assert.ok(first.chunks > 0);
  } finally {
    got.stop();
    await link.close();
    await board.close();
  }
});

test('a board flooding LOG frames is rate-limited before main; the link stays usable', async () => {
  const link = await LinkManager.start();
  const board = await EmulatedBoard.overPty({ uid: 'flood', audio: sweep(0.2), speed: 4 });
  let logs = 0;
  link.on('message', (e: { message: { type: string } }) => {
    if (e.message.type === 'LOG') logs++;
  });
  const got = collectAudio(link);
  try {
    const acked = waitFor(board, 'ack');
    await link.open({ path: board.hostPath });
    await acked;
    for (let i = 0; i < 5000; i++) board.send({ type: 'LOG', level: 1, text: `flood ${i}` });
    const r = await board.utter(); // utterance boundaries are never dropped
    const s = await waitFor(link, 'message', () => got.streams[0]?.last !== undefined, 15000).then(
      () => got.streams[0]!,
    );
    assert.equal(s.chunks.size, r.chunks);
    const st = await link.stats('flood');
    assert.ok(st.messagesDropped > 0, 'the flood was limited');
    assert.ok(
      logs < 5000 && logs + st.messagesDropped >= 5000,
      `${logs} delivered, ${st.messagesDropped} dropped`,
    );
    assert.equal(st.state, 'ready');
  } finally {
    got.stop();
    await link.close();
    await board.close();
  }
});

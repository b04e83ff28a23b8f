/**
 * Host pacing for small boards (SPEC §1.4, issue 12 item 3): a board with a 64-byte receive buffer that
 * really drops what does not fit (a raw pty peer playing an Uno's UART ring and a loop that empties it
 * at 16 bytes a millisecond) resets, and the host replays full GPIO state to it — 18 frames, ~200 bytes
 * back to back. Paced by PING/PONG barriers, not one byte is dropped and every frame arrives; the same
 * board announcing no window (rx_window_bytes 0) loses frames, which shows the peer bites.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import { type BoardInfo, LinkManager } from '../../host/link/index.js';
import type { Hello, Message } from '../../protocol/ts/messages.js';
import { RawPeer, waitFor } from '../helpers/link.js';

const PINS = [2, 3, 4, 5, 6, 7, 8, 9, 10];
/** What a johnny-five plugin replays after a reset: every pin's mode, then its output. */
const replay = (): Message[] => [
  ...PINS.map((pin): Message => ({ type: 'GPIO_MODE', pin, mode: 1 })),
  ...PINS.map((pin, i): Message => ({ type: 'GPIO_WRITE', pin, value: i % 2 })),
];

async function resetAndReplay(hello: Hello, uid: string, bytesPerMs = 16) {
  const link = await LinkManager.start({ heartbeatMs: 1000 });
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath, { answerPings: true, rxBufferBytes: 64, bytesPerMs });
  try {
    const opened = link.open({ path: pair.hostPath, profile: 'arduino-uno-electret' });
    peer.send(hello);
    await opened;
    await peer.next((m) => m.type === 'HELLO_ACK');
    // The board resets (HELLO with seq 0 again) and says so in a couple of start-up LOG frames.
    const again = waitFor<BoardInfo>(link, 'board');
    peer.resetSeq();
    peer.send(hello);
    peer.send({ type: 'LOG', level: 1, text: 'hark uno: boot' });
    await again;
    const before = peer.received.length;
    const frames = replay();
    await Promise.all(frames.map((m) => link.send(uid, m)));
    // Everything was handed to the OS; a barrier proves the board processed what it got.
    await link.send(uid, { type: 'PING', token: 0x77 });
    await peer
      .next((m) => m.type === 'PING' && m.token === 0x77, 10_000, 'the final PING')
      .catch(() => undefined);
    const got = peer.received.slice(before).filter((m) => m.type === 'GPIO_MODE' || m.type === 'GPIO_WRITE');
    const stats = await link.stats(uid);
    return {
      sent: frames.length,
      got: got.length,
      dropped: peer.droppedBytes,
      bad: peer.framesBad,
      peak: peer.maxBufferedBytes,
      stats,
      frames,
      gotFrames: got,
    };
  } finally {
    await link.close();
    await peer.close();
    await pair.close();
  }
}

test('a 64-byte board (1.1, rx_window_bytes 64) gets the full GPIO replay after a reset: 0 frames lost', async (t) => {
  const hello = helloForProfile(getProfile('arduino-uno-electret'), '0.1.0', 'uno-11');
  assert.equal(hello.rxWindowBytes, 64);
  const r = await resetAndReplay(hello, 'uno-11');
  t.diagnostic(
    `${r.got}/${r.sent} GPIO frames, ${r.dropped} bytes dropped, buffer peak ${r.peak}/64, ${r.stats.pacingBarriers} barriers, most unproven ${r.stats.maxUnprovenBytes} B`,
  );
  assert.equal(r.dropped, 0, 'no byte overflowed the board buffer');
  assert.equal(r.bad, 0);
  assert.deepEqual(r.gotFrames, r.frames, 'every frame, in order');
  assert.equal(r.stats.rxWindowBytes, 64);
  assert.ok(r.stats.maxUnprovenBytes <= 64, `${r.stats.maxUnprovenBytes} unproven bytes in flight`);
  assert.ok(r.stats.pacingBarriers > 0);
});

test('a 1.0 board with max_rx_payload 64 is paced with the assumed 64-byte window: 0 frames lost', async () => {
  const hello = {
    ...helloForProfile(getProfile('arduino-uno-electret'), '0.1.0', 'uno-10'),
    versionMinor: 0,
    rxWindowBytes: 0,
  };
  const r = await resetAndReplay(hello, 'uno-10');
  assert.equal(r.stats.rxWindowBytes, 64);
  assert.equal(r.dropped, 0);
  assert.deepEqual(r.gotFrames, r.frames);
});

test('negative control: the same board announcing no window (0) overflows and loses frames', async () => {
  const hello = {
    ...helloForProfile(getProfile('arduino-uno-electret'), '0.1.0', 'uno-nowin'),
    rxWindowBytes: 0,
  };
  // a board whose loop is busy (2 bytes a millisecond): on a loaded machine the host's unpaced writes
  // can come spread out enough for a 16 B/ms loop to keep up, and then the control shows nothing
  const r = await resetAndReplay(hello, 'uno-nowin', 2);
  assert.equal(r.stats.rxWindowBytes, 0);
  assert.ok(r.dropped > 0, 'unpaced, the burst overflows a 64-byte buffer');
  assert.ok(r.got < r.sent, `${r.got}/${r.sent} frames arrived`);
});

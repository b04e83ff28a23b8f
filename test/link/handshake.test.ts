/**
 * Handshake over real pseudo-terminals (socat): boot noise before HELLO, and each failure with its
 * classified error — wrong baud (noise), a non-hark device (text), a silent port, a major-version mismatch.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isHarkError } from '../../base/errors.js';
import { TtyPort } from '../../base/serial/tty-port.js';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { LinkManager } from '../../host/link/index.js';
import { waitFor } from '../helpers/link.js';

let link: LinkManager;
before(async () => {
  link = await LinkManager.start({ handshakeTimeoutMs: 1500, heartbeatMs: 500 });
});
after(async () => {
  await link.close();
});

test('boot noise before HELLO is discarded and counted; the handshake completes', async () => {
  const board = await EmulatedBoard.overPty({
    uid: 'hs-noise',
    bootNoise: 'rst:0x1 (POWERON_RESET)\r\n\x00garbage\xff\xfe\r\n',
  });
  try {
    const acked = waitFor(board, 'ack');
    const info = await link.open({ path: board.hostPath, profile: 'emulated' });
    assert.equal(info.boardId, 'hs-noise');
    assert.equal(info.profile, 'emulated');
    assert.equal(info.codec, 0, 'the emulated profile prefers PCM16');
    assert.equal(info.hello.boardModel, 'emulated');
    await acked;
    const stats = await link.stats('hs-noise');
    assert.equal(stats.state, 'ready');
    assert.ok(stats.framesBad >= 1, `boot noise must be counted as bad frames (got ${stats.framesBad})`);
    assert.ok(stats.framesOk >= 1);
  } finally {
    await link.forget('hs-noise').catch(() => {});
    await board.close();
  }
});

test('the board id falls back to the port path when HELLO has no uid', async () => {
  const board = await EmulatedBoard.overPty({ uid: '' });
  try {
    const info = await link.open({ path: board.hostPath });
    assert.equal(info.boardId, board.hostPath);
  } finally {
    await link.forget(board.hostPath).catch(() => {});
    await board.close();
  }
});

test('wrong baud rate: noise only → HARK_ERR_LINK_HANDSHAKE naming the baud rate', async () => {
  const board = await EmulatedBoard.overPty({
    uid: 'hs-baud',
    helloIntervalMs: 200,
    faults: { wrongBaud: true },
  });
  try {
    await assert.rejects(link.open({ path: board.hostPath, profile: 'emulated' }), (e: unknown) => {
      assert.ok(isHarkError(e, 'HARK_ERR_LINK_HANDSHAKE'), String(e));
      assert.match(e.message, /wrong baud rate/);
      assert.match(e.message, /921600/);
      assert.ok(e.message.includes(board.hostPath));
      return true;
    });
  } finally {
    await board.close();
  }
});

test('a non-hark device printing text → HARK_ERR_LINK_HANDSHAKE saying so and quoting it', async () => {
  const pair = await PtyPair.create();
  const dev = await TtyPort.open(pair.boardPath);
  const timer = setInterval(() => dev.write(Buffer.from('Hello from Arduino! temp=21.5\r\n')), 100);
  try {
    await assert.rejects(link.open({ path: pair.hostPath }), (e: unknown) => {
      assert.ok(isHarkError(e, 'HARK_ERR_LINK_HANDSHAKE'), String(e));
      assert.match(e.message, /not a hark board/);
      assert.match(e.message, /Hello from Arduino/);
      return true;
    });
  } finally {
    clearInterval(timer);
    await dev.close();
    await pair.close();
  }
});

test('a silent port → HARK_ERR_LINK_HANDSHAKE saying it sent nothing', async () => {
  const pair = await PtyPair.create();
  const dev = await TtyPort.open(pair.boardPath);
  try {
    await assert.rejects(link.open({ path: pair.hostPath }), (e: unknown) => {
      assert.ok(isHarkError(e, 'HARK_ERR_LINK_HANDSHAKE'), String(e));
      assert.match(e.message, /sent nothing/);
      return true;
    });
  } finally {
    await dev.close();
    await pair.close();
  }
});

test('protocol major version mismatch → HARK_ERR_LINK_VERSION, and the board is told with ERROR 1', async () => {
  const board = await EmulatedBoard.overPty({ uid: 'hs-v2', versionMajor: 2 });
  try {
    const told = waitFor<{ code: number }>(board, 'host-error');
    await assert.rejects(link.open({ path: board.hostPath }), (e: unknown) => {
      assert.ok(isHarkError(e, 'HARK_ERR_LINK_VERSION'), String(e));
      assert.match(e.message, /board speaks 2\.1, host speaks 1\.1/);
      return true;
    });
    assert.equal((await told).code, 1);
    assert.equal(board.ack, undefined, 'the host must not acknowledge a board it cannot speak to');
  } finally {
    await board.close();
  }
});

test('a missing port → HARK_ERR_LINK_OPEN naming it', async () => {
  await assert.rejects(link.open({ path: '/tmp/hark-no-such-port' }), (e: unknown) => {
    assert.ok(isHarkError(e, 'HARK_ERR_LINK_OPEN'), String(e));
    assert.match(e.message, /hark-no-such-port/);
    return true;
  });
});

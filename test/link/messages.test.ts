/**
 * Messages that name the real cause and the fix (issue 10 item 11, the link's): an echoing port, noise,
 * a missing device waited for and said once, the real silence of a lost heartbeat, a version mismatch
 * reported once as an error event with the path once, and nothing at all from closing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type HarkError, isHarkError } from '../../base/errors.js';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import { describeHeartbeatLoss } from '../../host/link/board-link/heartbeat.js';
import { describeHandshakeTimeout, type HandshakeEvidence } from '../../host/link/handshake.js';
import { type BoardInfo, LinkManager, type StateEvent } from '../../host/link/index.js';
import { RawPeer, waitFor } from '../helpers/link.js';

const STATS = {
  bytes: 0,
  framesOk: 0,
  crcErrors: 0,
  malformed: 0,
  truncated: 0,
  oversized: 0,
  badPayload: 0,
  unknownType: 0,
  framesLost: 0,
  seqRestarts: 0,
};
const evidence = (e: Partial<HandshakeEvidence>): HandshakeEvidence => ({
  elapsedMs: 5000,
  bytes: [1, 2, 3, 0, 250, 7],
  boardFrames: 0,
  echoes: 0,
  nudges: 5,
  pongsToNudge: 0,
  quiet: false,
  ...e,
});

test('handshake timeout diagnosis: echo, earlier host, noise with stray valid frames, text', () => {
  const echo = describeHandshakeTimeout('/dev/x', 5000, evidence({ echoes: 5 }), STATS, undefined);
  assert.match(echo, /sends back what the host writes/);
  assert.doesNotMatch(echo, /earlier host/);
  const earlier = describeHandshakeTimeout(
    '/dev/x',
    5000,
    evidence({ boardFrames: 4, pongsToNudge: 1 }),
    STATS,
    undefined,
  );
  assert.match(earlier, /acknowledged by an earlier host/);
  // Random bytes now and then pass the CRC: two "frames" among hundreds of damaged ones are noise.
  const noise = describeHandshakeTimeout(
    '/dev/x',
    5000,
    evidence({ boardFrames: 2 }),
    { ...STATS, crcErrors: 300 },
    getProfile('emulated'),
  );
  assert.match(noise, /wrong baud rate\?/);
  assert.match(noise, /921600 baud/);
  assert.match(noise, /--profile ID/);
  assert.match(noise, /hark config set baudRate/);
  assert.doesNotMatch(noise, /--baud\b/);
  assert.doesNotMatch(noise, /earlier host/);
  const text = describeHandshakeTimeout(
    '/dev/x',
    5000,
    evidence({ bytes: [...Buffer.from('Hello from Arduino\r\n')] }),
    STATS,
    undefined,
  );
  assert.match(text, /not a hark board/);
});

test('heartbeat loss names the real silence and tells a deaf board from a silent one', () => {
  const silent = describeHeartbeatLoss({ unanswered: 3, sinceAnswerMs: 4012, sinceFrameMs: 4012 });
  assert.match(silent, /no answer to 3 PINGs for 4012 ms/);
  assert.match(silent, /hung, lost power or was unplugged/);
  const deaf = describeHeartbeatLoss({ unanswered: 3, sinceAnswerMs: 4012, sinceFrameMs: 15 });
  assert.match(deaf, /does not read what the host sends/);
});

test('an echoing port: the handshake fails saying it echoes, not that an earlier host holds the board', async () => {
  const link = await LinkManager.start({ handshakeTimeoutMs: 2500 });
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath, { echo: true });
  try {
    await assert.rejects(link.open({ path: pair.hostPath }), (e: unknown) => {
      assert.ok(isHarkError(e, 'HARK_ERR_LINK_HANDSHAKE'), String(e));
      assert.match(e.message, /sends back what the host writes/);
      assert.doesNotMatch(e.message, /earlier host/);
      return true;
    });
  } finally {
    await link.close();
    await peer.close();
    await pair.close();
  }
});

test('garbage from the port: "wrong baud rate?", naming the profile and config key, never --baud', async () => {
  const link = await LinkManager.start({ handshakeTimeoutMs: 1500 });
  const pair = await PtyPair.create();
  const peer = await RawPeer.open(pair.boardPath);
  const junk = setInterval(() => {
    const b = Buffer.alloc(512);
    for (let i = 0; i < b.length; i++) b[i] = Math.random() < 0.05 ? 0 : Math.floor(Math.random() * 256);
    peer.sendRaw(b);
  }, 20);
  try {
    await assert.rejects(
      link.open({ path: pair.hostPath, profile: 'arduino-uno-electret' }),
      (e: unknown) => {
        assert.ok(isHarkError(e, 'HARK_ERR_LINK_HANDSHAKE'), String(e));
        assert.match(e.message, /wrong baud rate\?.*250000 baud/);
        assert.doesNotMatch(e.message, /--baud\b|earlier host/);
        return true;
      },
    );
  } finally {
    clearInterval(junk);
    await link.close();
    await peer.close();
    await pair.close();
  }
});

test('a named port that does not exist is waited for, said once, and served when it appears', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hark-missing-'));
  const path = join(dir, 'ttyNOPE0');
  const link = await LinkManager.start({ backoff: { initialMs: 20, maxMs: 50 } });
  const errors: HarkError[] = [];
  const states: StateEvent[] = [];
  link.on('error', (e: HarkError) => errors.push(e));
  link.on('state', (s: StateEvent) => states.push(s));
  let pair: PtyPair | undefined;
  let peer: RawPeer | undefined;
  try {
    const said = waitFor<HarkError>(link, 'error');
    const opened = link.open({ path, waitForBoard: true });
    const e = await said;
    assert.equal(e.code, 'HARK_ERR_LINK_OPEN');
    assert.match(e.message, /ttyNOPE0 does not exist: the board is not plugged in.*waiting for it to appear/);
    assert.doesNotMatch(e.message, /stty/);
    // Plug it in: the link sees the path appear (fs.watch), no retry loop needed.
    const served = waitFor<BoardInfo>(link, 'board');
    pair = await PtyPair.create({ dir, name: 'ttyNOPE0' });
    peer = await RawPeer.open(pair.boardPath, { answerPings: true });
    peer.send(helloForProfile(getProfile('emulated'), '0.1.0', 'late'));
    assert.equal((await served).boardId, 'late');
    await opened;
    assert.equal(errors.length, 1, `said once: ${errors.map((x) => x.message).join(' | ')}`);
    assert.ok(
      states.filter((s) => s.state === 'connecting').length <= 3,
      `it waited instead of retrying: ${states.map((s) => s.line ?? s.state).join(', ')}`,
    );
  } finally {
    await link.close();
    await peer?.close();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('version mismatch: one error event naming the path once; closing a link says nothing', async () => {
  const link = await LinkManager.start();
  const errors: HarkError[] = [];
  link.on('error', (e: HarkError) => errors.push(e));
  const v2 = await EmulatedBoard.overPty({ uid: 'msg-v2', versionMajor: 2 });
  const ok = await EmulatedBoard.overPty({ uid: 'msg-ok' });
  try {
    await assert.rejects(link.open({ path: v2.hostPath, waitForBoard: true }), /protocol version mismatch/);
    const e = errors.find((x) => x.code === 'HARK_ERR_LINK_VERSION');
    assert.ok(e, 'an error event, not only a rejected promise');
    assert.equal(e.message.split(v2.hostPath).length - 1, 1, `the path once: ${e.message}`);
    await link.open({ path: ok.hostPath });
    errors.length = 0;
    const closing = link.close();
    // A session saying goodbye while the host goes down: no error, no rejection.
    await link.send('msg-ok', {
      type: 'LED',
      index: 0xff,
      effect: 0,
      r: 0,
      g: 0,
      b: 0,
      periodMs: 0,
      durationMs: 0,
    });
    await closing;
    assert.deepEqual(errors, []);
  } finally {
    await link.close();
    await v2.close();
    await ok.close();
  }
});

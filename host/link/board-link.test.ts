/**
 * Fast unit tests of BoardLink's handshake and heartbeat logic over @serialport/binding-mock (the
 * behaviour over real ptys is tested in test/link/). The test plays the board with emitData().
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenLinkPort } from '../../base/serial/transport.js';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import { MessageDecoder } from '../../protocol/ts/message-decoder.js';
import { MessageEncoder } from '../../protocol/ts/message-encoder.js';
import type { Message } from '../../protocol/ts/messages.js';
import { createMockDevice, mockPorts, openMockPort } from '../../test/mocks/mock-port.js';
import { BoardLink, type LinkCallbacks } from './board-link.js';
import type { BoardInfo, LinkState } from './types.js';

const OPTS = {
  heartbeatMs: 1000,
  handshakeTimeoutMs: 2000,
  chunkMs: 20,
  maxHeldAudioBytes: 1 << 16,
  maxWriteQueueBytes: 1 << 16,
};

function harness(path: string, opts = OPTS) {
  createMockDevice(path);
  const enc = new MessageEncoder();
  // The scripted board answers PING as firmware does (the host paces small boards on PONGs).
  const fromHost = new MessageDecoder();
  const pings = { answer: true };
  const openPort: OpenLinkPort = async (p, line) => {
    const port = await openMockPort(p, line);
    const write = port.write.bind(port);
    port.write = (bytes, cb) => {
      const r = write(bytes, cb);
      fromHost.push(bytes, (m) => {
        if (pings.answer && m.type === 'PING' && m.token !== 0) {
          const pong = enc.encode({
            type: 'PONG',
            token: m.token,
            uptimeMs: 0,
            rxFramesBad: 0,
            audioOverflows: 0,
          });
          setImmediate(() => mockPorts.get(path)?.binding.emitData(pong));
        }
      });
      return r;
    };
    return port;
  };
  const states: string[] = [];
  const boards: BoardInfo[] = [];
  const cb: LinkCallbacks = {
    state: (_l, s: LinkState, reason) => states.push(reason ? `${s}:${reason}` : s),
    board: (_l, info) => boards.push(info),
    message: () => {},
    error: () => {},
    audioAbort: () => {},
  };
  const link = new BoardLink({ path, waitForBoard: false }, opts, cb, openPort);
  const board = {
    send: (m: Message) => mockPorts.get(path)!.binding.emitData(enc.encode(m)),
    /** Every message the host wrote so far. */
    received(): Message[] {
      const out: Message[] = [];
      new MessageDecoder().push(mockPorts.get(path)!.binding.recording, (m) => out.push(m));
      return out;
    },
  };
  return { link, board, states, boards, pings };
}

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
};

test('HELLO after boot noise → HELLO_ACK with the profile codec (ADPCM for the Arduino), state ready', async () => {
  const { link, board, states } = harness('/dev/mock-uno');
  const started = link.start();
  await until(() => mockPorts.has('/dev/mock-uno'), 'open');
  // Firmware ends its boot text with 0x00 (SPEC §2: a leading delimiter flushes the receiver).
  mockPorts.get('/dev/mock-uno')!.binding.emitData('\r\nboot text\r\n\x00');
  board.send(helloForProfile(getProfile('arduino-uno-electret'), '0.1.0', 'uno-1'));
  const info = await started;
  assert.equal(info.boardId, 'uno-1');
  assert.equal(info.codec, 2);
  await until(() => board.received().some((m) => m.type === 'HELLO_ACK'), 'HELLO_ACK');
  const ack = board.received().find((m) => m.type === 'HELLO_ACK');
  assert.ok(
    ack?.type === 'HELLO_ACK' &&
      ack.audioCodec === 2 &&
      ack.audioSampleRate === 8000 &&
      ack.heartbeatMs === 1000,
  );
  assert.deepEqual(states, ['connecting', 'handshaking', 'ready']);
  board.send({ type: 'PING', token: 77 });
  await until(() => board.received().some((m) => m.type === 'PONG' && m.token === 77), 'PONG 77');
  assert.ok(link.stats().framesBad >= 1, 'boot text counted');
  // The ATmega accepts 64-byte payloads: a larger message is refused before it is sent.
  await assert.rejects(
    link.send({ type: 'ERROR', code: 2, message: 'x'.repeat(100) }),
    /at most 64 \(max_rx_payload\)/,
  );
  await link.send({ type: 'TONE', steps: [{ freqHz: 440, durationMs: 100, volume: 50 }] });
  await link.close();
});

test('HELLO with another major version → ERROR VERSION_MISMATCH written, open rejected, state failed', async () => {
  const { link, board, states } = harness('/dev/mock-v9');
  const started = link.start();
  await until(() => mockPorts.has('/dev/mock-v9'), 'open');
  board.send({ ...helloForProfile(getProfile('emulated'), '9.0', 'v9'), versionMajor: 9 });
  await assert.rejects(started, /board speaks 9\.1, host speaks 1\.1/);
  assert.ok(board.received().some((m) => m.type === 'ERROR' && m.code === 1));
  assert.match(states.at(-1)!, /^failed:/);
  await link.close();
});

test('three unanswered PINGs → disconnected (heartbeat lost), then it reconnects', async () => {
  const { link, board, states, pings } = harness('/dev/mock-hb', { ...OPTS, heartbeatMs: 40 });
  pings.answer = false; // a hung board
  const started = link.start();
  await until(() => mockPorts.has('/dev/mock-hb'), 'open');
  board.send(helloForProfile(getProfile('emulated'), '0.1.0', 'hb'));
  await started;
  await until(() => states.includes('disconnected:heartbeat lost'), 'heartbeat loss');
  assert.equal(link.stats().heartbeatFailures, 1);
  await until(() => states.filter((s) => s === 'connecting').length >= 2, 'reconnect attempt');
  await link.close();
});

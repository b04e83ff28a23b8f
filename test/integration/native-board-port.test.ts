/**
 * The native board on one end of a socat pair (`--port`), the host's LinkManager on the other:
 * a host-requested capture ends at its max length with exactly the audio asked for, and pulling the
 * "cable" (socat stopped and restarted) is survived by both sides.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { PtyPair } from '../../boards/emulator/pty-pair.js';
import { NativeBoard } from '../../boards/native/native-board.js';
import type { AudioRouteMessage } from '../../host/link/audio-route.js';
import { type BoardInfo, LinkManager, type MessageEvent, type StateEvent } from '../../host/link/index.js';
import { AudioEndReason, AudioTrigger, type Message } from '../../protocol/ts/messages.js';

let pair: PtyPair;
let board: NativeBoard;
let link: LinkManager;
let info: BoardInfo;

before(async () => {
  pair = await PtyPair.create({ name: 'native' });
  board = await NativeBoard.start({ port: pair.boardPath, uid: 'native-port-1' });
  link = await LinkManager.start();
  link.on('error', () => {}); // the unplug below reports a lost link; asserted through 'state'
  info = await link.open({ path: pair.hostPath, profile: 'emulated' });
});

after(async () => {
  await link?.close();
  await board?.close();
  await pair?.close();
});

const next = <T extends Message['type']>(type: T): Promise<Extract<Message, { type: T }>> =>
  new Promise((resolve) => {
    const on = (e: MessageEvent) => {
      if (e.message.type !== type) return;
      link.off('message', on);
      resolve(e.message as Extract<Message, { type: T }>);
    };
    link.on('message', on);
  });

test('CAPTURE with max_ms 300 ends with reason 4 after exactly 300 ms of audio', async () => {
  assert.equal(info.boardId, 'native-port-1');
  const started = next('AUDIO_START');
  const ended = next('AUDIO_END');
  await link.send(info.boardId, { type: 'CAPTURE', action: 1, mode: 0, maxMs: 300 });
  const start = await started;
  assert.equal(start.trigger, AudioTrigger.HOST_CAPTURE);
  const { port1, port2 } = new MessageChannel();
  const bytes: number[] = [];
  const done = new Promise<void>((resolve) => {
    port2.on('message', (m: AudioRouteMessage) => {
      if (m.kind === 'chunk') bytes.push(m.data.byteLength);
      else resolve();
    });
  });
  link.routeAudio(info.boardId, start.stream, port1);
  const end = await ended;
  await done;
  port2.close();
  assert.equal(end.reason, AudioEndReason.MAX_LENGTH);
  assert.equal(end.chunks, 15); // 300 ms in 20 ms chunks
  assert.equal(
    bytes.reduce((a, b) => a + b, 0),
    300 * 16 * 2,
  ); // 16 kHz PCM16
});

test('unplugging and replugging the pty: the board reopens it and the host reconnects', async () => {
  const closed = board.waitFor('port', (e) => e.state === 'closed');
  const down = new Promise<void>((resolve) => {
    const on = (e: StateEvent) => {
      if (e.state !== 'disconnected') return;
      link.off('state', on);
      resolve();
    };
    link.on('state', on);
  });
  await pair.unplug();
  await Promise.all([closed, down]);
  const reopened = board.waitFor('port', (e) => e.state === 'open');
  const back = new Promise<BoardInfo>((resolve) => link.once('board', resolve));
  await pair.replug();
  await reopened;
  const again = await back;
  assert.equal(again.boardId, 'native-port-1');
  assert.ok(again.reconnects >= 1);
  const pong = next('PONG');
  await link.send(info.boardId, { type: 'PING', token: 42 });
  assert.equal((await pong).token, 42);
});

/**
 * hark messages over the serialport package, the way a Node program that already uses it would talk to
 * a board: serialport's own native binding (on the main thread), @serialport/parser-delimiter with
 * delimiter [0x00], then HarkMessageParser; HarkMessageSerializer back to the port. Against both
 * emulators over a pty: the TypeScript one and the native build of the firmware.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { DelimiterParser } from '@serialport/parser-delimiter';
import { SerialPort } from 'serialport';
import { EmulatedBoard } from '../../boards/emulator/index.js';
import { NativeBoard } from '../../boards/native/native-board.js';
import {
  HarkMessageParser,
  HarkMessageSerializer,
  type HarkSerialMessage,
  helloAckFor,
} from '../../host/serialport/hark-serial-stream.js';
import type { Message } from '../../protocol/ts/messages.js';
import { sweep } from '../helpers/link.js';

/** Opens `path` with serialport and wires the hark streams; `next()` waits for a message type. */
async function open(path: string) {
  const port = new SerialPort({ path, baudRate: 921600, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  const parser = new HarkMessageParser();
  port.pipe(new DelimiterParser({ delimiter: [0x00] })).pipe(parser);
  const out = new HarkMessageSerializer();
  out.pipe(port);
  const seen: HarkSerialMessage[] = [];
  parser.on('data', (m: HarkSerialMessage) => seen.push(m));
  const next = <T extends Message['type']>(type: T, timeoutMs = 10_000, from = 0) =>
    new Promise<Extract<Message, { type: T }>>((resolve, reject) => {
      const check = () => {
        const hit = seen.slice(from).find((m) => m.message.type === type);
        if (!hit) return;
        clearTimeout(timer);
        parser.off('data', check);
        resolve(hit.message as Extract<Message, { type: T }>);
      };
      const timer = setTimeout(() => {
        parser.off('data', check);
        reject(
          new Error(`no ${type} within ${timeoutMs} ms (got ${seen.map((m) => m.message.type).join(', ')})`),
        );
      }, timeoutMs);
      parser.on('data', check);
      check();
    });
  const close = () => new Promise<void>((res) => (port.isOpen ? port.close(() => res()) : res()));
  return { port, parser, out, seen, next, close };
}

const closers: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c().catch(() => undefined);
});

test('TypeScript emulator: HELLO in, HELLO_ACK out, an utterance streams in, LED and PING go out', async () => {
  const board = await EmulatedBoard.overPty({
    uid: 'sp-ts',
    audio: sweep(0.3),
    speed: 0,
    helloIntervalMs: 100,
  });
  closers.push(() => board.close());
  const c = await open(board.hostPath);
  closers.push(c.close);
  const hello = await c.next('HELLO');
  assert.equal(hello.boardUid, 'sp-ts');
  const acked = once(board, 'ack');
  c.out.write(helloAckFor(hello, { heartbeatMs: 1000 }));
  await acked;
  // the board's boot noise before its first HELLO is one malformed "frame" (SPEC §1.3.1); count from here
  const bad = (st: typeof c.parser.stats) => st.crcErrors + st.malformed + st.truncated + st.oversized;
  const badBefore = bad(c.parser.stats);
  const from = c.seen.length;
  const spoke = board.utter();
  const start = await c.next('AUDIO_START', 10_000, from);
  const end = await c.next('AUDIO_END', 10_000, from);
  const r = await spoke;
  const chunks = c.seen.slice(from).filter((m) => m.message.type === 'AUDIO');
  assert.equal(
    chunks.length,
    r.chunks,
    'every audio chunk arrived, in frames split however the pty split them',
  );
  assert.equal(end.stream, start.stream);
  const led = once(board, 'led');
  c.out.write({ type: 'LED', index: 255, effect: 1, r: 1, g: 2, b: 3, periodMs: 0, durationMs: 0 });
  const [l] = (await led) as [{ r: number; g: number; b: number }];
  assert.deepEqual([l.r, l.g, l.b], [1, 2, 3]);
  c.out.write({ type: 'PING', token: 77 });
  assert.equal((await c.next('PONG', 10_000, from)).token, 77);
  assert.equal(bad(c.parser.stats) - badBefore, 0, JSON.stringify(c.parser.stats));
});

test('noise between frames is dropped and counted, never thrown; an unencodable message fails the serializer', async () => {
  const board = await EmulatedBoard.overPty({ uid: 'sp-noise', helloIntervalMs: 100 });
  closers.push(() => board.close());
  const c = await open(board.hostPath);
  closers.push(c.close);
  await c.next('HELLO');
  board.garbage(64);
  const hello2 = c.seen.length;
  await c.next('HELLO', 10_000, hello2);
  const st = c.parser.stats;
  assert.ok(st.crcErrors + st.malformed + st.truncated >= 1, `garbage counted: ${JSON.stringify(st)}`);
  const s = new HarkMessageSerializer();
  const failed = once(s, 'error');
  s.write({ type: 'VOLUME', level: 1000 } as Message);
  const [e] = (await failed) as [Error & { code?: string }];
  assert.equal(e.code, 'HARK_ERR_PROTOCOL_ENCODE');
});

test('native firmware build: the same streams handshake and read its utterance', async (t) => {
  let board: NativeBoard;
  try {
    board = await NativeBoard.start({ uid: 'sp-native' });
  } catch (e) {
    return t.skip(`the native board cannot be built here: ${(e as Error).message}`);
  }
  closers.push(() => board.close());
  const c = await open(board.hostPath);
  closers.push(c.close);
  const hello = await c.next('HELLO');
  assert.equal(hello.boardUid, 'sp-native');
  c.out.write(helloAckFor(hello, { heartbeatMs: 1000 }));
  await board.waitFor('link', (e) => e.state === 'ready');
  const from = c.seen.length;
  board.press();
  await c.next('AUDIO_START', 10_000, from);
  board.release();
  const end = await c.next('AUDIO_END', 10_000, from);
  assert.ok(end.chunks > 0);
  c.out.write({ type: 'PING', token: 9 });
  assert.equal((await c.next('PONG', 10_000, from)).token, 9);
});

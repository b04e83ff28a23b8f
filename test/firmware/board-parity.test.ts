/**
 * One scenario, two boards: the TypeScript EmulatedBoard (boards/emulator/) and the NativeBoard (the
 * firmware's C, firmware/native/) behind the host's real LinkManager. Both must give the host the same
 * handshake, a gap-free sample-exact utterance, LED state, GPIO answers and a finished playback —
 * which is what lets host tests written against one stand for the other.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { encodeWav } from '../../base/audio/wav.js';
import { EmulatedBoard } from '../../boards/emulator/index.js';
import { NativeBoard } from '../../boards/native/native-board.js';
import type { AudioRouteMessage } from '../../host/link/audio-route.js';
import { type BoardInfo, LinkManager } from '../../host/link/index.js';
import { AudioCodec, AudioEndReason, ErrorCode } from '../../protocol/ts/messages.js';
import { nextMessage, pingBarrier } from '../helpers/link.js';

const RATE = 16000;
const ramp = (n: number) => Int16Array.from({ length: n }, (_, i) => i & 0x3fff);

/** What the scenario needs from a board: EmulatedBoard and NativeBoard both have it. */
interface TestBoard {
  readonly hostPath: string;
  readonly leds: { effect: number; r: number; g: number; b: number; periodMs: number }[];
  press(button?: number): void;
  release(button?: number): void;
  setPin(pin: number, value: number): void;
  once(event: 'led', listener: () => void): unknown;
  close(): Promise<void>;
}

const makers: Record<string, (wav: string) => Promise<TestBoard>> = {
  'TypeScript emulator': async () =>
    EmulatedBoard.overPty({
      uid: 'parity-ts',
      audio: { sampleRate: RATE, samples: ramp(RATE * 3) },
      bootNoise: false,
    }),
  'native firmware': async (wav) => NativeBoard.start({ wav, uid: 'parity-native' }),
};

for (const [kind, make] of Object.entries(makers)) {
  describe(`board parity: ${kind}`, () => {
    let dir: string;
    let board: TestBoard;
    let link: LinkManager;
    let info: BoardInfo;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hark-parity-'));
      const wav = join(dir, 'ramp.wav');
      writeFileSync(wav, encodeWav({ sampleRate: RATE, samples: ramp(RATE * 3) }));
      board = await make(wav);
      link = await LinkManager.start();
      link.on('error', () => {});
      info = await link.open({ path: board.hostPath, profile: 'emulated' });
      // open() resolves when the host has sent HELLO_ACK; the barrier proves the board has processed
      // the ACK too, so a press now is a real utterance.
      await pingBarrier(link, info.boardId);
    });

    after(async () => {
      await link?.close();
      await board?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('handshake', () => {
      assert.equal(info.hello.boardModel, 'emulated');
      assert.equal(info.hello.micSampleRate, RATE);
      assert.deepEqual(
        info.hello.gpio.map((g) => g.pin),
        [2, 4, 5, 34],
      );
      assert.equal(info.codec, AudioCodec.PCM16);
    });

    test('a held button gives one gap-free, sample-exact utterance', async () => {
      const started = nextMessage(link, 'AUDIO_START');
      board.press();
      const start = await started;
      const { port1, port2 } = new MessageChannel();
      const chunks: AudioRouteMessage[] = [];
      const done = new Promise<AudioRouteMessage>((resolve) => {
        port2.on('message', (m: AudioRouteMessage) => {
          chunks.push(m);
          if (m.kind !== 'chunk') resolve(m);
        });
      });
      link.routeAudio(info.boardId, start.stream, port1);
      await new Promise((r) => setTimeout(r, 500));
      board.release();
      const end = await done;
      port2.close();
      assert.equal(end.kind === 'end' && end.reason, AudioEndReason.BUTTON_RELEASED);
      const data = chunks.filter((c) => c.kind === 'chunk');
      assert.deepEqual(
        data.map((c) => c.chunk),
        data.map((_, i) => i),
      );
      const pcm = Buffer.concat(data.map((c) => c.data));
      const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2);
      assert.ok(samples.length >= RATE * 0.3, `${samples.length} samples for a 500 ms hold`);
      assert.deepEqual(samples, ramp(samples.length));
    });

    test('LED message reaches the board state', async () => {
      const changed = new Promise<void>((resolve) => board.once('led', resolve));
      await link.send(info.boardId, {
        type: 'LED',
        index: 0,
        effect: 2,
        r: 9,
        g: 8,
        b: 7,
        periodMs: 400,
        durationMs: 0,
      });
      await changed;
      const l = board.leds[0]!;
      assert.deepEqual([l.effect, l.r, l.g, l.b, l.periodMs], [2, 9, 8, 7, 400]);
    });

    test('GPIO read and an invalid pin', async () => {
      board.setPin(34, 612);
      await new Promise((r) => setTimeout(r, 50));
      await link.send(info.boardId, { type: 'GPIO_MODE', pin: 34, mode: 2 });
      const state = nextMessage(link, 'GPIO_STATE');
      await link.send(info.boardId, { type: 'GPIO_READ', pin: 34 });
      assert.equal((await state).value, 612);
      const err = nextMessage(link, 'ERROR');
      await link.send(info.boardId, { type: 'GPIO_MODE', pin: 13, mode: 1 });
      assert.equal((await err).code, ErrorCode.GPIO_INVALID_PIN);
    });

    test('speaker playback finishes under credit flow control', async () => {
      const pcm = new Int16Array(RATE).map((_, i) => Math.round(6000 * Math.sin(i / 7)));
      const result = await link.play(
        info.boardId,
        { codec: AudioCodec.PCM16, sampleRate: RATE, data: new Uint8Array(pcm.buffer) },
        AbortSignal.timeout(30_000),
      );
      assert.equal(result, 'finished');
    });
  });
}

/**
 * One scenario, two boards: the TypeScript EmulatedBoard (boards/emulator/) and the NativeBoard (the
 * firmware's C, firmware/native/) behind the host's real LinkManager. Both must give the host the same
 * handshake and start-up LOG frames, the same button gestures (LONG while held, CLICK, DOUBLE, a press
 * during a host capture), a gap-free sample-exact utterance, LED state, GPIO answers and a finished
 * playback — which is what lets host tests written against one stand for the other.
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
import { type BoardInfo, LinkManager, type MessageEvent } from '../../host/link/index.js';
import {
  AudioCodec,
  AudioEndReason,
  AudioTrigger,
  ButtonEvent,
  ErrorCode,
  type Message,
} from '../../protocol/ts/messages.js';
import { nextMessage, pingBarrier, waitFor } from '../helpers/link.js';

const isButton = (m: Message, event: number) => m.type === 'BUTTON' && m.button === 0 && m.event === event;
const buttonEvents = (ms: Message[]) =>
  ms.flatMap((m) => (m.type === 'BUTTON' && m.button === 0 ? [m.event] : []));

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

/**
 * The API both drivers share, checked at compile time: a NativeBoard and an EmulatedBoard each fit it,
 * so a host test written against one runs against the other.
 */
type SharedBoardApi = Pick<
  EmulatedBoard,
  'hostPath' | 'uid' | 'leds' | 'press' | 'release' | 'setPin' | 'close'
>;
const nativeFits = (b: NativeBoard): SharedBoardApi => b;
const emulatorFits = (b: EmulatedBoard): SharedBoardApi => b;
void nativeFits;
void emulatorFits;

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
    /** Every message the board sent, from before the handshake on. */
    const seen: Message[] = [];

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hark-parity-'));
      const wav = join(dir, 'ramp.wav');
      writeFileSync(wav, encodeWav({ sampleRate: RATE, samples: ramp(RATE * 3) }));
      board = await make(wav);
      link = await LinkManager.start();
      link.on('error', () => {});
      link.on('message', (e: MessageEvent) => seen.push(e.message));
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

    test("right after HELLO_ACK: the firmware's start-up LOG frames, word for word", async () => {
      const logs = () => seen.flatMap((m) => (m.type === 'LOG' ? [m.text] : []));
      // The firmware sends its reports when its transmit buffer has room, maybe after the PONG of the
      // barrier: wait for the fourth.
      if (logs().length < 4) {
        await waitFor<MessageEvent>(link, 'message', () => logs().length >= 4, 10_000, 'four LOG frames');
      }
      assert.deepEqual(logs().slice(0, 4), [
        'link: AWAIT_ACK -> READY',
        'emulated',
        'mic: streaming PCM16',
        'speaker: PCM, credit flow',
      ]);
    });

    test('a hold past 800 ms: DOWN, LONG while held, UP; the push-to-talk stream ends at UP (reason 0)', async () => {
      const from = seen.length;
      const started = nextMessage(link, 'AUDIO_START');
      const long = waitFor<MessageEvent>(link, 'message', (e) => isButton(e.message, ButtonEvent.LONG), 5000);
      board.press();
      assert.equal((await started).trigger, AudioTrigger.BUTTON);
      await long;
      const ended = nextMessage(link, 'AUDIO_END');
      board.release();
      assert.equal((await ended).reason, AudioEndReason.BUTTON_RELEASED);
      assert.deepEqual(buttonEvents(seen.slice(from)), [ButtonEvent.DOWN, ButtonEvent.LONG, ButtonEvent.UP]);
    });

    test('a short press: DOWN, UP, then CLICK; two short presses: DOWN, UP, DOWN, UP, DOUBLE and no CLICK', async () => {
      const from = seen.length;
      const down = () =>
        waitFor<MessageEvent>(link, 'message', (e) => isButton(e.message, ButtonEvent.DOWN), 5000);
      const up = () =>
        waitFor<MessageEvent>(link, 'message', (e) => isButton(e.message, ButtonEvent.UP), 5000);
      const click = waitFor<MessageEvent>(
        link,
        'message',
        (e) => isButton(e.message, ButtonEvent.CLICK),
        5000,
      );
      let d = down();
      board.press();
      await d;
      let u = up();
      board.release();
      await u;
      await click;
      const second = seen.length;
      const dbl = waitFor<MessageEvent>(
        link,
        'message',
        (e) => isButton(e.message, ButtonEvent.DOUBLE),
        5000,
      );
      d = down();
      board.press();
      await d;
      u = up();
      board.release();
      await u;
      d = down();
      board.press();
      await d;
      board.release();
      await dbl;
      assert.deepEqual(buttonEvents(seen.slice(from, second)), [
        ButtonEvent.DOWN,
        ButtonEvent.UP,
        ButtonEvent.CLICK,
      ]);
      assert.deepEqual(buttonEvents(seen.slice(second)), [
        ButtonEvent.DOWN,
        ButtonEvent.UP,
        ButtonEvent.DOWN,
        ButtonEvent.UP,
        ButtonEvent.DOUBLE,
      ]);
      await pingBarrier(link, info.boardId);
    });

    test('a press while a host capture streams is a BUTTON event only: no second stream, the capture goes on', async () => {
      const started = nextMessage(link, 'AUDIO_START');
      await link.send(info.boardId, { type: 'CAPTURE', action: 1, mode: 1, maxMs: 0 });
      const start = await started;
      assert.equal(start.trigger, AudioTrigger.CONTINUOUS);
      const from = seen.length;
      const up = waitFor<MessageEvent>(link, 'message', (e) => isButton(e.message, ButtonEvent.UP), 5000);
      board.press();
      await waitFor<MessageEvent>(link, 'message', (e) => isButton(e.message, ButtonEvent.DOWN), 5000);
      board.release();
      await up;
      await pingBarrier(link, info.boardId);
      const after = seen.slice(from);
      assert.equal(after.filter((m) => m.type === 'AUDIO_START').length, 0, 'no second stream');
      assert.equal(after.filter((m) => m.type === 'AUDIO_END').length, 0, 'the capture goes on');
      const ended = nextMessage(link, 'AUDIO_END');
      await link.send(info.boardId, { type: 'CAPTURE', action: 0, mode: 0, maxMs: 0 });
      assert.equal((await ended).reason, AudioEndReason.HOST_REQUEST);
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

/**
 * The emulated board over @serialport/binding-mock, in-process (no socat): a real BoardLink (host side,
 * opened with openMockPort) against a real EmulatedBoard (board side, overMock). The same behaviours
 * over real ptys are tested in test/link/.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { HarkError } from '../../base/errors.js';
import type { EmulatedBoardOptions } from '../../boards/emulator/emulated-board.js';
import { getProfile } from '../../boards/profiles/profile-loader.js';
import type { AudioRouteMessage } from '../../host/link/audio-route.js';
import { BoardLink, type LinkCallbacks } from '../../host/link/board-link.js';
import type { LinkState } from '../../host/link/types.js';
import { decodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { type AudioCodecId, AudioEndReason, type Message } from '../../protocol/ts/messages.js';
import { overMock } from '../mocks/mock-device.js';
import { openMockPort } from '../mocks/mock-port.js';

const LINK_OPTS = {
  heartbeatMs: 1000,
  handshakeTimeoutMs: 3000,
  chunkMs: 20,
  maxHeldAudioBytes: 1 << 20,
  maxWriteQueueBytes: 1 << 16,
};
const CODEC_NAMES = ['pcm16', 'ulaw', 'ima-adpcm'];

/** A board over binding-mock and a BoardLink on its host path; `messages` collects link messages. */
function rig(opts: EmulatedBoardOptions = {}) {
  const board = overMock({ bootNoise: 'rst:0x1 (POWERON_RESET)\r\n', ...opts });
  const states: string[] = [];
  const messages: Message[] = [];
  const waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  const cb: LinkCallbacks = {
    state: (_l, s: LinkState, reason) => states.push(reason ? `${s}:${reason}` : s),
    board: () => {},
    message: (_l, m) => {
      messages.push(m);
      for (const w of waiters.splice(0))
        if (w.match(m)) w.resolve(m);
        else waiters.push(w);
    },
    error: () => {},
    audioAbort: () => {},
  };
  const link = new BoardLink({ path: board.hostPath, waitForBoard: false }, LINK_OPTS, cb, openMockPort);
  /** The next link message matching `match` (or one already received). */
  const next = (match: (m: Message) => boolean): Promise<Message> => {
    const seen = messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ match, resolve }));
  };
  /** Handshake done on both ends: the link is ready and the board has its HELLO_ACK. */
  const ready = async () => {
    const acked = board.ack ? Promise.resolve() : once(board, 'ack');
    const info = await link.start();
    await acked;
    return info;
  };
  const close = async () => {
    await link.close();
    await board.close();
  };
  return { board, link, states, messages, next, ready, close };
}

test('over binding-mock: boot noise, HELLO → HELLO_ACK with the profile codec, state ready', {
  timeout: 15000,
}, async (t) => {
  for (const profile of ['emulated', 'arduino-uno-electret']) {
    await t.test(profile, async () => {
      const { board, link, states, close } = rig({ profile, uid: `mock-${profile}` });
      try {
        const acked = once(board, 'ack');
        const info = await link.start();
        const expected = CODEC_NAMES.indexOf(getProfile(profile).audio.preferredCodec);
        assert.equal(info.boardId, `mock-${profile}`);
        assert.equal(info.codec, expected);
        assert.equal(info.sampleRate, getProfile(profile).audio.sampleRate);
        const [ack] = await acked;
        assert.equal(ack.audioCodec, expected, 'the board holds the codec the host chose');
        assert.deepEqual(states, ['connecting', 'handshaking', 'ready']);
        // The boot text (held until the host opened) reached the host and was discarded as a bad frame.
        assert.ok(link.stats().framesBad >= 1, 'boot noise counted as a bad frame');
      } finally {
        await close();
      }
    });
  }
});

test('over binding-mock: a button utterance arrives as AUDIO_START, every chunk in order, AUDIO_END', {
  timeout: 15000,
}, async () => {
  // 7777 samples of a 440 Hz tone at the mic rate: not a whole number of 20 ms (320-sample) chunks.
  const samples = new Int16Array(7777);
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000));
  const { board, link, next, messages, ready, close } = rig({
    audio: { sampleRate: 16000, samples },
    speed: 0,
  });
  const channel = new MessageChannel();
  try {
    const info = await ready();
    assert.equal(info.codec, 0, 'the emulated profile prefers PCM16 (lossless: the samples can be compared)');
    const routed: AudioRouteMessage[] = [];
    const ended = new Promise<void>((resolve) => {
      channel.port2.on('message', (m: AudioRouteMessage) => {
        routed.push(m);
        if (m.kind !== 'chunk') resolve();
      });
    });
    const startMsg = next((m) => m.type === 'AUDIO_START').then((m) => {
      if (m.type === 'AUDIO_START') link.route(m.stream, channel.port1);
      return m;
    });
    const spoken = await board.utter();
    assert.equal(spoken.interrupted, false);
    const start = await startMsg;
    assert.ok(start.type === 'AUDIO_START');
    assert.equal(start.stream, spoken.stream);
    assert.equal(start.codec, 0);
    assert.equal(start.sampleRate, 16000);
    const endMsg = await next((m) => m.type === 'AUDIO_END');
    await ended;
    assert.ok(endMsg.type === 'AUDIO_END');
    assert.equal(endMsg.reason, AudioEndReason.BUTTON_RELEASED);
    assert.equal(endMsg.chunks, spoken.chunks);
    assert.ok(spoken.chunks >= Math.ceil(samples.length / 320), `${spoken.chunks} chunks cover the audio`);

    const chunks = routed.filter((m) => m.kind === 'chunk');
    assert.deepEqual(
      chunks.map((c) => c.chunk),
      Array.from({ length: spoken.chunks }, (_, i) => i),
      'every chunk, in order',
    );
    assert.ok(
      chunks.every((c) => c.gap === 0 && c.stream === spoken.stream),
      'no gaps',
    );
    const last = routed.at(-1);
    assert.ok(last?.kind === 'end' && last.reason === AudioEndReason.BUTTON_RELEASED);
    // What arrived is the source audio, then the silence a mic records after it.
    const decoded = chunks.map((c) => decodeAudioBlock(0 as AudioCodecId, c.data));
    const pcm = new Int16Array(decoded.reduce((n, d) => n + d.length, 0));
    let at = 0;
    for (const d of decoded) {
      pcm.set(d, at);
      at += d.length;
    }
    assert.deepEqual(pcm.subarray(0, samples.length), samples);
    assert.ok(pcm.subarray(samples.length).every((s) => s === 0));
    // BUTTON down and up went out around the utterance.
    const buttons = messages
      .filter((m) => m.type === 'BUTTON')
      .map((m) => (m.type === 'BUTTON' ? m.event : -1));
    assert.deepEqual(buttons, [0, 1]);
    assert.equal(link.stats().audioGaps, 0);
  } finally {
    channel.port1.close();
    channel.port2.close();
    await close();
  }
});

test('over binding-mock: LED from the host shows in the board state; PING answered with PONG', {
  timeout: 15000,
}, async () => {
  const { board, link, next, ready, close } = rig();
  try {
    await ready();
    const led = once(board, 'led');
    await link.send({ type: 'LED', index: 0, effect: 1, r: 10, g: 20, b: 30, periodMs: 500, durationMs: 0 });
    await led;
    assert.deepEqual(board.leds[0], { effect: 1, r: 10, g: 20, b: 30, periodMs: 500, durationMs: 0 });

    const pinged = once(board, 'ping');
    const answered = board.stats.pingsAnswered;
    await link.send({ type: 'PING', token: 4242 });
    assert.deepEqual(await pinged, [4242]);
    const pong = await next((m) => m.type === 'PONG' && m.token === 4242);
    assert.ok(pong.type === 'PONG' && pong.uptimeMs >= 0);
    assert.ok(board.stats.pingsAnswered > answered);
  } finally {
    await close();
  }
});

test('over binding-mock: unplug/replug are pty-only and say so; a taken path is refused', {
  timeout: 15000,
}, async () => {
  const board = overMock({ path: '/dev/hark-mock-taken' });
  try {
    assert.equal(board.hostPath, '/dev/hark-mock-taken');
    const ptyOnly = (e: unknown) =>
      e instanceof HarkError && e.code === 'HARK_ERR_BOARD_EMULATOR_TRANSPORT' && /overPty/.test(e.message);
    await assert.rejects(board.unplug(), ptyOnly);
    await assert.rejects(board.replug(), ptyOnly);
    assert.throws(() => overMock({ path: '/dev/hark-mock-taken' }), /already has a board/);
  } finally {
    await board.close();
  }
  // Closing frees the path for another board.
  const again = overMock({ path: '/dev/hark-mock-taken' });
  await again.close();
});

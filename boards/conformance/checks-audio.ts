/**
 * Conformance checks of audio capture (SPEC §4.3, §9.4, §9.5): host-started streams, their chunks,
 * codec and pacing, their endings, chunk_ms, and CAPTURE while a stream is open.
 */
import { decodeAudioBlock } from '../../protocol/ts/audio/index.js';
import {
  AudioEndReason,
  AudioTrigger,
  CaptureAction,
  CaptureMode,
  ErrorCode,
  LogLevel,
  MAX_PAYLOAD_BYTES,
  type MessageOf,
} from '../../protocol/ts/messages.js';
import { maxChunkMs } from '../../protocol/ts/rules.js';
import { type Check, type CheckContext, expect, needs11, Skip } from './check.js';
import { startCapture, stopCapture } from './steps.js';

type Stamped<T extends 'AUDIO' | 'AUDIO_START' | 'AUDIO_END'> = MessageOf<T> & { seq: number; at: number };

/** CAPTURE start single with `maxMs`; resolves with the whole stream once its AUDIO_END arrived. */
async function captureSingle(
  ctx: CheckContext,
  maxMs: number,
): Promise<{ start: Stamped<'AUDIO_START'>; chunks: Stamped<'AUDIO'>[]; end: Stamped<'AUDIO_END'> }> {
  const since = performance.now();
  await ctx.host.send({ type: 'CAPTURE', action: CaptureAction.START, mode: CaptureMode.SINGLE, maxMs });
  const start = await ctx.host.next('AUDIO_START', { since, what: 'AUDIO_START after CAPTURE start' });
  const end = await ctx.host.next('AUDIO_END', {
    since,
    pred: (e) => e.stream === start.stream,
    timeoutMs: maxMs + 3000,
    what: `AUDIO_END of stream ${start.stream} (max_ms ${maxMs})`,
  });
  const chunks = ctx.host.all('AUDIO', since).filter((a) => a.stream === start.stream);
  return { start, chunks, end };
}

const samplesOf = (codec: number, chunks: { data: Uint8Array }[]) =>
  chunks.reduce((n, c) => n + decodeAudioBlock(codec as 0, c.data).length, 0);

export const AUDIO_CHECKS: Check[] = [
  {
    clause: '9.4.1',
    title: 'CAPTURE single streams with trigger 2 and ends at max_ms with reason 4',
    async run(ctx) {
      const { start, chunks, end } = await captureSingle(ctx, 400);
      expect(start.trigger === AudioTrigger.HOST_CAPTURE, `trigger ${start.trigger}, expected 2`);
      expect(
        end.reason === AudioEndReason.MAX_LENGTH,
        `AUDIO_END reason ${end.reason}, expected 4 (max length)`,
      );
      expect(chunks.length > 0, 'no AUDIO chunk');
    },
  },
  {
    clause: '4.3.1',
    title: 'AUDIO_START carries the negotiated codec and the mic sample rate',
    async run(ctx) {
      const { start } = await captureSingle(ctx, 100);
      expect(
        start.codec === ctx.ack.audioCodec,
        `codec ${start.codec}, HELLO_ACK chose ${ctx.ack.audioCodec}`,
      );
      expect(
        start.sampleRate === ctx.hello.micSampleRate,
        `rate ${start.sampleRate}, HELLO said ${ctx.hello.micSampleRate}`,
      );
    },
  },
  {
    clause: '4.3.2',
    title: 'AUDIO chunks are numbered 0, 1, 2 … and each block decodes; AUDIO_END counts them',
    async run(ctx) {
      const { start, chunks, end } = await captureSingle(ctx, 400);
      expect(
        chunks.every((c, i) => c.chunk === i),
        `chunk numbers ${chunks.map((c) => c.chunk).join(',')}`,
      );
      expect(end.chunks === chunks.length, `AUDIO_END says ${end.chunks} chunks, ${chunks.length} arrived`);
      const samples = samplesOf(start.codec, chunks);
      const expected = (start.sampleRate * 400) / 1000;
      expect(
        Math.abs(samples - expected) <= expected * 0.1 + start.sampleRate * 0.02,
        `${samples} samples for max_ms 400 (expected about ${expected})`,
      );
    },
  },
  {
    clause: '4.3.5',
    title: 'chunk_ms 10: each chunk but the last holds 10 ms of samples',
    async run(ctx) {
      await ctx.handshake({ chunkMs: 10 });
      const { start, chunks } = await captureSingle(ctx, 200);
      const want = Math.round(start.sampleRate / 100);
      const sizes = chunks.slice(0, -1).map((c) => decodeAudioBlock(start.codec as 0, c.data).length);
      // A board with a small chunk buffer may use shorter chunks; never longer ones.
      expect(
        sizes.length > 0 && sizes.every((n) => n === sizes[0] && n <= want),
        `chunk sizes ${sizes.join(',')}, expected ${want}`,
      );
      await ctx.handshake();
    },
  },
  {
    clause: '4.3.5',
    title:
      'a chunk_ms whose chunk cannot fit 1024 bytes: the board sends shorter chunks and says so in a LOG',
    async run(ctx) {
      const skip = needs11(ctx);
      if (skip) return skip;
      const fit = maxChunkMs(ctx.ack.audioCodec, ctx.hello.micSampleRate);
      if (fit >= 100) return new Skip(`every chunk_ms up to 100 fits at this codec and rate (${fit} ms)`);
      const since = performance.now();
      await ctx.handshake({ chunkMs: 100 });
      const { chunks } = await captureSingle(ctx, 300);
      const biggest = Math.max(...chunks.map((c) => 3 + c.data.length));
      expect(biggest <= MAX_PAYLOAD_BYTES, `an AUDIO payload of ${biggest} bytes`);
      const warned = ctx.host.all('LOG', since).some((l) => l.level >= LogLevel.WARN);
      expect(warned, 'no LOG (warn) saying the chunk was shortened');
      await ctx.handshake();
    },
  },
  {
    clause: '4.3.2',
    title: 'audio is paced in real time: a stream of 1 s takes about 1 s to arrive',
    async run(ctx) {
      const t0 = performance.now();
      const { start, chunks, end } = await captureSingle(ctx, 1000);
      const audioMs = (samplesOf(start.codec, chunks) * 1000) / start.sampleRate;
      const wallMs = end.at - t0;
      const speed = ctx.driver?.speed ?? 1;
      expect(
        wallMs >= (audioMs / speed) * 0.7,
        `${Math.round(audioMs)} ms of audio in ${Math.round(wallMs)} ms`,
      );
    },
  },
  {
    clause: '9.4.1',
    title: 'CAPTURE stop ends the stream with reason 3; CAPTURE start while streaming is ERROR BUSY',
    async run(ctx) {
      const since = performance.now();
      const start = await startCapture(ctx, CaptureMode.CONTINUOUS);
      expect(start.trigger === AudioTrigger.CONTINUOUS, `trigger ${start.trigger}, expected 3 (continuous)`);
      const busyFrom = performance.now();
      await ctx.host.send({
        type: 'CAPTURE',
        action: CaptureAction.START,
        mode: CaptureMode.SINGLE,
        maxMs: 0,
      });
      const err = await ctx.host.next('ERROR', { since: busyFrom, what: 'ERROR BUSY' });
      expect(err.code === ErrorCode.BUSY, `ERROR code ${err.code}, expected ${ErrorCode.BUSY} (busy)`);
      const end = await stopCapture(ctx, start.stream);
      expect(end.reason === AudioEndReason.HOST_REQUEST, `AUDIO_END reason ${end.reason}, expected 3`);
      expect(ctx.host.all('AUDIO_START', since).length === 1, 'a second stream started');
    },
  },
];

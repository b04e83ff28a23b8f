/**
 * Conformance checks of speaker playback and its credit flow control (SPEC §4.6).
 */
import {
  AudioCodec,
  ErrorCode,
  type MessageOf,
  SpeakerKind,
  SpeakerState,
} from '../../protocol/ts/messages.js';
import { type Check, type CheckContext, expect, Skip } from './check.js';

type Credit = MessageOf<'SPEAKER_CREDIT'> & { seq: number; at: number };

let streams = 0x30;

function pcmSpeaker(ctx: CheckContext): Skip | undefined {
  if (ctx.hello.speakerKind !== SpeakerKind.PCM) return new Skip('the board has no PCM speaker');
  if ((ctx.hello.speakerCodecs & (1 << AudioCodec.PCM16)) === 0)
    return new Skip('the speaker takes no PCM16');
  return undefined;
}

/** SPEAKER_START PCM16 at the speaker's rate; resolves with the first credit. */
async function start(ctx: CheckContext): Promise<{ stream: number; first: Credit }> {
  const stream = ++streams & 0xff;
  const since = performance.now();
  await ctx.host.send({
    type: 'SPEAKER_START',
    stream,
    codec: AudioCodec.PCM16,
    sampleRate: ctx.hello.speakerSampleRate,
  });
  const first = await ctx.host.next('SPEAKER_CREDIT', {
    since,
    pred: (c) => c.stream === stream,
    what: 'the first SPEAKER_CREDIT',
  });
  return { stream, first };
}

/** Sends `bytes` of a quiet tone under credit; resolves with every credit seen. */
async function play(ctx: CheckContext, stream: number, first: Credit, bytes: number): Promise<Credit[]> {
  const credits: Credit[] = [first];
  let credit = first.creditBytes;
  let sent = 0;
  const since = first.at;
  const on = (r: { message: { type: string } }) => {
    const m = r.message as MessageOf<'SPEAKER_CREDIT'>;
    if (m.type === 'SPEAKER_CREDIT' && m.stream === stream && m.state === SpeakerState.PLAYING)
      credit += m.creditBytes;
  };
  ctx.host.on('message', on);
  try {
    while (sent < bytes) {
      const n = Math.min(bytes - sent, credit, ctx.hello.maxRxPayload - 1) & ~1;
      if (n <= 0) {
        const before = credits.length;
        const next = await ctx.host.next('SPEAKER_CREDIT', {
          since: credits.at(-1)!.at + 0.001,
          pred: (c) => c.stream === stream,
          timeoutMs: 4000,
          what: `a SPEAKER_CREDIT after ${sent} of ${bytes} bytes (speaker stalled?)`,
        });
        credits.push(next);
        if (credits.length === before) break;
        continue;
      }
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i += 2) data[i] = (i * 37) & 0x3f;
      await ctx.host.send({ type: 'SPEAKER_DATA', stream, data });
      sent += n;
      credit -= n;
    }
  } finally {
    ctx.host.off('message', on);
  }
  return ctx.host.all('SPEAKER_CREDIT', since).filter((c) => c.stream === stream);
}

export const SPEAKER_CHECKS: Check[] = [
  {
    clause: '4.6.1',
    title: 'a board without a PCM speaker answers SPEAKER_START with ERROR UNSUPPORTED',
    async run(ctx) {
      if (ctx.hello.speakerKind === SpeakerKind.PCM) return new Skip('the board has a PCM speaker');
      const since = performance.now();
      await ctx.host.send({ type: 'SPEAKER_START', stream: 1, codec: AudioCodec.PCM16, sampleRate: 16000 });
      const err = await ctx.host.next('ERROR', { since, what: 'ERROR after SPEAKER_START' });
      expect(err.code === ErrorCode.UNSUPPORTED, `ERROR code ${err.code}, expected ${ErrorCode.UNSUPPORTED}`);
    },
  },
  {
    clause: '4.6.2',
    title: 'SPEAKER_START is answered with a credit no larger than speaker_buffer_bytes, in whole samples',
    async run(ctx) {
      const skip = pcmSpeaker(ctx);
      if (skip) return skip;
      const { stream, first } = await start(ctx);
      expect(
        first.creditBytes > 0 && first.creditBytes <= ctx.hello.speakerBufferBytes,
        `first credit ${first.creditBytes} of a ${ctx.hello.speakerBufferBytes}-byte buffer`,
      );
      expect(first.creditBytes % 2 === 0, `odd credit ${first.creditBytes} for PCM16 (SPEC §4.6.6)`);
      const since = performance.now();
      await ctx.host.send({ type: 'SPEAKER_STOP', stream });
      await ctx.host.next('SPEAKER_CREDIT', {
        since,
        pred: (c) => c.stream === stream && c.state === SpeakerState.STOPPED,
      });
    },
  },
  {
    clause: '4.6.5',
    title:
      'a playback within its credits finishes: SPEAKER_END → SPEAKER_CREDIT state 1; every grant is whole samples',
    async run(ctx) {
      const skip = pcmSpeaker(ctx);
      if (skip) return skip;
      const { stream, first } = await start(ctx);
      const bytes = Math.min(2 * first.creditBytes, Math.round(ctx.hello.speakerSampleRate * 2 * 0.4)) & ~1;
      const credits = await play(ctx, stream, first, bytes);
      const since = performance.now();
      await ctx.host.send({ type: 'SPEAKER_END', stream });
      const done = await ctx.host.next('SPEAKER_CREDIT', {
        since,
        pred: (c) => c.stream === stream && c.state !== SpeakerState.PLAYING,
        timeoutMs: 6000,
        what: 'SPEAKER_CREDIT finished',
      });
      expect(done.state === SpeakerState.FINISHED, `state ${done.state}, expected 1 (finished)`);
      const odd = credits.filter((c) => c.creditBytes % 2 !== 0);
      expect(
        odd.length === 0,
        `odd PCM16 credits: ${odd.map((c) => c.creditBytes).join(', ')} (SPEC §4.6.6)`,
      );
    },
  },
  {
    clause: '4.6.3',
    title: 'SPEAKER_DATA beyond the credit is answered with ERROR SPEAKER_OVERRUN',
    async run(ctx) {
      const skip = pcmSpeaker(ctx);
      if (skip) return skip;
      const { stream, first } = await start(ctx);
      const chunk = Math.min(ctx.hello.maxRxPayload - 1, 512) & ~1;
      const since = performance.now();
      let sent = 0;
      while (sent <= first.creditBytes) {
        await ctx.host.send({ type: 'SPEAKER_DATA', stream, data: new Uint8Array(chunk) });
        sent += chunk;
      }
      const err = await ctx.host.next('ERROR', { since, what: 'ERROR SPEAKER_OVERRUN' });
      expect(
        err.code === ErrorCode.SPEAKER_OVERRUN,
        `ERROR code ${err.code}, expected ${ErrorCode.SPEAKER_OVERRUN}`,
      );
      await ctx.host.send({ type: 'SPEAKER_STOP', stream });
      await ctx.host.ping(0x5eed);
    },
  },
  {
    clause: '4.6.8',
    title: 'SPEAKER_DATA for a stream that is not playing is ignored without an ERROR',
    async run(ctx) {
      const skip = pcmSpeaker(ctx);
      if (skip) return skip;
      const { stream } = await start(ctx);
      const stopAt = performance.now();
      await ctx.host.send({ type: 'SPEAKER_STOP', stream });
      await ctx.host.next('SPEAKER_CREDIT', {
        since: stopAt,
        pred: (c) => c.stream === stream && c.state === SpeakerState.STOPPED,
      });
      const since = performance.now();
      await ctx.host.send({ type: 'SPEAKER_DATA', stream, data: new Uint8Array(64) });
      await ctx.host.ping(0x5eee);
      const errors = ctx.host.all('ERROR', since);
      expect(
        errors.length === 0,
        `ERROR ${errors.map((e) => e.code).join(', ')} for data of a stopped stream`,
      );
    },
  },
];

/** Steps several conformance checks take: open and stop a capture, count the board's bad frames. */
import { CaptureAction, CaptureMode, type HelloAck } from '../../protocol/ts/messages.js';
import type { CheckContext } from './check.js';
import type { Stamped } from './raw-host.js';

let tokens = 0x1000;
/** A fresh PING token for a check (below the suite's heartbeat range, never 0). */
export const nextToken = (): number => ++tokens;

/** The board's PONG rx_frames_bad now (a PING barrier: everything sent before has been processed). */
export async function badFrames(ctx: CheckContext): Promise<number> {
  return (await ctx.host.ping(nextToken())).rxFramesBad;
}

/** rx_frames_bad grew by this much (it counts modulo 65536, SPEC §4.2.4). */
export const grew = (before: number, after: number): number => (after - before) & 0xffff;

/** CAPTURE start (`mode`, `maxMs`) and the AUDIO_START it caused. */
export async function startCapture(
  ctx: CheckContext,
  mode: number = CaptureMode.CONTINUOUS,
  maxMs = 0,
): Promise<Stamped<'AUDIO_START'>> {
  const since = performance.now();
  await ctx.host.send({ type: 'CAPTURE', action: CaptureAction.START, mode, maxMs });
  return ctx.host.next('AUDIO_START', { since, what: 'AUDIO_START after CAPTURE start' });
}

/** CAPTURE stop and the AUDIO_END of `stream` it caused. */
export async function stopCapture(ctx: CheckContext, stream: number): Promise<Stamped<'AUDIO_END'>> {
  const since = performance.now();
  await ctx.host.send({ type: 'CAPTURE', action: CaptureAction.STOP, mode: CaptureMode.SINGLE, maxMs: 0 });
  return ctx.host.next('AUDIO_END', {
    since,
    pred: (e) => e.stream === stream,
    what: `AUDIO_END of stream ${stream} after CAPTURE stop`,
  });
}

/** Sends `ack` while `stream` is open and returns the AUDIO_END it caused (a reconnect ends it). */
export async function ackEnds(
  ctx: CheckContext,
  ack: HelloAck,
  stream: number,
): Promise<Stamped<'AUDIO_END'>> {
  const since = performance.now();
  await ctx.host.send(ack);
  return ctx.host.next('AUDIO_END', {
    since,
    pred: (e) => e.stream === stream,
    what: `AUDIO_END of stream ${stream} after HELLO_ACK session ${ack.hostSession}`,
  });
}

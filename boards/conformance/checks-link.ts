/**
 * Conformance checks of framing, receiving, handshake, host sessions, PING and the host-gone rule
 * (SPEC §1, §2, §4.1, §4.2). Each sends what a host would (or what a broken one would) and watches
 * what the board answers.
 */
import { FrameDecoder } from '../../protocol/ts/frame-decoder.js';
import { encodeFrame } from '../../protocol/ts/frame-encoder.js';
import { encodeMessage } from '../../protocol/ts/message-codec.js';
import {
  AudioEndReason,
  CaptureAction,
  CaptureMode,
  ErrorCode,
  MAX_PAYLOAD_BYTES,
  type Message,
  MessageType,
  PROTOCOL_MAJOR,
} from '../../protocol/ts/messages.js';
import { HELLO_INTERVAL_MS, HOST_GONE_HEARTBEATS } from '../../protocol/ts/rules.js';
import { type Check, type CheckContext, expect, KEEPALIVE_TOKEN_MIN, needs11, Skip } from './check.js';
import { ackEnds, badFrames, grew, nextToken, startCapture, stopCapture } from './steps.js';

const token = nextToken;
const delta = grew;

/**
 * True when, in `bytes` (from the last byte before a reset on), the first HELLO with seq 0 is preceded by
 * a chunk that is not a frame: an empty one (the flushing 0x00) or boot text ended by one.
 */
export function leadingDelimiterBefore(bytes: readonly number[]): boolean {
  const chunks: number[][] = [];
  let cur: number[] = [];
  for (const b of bytes) {
    if (b === 0) {
      chunks.push(cur);
      cur = [];
    } else cur.push(b);
  }
  const frameOfChunk = (c: number[]) => {
    let frame: { type: number; seq: number } | undefined;
    new FrameDecoder().push(Uint8Array.from([...c, 0]), (f) => {
      frame = f;
    });
    return frame;
  };
  // chunks[0] is what came before `bytes`' first delimiter (nothing, or the end of an older frame):
  // it cannot tell a flush from a frame's end, so a HELLO right after it has no proven delimiter.
  for (let i = 1; i < chunks.length; i++) {
    const f = frameOfChunk(chunks[i]!);
    if (f?.type !== MessageType.HELLO || f.seq !== 0) continue;
    return i >= 2 && frameOfChunk(chunks[i - 1]!) === undefined;
  }
  return false;
}

/** A valid frame of `m` with the host's next seq, as bytes (to be damaged by the caller). */
function frameOf(ctx: CheckContext, m: Message): Uint8Array {
  return Uint8Array.from(ctx.host.enc.encode(m));
}

const openCapture = async (ctx: CheckContext): Promise<number> => (await startCapture(ctx)).stream;

export const LINK_CHECKS: Check[] = [
  {
    clause: '2.1.1',
    title: 'HELLO announces protocol major version 1',
    async run(ctx) {
      expect(
        ctx.hello.versionMajor === PROTOCOL_MAJOR,
        `HELLO says ${ctx.hello.versionMajor}.${ctx.hello.versionMinor}`,
      );
    },
  },
  {
    clause: '1.1.5',
    title: 'every frame from the board has a valid CRC and COBS after its first HELLO',
    async run(ctx) {
      // Boot text before the first frame is expected noise; after it nothing may arrive damaged.
      await ctx.host.ping(token());
      const damaged = ctx.host.damagedSinceFirstFrame();
      expect(
        damaged === 0,
        `${damaged} damaged frames from the board (CRC, COBS or truncated) since its first frame`,
      );
    },
  },
  {
    clause: '4.2.1',
    title: 'PING is answered with PONG carrying the same token',
    async run(ctx) {
      for (const t of [1, 0x7fffffff, 0xfffffffe]) {
        const pong = await ctx.host.ping(t);
        expect(pong.token === t, `PONG token ${pong.token} for PING ${t}`);
      }
    },
  },
  {
    clause: '1.2.9',
    title: 'a PING with trailing bytes (a newer minor version) is still answered',
    async run(ctx) {
      const t = token();
      const since = performance.now();
      const payload = Uint8Array.from([...encodeMessage({ type: 'PING', token: t }), 1, 2, 3, 4]);
      await ctx.host.sendRaw(encodeFrame(MessageType.PING, ctx.host.enc.nextSeq, payload));
      ctx.host.enc.encode({ type: 'PING', token: 0 }); // keep the host's seq counting that frame
      await ctx.host.next('PONG', { since, pred: (p) => p.token === t, what: `PONG ${t}` });
    },
  },
  {
    clause: '1.2.5',
    title: 'a frame with a bad CRC is dropped, counted once in PONG rx_frames_bad, and the link goes on',
    async run(ctx) {
      const before = await badFrames(ctx);
      const f = frameOf(ctx, { type: 'PING', token: token() });
      f[f.length - 2]! ^= 0x40;
      const since = performance.now();
      await ctx.host.sendRaw(f);
      const after = await badFrames(ctx);
      expect(delta(before, after) === 1, `rx_frames_bad went ${before} → ${after}, expected +1`);
      const pongs = ctx.host.all('PONG', since).filter((p) => p.token < KEEPALIVE_TOKEN_MIN);
      expect(pongs.length === 1, 'the damaged PING was answered');
    },
  },
  {
    clause: '1.2.3',
    title: 'a malformed (not COBS) chunk is dropped and counted',
    async run(ctx) {
      const before = await badFrames(ctx);
      await ctx.host.sendRaw(Uint8Array.from([0x09, 0x11, 0x22, 0x33, 0x00]));
      const after = await badFrames(ctx);
      expect(delta(before, after) === 1, `rx_frames_bad went ${before} → ${after}, expected +1`);
    },
  },
  {
    clause: '1.2.2',
    title: 'a chunk longer than the largest frame is dropped as one oversized frame; the next frame decodes',
    async run(ctx) {
      const before = await badFrames(ctx);
      await ctx.host.sendRaw(Uint8Array.from([...new Uint8Array(1100).fill(0x41), 0]));
      const after = await badFrames(ctx);
      expect(delta(before, after) === 1, `rx_frames_bad went ${before} → ${after}, expected +1`);
    },
  },
  {
    clause: '1.2.8',
    title:
      'a frame of an unknown type is skipped (not a bad frame); a known type with a short payload is a bad payload',
    async run(ctx) {
      const before = await badFrames(ctx);
      await ctx.host.sendRaw(encodeFrame(0x7f, ctx.host.enc.nextSeq, Uint8Array.from([1, 2, 3])));
      ctx.host.enc.encode({ type: 'PING', token: 0 });
      const mid = await badFrames(ctx);
      expect(delta(before, mid) === 0, `an unknown type counted as bad (${before} → ${mid})`);
      await ctx.host.sendRaw(encodeFrame(MessageType.PING, ctx.host.enc.nextSeq, Uint8Array.from([1, 2])));
      ctx.host.enc.encode({ type: 'PING', token: 0 });
      const after = await badFrames(ctx);
      expect(delta(mid, after) === 1, `a 2-byte PING counted ${delta(mid, after)} times, expected once`);
    },
  },
  {
    clause: '1.4.1',
    title: 'a frame of exactly max_rx_payload bytes is received; one byte more is dropped as oversized',
    async run(ctx) {
      const max = ctx.hello.maxRxPayload;
      const t = token();
      const pad = (n: number, tok: number) => {
        const p = new Uint8Array(n).fill(0x5a);
        p.set(encodeMessage({ type: 'PING', token: tok }));
        return p;
      };
      const since = performance.now();
      await ctx.host.sendRaw(encodeFrame(MessageType.PING, ctx.host.enc.nextSeq, pad(max, t)));
      ctx.host.enc.encode({ type: 'PING', token: 0 });
      await ctx.host.next('PONG', { since, pred: (p) => p.token === t, what: `PONG to a ${max}-byte PING` });
      if (max >= MAX_PAYLOAD_BYTES) return;
      const before = await badFrames(ctx);
      const t2 = token();
      const since2 = performance.now();
      await ctx.host.sendRaw(encodeFrame(MessageType.PING, ctx.host.enc.nextSeq, pad(max + 1, t2)));
      ctx.host.enc.encode({ type: 'PING', token: 0 });
      const after = await badFrames(ctx);
      expect(
        !ctx.host.all('PONG', since2).some((p) => p.token === t2),
        `a ${max + 1}-byte PING was answered`,
      );
      expect(
        delta(before, after) === 1,
        `rx_frames_bad went ${before} → ${after} for a ${max + 1}-byte frame`,
      );
    },
  },
  {
    clause: '1.4.2',
    quiet: true,
    title: 'traffic paced by rx_window_bytes (a PONG before each next window) loses no frame',
    async run(ctx) {
      if (ctx.hello.versionMinor < 1) return new Skip('the board speaks 1.0 (no rx_window_bytes)');
      const window = ctx.hello.rxWindowBytes;
      if (window === 0) return new Skip('rx_window_bytes is 0: no window to pace by');
      const before = await badFrames(ctx);
      const since = performance.now();
      const sent: number[] = [];
      let inFlight = 0;
      for (let i = 0; i < 40; i++) {
        const t = token();
        const frame = ctx.host.enc.encode({ type: 'GPIO_READ', pin: 0xfe });
        const barrier = ctx.host.enc.encode({ type: 'PING', token: t });
        if (inFlight + frame.length + barrier.length > window) {
          await ctx.host.sendRaw(barrier);
          await ctx.host.next('PONG', { since, pred: (p) => p.token === t, what: `window PONG ${t}` });
          sent.push(t);
          inFlight = 0;
          continue;
        }
        await ctx.host.sendRaw(frame);
        inFlight += frame.length;
      }
      const after = await badFrames(ctx);
      expect(
        delta(before, after) === 0,
        `${delta(before, after)} frames lost within the announced window of ${window}`,
      );
      expect(sent.length > 0, 'the window never filled');
    },
  },
  {
    clause: '2.4.1',
    title: 'PING token 0 in READY is answered with PONG and then HELLO',
    async run(ctx) {
      const skip = needs11(ctx);
      if (skip) return skip;
      const since = performance.now();
      await ctx.host.send({ type: 'PING', token: 0 });
      const pong = await ctx.host.next('PONG', { since, pred: (p) => p.token === 0, what: 'PONG 0' });
      const hello = await ctx.host.next('HELLO', { since, what: 'HELLO after PONG 0' });
      expect(hello.at >= pong.at && hello.seq !== 0, `HELLO seq ${hello.seq} (a reset?) or before the PONG`);
      await ctx.host.send(ctx.ack); // acknowledge it again with the same session (§2.2.6)
      await ctx.host.ping(token());
    },
  },
  {
    clause: '2.3.2',
    title: 'a HELLO_ACK with the host_session in force is a duplicate: nothing is reset',
    async run(ctx) {
      const skip = needs11(ctx);
      if (skip) return skip;
      const stream = await openCapture(ctx);
      const since = performance.now();
      await ctx.host.send(ctx.ack);
      await ctx.host.ping(token());
      await ctx.pause(200);
      const ended = ctx.host.all('AUDIO_END', since).find((e) => e.stream === stream);
      expect(!ended, `the duplicate HELLO_ACK ended stream ${stream} (reason ${ended?.reason})`);
      await stopCapture(ctx, stream);
    },
  },
  {
    clause: '2.3.3',
    title: 'a HELLO_ACK with another host_session is a reconnect: an open capture ends with reason 5',
    async run(ctx) {
      const stream = await openCapture(ctx);
      const ack = { ...ctx.ack, hostSession: (ctx.ack.hostSession % 0xfffffffe) + 1 };
      const end = await ackEnds(ctx, ack, stream);
      ctx.ack = ack;
      expect(end.reason === AudioEndReason.ERROR, `AUDIO_END reason ${end.reason}, expected 5 (error)`);
      await ctx.host.ping(token());
    },
  },
  {
    clause: '2.3.5',
    title: 'a HELLO_ACK with host_session 0 (a 1.0 host) in READY is always a reconnect',
    async run(ctx) {
      const skip = needs11(ctx);
      if (skip) return skip;
      const stream = await openCapture(ctx);
      const end = await ackEnds(ctx, { ...ctx.ack, hostSession: 0 }, stream);
      expect(end.reason === AudioEndReason.ERROR, `AUDIO_END reason ${end.reason}, expected 5`);
      await ctx.handshake();
    },
  },
  {
    clause: '4.1.2',
    title: 'a HELLO_ACK of another major version is refused with ERROR VERSION_MISMATCH',
    async run(ctx) {
      const since = performance.now();
      await ctx.host.send({ ...ctx.ack, versionMajor: PROTOCOL_MAJOR + 1 });
      const err = await ctx.host.next('ERROR', { since, what: 'ERROR after a major-2 HELLO_ACK' });
      expect(
        err.code === ErrorCode.VERSION_MISMATCH,
        `ERROR code ${err.code}, expected ${ErrorCode.VERSION_MISMATCH}`,
      );
      await ctx.host.ping(token());
    },
  },
  {
    clause: '2.5.1',
    quiet: true,
    title:
      'no frame from the host for 3 heartbeats: the board ends its capture (reason 5) and asks for HELLO again',
    async run(ctx) {
      const heartbeatMs = 300;
      await ctx.handshake({ heartbeatMs });
      const stream = await openCapture(ctx);
      const quietFrom = performance.now();
      const end = await ctx.host.next('AUDIO_END', {
        since: quietFrom,
        pred: (e) => e.stream === stream,
        timeoutMs: HOST_GONE_HEARTBEATS * heartbeatMs + 3000,
        what: 'AUDIO_END once the host went quiet',
      });
      const hello = await ctx.host.next('HELLO', {
        since: quietFrom,
        timeoutMs: 3000,
        what: 'HELLO once the host went quiet',
      });
      const after = end.at - quietFrom;
      expect(end.reason === AudioEndReason.ERROR, `AUDIO_END reason ${end.reason}, expected 5`);
      expect(
        after >= HOST_GONE_HEARTBEATS * heartbeatMs * 0.9,
        `the board gave up after ${Math.round(after)} ms, before 3 heartbeats (${3 * heartbeatMs} ms)`,
      );
      expect(hello.at >= end.at, 'HELLO before the capture ended');
      // §2.2.1: now in AWAIT_ACK it repeats HELLO every second.
      const second = await ctx.host.next('HELLO', {
        since: hello.at + 1,
        timeoutMs: HELLO_INTERVAL_MS * 2.5,
        what: 'a second HELLO',
      });
      const gap = second.at - hello.at;
      expect(
        gap >= HELLO_INTERVAL_MS * 0.6 && gap <= HELLO_INTERVAL_MS * 1.9,
        `HELLO repeated after ${Math.round(gap)} ms, expected about ${HELLO_INTERVAL_MS}`,
      );
    },
  },
  {
    clause: '2.2.4',
    quiet: true,
    title: 'before HELLO_ACK the board accepts no output message (a CAPTURE start starts nothing)',
    async run(ctx) {
      // The previous check left the board in AWAIT_ACK.
      const since = performance.now();
      await ctx.host.send({
        type: 'CAPTURE',
        action: CaptureAction.START,
        mode: CaptureMode.CONTINUOUS,
        maxMs: 0,
      });
      await ctx.host.ping(token());
      await ctx.pause(150);
      expect(ctx.host.all('AUDIO_START', since).length === 0, 'AUDIO_START before HELLO_ACK');
      await ctx.handshake();
    },
  },
  {
    clause: '2.2.6',
    // No heartbeat PINGs: their PONGs would keep the line busy, and the reset must not land in a frame.
    quiet: true,
    title: 'after a reset the board sends HELLO with seq 0 and handshakes again',
    async run(ctx) {
      if (!ctx.driver?.reset) return new Skip('the board cannot be reset from here (no driver with reset)');
      // A reset between a frame's last byte and its delimiter leaves that frame whole, ended by the
      // leading 0x00 itself: the bytes then read exactly like a HELLO with no leading 0x00. So reset
      // between frames (the board's LOG frames after a handshake can keep the line busy a while).
      const quiet = await ctx.host.lineQuiet(100, 5000);
      const since = performance.now();
      const at = ctx.host.bytes.length;
      await ctx.driver.reset();
      const hello = await ctx.host.next('HELLO', {
        since,
        pred: (h) => h.seq === 0,
        timeoutMs: 8000,
        what: 'HELLO seq 0 after the reset',
      });
      expect(hello.seq === 0, `HELLO seq ${hello.seq}`);
      // §1.3.1: one extra 0x00 before its first frame, so whatever was buffered ends as a dropped
      // chunk: the chunk just before HELLO seq 0 is empty (0x00 0x00) or boot text, never a frame.
      expect(
        leadingDelimiterBefore(ctx.host.bytes.slice(Math.max(0, at - 1))),
        `no leading 0x00 before HELLO seq 0 (SPEC §1.3.1)${quiet ? '' : '; the board never fell quiet for 100 ms before the reset, so it may have landed inside a frame'}`,
      );
      await ctx.handshake();
    },
  },
];

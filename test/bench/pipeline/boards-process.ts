/**
 * The boards of the full-pipeline benchmark, in a process of their own: emulated boards
 * (boards/emulator) on real socat ptys, streaming espeak-ng speech in real time like a microphone.
 * Every latency is timed here, on the boards' own clock, from the moment a board writes AUDIO_END to
 * the moment a frame reaches it — what a user at the board would see or hear — so no clock is shared
 * with the host. This process's own event-loop delay is reported too: a late board would flatter the host.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { PcmAudio } from '../../../base/audio/wav.js';
import { EmulatedBoard, type LedState } from '../../../boards/emulator/index.js';
import { withSilence } from '../../../host/cli/demo-harness.js';
import { synthesize } from '../../../host/tts/espeak.js';
import { parentRpc } from './ipc.js';

/** The LED frame a board must receive: its effect id, colour and (when given) period. */
export type LedMatch = Pick<LedState, 'effect' | 'r' | 'g' | 'b'> & { periodMs?: number };

export interface UtterRequest {
  uids: string[];
  text: string;
  /** Per board (same order as uids), instead of `text`: distinct replies defeat the host's reply cache. */
  texts?: string[];
  /** The response to wait for: an LED frame, or the first SPEAKER_DATA (then playback's end too). */
  expect: { led: LedMatch } | { speech: true };
  /** The session's acknowledgement (the "thinking" LED). */
  ack: LedMatch;
  /** Boards start within this window (boards never press in lockstep). Default 0. */
  spreadMs?: number;
  timeoutMs: number;
}

/** One board's utterance, times in ms after its AUDIO_END (undefined: never arrived). */
export interface UtterResult {
  uid: string;
  /** Length of what the board said (its whole clip, silence included), ms. */
  audioMs: number;
  ackMs?: number;
  responseMs?: number;
  /** The reply's playback finished (speech only). */
  playedMs?: number;
  interrupted: boolean;
}

export type BoardsCall =
  | { op: 'create'; prefix: string; count: number }
  | { op: 'wait-acks'; uids: string[]; timeoutMs: number }
  | { op: 'utter'; req: UtterRequest }
  | { op: 'loop-read' }
  | { op: 'remove'; uids: string[] }
  | { op: 'close' };

const boards = new Map<string, EmulatedBoard>();
const audio = new Map<string, Promise<PcmAudio>>();
/** The button is released right after the words, as a user does (a short tail, not demo's 900 ms). */
const clip = (text: string) => {
  let a = audio.get(text);
  if (!a) {
    a = synthesize(text, { sampleRate: 16000, wpm: 150 }).then((s) => withSilence(s, 250, 300));
    audio.set(text, a);
  }
  return a;
};

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

async function create(prefix: string, count: number): Promise<{ uid: string; hostPath: string }[]> {
  const made = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      EmulatedBoard.overPty({ uid: `${prefix}-${i}`, speed: 1, bootNoise: false, helloIntervalMs: 200 }),
    ),
  );
  for (const b of made) boards.set(b.uid, b);
  return made.map((b) => ({ uid: b.uid, hostPath: b.hostPath }));
}

const sameLed = (l: LedState, m: LedMatch) =>
  l.effect === m.effect &&
  l.r === m.r &&
  l.g === m.g &&
  l.b === m.b &&
  (m.periodMs === undefined || l.periodMs === m.periodMs);

function utterOne(board: EmulatedBoard, req: UtterRequest, pcm: PcmAudio): Promise<UtterResult> {
  const result: UtterResult = {
    uid: board.uid,
    audioMs: (pcm.samples.length / pcm.sampleRate) * 1000,
    interrupted: false,
  };
  let endAt = -1;
  return new Promise<UtterResult>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      board.off('stream-end', onEnd);
      board.off('led', onLed);
      board.off('speaker', onSpeaker);
      resolve(result);
    };
    const complete = () => {
      const speech = 'speech' in req.expect;
      if (
        result.ackMs !== undefined &&
        result.responseMs !== undefined &&
        (!speech || result.playedMs !== undefined)
      )
        finish();
    };
    const onEnd = () => {
      endAt = performance.now();
    };
    const onLed = (l: LedState) => {
      if (endAt < 0) return;
      const t = performance.now() - endAt;
      if (result.ackMs === undefined && sameLed(l, req.ack)) result.ackMs = t;
      if ('led' in req.expect && result.responseMs === undefined && sameLed(l, req.expect.led))
        result.responseMs = t;
      complete();
    };
    const onSpeaker = (s: { event: string }) => {
      if (endAt < 0) return;
      const t = performance.now() - endAt;
      if (s.event === 'data' && result.responseMs === undefined) result.responseMs = t;
      if ((s.event === 'finished' || s.event === 'stopped') && result.responseMs !== undefined)
        result.playedMs = t;
      complete();
    };
    const timer = setTimeout(finish, req.timeoutMs);
    board.on('stream-end', onEnd);
    board.on('led', onLed);
    board.on('speaker', onSpeaker);
    board.setAudio(pcm);
    board
      .utter()
      .then((r) => {
        result.interrupted = r.interrupted;
        if (r.interrupted) finish();
      })
      .catch(() => {
        result.interrupted = true;
        finish();
      });
  });
}

async function utter(req: UtterRequest): Promise<UtterResult[]> {
  const pcms = await Promise.all(req.uids.map((_, i) => clip(req.texts?.[i] ?? req.text)));
  const spread = req.spreadMs ?? 0;
  return Promise.all(
    req.uids.map(async (uid, i) => {
      const b = boards.get(uid);
      if (!b) throw new Error(`no emulated board ${uid}`);
      if (spread > 0) await new Promise((r) => setTimeout(r, (i * 37) % spread));
      return utterOne(b, req, pcms[i]!);
    }),
  );
}

/** Resolves once every board has its HELLO_ACK (the host's open() can resolve a moment before). */
function waitAcks(uids: string[], timeoutMs: number): Promise<void> {
  return Promise.all(
    uids.map(
      (uid) =>
        new Promise<void>((resolve, reject) => {
          const b = boards.get(uid);
          if (!b) return reject(new Error(`no emulated board ${uid}`));
          if (b.ack) return resolve();
          const timer = setTimeout(
            () => reject(new Error(`board ${uid}: no HELLO_ACK in ${timeoutMs} ms`)),
            timeoutMs,
          );
          b.once('ack', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    ),
  ).then(() => undefined);
}

async function remove(uids: string[]): Promise<void> {
  await Promise.all(uids.map((u) => boards.get(u)?.close()));
  for (const u of uids) boards.delete(u);
}

const rpc = parentRpc<BoardsCall, { event: string }>({
  onCall: async (c) => {
    switch (c.op) {
      case 'create':
        return create(c.prefix, c.count);
      case 'wait-acks':
        return waitAcks(c.uids, c.timeoutMs);
      case 'utter':
        return utter(c.req);
      case 'loop-read':
        return { max: loop.max / 1e6, p99: loop.percentile(99) / 1e6 };
      case 'remove':
        return remove(c.uids);
      case 'close':
        setImmediate(() => {
          void remove([...boards.keys()]).finally(() => process.exit(0));
        });
        return true;
    }
  },
});
rpc.emit({ event: 'ready' });

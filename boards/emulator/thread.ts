/**
 * Worker-thread entry that runs emulated boards off the caller's thread, so a test can block its own
 * main thread (or a benchmark can load it) without the boards' audio timing suffering. Driven by
 * remote.ts; each request names a board and a method from CALLABLE.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';
import { WorkerRpc } from '../../base/worker-rpc.js';
import { EmulatedBoard, type EmulatedBoardOptions } from './emulated-board.js';
import type { RemoteBoardEvent } from './remote.js';

const boards = new Map<number, EmulatedBoard>();
let nextIndex = 0;

/** Methods remote callers may invoke; results must be structured-cloneable. */
const CALLABLE = new Set([
  'utter',
  'press',
  'release',
  'unplug',
  'replug',
  'stall',
  'garbage',
  'setFaults',
  'setPin',
  'setAudio',
  'close',
]);
/** Board events forwarded to the caller. */
const FORWARDED = [
  'ack',
  'stream-start',
  'stream-end',
  'audio-exhausted',
  'host-gone',
  'led',
  'tone',
  'speaker',
  'gpio',
];

type Request =
  | { op: 'create'; opts: EmulatedBoardOptions & { dir?: string; name?: string } }
  | { op: 'call'; index: number; method: string; args: unknown[] }
  | { op: 'snapshot'; index: number };

const rpc = new WorkerRpc<Request, RemoteBoardEvent>(parentPort as MessagePort, {
  onCall: (req) => handle(req),
});

async function handle(req: Request): Promise<unknown> {
  if (req.op === 'create') {
    const board = await EmulatedBoard.overPty(req.opts);
    const index = nextIndex++;
    boards.set(index, board);
    for (const ev of FORWARDED) board.on(ev, (payload: unknown) => rpc.emit({ event: ev, index, payload }));
    return { index, hostPath: board.hostPath, uid: board.uid };
  }
  const board = boards.get(req.index);
  if (!board) throw new Error(`no emulated board ${req.index}`);
  if (req.op === 'snapshot') {
    return {
      stats: board.stats,
      acked: board.ack !== undefined,
      leds: board.leds,
      tones: board.tones,
      volume: board.volume,
      speaker: board.speaker.stats,
      streaming: board.streaming,
    };
  }
  if (!CALLABLE.has(req.method)) throw new Error(`method ${req.method} cannot be called remotely`);
  const fn = (board as unknown as Record<string, (...a: unknown[]) => unknown>)[req.method]!;
  const result = await fn.apply(board, req.args);
  if (req.method === 'close') boards.delete(req.index);
  return result;
}

/**
 * The link worker: one thread owns every serial port, decodes every frame and forwards audio straight
 * to the MessagePorts main routed it to; main gets only events (HELLO, buttons, utterance boundaries,
 * link state). One thread for all boards, not one each: a board is ~50 frames a second, so 32 boards
 * cost a few percent of one core, and on a 2-core host extra threads would only compete with the ASR
 * workers. Boards stay isolated because each BoardLink catches its own failures.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { HarkError, isHarkError } from '../../base/errors.js';
import { BoardLink, type LinkCallbacks } from './board-link.js';
import type { LinkManagerOptions, SerializedError, WorkerOutput, WorkerRequest } from './types.js';

const parent = parentPort as MessagePort;
const opts = workerData as Required<Omit<LinkManagerOptions, 'backoff'>> &
  Pick<LinkManagerOptions, 'backoff'>;
/** Links by path (a path is opened once) and by board id once known. */
const byPath = new Map<string, BoardLink>();

const post = (m: WorkerOutput) => parent.postMessage(m);
const serialize = (e: unknown): SerializedError =>
  isHarkError(e)
    ? { code: e.code, message: e.message, ...(e.details ? { details: { ...e.details } } : {}) }
    : { code: 'HARK_ERR_LINK_WORKER', message: e instanceof Error ? e.message : String(e) };

const callbacks: LinkCallbacks = {
  state: (l, state, reason) =>
    post({
      kind: 'state',
      event: { boardId: l.boardId, path: l.target.path, state, ...(reason ? { reason } : {}) },
    }),
  board: (_l, info) => post({ kind: 'board', info }),
  message: (l, message) => post({ kind: 'message', event: { boardId: l.boardId, message } }),
  error: (l, e) => post({ kind: 'error', boardId: l.boardId, error: serialize(e) }),
  audioAbort: (l, stream, reason) =>
    post({ kind: 'audio-abort', event: { boardId: l.boardId, stream, reason } }),
};

function find(boardId: string): BoardLink {
  for (const l of byPath.values()) if (l.boardId === boardId) return l;
  throw new HarkError('HARK_ERR_LINK_NOT_READY', `no board "${boardId}" is open`);
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'open': {
      const existing = byPath.get(req.target.path);
      if (existing?.info && existing.state !== 'failed') return existing.info;
      if (existing) await existing.close();
      const link = new BoardLink(req.target, opts, callbacks);
      byPath.set(req.target.path, link);
      try {
        return await link.start();
      } catch (e) {
        if (byPath.get(req.target.path) === link) byPath.delete(req.target.path);
        await link.close();
        throw e;
      }
    }
    case 'send':
      return find(req.boardId).send(req.message);
    case 'route':
      return find(req.boardId).route(req.stream, req.port);
    case 'discard':
      return find(req.boardId).discard(req.stream);
    case 'play':
      return find(req.boardId).play(req.audio);
    case 'stopPlayback':
      return find(req.boardId).playback.stop();
    case 'stats':
      return find(req.boardId).stats();
    case 'forget': {
      const l = find(req.boardId);
      byPath.delete(l.target.path);
      return l.close();
    }
    case 'diagnostics':
      return { activeResources: process.getActiveResourcesInfo(), links: byPath.size };
    case 'close':
      await Promise.all([...byPath.values()].map((l) => l.close()));
      byPath.clear();
      return undefined;
  }
}

parent.on('message', (msg: { id: number; req: WorkerRequest }) => {
  handle(msg.req).then(
    (value) => post({ kind: 'reply', id: msg.id, ok: true, value }),
    (e) => post({ kind: 'reply', id: msg.id, ok: false, error: serialize(e) }),
  );
});

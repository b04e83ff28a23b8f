/**
 * The link worker: one thread owns every serial port, decodes every frame and forwards audio straight
 * to the MessagePorts main routed it to; main gets only events (HELLO, buttons, utterance boundaries,
 * link state) through one WorkerRpc. One thread for all boards, not one each: a board is ~50 frames a
 * second, so 32 boards cost a few percent of one core, and on a 2-core host extra threads would only
 * compete with the ASR workers. Boards stay isolated because no write blocks the thread (non-blocking
 * descriptors, a bounded FrameWriter per board), each link catches its own failures, and an
 * EventThrottle bounds what a flooding board may cost per second.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { HarkError } from '../../base/errors.js';
import { fullGc } from '../../base/full-gc.js';
import { toWire } from '../../base/wire-error.js';
import { WorkerRpc } from '../../base/worker-rpc.js';
import { BoardLink, type LinkCallbacks } from './board-link.js';
import { PortWatcher } from './port-watcher.js';
import type { BoardInfo, LinkManagerOptions, OpenTarget, WorkerEvent, WorkerRequest } from './types.js';

/**
 * A full collection once a minute (base/full-gc.ts says why): speaker audio and serial buffers would
 * otherwise stay resident as garbage for an hour. A few ms of this thread; the ports' kernel buffers
 * hold what arrives meanwhile.
 */
const gc = fullGc();
if (gc) setInterval(gc, 60_000).unref();

const notReady = (path: string) => new HarkError('HARK_ERR_LINK_NOT_READY', `${path} is not connected`);

const opts = workerData as LinkManagerOptions;
/** Links by path (a path is opened once); board ids are found by scanning (a handful of boards). */
const byPath = new Map<string, BoardLink>();
/** Each link's first handshake (so a second open() of a path waits for the same one). */
const firstHandshake = new Map<BoardLink, Promise<BoardInfo>>();
let watcher: PortWatcher | undefined;

const rpc = new WorkerRpc<WorkerRequest, WorkerEvent>(parentPort as MessagePort, {
  onCall: (req) => handle(req),
});
const post = (e: WorkerEvent) => rpc.emit(e);

const callbacks: LinkCallbacks = {
  state: (l, state, reason, t) =>
    post({
      kind: 'state',
      event: {
        boardId: l.boardId,
        path: l.target.path,
        state,
        ...(reason ? { reason } : {}),
        ...(t && t.from !== 'closed' ? { from: t.from, line: `${l.boardId}: link ${t.line}` } : {}),
      },
    }),
  board: (_l, info) => post({ kind: 'board', info }),
  message: (l, message) => post({ kind: 'message', event: { boardId: l.boardId, message } }),
  error: (l, e: HarkError) => post({ kind: 'error', boardId: l.boardId, error: toWire(e) }),
  audioAbort: (l, stream, reason) =>
    post({ kind: 'audio-abort', event: { boardId: l.boardId, stream, reason } }),
  suppressed: (l, counts, periodMs) =>
    post({ kind: 'suppressed', event: { boardId: l.boardId, path: l.target.path, counts, periodMs } }),
};

function find(boardId: string): BoardLink {
  for (const l of byPath.values()) if (l.boardId === boardId) return l;
  throw new HarkError('HARK_ERR_LINK_NOT_READY', `no board "${boardId}" is open`);
}

/** A new link on `target.path`; it leaves the table when it fails for good. */
function startLink(target: OpenTarget): Promise<BoardInfo> {
  const link = new BoardLink(target, opts, callbacks);
  byPath.set(target.path, link);
  const started = link.start().catch(async (e: unknown) => {
    if (byPath.get(target.path) === link) byPath.delete(target.path);
    firstHandshake.delete(link);
    await link.close();
    throw e;
  });
  firstHandshake.set(link, started);
  started.then(
    () => firstHandshake.delete(link),
    () => {},
  );
  return started;
}

/** The port watcher's way in: serve a device that appeared, unless its path is served already. */
function openWatched(target: OpenTarget): boolean {
  const existing = byPath.get(target.path);
  if (existing && existing.state !== 'failed') return false;
  startLink(target).catch(() => {}); // its failure was reported as an error event
  return true;
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'open': {
      const existing = byPath.get(req.target.path);
      if (existing && existing.state !== 'failed') {
        return (
          existing.info ?? (await (firstHandshake.get(existing) ?? Promise.reject(notReady(req.target.path))))
        );
      }
      if (existing) await existing.close();
      return startLink(req.target);
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
    case 'watch': {
      if (watcher) throw new HarkError('HARK_ERR_LINK_WATCH', 'the port watcher is already running');
      const w = new PortWatcher(req.options, {
        event: (event) => post({ kind: 'port', event }),
        open: openWatched,
        release: (path) => {
          const l = byPath.get(path);
          if (!l) return;
          byPath.delete(path);
          void l.release();
        },
      });
      try {
        w.start();
      } catch (e) {
        const dir = req.options.devDir ?? '/dev';
        throw new HarkError(
          'HARK_ERR_LINK_WATCH',
          `cannot watch ${dir} for serial devices (${(e as Error).message}); boards plugged in later will not be noticed — pass --port PATH for each board`,
          { cause: e },
        );
      }
      watcher = w;
      return undefined;
    }
    case 'diagnostics':
      return { activeResources: process.getActiveResourcesInfo(), links: byPath.size };
    case 'close':
      watcher?.close();
      watcher = undefined;
      await Promise.all([...byPath.values()].map((l) => l.close()));
      byPath.clear();
      return undefined;
  }
}

/**
 * The Wyoming worker thread: every socket that carries audio — each board's satellite server (Home
 * Assistant's side) and each utterance streamed to a remote Wyoming ASR server. Board audio arrives
 * on MessagePorts straight from the link worker; main sends only control requests and receives
 * events (see worker-protocol.ts). One thread for all of them: the work is socket I/O and a little
 * resampling, far below one core, and keeping it off main means a command that blocks main for
 * seconds neither drops a satellite (pings are answered here) nor stalls an upload.
 */
import { parentPort } from 'node:worker_threads';
import { HarkError } from '../../base/errors.js';
import { RemoteAsrStream } from './remote-asr-stream.js';
import { SatelliteServer } from './satellite-server.js';
import type { WorkerOutput, WorkerRequest, WorkerStats } from './worker-protocol.js';

const port = parentPort!;
const satellites = new Map<string, SatelliteServer>();
const asr = new Map<number, RemoteAsrStream>();

const post = (m: WorkerOutput) => port.postMessage(m);

function satellite(boardId: string): SatelliteServer {
  const s = satellites.get(boardId);
  if (!s) throw new HarkError('HARK_ERR_WYOMING_CONFIG', `board ${boardId} has no Wyoming satellite server`);
  return s;
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'sat-listen': {
      if (satellites.has(req.boardId))
        throw new HarkError('HARK_ERR_WYOMING_LISTEN', `board ${req.boardId} already has a satellite server`);
      const s = new SatelliteServer(req.boardId, req.info, post);
      const bound = await s.listen(req.host, req.port);
      satellites.set(req.boardId, s);
      return bound;
    }
    case 'sat-info':
      satellite(req.boardId).setInfo(req.info);
      return undefined;
    case 'sat-close': {
      const s = satellites.get(req.boardId);
      satellites.delete(req.boardId);
      await s?.close();
      return undefined;
    }
    case 'sat-send':
      return satellite(req.boardId).send(req.event);
    case 'sat-stream':
      satellite(req.boardId).stream(req);
      return undefined;
    case 'asr-open': {
      const s = new RemoteAsrStream(req, post, () => asr.delete(req.id));
      asr.set(req.id, s);
      s.begin();
      return undefined;
    }
    case 'asr-fallback':
      if (asr.has(req.id)) asr.get(req.id)!.fallback(req.port);
      else req.port.close();
      return undefined;
    case 'asr-drop':
      asr.get(req.id)?.drop(req.error);
      return undefined;
    case 'stats':
      return {
        satellites: satellites.size,
        satelliteClients: [...satellites.values()].reduce((n, s) => n + s.clients, 0),
        asrStreams: asr.size,
      } satisfies WorkerStats;
    case 'close':
      for (const s of asr.values()) s.close();
      await Promise.all([...satellites.values()].map((s) => s.close()));
      satellites.clear();
      return undefined;
  }
}

port.on('message', ({ id, req }: { id: number; req: WorkerRequest }) => {
  handle(req).then(
    (value) => post({ kind: 'reply', id, ok: true, value }),
    (e: unknown) =>
      post({
        kind: 'reply',
        id,
        ok: false,
        error:
          e instanceof HarkError
            ? { code: e.code, message: e.message }
            : { code: 'HARK_ERR_WYOMING_WORKER', message: String((e as Error)?.message ?? e) },
      }),
  );
});

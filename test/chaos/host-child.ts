/**
 * The host under attack, in a process of its own (a crash is a crash, not the attacker's): a whole
 * pipeline (link worker, ASR workers, the example pack) driven over stdin with one JSON request a line
 * and answering on stdout with one JSON line each — `{ id, ok, value }` — between pipeline events
 * (`{ event, … }`). Requests: open a port, measure a board's PING round trips while something else
 * happens (the link helper's pingLoop), send a board many frames, report memory. SIGTERM closes it.
 */
import { createInterface } from 'node:readline';
import pack from '../../examples/typescript-starter/src/index.js';
import { ConfigStore, type HarkConfig } from '../../host/config/index.js';
import { HarkPipeline } from '../../host/pipeline.js';
import { pingLoop } from '../helpers/link.js';
import { MemoryProbe } from './memory-probe.js';

export type HostRequest =
  | { op: 'open'; path: string; waitForBoard?: boolean }
  | { op: 'ping-start'; boardId: string; everyMs?: number }
  | { op: 'ping-stop'; boardId: string }
  | { op: 'blast'; boardId: string; count: number; bytes: number }
  | { op: 'memory' }
  | { op: 'memory-detail'; collectGarbage?: boolean };

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const config: HarkConfig = {
  ...new ConfigStore({ cwd: '/nonexistent/hark-chaos', configName: 'none' }).resolve(),
  commands: '',
};
const pipeline = await HarkPipeline.start({
  config,
  commands: pack,
  asrThreads: Number(process.env.CHAOS_ASR_THREADS ?? 2),
  link: { heartbeatMs: 1000 },
});
pipeline.on('event', (e) => {
  if (e.event !== 'session') out(e);
});
pipeline.on('link', (e) => out({ event: 'link', ...e }));
// Only when asked for: the inspector session it opens is not part of the host being measured otherwise.
let probe: MemoryProbe | undefined;
const loops = new Map<string, ReturnType<typeof pingLoop>>();

async function handle(r: HostRequest): Promise<unknown> {
  switch (r.op) {
    case 'open': {
      const info = await pipeline.open({ path: r.path, ...(r.waitForBoard ? { waitForBoard: true } : {}) });
      return { boardId: info.boardId };
    }
    case 'ping-start':
      loops.set(r.boardId, pingLoop(pipeline.link, r.boardId, r.everyMs ?? 20));
      return true;
    case 'ping-stop': {
      const loop = loops.get(r.boardId);
      loops.delete(r.boardId);
      if (!loop) throw new Error(`no ping loop for ${r.boardId}`);
      return await loop.stop();
    }
    case 'blast': {
      const message = { type: 'ERROR' as const, code: 2, message: 'x'.repeat(Math.min(240, r.bytes)) };
      const outcomes = await Promise.all(
        Array.from({ length: r.count }, () =>
          pipeline.link.send(r.boardId, message).then(
            () => 'sent',
            (e: { code?: string }) => e.code ?? 'failed',
          ),
        ),
      );
      const counts: Record<string, number> = {};
      for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
      return counts;
    }
    case 'memory-detail':
      probe ??= new MemoryProbe();
      return {
        ...(await probe.sample({ collectGarbage: r.collectGarbage === true })),
        speech: await pipeline.speechStats(),
      };
    case 'memory':
      return { rssMb: process.memoryUsage().rss / 2 ** 20, heapMb: process.memoryUsage().heapUsed / 2 ** 20 };
  }
}

let closing = false;
process.on('SIGTERM', () => {
  if (closing) process.exit(130);
  closing = true;
  void pipeline.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
out({ event: 'ready', pid: process.pid });
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { id, ...req } = JSON.parse(line) as HostRequest & { id: number };
  handle(req as HostRequest).then(
    (value) => out({ id, ok: true, value }),
    (e: Error) => out({ id, ok: false, error: e.message }),
  );
}

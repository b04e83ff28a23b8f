/**
 * The host under test, alone in its own process, assembled as `hark run` assembles it: the config's
 * defaults (+ HARK_* variables, no file), the example command pack, the default link worker, ASR
 * workers, command workers and watchdog. The benchmark (pipeline.bench.ts) and `npm run profile` drive
 * it over IPC; the boards live in another process (boards-process.ts), so the figures are the host's.
 * Nothing here measures more than the event-loop delay and the link counters the host keeps anyway.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EXAMPLE_PACK } from '../../../host/cli/example-pack.js';
import { ConfigStore } from '../../../host/config/index.js';
import { HarkPipeline, type PipelineEvent } from '../../../host/pipeline.js';
import { parentRpc } from './ipc.js';

export type HostCall =
  | { op: 'open'; paths: string[] }
  | { op: 'loop-reset' }
  | { op: 'loop-read' }
  | { op: 'wait-idle'; timeoutMs: number }
  | { op: 'counters' }
  | { op: 'clock' }
  | { op: 'close' };

/** Event-loop delay of main since the last loop-reset, ms. */
export interface LoopFigures {
  p50: number;
  p99: number;
  max: number;
}

/** What the host counted since it started: every way a frame or an utterance can go missing. */
export interface HostCounters {
  rssBytes: number;
  boards: number;
  /** framesLost + framesBad + audioGaps + audioHeldDropped over every board. */
  framesLost: number;
  /** Pipeline error events by code. */
  errors: Record<string, number>;
  /** Utterances that had to wait for a free ASR stream (the pipeline's 'asr-wait' events). */
  streamWaits: number;
}

const base = new ConfigStore({ cwd: '/nonexistent/hark-bench', configName: 'none' }).resolve();
const pipeline = await HarkPipeline.start({
  config: { ...base, commands: '' },
  commandModules: [EXAMPLE_PACK],
});
const errors: Record<string, number> = {};
let streamWaits = 0;
const idleWaiters = new Set<() => void>();
pipeline.on('event', (e: PipelineEvent) => {
  if (e.event === 'error') errors[e.code] = (errors[e.code] ?? 0) + 1;
  else if ((e.event as string) === 'asr-wait') streamWaits++;
  else if (e.event === 'session') for (const w of idleWaiters) w();
});

let loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

/** Idle or gone: a board whose pty was removed stays disconnected and must not hold the others up. */
const allIdle = () =>
  pipeline.boards.every((b) => b.session.state === 'idle' || b.session.state === 'disconnected');

/** Resolves once every board's session is idle (transitions are 'session' events: no polling). */
function waitIdle(timeoutMs: number): Promise<boolean> {
  if (allIdle()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      idleWaiters.delete(check);
      resolve(ok);
    };
    const check = () => {
      if (allIdle()) done(true);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    idleWaiters.add(check);
  });
}

async function counters(): Promise<HostCounters> {
  let framesLost = 0;
  const boards = pipeline.boards;
  for (const b of boards) {
    const s = await pipeline.link.stats(b.boardId);
    framesLost += s.framesLost + s.framesBad + s.audioGaps + s.audioHeldDropped;
  }
  return { rssBytes: process.memoryUsage().rss, boards: boards.length, framesLost, errors, streamWaits };
}

const rpc = parentRpc<HostCall, { event: string }>({
  onCall: async (c) => {
    switch (c.op) {
      case 'open':
        return (await Promise.all(c.paths.map((path) => pipeline.open({ path })))).map((i) => i.boardId);
      case 'loop-reset':
        loop.disable();
        loop = monitorEventLoopDelay({ resolution: 1 });
        loop.enable();
        return true;
      case 'loop-read':
        return {
          p50: loop.percentile(50) / 1e6,
          p99: loop.percentile(99) / 1e6,
          max: loop.max / 1e6,
        } satisfies LoopFigures;
      case 'wait-idle':
        return waitIdle(c.timeoutMs);
      case 'counters':
        return counters();
      case 'clock':
        // The monotonic clock V8 stamps CPU profiles with, µs: lets `npm run profile` cut out start-up.
        return Number(process.hrtime.bigint() / 1000n);
      case 'close':
        // Replies first, then closes: the profile (--cpu-prof) is written at a clean exit.
        setImmediate(() => {
          void pipeline.close().finally(() => process.exit(0));
        });
        return true;
    }
  },
});
rpc.emit({ event: 'ready' });

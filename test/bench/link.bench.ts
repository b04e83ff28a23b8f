/**
 * Link benchmarks over real pseudo-terminals, emulated boards running in two worker threads:
 * - link_boards_realtime: the most boards streaming 16 kHz PCM16 in real time whose audio the host
 *   ingests with zero lost frames, every utterance complete within 300 ms of its real-time end;
 * - loop_delay_p99_ms: main-thread event-loop delay p99 while 8 boards stream (main consumes the audio
 *   ports itself here, which is more than it does in `hark run`, where ASR workers do);
 * - loop_delay_idle_p99_ms: the same measure on an idle main thread, the shared machine's noise floor.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EmulatorThread, type RemoteBoard } from '../../boards/emulator/remote.js';
import { LinkManager } from '../../host/link/index.js';
import { collectAudio, sweep, waitFor } from '../helpers/link.js';
import type { BenchOptions } from './run.js';
import { median, round } from './stats.js';

const AUDIO_S = 4;
const LAG_BUDGET_MS = 300;

interface Round {
  /** Chunks not delivered, plus utterances that did not finish (board lost the host). */
  lost: number;
  maxLagMs: number;
  loopP99Ms: number;
}

const ROUND_LIMIT_MS = 60_000;
const HUNG: Round = {
  lost: Number.POSITIVE_INFINITY,
  maxLagMs: Number.POSITIVE_INFINITY,
  loopP99Ms: Number.NaN,
};

/** Resolves `p`, or HUNG after ROUND_LIMIT_MS: a round that hangs is a failure, not a stuck benchmark. */
async function bounded(p: Promise<Round>): Promise<Round> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<Round>((resolve) => {
    timer = setTimeout(() => resolve(HUNG), ROUND_LIMIT_MS);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function streamRound(n: number): Promise<Round> {
  const audio = sweep(AUDIO_S);
  const threads = await Promise.all([EmulatorThread.start(), EmulatorThread.start()]);
  const link = await LinkManager.start();
  const got = collectAudio(link, false);
  const startedAt = new Map<string, number>();
  const endedAt = new Map<string, number>();
  link.on('message', ({ boardId, message }) => {
    if (message.type === 'AUDIO_START') startedAt.set(boardId, performance.now());
  });
  try {
    return await bounded(
      (async (): Promise<Round> => {
        const boards: RemoteBoard[] = [];
        for (let i = 0; i < n; i++)
          boards.push(await threads[i % 2]!.create({ uid: `bench-${i}`, audio, speed: 1, bootNoise: false }));
        const acks = boards.map((b) => waitFor(b, 'ack', undefined, 30000));
        await Promise.all(boards.map((b) => link.open({ path: b.hostPath })));
        await Promise.all(acks);
        const h = monitorEventLoopDelay({ resolution: 1 });
        h.enable();
        const results = await Promise.all(boards.map((b) => b.utter()));
        let lost = results.filter((r) => r.interrupted).length;
        for (const [i, b] of boards.entries()) {
          const s = got.streams.find((x) => x.boardId === b.uid);
          if (!s) {
            lost += results[i]!.chunks;
            continue;
          }
          await Promise.race([s.done, new Promise((r) => setTimeout(r, 5000))]);
          endedAt.set(b.uid, performance.now());
          lost += results[i]!.chunks - s.chunks.size;
        }
        h.disable();
        let maxLagMs = 0;
        for (const [id, t0] of startedAt)
          maxLagMs = Math.max(maxLagMs, (endedAt.get(id) ?? Number.POSITIVE_INFINITY) - t0 - AUDIO_S * 1000);
        return { lost, maxLagMs, loopP99Ms: h.percentile(99) / 1e6 };
      })(),
    );
  } finally {
    got.stop();
    await link.close();
    await Promise.all(threads.map((t) => t.close()));
  }
}

/** Event-loop delay p99 of an idle main thread: the machine's own noise floor, for comparison. */
async function idleLoopP99(): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, 3000));
  h.disable();
  return h.percentile(99) / 1e6;
}

/** 8, 16, 32, 48, 64, 96, 128, 192, … unbounded (the ramp stops at its first failure); quick: 8, 16, 32. */
function* rampSteps(quick: boolean): Generator<number> {
  if (quick) return yield* [8, 16, 32];
  yield 8;
  for (let n = 16; ; n *= 2) {
    yield n;
    yield n + n / 2;
  }
}

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  const idle = await idleLoopP99();
  opts.log(`idle main thread: loop delay p99 ${round(idle)} ms (machine noise floor)`);
  const delays: number[] = [];
  for (let r = 0; r < (opts.quick ? 1 : 3); r++) {
    const res = await streamRound(8);
    opts.log(
      `8 boards: lost ${res.lost}, max lag ${round(res.maxLagMs, 0)} ms, loop delay p99 ${round(res.loopP99Ms)} ms`,
    );
    delays.push(res.loopP99Ms);
  }
  const best: number[] = [];
  for (let r = 0; r < (opts.quick ? 1 : 2); r++) {
    let ok = 0;
    // Grows until a step fails (quick: three steps): a fixed top would report the ramp's end.
    for (const n of rampSteps(opts.quick)) {
      const res = await streamRound(n);
      const pass = res.lost === 0 && res.maxLagMs <= LAG_BUDGET_MS;
      opts.log(
        `${n} boards: lost ${res.lost}, max lag ${round(res.maxLagMs, 0)} ms → ${pass ? 'real time' : 'NOT real time'}`,
      );
      if (!pass) break;
      ok = n;
    }
    best.push(ok);
  }
  return {
    link_boards_realtime: median(best),
    loop_delay_p99_ms: round(median(delays)),
    loop_delay_idle_p99_ms: round(idle),
  };
}

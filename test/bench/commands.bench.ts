/**
 * Command framework benchmarks.
 * - dispatch_match_us_p50 / _p99: tokenize + match one utterance against 200 registered commands (µs).
 * - loop_delay_p99_ms_blocking_cmds: main-loop delay p99 while 8 blocking commands busy-work in the pool
 *   (8 × 300 ms; the pool's default max(1, cores - 1) threads at niceness 10).
 * - loop_delay_p99_ms_idle_reference: the same measure with nothing running, to read the above against
 *   the machine's load.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { command } from '../../host/commands/command.js';
import { Dispatcher } from '../../host/commands/dispatcher.js';
import { CommandRegistry } from '../../host/commands/registry.js';
import { blockingCommands } from '../fixtures/commands/misbehaving-commands.js';
import type { BenchOptions } from './run.js';
import { median, percentile, round } from './stats.js';

const VERBS = ['turn', 'set', 'open', 'close', 'start', 'stop', 'play', 'show', 'dim', 'check'];
const THINGS = ['lights', 'fan', 'heater', 'door', 'radio', 'timer', 'music', 'blinds', 'alarm', 'oven'];
/** Pattern shapes, each with an utterance that matches it. */
const SHAPES: [(v: string, t: string) => string, (v: string, t: string) => string][] = [
  [(v, t) => `${v} (the)? ${t}`, (v, t) => `${v} the ${t}`],
  [
    (v, t) => `${v} (the)? ${t} (to|at) $n:Number (percent)?`,
    (v, t) => `${v} the ${t} to twenty five percent`,
  ],
  [(v, t) => `${v} (the)? ${t} for $d:Duration`, (v, t) => `${v} ${t} for an hour and a half`],
  [(v, t) => `${v} (the)? (kitchen|bedroom|hall) ${t} $s:OnOff`, (v, t) => `${v} the kitchen ${t} on`],
  [(v, t) => `please ${v} the ${t} $c:Color`, (v, t) => `please ${v} the ${t} warm white`],
  [(v, t) => `${v} ${t} in $room:Word`, (v, t) => `${v} ${t} in garage`],
];

/** 200 commands (10 verbs × 10 things × 2 shapes) and utterances: 24 that match, 4 that do not. */
function registry200(): { registry: CommandRegistry; utterances: string[] } {
  const registry = new CommandRegistry();
  const utterances: string[] = [];
  let i = 0;
  for (const v of VERBS)
    for (const t of THINGS) {
      for (let k = 0; k < 2; k++) {
        const [pattern, utterance] = SHAPES[(i + k * 3) % SHAPES.length]!;
        registry.add(command(pattern(v, t), () => ({}), { name: `c${i}_${k}` }));
        if (i % 9 === 0) utterances.push(utterance(v, t));
      }
      i++;
    }
  utterances.push('what is the meaning of life', 'play', 'turn the lights purple please', 'open sesame');
  return { registry, utterances };
}

function matchRun(r: CommandRegistry, utterances: string[], iterations: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const u = utterances[i % utterances.length]!;
    const t0 = performance.now();
    r.match(u);
    samples.push((performance.now() - t0) * 1000);
  }
  return samples;
}

/** Main-loop delay p99 with nothing running, as a reference for how loaded the machine is. */
async function idleDelayRun(ms: number): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, ms));
  h.disable();
  return h.percentile(99) / 1e6;
}

async function loopDelayRun(): Promise<number> {
  const d = new Dispatcher({
    registry: new CommandRegistry().add(blockingCommands),
    defaultTimeoutMs: 60_000,
  });
  try {
    await d.handle('warm', 'busy wait one'); // start the pool outside the measurement
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => d.handle(`b${i}`, 'busy wait three hundred')),
    );
    h.disable();
    for (const [r] of results)
      if (r?.status !== 'success') throw new Error(`blocking command failed: ${r?.text}`);
    return h.percentile(99) / 1e6;
  } finally {
    await d.close();
  }
}

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  const { registry: r, utterances } = registry200();
  opts.log(`commands: ${r.commands.length} registered`);
  let matched = 0;
  for (const u of utterances) if (r.match(u)) matched++;
  opts.log(`commands: ${matched}/${utterances.length} bench utterances match`);
  matchRun(r, utterances, 2000); // warm up the JIT
  const runs = opts.quick ? 3 : 7;
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = matchRun(r, utterances, opts.quick ? 2000 : 10_000);
    p50s.push(percentile(s, 50));
    p99s.push(percentile(s, 99));
  }
  opts.log(`commands: match p50 per run (µs): ${p50s.map((v) => round(v, 1)).join(' ')}`);
  const delays: number[] = [];
  const idle: number[] = [];
  for (let i = 0; i < (opts.quick ? 1 : 3); i++) {
    idle.push(await idleDelayRun(1000));
    delays.push(await loopDelayRun());
  }
  opts.log(`commands: loop delay p99 per run (ms): ${delays.map((v) => round(v, 2)).join(' ')}`);
  opts.log(`commands: idle loop delay p99 per run (ms): ${idle.map((v) => round(v, 2)).join(' ')}`);
  return {
    dispatch_match_us_p50: round(median(p50s), 2),
    dispatch_match_us_p99: round(median(p99s), 2),
    loop_delay_p99_ms_blocking_cmds: round(median(delays), 2),
    loop_delay_p99_ms_idle_reference: round(median(idle), 2),
  };
}

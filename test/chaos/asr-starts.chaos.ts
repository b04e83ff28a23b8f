/**
 * Chaos module (issue 10 item 6): 500 consecutive host speech-engine starts and stops, each in a fresh
 * process with 4 ASR workers that build their decoders and decode one clip at the same moment (the
 * moment two workers used to deadlock or corrupt the heap inside pocketsphinx start-up).
 *   start_failures_per_500   cycles that hung (no exit within 120 s) or crashed (signal / non-zero exit)
 *   asr_start_hangs_per_500, asr_start_crashes_per_500   the same, split
 *   asr_start_stop_ms_p50    one cycle, process spawn to exit
 * Interface like the bench modules: `run({ quick, log })` resolves to flat numeric figures; `quick`
 * runs 50 cycles and scales the counts to 500. Standalone: `node dist/test/chaos/asr-starts.chaos.js`.
 */
import { fileURLToPath } from 'node:url';
import { startStopCycles } from '../fixtures/transcription/start-stop.js';

export async function run(
  opts: { quick?: boolean; log?: (line: string) => void } = {},
): Promise<Record<string, number>> {
  const log = opts.log ?? (() => {});
  const cycles = opts.quick ? 50 : 500;
  const r = await startStopCycles({
    cycles,
    threads: 4,
    deadlineMs: 120_000,
    onCycle: (i, o) => {
      if (!o.ok)
        log(`cycle ${i + 1}: ${o.failure} (exit ${o.exitCode}, signal ${o.signal}) ${o.stderr.slice(-300)}`);
      else if ((i + 1) % 50 === 0) log(`${i + 1}/${cycles} cycles`);
    },
  });
  const scale = 500 / cycles;
  const ms = r.outcomes.map((o) => o.ms).sort((a, b) => a - b);
  return {
    start_failures_per_500: (r.hangs + r.crashes) * scale,
    asr_start_hangs_per_500: r.hangs * scale,
    asr_start_crashes_per_500: r.crashes * scale,
    asr_start_stop_ms_p50: Math.round(ms[ms.length >> 1] ?? 0),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await run({
    quick: process.argv.includes('--quick'),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

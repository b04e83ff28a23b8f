/**
 * Chaos module (issue 10): a one-hour soak (`quick`: 20 s) of a whole host in a process of its own with
 * four emulated boards that keep speaking commands (LED, volume, johnny-five, a spoken reply), sampling
 * the host's RSS. The growth is the least-squares slope of RSS over time after the warm-up (the first
 * 10 minutes; `quick`: the first third), in MB per hour.
 *   soak_rss_growth_mb_per_hour   target ≤ 5
 *   soak_rss_mb_after_warmup, soak_rss_mb_end
 *   soak_commands, soak_answers_missed (commands with no response within 15 s)
 *   host_crashes_soak             target 0
 * With CHAOS_SOAK_TRACE=FILE each sample also records where the memory is (memory-probe.ts: every
 * thread's V8 heap after a full collection on each — CHAOS_SOAK_TRACE_GC=0: as it is —, glibc malloc,
 * the reply cache) as one JSON line in FILE. A traced run is a diagnosis: its collections flatter RSS.
 */
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EmulatedBoard } from '../../boards/emulator/emulated-board.js';
import { spoken } from '../../host/cli/demo-harness.js';
import { HostProcess } from './host-process.js';

const TEXTS = ['volume up', 'turn the light on', 'what time is it', 'volume down'];

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export async function run(
  opts: { quick?: boolean; log?: (line: string) => void; soakMinutes?: number } = {},
): Promise<Record<string, number>> {
  const log = opts.log ?? (() => {});
  const totalMs = opts.quick ? 20_000 : (opts.soakMinutes ?? 60) * 60_000;
  // the first 10 minutes, or a third of a shorter soak
  const warmupMs = Math.min(600_000, totalMs / 3);
  const sampleMs = opts.quick ? 1000 : 30_000;
  const trace = process.env.CHAOS_SOAK_TRACE;
  const host = await HostProcess.start();
  const boards: EmulatedBoard[] = [];
  const samples: { x: number; y: number }[] = [];
  let commands = 0;
  let missed = 0;
  let running = true;
  try {
    for (let i = 0; i < 4; i++) {
      const b = await EmulatedBoard.overPty({
        uid: `chaos-soak-${i + 1}`,
        speed: 1,
        bootNoise: false,
        helloIntervalMs: 200,
      });
      boards.push(b);
      await host.request({ op: 'open', path: b.hostPath });
    }
    const audio = await Promise.all(TEXTS.map((t) => spoken(t)));
    const t0 = performance.now();
    const speakers = boards.map(async (b, i) => {
      let k = i;
      while (running) {
        b.setAudio(audio[k++ % audio.length]!);
        const from = host.events.length;
        const r = await b.utter();
        if (r.interrupted) throw new Error(`${b.uid}: utterance cut off`);
        commands++;
        try {
          await host.next(
            `${b.uid}'s answer`,
            (e) => e.event === 'response' && e.boardId === b.uid,
            15_000,
            from,
          );
        } catch {
          missed++;
        }
        await new Promise((r) => setTimeout(r, 1500 + i * 250)); // the user pauses between commands
      }
    });
    const failed = Promise.all(speakers).catch((e: Error) => e);
    while (performance.now() - t0 < totalMs && !host.crashed) {
      await new Promise((r) => setTimeout(r, sampleMs));
      const at = performance.now() - t0;
      // RSS first: the trace's full collections come after and must not flatter it.
      const { rssMb } = await host.request<{ rssMb: number }>({ op: 'memory' });
      if (trace) {
        const detail = await host.request<Record<string, unknown>>({
          op: 'memory-detail',
          collectGarbage: process.env.CHAOS_SOAK_TRACE_GC !== '0',
        });
        appendFileSync(trace, `${JSON.stringify({ atS: Math.round(at / 1000), commands, ...detail })}\n`);
      }
      if (at >= warmupMs) samples.push({ x: at / 3_600_000, y: rssMb });
      if (Math.round(at / sampleMs) % Math.max(1, Math.round(60_000 / sampleMs)) === 0)
        log(
          `soak ${Math.round(at / 1000)} s: rss ${rssMb.toFixed(1)} MB, ${commands} commands, ${missed} unanswered`,
        );
    }
    running = false;
    const e = await failed;
    if (e instanceof Error) throw e;
  } finally {
    running = false;
    await host.stop();
    for (const b of boards) await b.close();
  }
  const growth = slope(samples);
  log(`soak: ${samples.length} samples after warm-up, growth ${growth.toFixed(2)} MB/h`);
  return {
    soak_rss_growth_mb_per_hour: Math.round(growth * 100) / 100,
    soak_minutes: Math.round(totalMs / 60_000),
    soak_rss_mb_after_warmup: Math.round(samples[0]?.y ?? 0),
    soak_rss_mb_end: Math.round(samples.at(-1)?.y ?? 0),
    soak_commands: commands,
    soak_answers_missed: missed,
    host_crashes_soak: host.crashed ? 1 : 0,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await run({
    quick: process.argv.includes('--quick'),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

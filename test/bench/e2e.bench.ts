/**
 * End-to-end latency: from the moment the emulated board sends AUDIO_END of a spoken command to the
 * moment the command's first response frame (its LED colour) reaches the board, over a real pty with
 * real recognition (pocketsphinx, streaming: most decoding happens while the user speaks). The board
 * streams in real time, like a microphone. Also reported: the session's own acknowledgement (the
 * "thinking" LED), which needs no recognition at all.
 */

import demo from '../../examples/typescript-starter/src/index.js';
import { Harness } from '../../host/cli/demo-harness.js';
import type { BenchOptions } from './run.js';
import { percentile, round } from './stats.js';

const COLORS: [string, [number, number, number]][] = [
  ['red', [255, 0, 0]],
  ['green', [0, 255, 0]],
  ['blue', [0, 0, 255]],
];

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  const reps = opts.quick ? 3 : 12;
  const h = await Harness.start({ commands: demo, asrThreads: 1 });
  const latencies: number[] = [];
  const acks: number[] = [];
  try {
    const { boardId, board } = await h.addBoard({ uid: 'bench-e2e', speed: 1 });
    // Warm-up (not measured): first decoder use, JIT, espeak-ng cache.
    const w0 = h.events.length;
    await h.say(boardId, 'set the light to blue');
    await h.idleAfter(boardId, w0);
    for (let i = 0; i < reps; i++) {
      const [name, [r, g, b]] = COLORS[i % COLORS.length]!;
      const e0 = h.events.length;
      const r0 = h.received.length;
      let endAt = 0;
      board.once('stream-end', () => {
        endAt = performance.now();
      });
      await h.say(boardId, `set the light to ${name}`);
      await h.idleAfter(boardId, e0);
      const hit = await h
        .waitFor(
          `a ${name} LED`,
          () =>
            h.received
              .slice(r0)
              .find(
                (o) =>
                  o.kind === 'led' &&
                  endAt > 0 &&
                  o.at >= endAt &&
                  o.detail.effect === 1 &&
                  o.detail.r === r &&
                  o.detail.g === g &&
                  o.detail.b === b,
              ),
          10_000,
        )
        .catch(() => undefined);
      const ack = h.received
        .slice(r0)
        .find((o) => o.kind === 'led' && o.detail.periodMs === 300 && o.at >= endAt);
      if (!hit || endAt === 0) {
        opts.log(`  run ${i + 1}: "${name}" not recognised as expected (skipped)`);
        continue;
      }
      latencies.push(hit.at - endAt);
      if (ack) acks.push(ack.at - endAt);
      opts.log(
        `  run ${i + 1}: ${name} ${round(hit.at - endAt, 1)} ms after AUDIO_END (ack ${ack ? round(ack.at - endAt, 1) : '-'} ms)`,
      );
    }
  } finally {
    await h.close();
  }
  if (latencies.length === 0) throw new Error('no command was recognised: no latency to report');
  return {
    e2e_latency_ms_p50: round(percentile(latencies, 50), 1),
    e2e_latency_ms_p95: round(percentile(latencies, 95), 1),
    e2e_ack_latency_ms_p50: round(percentile(acks, 50), 1),
  };
}

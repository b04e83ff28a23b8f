/**
 * The full pipeline, as users feel it (issue 15): a host assembled like `hark run` in a process of its
 * own (link worker, ASR workers, sessions, responses, the example pack, default config) and emulated
 * boards in a second process over real ptys (pipeline/fleet.ts). Boards speak espeak-ng speech in real
 * time, push-to-talk, released 300 ms after the words; every latency is timed on the boards' clock from
 * the AUDIO_END they write to the frame they receive. Each loaded figure has a reference from the same
 * run: the same measure with one board (`*_1board`) or on the same host idle (`*_idle_reference`).
 *
 *  e2e_cold_ms_p95_8boards            8 boards connect and say their first command at once (new uids:
 *                                     never heard before), repeated with fresh boards, samples pooled
 *  e2e_ms_p95_8boards                 the same 8 boards, warm: AUDIO_END → the command's LED colour
 *  ack_latency_ms_p95_8boards         same rounds: AUDIO_END → the "thinking" LED
 *  speech_first_audio_ms_p50_8boards  8 boards count primes below numbers never asked before (each reply
 *                                     a new text, synthesised): AUDIO_END → first SPEAKER_DATA; `_same_reply`:
 *                                     all 8 ask "what time is it" (the reply cache serves 7); `_after_tone`:
 *                                     timers, whose reply starts with a tone
 *  loop_delay_max_ms_full_pipeline    host main-loop delay max over the window of those spoken rounds
 *                                     (20 s by default, 60 s with --full; 5 s --quick)
 *  host_cpu_ms_per_audio_s            host CPU time (all threads, /proc) per second of board speech over
 *                                     the warm rounds (`_spoken`: over the spoken window, replies included)
 *  host_rss_mb_idle                   host RSS (every thread) with its default workers, one board
 *                                     connected that has spoken, then quiet for the host's idle period
 *                                     (command worker stopped, ASR decoders back to their spares);
 *                                     `host_rss_mb_after_speech`: the same 1 s after the last reply
 *  rss_mb_per_concurrent_utterance    slope of the host's peak RSS over the ramp's steps
 *  boards_realtime_full_pipeline      the ramp (pipeline/ramp.ts): most boards at once with p95 ≤ 200 ms
 *                                     and 0 frames lost, doubling from 1 until a step fails
 */

import { QUIET_TRIM_MS } from '../../host/pipeline.js';
import type { UtterResult } from './pipeline/boards-process.js';
import { Fleet } from './pipeline/fleet.js';
import { RAMP_P95_LIMIT_MS, ramp, rssSlope } from './pipeline/ramp.js';
import type { BenchOptions } from './run.js';
import { percentile, round } from './stats.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Collects the latencies of many rounds; a board without its response is counted, never dropped. */
class Samples {
  readonly response: number[] = [];
  readonly ack: number[] = [];
  missed = 0;
  /** Seconds of speech the boards sent. */
  audioS = 0;
  add(results: UtterResult[]): void {
    for (const r of results) {
      this.audioS += r.audioMs / 1000;
      if (r.ackMs !== undefined) this.ack.push(r.ackMs);
      if (r.responseMs === undefined || r.interrupted) this.missed++;
      else this.response.push(r.responseMs);
    }
  }
  p(which: 'response' | 'ack', pct: number): number {
    const v = this[which];
    return v.length ? round(percentile(v, pct), 1) : -1;
  }
}

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  const reps = opts.quick ? 1 : opts.full ? 5 : 3;
  const windowMs = opts.quick ? 5_000 : opts.full ? 60_000 : 20_000;
  const fig: Record<string, number> = {};
  const log = opts.log;
  const fleet = await Fleet.start();
  let missed = 0;
  try {
    // One board, idle: the host's resting cost and the machine's noise floor for the loop delay.
    const [ref] = await fleet.add(1);
    await fleet.loopReset();
    await sleep(windowMs);
    const idle = await fleet.loopRead();
    fig['loop_delay_max_ms_idle_reference'] = round(idle.max, 1);
    log(`host idle, one board, ${windowMs / 1000} s: loop delay max ${round(idle.max, 1)} ms`);
    const restingMb = fleet.hostRssMb();

    // One board: references for every 8-board figure.
    const one = new Samples();
    const cold1 = await fleet.sayColour([ref!], 0);
    fig['e2e_cold_ms_1board'] = round(cold1[0]?.responseMs ?? -1, 1);
    for (let i = 0; i < reps * 3; i++) one.add(await fleet.sayColour([ref!], i + 1));
    const oneSpoken = new Samples();
    for (let i = 0; i < reps; i++) oneSpoken.add(await fleet.sayUniqueSpoken([ref!]));
    missed += one.missed + oneSpoken.missed;
    fig['e2e_ms_p95_1board'] = one.p('response', 95);
    fig['ack_latency_ms_p95_1board'] = one.p('ack', 95);
    fig['speech_first_audio_ms_p50_1board'] = oneSpoken.p('response', 50);
    await sleep(1000);
    fig['host_rss_mb_after_speech'] = round(fleet.hostRssMb(), 1);
    // Idle means quiet for longer than the host keeps what a burst needed (host/pipeline.ts, engines/).
    await sleep(QUIET_TRIM_MS + 1000);
    fig['host_rss_mb_idle'] = round(fleet.hostRssMb(), 1);
    log(
      `one board: cold ${fig['e2e_cold_ms_1board']} ms, warm p95 ${fig['e2e_ms_p95_1board']} ms, ack p95 ${fig['ack_latency_ms_p95_1board']} ms, first speech p50 ${fig['speech_first_audio_ms_p50_1board']} ms; host RSS ${Math.round(restingMb)} MB before it spoke, ${fig['host_rss_mb_after_speech']} MB 1 s after, ${fig['host_rss_mb_idle']} MB idle`,
    );

    // Eight boards that were never heard before, all speaking right after they connect.
    const cold = new Samples();
    let eight: string[] = [];
    const everyone = [ref!];
    for (let r = 0; r < reps; r++) {
      eight = await fleet.add(8);
      everyone.push(...eight);
      cold.add(await fleet.sayColour(eight, r, { spreadMs: 500 }));
    }
    fig['e2e_cold_ms_p95_8boards'] = cold.p('response', 95);
    log(
      `8 cold boards × ${reps}: p95 ${fig['e2e_cold_ms_p95_8boards']} ms (${cold.response.length} samples)`,
    );

    // The same eight, warm; the host's CPU time over these rounds, per second of board speech.
    const warm = new Samples();
    const cpu0 = fleet.hostCpuMs();
    for (let r = 0; r < reps * 2; r++) warm.add(await fleet.sayColour(eight, r + 1, { spreadMs: 500 }));
    fig['host_cpu_ms_per_audio_s'] = round((fleet.hostCpuMs() - cpu0) / warm.audioS, 1);
    fig['e2e_ms_p95_8boards'] = warm.p('response', 95);
    fig['ack_latency_ms_p95_8boards'] = warm.p('ack', 95);
    log(
      `8 warm boards: p95 ${fig['e2e_ms_p95_8boards']} ms, ack p95 ${fig['ack_latency_ms_p95_8boards']} ms`,
    );

    // Spoken replies on all eight for a whole window: the host's main loop under its heaviest job.
    // Every reply is a new text (primes below a new number), so each is synthesised: the reply cache
    // would otherwise serve seven boards of eight. The cached case has its own key below, and so has a
    // reply that starts with a tone.
    const spoken = new Samples();
    const cpu1 = fleet.hostCpuMs();
    await fleet.loopReset();
    const until = performance.now() + windowMs;
    do spoken.add(await fleet.sayUniqueSpoken(eight, { spreadMs: 500 }));
    while (performance.now() < until);
    const loaded = await fleet.loopRead();
    fig['host_cpu_ms_per_audio_s_spoken'] = round((fleet.hostCpuMs() - cpu1) / spoken.audioS, 1);
    const cached = new Samples();
    for (let i = 0; i < reps; i++) cached.add(await fleet.saySpoken(eight, { spreadMs: 500 }));
    const toned = new Samples();
    for (let i = 0; i < reps; i++) toned.add(await fleet.sayUniqueAfterTone(eight, { spreadMs: 500 }));
    missed += cached.missed + toned.missed;
    fig['speech_first_audio_ms_p50_8boards_after_tone'] = toned.p('response', 50);
    fig['speech_first_audio_ms_p50_8boards'] = spoken.p('response', 50);
    fig['speech_first_audio_ms_p95_8boards'] = spoken.p('response', 95);
    fig['speech_first_audio_ms_p50_8boards_same_reply'] = cached.p('response', 50);
    fig['ack_latency_ms_p95_8boards_spoken'] = spoken.p('ack', 95);
    fig['loop_delay_max_ms_full_pipeline'] = round(loaded.max, 1);
    fig['loop_delay_p99_ms_full_pipeline'] = round(loaded.p99, 1);
    log(
      `8 boards, spoken replies, ${windowMs / 1000} s: first audio p50 ${fig['speech_first_audio_ms_p50_8boards']} ms (p95 ${fig['speech_first_audio_ms_p95_8boards']}; all asking the same: p50 ${fig['speech_first_audio_ms_p50_8boards_same_reply']}; after a tone: p50 ${fig['speech_first_audio_ms_p50_8boards_after_tone']}), loop delay max ${fig['loop_delay_max_ms_full_pipeline']} ms (p99 ${fig['loop_delay_p99_ms_full_pipeline']})`,
    );
    missed += cold.missed + warm.missed + spoken.missed;

    // --full also records the curve past the first failure, up to 128 boards (ARCHITECTURE.md's figures).
    const r = await ramp(fleet, everyone, opts.quick ? 1 : 2, log, opts.full ? 128 : 0);
    fig['boards_realtime_full_pipeline'] = r.realtime;
    fig['rss_mb_per_concurrent_utterance'] = round(rssSlope(r.steps, 8), 2);
    log(
      `ramp (p95 ≤ ${RAMP_P95_LIMIT_MS} ms, 0 lost): ${r.realtime} boards; ${fig['rss_mb_per_concurrent_utterance']} MB per concurrent utterance`,
    );

    const counters = await fleet.counters();
    fig['pipeline_responses_missed'] = missed;
    fig['pipeline_stream_waits'] = counters.streamWaits;
    fig['boards_process_loop_delay_p99_ms'] = round((await fleet.boardsLoop()).p99, 1);
    if (Object.keys(counters.errors).length) log(`host error events: ${JSON.stringify(counters.errors)}`);
  } finally {
    await fleet.stop();
  }
  return fig;
}

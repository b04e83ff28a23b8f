/**
 * ASR benchmark: real pocketsphinx (and vosk when VOSK_MODEL is set) in the real TranscriptionService,
 * fed with espeak-ng speech through stream ports like the link worker does.
 *  asr_rtf                    decode time / audio duration, audio posted as fast as possible, one stream
 *  asr_final_latency_ms_p50/95  AUDIO_END → final transcript on main, audio fed in real time
 *  asr_streams_realtime       most concurrent real-time streams whose finals all arrive within 250 ms;
 *                             the ramp grows until a step fails (no top)
 *  asr_rss_mb_per_worker_after_ramp  process RSS growth since before the service started, divided by
 *                             its workers, once the ramp is over: models plus every decoder the ramp
 *                             left in the workers' pools (not one worker's resting cost)
 */

import { TranscriptionService } from '../../host/transcription/service.js';
import type { TranscriptionOptions } from '../../host/transcription/types.js';
import { feedAll, feedRealtime, type SpokenClip, speak } from '../fixtures/transcription/feed.js';
import { HOME_COMMANDS, HOME_UTTERANCES } from '../fixtures/transcription/home-commands.js';
import type { BenchOptions } from './run.js';
import { median, percentile, round } from './stats.js';

const KEEP_UP_MS = 250;

async function clips(n: number, blockSamples = 512): Promise<SpokenClip[]> {
  const texts = HOME_UTTERANCES.slice(0, n);
  return Promise.all(texts.map((t) => speak(t, { blockSamples, tailMs: 300 })));
}

/** A stream on the 'commands' grammar for clip `c`. */
const open = (svc: TranscriptionService, c: SpokenClip, boardId: string) =>
  svc.openStream({ boardId, grammar: 'commands', codec: c.codec, sampleRate: c.sampleRate });

async function rtf(svc: TranscriptionService, all: SpokenClip[], board: string): Promise<number> {
  const ratios: number[] = [];
  for (const c of all) {
    const s = open(svc, c, board);
    const t0 = performance.now();
    feedAll(s, c);
    await s.result;
    ratios.push((performance.now() - t0) / (c.samples.length / 16));
  }
  return median(ratios);
}

async function finalLatency(svc: TranscriptionService, all: SpokenClip[]): Promise<number[]> {
  const out: number[] = [];
  for (const c of all) {
    const s = open(svc, c, 'latency');
    const endAt = await feedRealtime(s, c);
    await s.result;
    out.push(performance.now() - endAt);
  }
  return out;
}

/** Runs n real-time streams at once; returns the worst AUDIO_END → final delay. */
async function concurrent(svc: TranscriptionService, all: SpokenClip[], n: number): Promise<number> {
  const delays = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const c = all[i % all.length]!;
      await new Promise((r) => setTimeout(r, (i * 37) % 500)); // boards do not start in lockstep
      const s = open(svc, c, `rt-${i}`);
      const endAt = await feedRealtime(s, c);
      await s.result;
      return performance.now() - endAt;
    }),
  );
  return Math.max(...delays);
}

/** 8, 16, 24, 32, 48, 64, 96, 128, … (quick: 4, 8, 16, … doubling): unbounded, the caller stops. */
function* rampSteps(quick: boolean): Generator<number> {
  if (quick) for (let n = 4; ; n *= 2) yield n;
  yield* [8, 16, 24];
  for (let n = 32; ; n *= 2) {
    yield n;
    yield n + n / 2;
  }
}

async function engineFigures(
  opts: BenchOptions,
  options: TranscriptionOptions,
  suffix: string,
): Promise<Record<string, number>> {
  const rssBefore = process.memoryUsage().rss;
  // The shipped stream capacity (sized from cores and memory): a bench-only override would flatter it.
  const svc = await TranscriptionService.create(options);
  const figures: Record<string, number> = {};
  try {
    await svc.setGrammar('commands', HOME_COMMANDS);
    const all = await clips(opts.quick ? 6 : 12);
    await rtf(svc, all.slice(0, 2), 'warm-up'); // first utterance per board/decoder is decoded twice
    await rtf(svc, all.slice(0, 1), 'rtf');
    await rtf(svc, all.slice(0, 1), 'latency');
    const rtfRuns: number[] = [];
    for (let r = 0; r < (opts.quick ? 1 : 3); r++) rtfRuns.push(await rtf(svc, all, 'rtf'));
    figures[`asr_rtf${suffix}`] = round(median(rtfRuns), 4);
    opts.log(`${svc.engine}: rtf ${figures[`asr_rtf${suffix}`]}`);
    if (suffix !== '') return figures;

    const lat = await finalLatency(svc, opts.quick ? all.slice(0, 4) : all);
    figures['asr_final_latency_ms_p50'] = round(percentile(lat, 50), 1);
    figures['asr_final_latency_ms_p95'] = round(percentile(lat, 95), 1);
    opts.log(
      `final latency p50 ${figures['asr_final_latency_ms_p50']} ms, p95 ${figures['asr_final_latency_ms_p95']} ms`,
    );

    let sustained = 0;
    // Grows until it fails: a fixed top would report the ramp's end, not the engine's.
    for (const n of rampSteps(opts.quick)) {
      await concurrent(svc, all, n); // creates the decoders this many streams need
      const worst = await concurrent(svc, all, n);
      opts.log(`${n} real-time streams: worst AUDIO_END → final ${Math.round(worst)} ms`);
      if (worst > KEEP_UP_MS) break;
      sustained = n;
    }
    figures['asr_streams_realtime'] = sustained;
    figures['asr_rss_mb_per_worker_after_ramp'] = round(
      (process.memoryUsage().rss - rssBefore) / 2 ** 20 / svc.threads,
      1,
    );
    opts.log(
      `RSS growth after the ramp: ${figures['asr_rss_mb_per_worker_after_ramp']} MB per worker (${svc.threads} workers, models + pooled decoders)`,
    );
    return figures;
  } finally {
    await svc.close();
  }
}

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  const figures = await engineFigures(opts, { engine: 'pocketsphinx' }, '');
  const model = process.env.VOSK_MODEL;
  if (model)
    Object.assign(
      figures,
      await engineFigures(opts, { engine: 'vosk', voskModel: model, threads: 1 }, '_vosk'),
    );
  else opts.log('asr_rtf_vosk not measured: VOSK_MODEL not set');
  return figures;
}

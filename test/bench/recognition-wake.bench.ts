/**
 * Wake-stage benchmark (issue 13): the real TranscriptionService with hands-free streams exactly as a
 * board's (the wake phrase's keyphrase grammar at the default sensitivity, then the command grammar).
 *   wake_miss_pct           "hey computer, <command>" in every corpus voice (after a few seconds of other
 *                           speech in the same voice, as a room's talk precedes a wake), with no wake
 *                           within 1.5 s of the phrase's end
 *   wake_false_per_hour     wakes in the background corpus (news and dialogue in the corpus voices,
 *                           music-like tones, noise, silence; it never says the wake phrase but does say
 *                           "hey" and "computer"): 120 s with --quick, 10 min by default, 1 h with --full
 *   wake_latency_ms_p50     end of the wake phrase → the 'wake' event (the keyphrase search's detection
 *                           lag in audio time plus the verification's worker time): when the host plays
 *                           the listening earcon, less the message hops
 * The trade-off over verification thresholds goes to stderr (one decode pass: each wake carries its
 * verification confidence).
 */
import { EXAMPLE_PACK } from '../../host/cli/example-pack.js';
import { exportGrammar } from '../../host/commands/grammar-export.js';
import { loadCommandModule } from '../../host/commands/loader.js';
import { CommandRegistry } from '../../host/commands/registry.js';
import { TranscriptionService } from '../../host/transcription/service.js';
import { DEFAULT_WAKE_SENSITIVITY, wakePhraseSpec, wakeThresholds } from '../../host/transcription/wake.js';
import { encodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { AudioCodec } from '../../protocol/ts/messages.js';
import { background } from '../fixtures/transcription/corpus/background.js';
import { render } from '../fixtures/transcription/corpus/corpus.js';
import { newsText } from '../fixtures/transcription/corpus/sentences.js';
import { CORPUS_RATE } from '../fixtures/transcription/corpus/synth.js';
import { VOICES } from '../fixtures/transcription/corpus/voices.js';
import type { BenchOptions } from './run.js';
import { median } from './stats.js';

export const PHRASE = 'hey computer';
const COMMANDS = [
  'turn the light on',
  'what time is it',
  'set a timer for five minutes',
  'volume up',
  'turn the lights off',
  'set the volume to fifty',
  'blink the light',
  'make the light blue',
];
/** A detection counts for the phrase when it ends this close after the phrase's end. */
export const HIT_WINDOW_MS = 1500;

interface Wake {
  atMs: number;
  confidence: number;
  verifyMs: number;
  lagMs: number;
}

async function wakesIn(svc: TranscriptionService, grammar: string, samples: Int16Array, boardId: string) {
  const s = svc.openStream({
    boardId,
    grammar,
    afterWake: 'commands',
    codec: AudioCodec.PCM16,
    sampleRate: CORPUS_RATE,
  });
  const wakes: Wake[] = [];
  s.on('wake', (w: Wake) => wakes.push(w));
  const block = 320;
  for (let o = 0, i = 0; o < samples.length; o += block, i++) {
    const data = encodeAudioBlock(AudioCodec.PCM16, samples.subarray(o, o + block)).slice();
    s.port.postMessage({ kind: 'chunk', stream: 1, chunk: i, data, gap: 0 }, [data.buffer]);
  }
  s.port.postMessage({ kind: 'end', stream: 1, reason: 0, droppedSamples: 0 });
  await s.result;
  return wakes;
}

/** The wake clips ("hey computer, <command>" after other speech, every voice) and the background. */
export async function wakeCorpus(seconds: number, perVoice: number, log: (s: string) => void) {
  const t0 = performance.now();
  const news = newsText(VOICES.length * perVoice * 3, 11);
  const clips: { voice: string; samples: Int16Array; phraseStartMs: number; phraseEndMs: number }[] = [];
  let k = 0;
  for (const voice of VOICES) {
    for (let i = 0; i < perVoice; i++, k++) {
      const condition = { voice, rate: k % 3 === 2 ? 1.15 : 1 };
      const before = await render(news[k % news.length]!, condition, 500 + k);
      const wake = await render(`${PHRASE}, ${COMMANDS[(k + i) % COMMANDS.length]}`, condition, 900 + k);
      // The phrase alone, in the same voice and rate, gives where it ends (render() adds 300 ms of
      // floor noise before and 500 ms after the speech).
      const alone = await render(PHRASE, condition, 900 + k);
      const samples = new Int16Array(before.length + wake.length);
      samples.set(before);
      samples.set(wake, before.length);
      const ms = (n: number) => (n * 1000) / CORPUS_RATE;
      const phraseStartMs = ms(before.length) + 300;
      clips.push({
        voice: voice.id,
        samples,
        phraseStartMs,
        phraseEndMs: phraseStartMs + ms(alone.length) - 800,
      });
    }
  }
  const bgParts: Int16Array[] = [];
  for await (const seg of background(seconds, 7)) bgParts.push(seg.samples);
  const bg = new Int16Array(bgParts.reduce((n, p) => n + p.length, 0));
  for (let o = 0, i = 0; i < bgParts.length; o += bgParts[i]!.length, i++) bg.set(bgParts[i]!, o);
  log(
    `wake corpora: ${clips.length} wake clips, ${Math.round(bg.length / CORPUS_RATE)} s of background in ${Math.round(performance.now() - t0)} ms`,
  );
  return { clips, bg };
}

export async function run(opts: BenchOptions): Promise<Record<string, number>> {
  const seconds = opts.full ? 3600 : opts.quick ? 120 : 600;
  const perVoice = opts.full ? COMMANDS.length : opts.quick ? 1 : 4;
  const registry = new CommandRegistry();
  await loadCommandModule(registry, EXAMPLE_PACK);
  const { clips, bg } = await wakeCorpus(seconds, perVoice, opts.log);
  const svc = await TranscriptionService.create({ threads: 2 });
  try {
    await svc.setGrammar('commands', exportGrammar(registry));
    const th = wakeThresholds(DEFAULT_WAKE_SENSITIVITY);
    // Verification at 0 keeps every detection with its confidence: the curve is judged afterwards.
    await svc.setGrammar('wake', wakePhraseSpec(PHRASE), {
      keyphrase: {
        threshold: th.threshold,
        ...(th.verifyThreshold !== undefined ? { verifyThreshold: 0 } : {}),
      },
    });
    const t1 = performance.now();
    const [hits, falses] = await Promise.all([
      Promise.all(clips.map((c) => wakesIn(svc, 'wake', c.samples, `wake-${c.voice}`))),
      wakesIn(svc, 'wake', bg, 'background'),
    ]);
    opts.log(`decoded in ${Math.round(performance.now() - t1)} ms`);
    const hours = bg.length / CORPUS_RATE / 3600;
    const judge = (verify: number) => {
      const inWindow = (c: (typeof clips)[number], w: Wake) =>
        w.confidence >= verify && w.atMs <= c.phraseEndMs + HIT_WINDOW_MS && w.atMs >= c.phraseStartMs;
      const found = clips.map((c, i) => hits[i]!.find((w) => inWindow(c, w)));
      const missed = found.filter((f) => !f).length;
      return {
        miss: Math.round((1000 * missed) / clips.length) / 10,
        perHour: Math.round((10 * falses.filter((w) => w.confidence >= verify).length) / hours) / 10,
        found,
      };
    };
    if (th.verifyThreshold !== undefined) {
      opts.log('wake trade-off (verification threshold: miss %, false wakes an hour):');
      for (const v of [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
        opts.log(`  ${v.toFixed(2)}: ${judge(v).miss} %, ${judge(v).perHour}/h`);
    }
    const at = judge(th.verifyThreshold ?? 0);
    const latencies = at.found.filter((f): f is Wake => !!f).map((w) => w.lagMs + w.verifyMs);
    return {
      wake_miss_pct: at.miss,
      wake_false_per_hour: at.perHour,
      wake_latency_ms_p50: Math.round(median(latencies)),
      wake_background_s: Math.round(bg.length / CORPUS_RATE),
    };
  } finally {
    await svc.close();
  }
}

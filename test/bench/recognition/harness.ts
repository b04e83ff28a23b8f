/**
 * The in-process tuning harness of issue 13: the recognition bench's corpora decoded on this thread
 * by the real utterance loop (runUtterance, the engine, VAD, rejection), one clip at a time, boards
 * warmed in corpus order with the host's adaptation prior like the service. No worker threads, so a
 * calibration run costs one core and its CPU per audio second is the decoder's own.
 *
 *   node dist/test/bench/recognition/harness.js [short|bench|full] > dump.json
 *
 * Prints one JSON array: every clip with what was said and heard, the verdict, the confidence and the
 * segment features it came from (rejection-features.ts), for fitting LLR calibrations offline.
 */
import { MessageChannel } from 'node:worker_threads';
import { EXAMPLE_PACK } from '../../../host/cli/example-pack.js';
import { exportGrammar } from '../../../host/commands/grammar-export.js';
import { loadCommandModule } from '../../../host/commands/loader.js';
import { CommandRegistry } from '../../../host/commands/registry.js';
import { AdaptationStore } from '../../../host/transcription/adaptation-store.js';
import {
  DEFAULT_POCKETSPHINX_MODEL,
  PocketsphinxEngine,
} from '../../../host/transcription/engines/pocketsphinx.js';
import { compileGrammar } from '../../../host/transcription/grammar-engine.js';
import { DEFAULT_REJECT_THRESHOLD } from '../../../host/transcription/rejection.js';
import { DEFAULT_END_OF_SPEECH } from '../../../host/transcription/service.js';
import type { CompiledGrammar, StreamEvent, Transcript } from '../../../host/transcription/types.js';
import { runUtterance } from '../../../host/transcription/utterance.js';
import { encodeAudioBlock } from '../../../protocol/ts/audio/index.js';
import { AudioCodec } from '../../../protocol/ts/messages.js';
import {
  type Clip,
  type CorpusSlice,
  inGrammarClips,
  isNonUs,
  outOfGrammarClips,
} from '../../fixtures/transcription/corpus/corpus.js';
import type { Decoded } from '../../fixtures/transcription/corpus/decode.js';
import { CORPUS_RATE } from '../../fixtures/transcription/corpus/synth.js';
import { scoreAll } from './score.js';

const BLOCK = 320;

async function decode(
  engine: PocketsphinxEngine,
  grammar: CompiledGrammar,
  clip: Clip,
  boardId: string,
  adaptation: number[] | undefined,
): Promise<{ t: Transcript; adaptation?: number[]; cpuMs: number }> {
  const audio = new MessageChannel();
  const events = new MessageChannel();
  const final = new Promise<{ t: Transcript; adaptation?: number[] }>((resolve, reject) => {
    events.port1.on('message', (m: StreamEvent) => {
      if (m.type === 'final')
        resolve({ t: m.transcript, ...(m.adaptation ? { adaptation: m.adaptation } : {}) });
      if (m.type === 'error') reject(new Error(m.error.message));
    });
  });
  const cpu0 = process.cpuUsage();
  const done = runUtterance(engine, {
    kind: 'utterance',
    boardId,
    grammar,
    codec: AudioCodec.PCM16,
    sampleRate: CORPUS_RATE,
    endOfSpeech: DEFAULT_END_OF_SPEECH,
    audioPort: audio.port2,
    eventPort: events.port2,
    rejectThreshold: DEFAULT_REJECT_THRESHOLD,
    ...(adaptation ? { adaptation } : {}),
  });
  let i = 0;
  for (let o = 0; o < clip.samples.length; o += BLOCK, i++) {
    const data = encodeAudioBlock(AudioCodec.PCM16, clip.samples.subarray(o, o + BLOCK)).slice();
    audio.port1.postMessage({ kind: 'chunk', stream: 1, chunk: i, data, gap: 0 });
  }
  audio.port1.postMessage({ kind: 'end', stream: 1, reason: 0, droppedSamples: 0 });
  const r = await final;
  await done;
  const c = process.cpuUsage(cpu0);
  events.port1.close();
  audio.port1.close();
  return { ...r, cpuMs: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  const slice = (process.argv[2] ?? 'bench') as CorpusSlice;
  const registry = new CommandRegistry();
  await loadCommandModule(registry, EXAMPLE_PACK);
  const [ins, oog] = await Promise.all([inGrammarClips(registry, slice), outOfGrammarClips(slice)]);
  // HARK_HARNESS_PACK: decode the same corpus with another pack's grammar (grammar-size experiments);
  // in-grammar clips that pack cannot say the same way are left out.
  let grammarRegistry = registry;
  if (process.env.HARK_HARNESS_PACK) {
    grammarRegistry = new CommandRegistry();
    await loadCommandModule(grammarRegistry, process.env.HARK_HARNESS_PACK);
  }
  const sayable = (c: Clip) => {
    if (grammarRegistry === registry || !c.expected) return true;
    const m = grammarRegistry.match(c.text);
    return (
      !!m &&
      m.command.name === c.expected.command &&
      JSON.stringify(m.params) === JSON.stringify(c.expected.params)
    );
  };
  const engine = new PocketsphinxEngine(DEFAULT_POCKETSPHINX_MODEL, 1e-40, { spareDecoders: 0 });
  const compile = (name: string, spec: ReturnType<typeof exportGrammar>) => {
    const { grammar, report } = compileGrammar(
      engine,
      { kind: 'compile', name, spec, freeFormFallback: false, rejection: true },
      1e-40,
    );
    engine.prepare(grammar);
    return { grammar, report };
  };
  const commands = compile(
    'commands',
    exportGrammar(grammarRegistry, { filter: (c) => !c.def.options.followUpOnly }),
  );
  const followUp = compile('follow-up', exportGrammar(grammarRegistry));
  const store = new AdaptationStore(undefined);
  const decoded: Decoded[] = [];
  let cpuMs = 0;
  let audioMs = 0;
  for (const clip of [...ins.filter(sayable), ...oog]) {
    const board = `board-${clip.condition.voice.id}`;
    const g = clip.expected?.followUp ? followUp.grammar : commands.grammar;
    const r = await decode(engine, g, clip, board, store.get(board) ?? store.prior());
    if (r.adaptation) store.set(board, r.adaptation);
    cpuMs += r.cpuMs;
    audioMs += (clip.samples.length * 1000) / CORPUS_RATE;
    decoded.push({ clip, transcript: r.t, finalMs: 0 });
  }
  engine.close();
  const scored = scoreAll(registry, decoded);
  process.stderr.write(
    `${decoded.length} clips, grammar ${commands.report.size} phrases, CPU ${((1000 * cpuMs) / audioMs).toFixed(1)} ms per audio-s\n`,
  );
  process.stdout.write(
    JSON.stringify({
      slice,
      phrases: commands.report.size,
      cpuMsPerAudioS: (1000 * cpuMs) / audioMs,
      clips: scored.map((s) => ({
        id: s.d.clip.id,
        kind: s.d.clip.kind,
        voice: s.d.clip.condition.voice.id,
        nonUs: isNonUs(s.d.clip.condition.voice),
        said: s.d.clip.text,
        heard: s.d.transcript.text,
        right: s.right,
        command: s.command ?? null,
        confidence: s.d.transcript.confidence,
        verdict: s.d.transcript.verdict,
        reason: s.d.transcript.rejectReason ?? null,
        scores: s.d.transcript.scores ?? null,
      })),
    }),
  );
}

await main();

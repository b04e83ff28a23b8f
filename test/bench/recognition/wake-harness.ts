/**
 * The in-process tuning harness of the wake stage (issue 13): the wake bench's corpora (wake clips and
 * background) streamed on this thread through the real utterance loop in hands-free mode, with every
 * keyphrase detection verified at threshold 0 so each one comes out with its verification features.
 *
 *   node dist/test/bench/recognition/wake-harness.js [backgroundSeconds] [sensitivity] > wakes.json
 *
 * Prints one JSON object: per wake clip where its phrase is and the detections in it, and every
 * detection in the background (each a false wake), for calibrate.ts --wake.
 */
import { MessageChannel } from 'node:worker_threads';
import { EXAMPLE_PACK } from '../../../host/cli/example-pack.js';
import { exportGrammar } from '../../../host/commands/grammar-export.js';
import { loadCommandModule } from '../../../host/commands/loader.js';
import { CommandRegistry } from '../../../host/commands/registry.js';
import {
  DEFAULT_POCKETSPHINX_MODEL,
  PocketsphinxEngine,
} from '../../../host/transcription/engines/pocketsphinx.js';
import { compileGrammar } from '../../../host/transcription/grammar-engine.js';
import { DEFAULT_REJECT_THRESHOLD } from '../../../host/transcription/rejection.js';
import { DEFAULT_END_OF_SPEECH } from '../../../host/transcription/service.js';
import type { CompiledGrammar, StreamEvent } from '../../../host/transcription/types.js';
import { runUtterance } from '../../../host/transcription/utterance.js';
import { wakePhraseSpec, wakeThreshold } from '../../../host/transcription/wake.js';
import { encodeAudioBlock } from '../../../protocol/ts/audio/index.js';
import { AudioCodec } from '../../../protocol/ts/messages.js';
import { CORPUS_RATE } from '../../fixtures/transcription/corpus/synth.js';
import { PHRASE, wakeCorpus } from '../recognition-wake.bench.js';

type Wake = Extract<StreamEvent, { type: 'wake' }>;

async function wakesIn(
  engine: PocketsphinxEngine,
  wake: CompiledGrammar,
  commands: CompiledGrammar,
  samples: Int16Array,
  boardId: string,
): Promise<Wake[]> {
  const audio = new MessageChannel();
  const events = new MessageChannel();
  const wakes: Wake[] = [];
  events.port1.on('message', (m: StreamEvent) => {
    if (m.type === 'wake') wakes.push(m);
  });
  const done = runUtterance(engine, {
    kind: 'utterance',
    boardId,
    grammar: wake,
    afterWake: commands,
    codec: AudioCodec.PCM16,
    sampleRate: CORPUS_RATE,
    endOfSpeech: DEFAULT_END_OF_SPEECH,
    audioPort: audio.port2,
    eventPort: events.port2,
    rejectThreshold: DEFAULT_REJECT_THRESHOLD,
  });
  for (let o = 0, i = 0; o < samples.length; o += 320, i++) {
    const data = encodeAudioBlock(AudioCodec.PCM16, samples.subarray(o, o + 320)).slice();
    audio.port1.postMessage({ kind: 'chunk', stream: 1, chunk: i, data, gap: 0 });
  }
  audio.port1.postMessage({ kind: 'end', stream: 1, reason: 0, droppedSamples: 0 });
  await done;
  await new Promise((r) => setImmediate(r)); // the last events are delivered before the port closes
  events.port1.close();
  audio.port1.close();
  return wakes;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 600);
  const sensitivity = Number(process.argv[3] ?? 0.5);
  const registry = new CommandRegistry();
  await loadCommandModule(registry, EXAMPLE_PACK);
  const { clips, bg } = await wakeCorpus(seconds, 4, (s) => process.stderr.write(`${s}\n`));
  const engine = new PocketsphinxEngine(DEFAULT_POCKETSPHINX_MODEL, 1e-40, { spareDecoders: 0 });
  const compile = (task: Parameters<typeof compileGrammar>[1]) => {
    const { grammar } = compileGrammar(engine, task, 1e-40);
    engine.prepare(grammar);
    return grammar;
  };
  const commands = compile({
    kind: 'compile',
    name: 'commands',
    spec: exportGrammar(registry),
    freeFormFallback: false,
    rejection: true,
  });
  const wake = compile({
    kind: 'compile',
    name: 'wake',
    spec: wakePhraseSpec(PHRASE),
    freeFormFallback: false,
    rejection: false,
    keyphrase: { threshold: wakeThreshold(sensitivity), verifyThreshold: 0 },
  });
  const out = {
    sensitivity,
    backgroundS: bg.length / CORPUS_RATE,
    clips: [] as unknown[],
    background: [] as Wake[],
  };
  for (const c of clips) {
    const wakes = await wakesIn(engine, wake, commands, c.samples, `wake-${c.voice}`);
    out.clips.push({ voice: c.voice, phraseStartMs: c.phraseStartMs, phraseEndMs: c.phraseEndMs, wakes });
  }
  out.background = await wakesIn(engine, wake, commands, bg, 'background');
  engine.close();
  process.stderr.write(`${clips.length} wake clips, ${out.background.length} background detections\n`);
  process.stdout.write(JSON.stringify(out));
}

await main();

/**
 * ASR worker (piscina). The model loads when the worker starts, once, before it takes any task;
 * tasks are 'info', 'compile' (grammar → engine form + missing words) and 'utterance' (one stream,
 * alive until the stream ends). Several utterance tasks interleave in one worker (each waits on its
 * own MessagePort), each with its own decoder from the engine's pool.
 */
import { BroadcastChannel, parentPort, threadId } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { WorkerConfig } from './engine-select.js';
import type { Engine } from './engines/engine.js';
import { PocketsphinxEngine } from './engines/pocketsphinx.js';
import { VoskEngine } from './engines/vosk.js';
import { compileGrammar } from './grammar-engine.js';
import type { WireError } from './types.js';
import { runUtterance, toWireError } from './utterance.js';
import type { Broadcast, WorkerLoaded, WorkerReply, WorkerTask } from './worker-protocol.js';

const config = Piscina.workerData as WorkerConfig;
let engine: Engine | undefined;
let loadError: WireError | undefined;
const t0 = performance.now();
try {
  const e = config.engine;
  engine =
    e.engine === 'vosk'
      ? new VoskEngine(e.modelDir, e.library)
      : new PocketsphinxEngine(e.modelDir, e.kwsThreshold, { args: e.args, spareDecoders: e.spareDecoders });
} catch (e) {
  // Reported by every task: the service turns the first one into create()'s rejection.
  loadError = toWireError(e);
}
const loadMs = performance.now() - t0;
// Grammars compiled by any worker reach every worker here, so each builds its decoders ahead of need.
const channel = new BroadcastChannel(config.channel);
channel.onmessage = (ev: unknown) => {
  const m = (ev as { data: Broadcast }).data;
  if (m?.type === 'prepare' && engine?.prepare) {
    try {
      engine.prepare(m.grammar);
    } catch {
      // a grammar that fails here fails again, reported, in the stream that needs it
    }
  }
};
channel.unref();
parentPort?.postMessage({
  harkAsrWorkerLoaded: true,
  threadId,
  ok: engine !== undefined,
  loadMs,
} satisfies WorkerLoaded);

/** The piscina task handler. */
export default async function handle(task: WorkerTask): Promise<WorkerReply> {
  if (!engine) {
    if (task.kind === 'utterance') {
      task.eventPort.postMessage({ type: 'error', error: loadError });
      task.eventPort.close();
      task.audioPort.close();
    }
    return { ok: false, error: loadError! };
  }
  try {
    switch (task.kind) {
      case 'info':
        return {
          ok: true,
          threadId,
          engine: engine.name,
          loadMs,
          rssMb: process.memoryUsage().rss / 2 ** 20,
        };
      case 'compile':
        return {
          ok: true,
          ...compileGrammar(
            engine,
            task,
            config.engine.engine === 'pocketsphinx' ? config.engine.kwsThreshold : 1,
          ),
        };
      case 'utterance':
        await runUtterance(engine, task);
        return { ok: true };
    }
  } catch (e) {
    return { ok: false, error: toWireError(e) };
  }
}

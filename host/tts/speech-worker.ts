/**
 * The speech worker: espeak-ng, resampling to the board's speaker rate, gain and encoding, off main.
 * Spawning espeak-ng blocks the spawning thread for 15–30 ms (a fork of a process whose RSS holds the
 * models), and resampling a reply another few: on main that was the 170–520 ms loop-delay maximum with
 * 8 boards asking at once. Here espeak-ng runs in-process (espeak-lib.ts, 2–4 ms a reply) when its
 * library loads, else as the binary. Replies are cached here by everything that shapes their bytes; each answer
 * is a fresh copy whose buffer is transferred to main and on to the link worker, never copied again.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { applyGain } from '../../base/audio/gain.js';
import { resample } from '../../base/audio/resample.js';
import { fullGc } from '../../base/full-gc.js';
import { NativeHeap } from '../../base/native-heap.js';
import { type Transferred, transferred, WorkerRpc } from '../../base/worker-rpc.js';
import { encodeAudioBlock } from '../../protocol/ts/audio/index.js';
import { synthesize } from './espeak.js';
import { EspeakLibrary } from './espeak-lib.js';
import { SpeechCache } from './speech-cache.js';
import type { EncodedSpeech, SpeakerFormat, SpeechRequest, SpeechStats } from './speech-protocol.js';

/** In-process espeak-ng when the library loads (no fork per reply); the binary otherwise. */
const lib = (() => {
  try {
    return EspeakLibrary.load();
  } catch {
    return undefined; // the library is there but would not start: the binary reports the real error
  }
})();

async function speak(text: string, voice: string, wpm: number, sampleRate: number): Promise<Int16Array> {
  if (!lib) return (await synthesize(text, { voice, wpm, sampleRate })).samples;
  const pcm = lib.synthesize(text, { voice, wpm });
  return pcm.sampleRate === sampleRate ? pcm.samples : resample(pcm.samples, pcm.sampleRate, sampleRate);
}

const { cacheBytes, cacheIdleMs, trimIntervalMs } = workerData as {
  cacheBytes: number;
  cacheIdleMs: number;
  trimIntervalMs: number;
};
const cache = new SpeechCache<Omit<EncodedSpeech, 'cached'>>({
  maxBytes: cacheBytes,
  maxIdleMs: cacheIdleMs,
});

function encode(samples: Int16Array, f: SpeakerFormat): Omit<EncodedSpeech, 'cached'> {
  const gained = applyGain(samples, f.gain);
  return {
    codec: f.codec,
    sampleRate: f.sampleRate,
    data: encodeAudioBlock(f.codec, gained),
    durationMs: Math.round((gained.length / f.sampleRate) * 1000),
  };
}

/** A copy that owns its whole buffer, transferred: the cached bytes stay here, the copy moves on. */
function reply(v: Omit<EncodedSpeech, 'cached'>, cached: boolean): Transferred<EncodedSpeech> {
  const data = v.data.slice();
  return transferred({ ...v, data, cached }, [data.buffer]);
}

/**
 * The C heap's free pages go back to the kernel every `trimIntervalMs` (base/native-heap.ts says why),
 * after a full collection of this thread's heap.
 * Here because this is the process's one speech worker (speech-service.ts) and it is idle between
 * replies: the 1–5 ms a trim takes never delays serial I/O, a decode or main's event loop.
 */
const trims = { count: 0, totalMs: 0 };
const heap = trimIntervalMs > 0 ? NativeHeap.load() : undefined;
// This thread's own garbage buffers first (base/full-gc.ts: replies outlive the young generation).
const gc = heap ? fullGc() : undefined;
if (heap)
  setInterval(() => {
    const t0 = performance.now();
    gc?.();
    heap.trim();
    trims.count++;
    trims.totalMs += performance.now() - t0;
  }, trimIntervalMs).unref();

const port = parentPort as MessagePort;
new WorkerRpc<SpeechRequest, never>(port, {
  onCall: async (req): Promise<Transferred<EncodedSpeech> | SpeechStats | boolean> => {
    if (req.op === 'stats')
      return {
        hits: cache.hits,
        misses: cache.misses,
        cachedBytes: cache.bytes,
        cachedReplies: cache.size,
        expired: cache.expired,
        nativeTrims: trims.count,
        nativeTrimMs: Math.round(trims.totalMs * 10) / 10,
      };
    if (req.op === 'warm') {
      // espeak-ng reads a voice's phoneme tables and dictionary at its first use: ~25 ms of one
      // board's first spoken reply. One short word now, thrown away; failures are the first reply's.
      if (lib) {
        try {
          lib.synthesize('ok', { voice: req.voice, wpm: req.wpm });
        } catch {}
      }
      return true;
    }
    if (req.op === 'convert') {
      const pcm =
        req.inRate === req.sampleRate ? req.samples : resample(req.samples, req.inRate, req.sampleRate);
      return reply(encode(pcm, req), false);
    }
    const key = JSON.stringify([req.text, req.voice, req.wpm, req.sampleRate, req.codec, req.gain]);
    const { value, hit } = await cache.get(key, async () =>
      encode(await speak(req.text, req.voice, req.wpm, req.sampleRate), req),
    );
    return reply(value, hit);
  },
});
// Loaded (koffi and the library included): from now on the worker may be terminated safely.
port.postMessage({ speechWorkerLoaded: true });

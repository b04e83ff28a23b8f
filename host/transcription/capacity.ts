/**
 * How many utterances the ASR workers decode at once, sized from the machine when not configured
 * (`transcription.streamsPerWorker` 0). Two limits, the lower wins:
 *  - CPU: a real-time pocketsphinx stream with a command grammar costs about 0.022 CPU-seconds per
 *    second of audio (issue 15, measured here and with a plain libpocketsphinx program), so one core
 *    keeps up with ~45 streams; 40 a core leaves room for the link worker, main and espeak-ng. Beyond
 *    it every stream would fall behind together; a queue keeps the first ones on time instead.
 *  - memory: a decoder holds its dictionary and search, ~30 MB with the whole CMU dictionary (less with
 *    one holding only the grammar's words); half the memory the process may use (cgroup limit or RAM)
 *    is given to decoders.
 * An utterance beyond the capacity waits for a free stream, and the service says so ('stream-wait').
 */
import { availableParallelism, totalmem } from 'node:os';

export const STREAMS_PER_CORE = 40;
export const MB_PER_STREAM = 32;
/** Share of the process's memory limit decoders may take. */
const MEMORY_SHARE = 0.5;

export interface StreamCapacity {
  perWorker: number;
  total: number;
  /** Which limit decided ('config': set by transcription.streamsPerWorker). */
  limitedBy: 'cpu' | 'memory' | 'config';
}

export interface Machine {
  cores: number;
  /** Bytes the process may use: the cgroup limit when there is one, else physical memory. */
  memoryBytes: number;
}

export function thisMachine(): Machine {
  // constrainedMemory() is 0 or a huge number (2^64) when no cgroup limit applies.
  const limit = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  const ram = totalmem();
  return { cores: availableParallelism(), memoryBytes: limit > 0 && limit < ram ? limit : ram };
}

export function streamCapacity(threads: number, configured: number | undefined, m: Machine): StreamCapacity {
  if (configured !== undefined && configured > 0)
    return { perWorker: configured, total: configured * threads, limitedBy: 'config' };
  const cpu = Math.max(1, Math.floor(m.cores * STREAMS_PER_CORE));
  const memory = Math.max(1, Math.floor((m.memoryBytes * MEMORY_SHARE) / (MB_PER_STREAM * 2 ** 20)));
  const total = Math.min(cpu, memory);
  const perWorker = Math.max(1, Math.ceil(total / threads));
  return { perWorker, total: perWorker * threads, limitedBy: cpu <= memory ? 'cpu' : 'memory' };
}

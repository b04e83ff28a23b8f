/**
 * A full garbage collection on the calling thread, for the workers that handle large buffers but few
 * JavaScript objects (the link worker: speaker audio and serial reads; the speech worker: synthesised
 * replies).
 *
 * Why: V8 frees an ArrayBuffer's native bytes only when a collection finds its wrapper dead. A reply's
 * audio lives through its playback (a second or more), so its wrapper is promoted out of the young
 * generation, and then only a full collection frees those bytes — which V8 puts off until the old
 * generation or the external memory (64 MB per thread) has grown enough. Under issue 10's soak the
 * link and speech workers' external memory rose ~0.4 MB a minute each while their live data did not,
 * and the C heap in use climbed with it for the whole hour: memory that is garbage, but still resident.
 * A full collection of these small heaps takes a few milliseconds; once a minute it keeps them at their
 * live size.
 *
 * `gc` is exposed the documented way V8 allows at run time (the --expose-gc flag, then a fresh context,
 * where V8 installs it); the flag is process-wide, so contexts created later (e.g. command workers)
 * also see a global `gc` — harmless. Returns undefined when this V8 refuses.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function fullGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? () => (gc as () => void)() : undefined;
  } catch {
    return undefined;
  }
}

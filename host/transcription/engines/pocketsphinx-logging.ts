/**
 * pocketsphinx 0.8 (sphinxbase 5prealpha) writes its log through one FILE pointer shared by the whole
 * process. Giving a decoder `-logfn PATH` makes its ps_init() fopen PATH, install it as that pointer and
 * fclose the previous FILE — while a decoder in another ASR worker may be writing to it. That is a
 * use-after-free of a glibc FILE: reproduced here as 3 segmentation faults in 150 start/stop cycles
 * with 4 workers (glibc's "unaligned tcache chunk detected" at worker exit, i.e. a corrupted heap) and
 * seen elsewhere as a permanent hang of two workers on the FILE's lock.
 *
 * So logging is configured once per process, before any decoder exists, and no decoder ever names a
 * log file: err_set_logfp(NULL) turns the logger off (err_logfp_cb returns before touching any FILE),
 * and nothing is opened or closed again. The library's logger is process-wide state, which is why this
 * module keeps a process-wide answer; calling it again is harmless (it stores the same NULL).
 */
import { loadPocketsphinx, type PsApi } from './pocketsphinx-api.js';

/** Switches pocketsphinx's process-wide logger off; call before the first decoder of the process. */
export function silencePocketsphinxLog(api: PsApi = loadPocketsphinx()): void {
  api.err_set_logfp(null);
}

/** True when pocketsphinx's logger is off (what every ASR worker checks before it builds a decoder). */
export function pocketsphinxLogSilenced(api: PsApi = loadPocketsphinx()): boolean {
  return api.err_get_logfp() === null;
}

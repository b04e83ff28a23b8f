/**
 * Gives the C heap's free memory back to the kernel (glibc `malloc_trim(0)`), for a long-running host.
 *
 * Why: every thread that allocates natively — pocketsphinx decoders in the ASR workers, libespeak-ng in
 * the speech worker, V8's own backing stores — gets a glibc arena, and a freed chunk in the middle of an
 * arena stays resident until glibc happens to reuse it; only the top of an arena is returned on free.
 * Under issue 10's soak the free-but-resident part of the C heap grew from 15 to 20 MB in ten minutes
 * while the memory in use stayed flat (test/chaos/memory-probe.ts). malloc_trim walks every arena and
 * releases the free pages inside them (MADV_DONTNEED), so RSS follows what is really in use.
 * Not glibc (musl, another OS): `load()` returns undefined and nothing is trimmed.
 */
import koffi from 'koffi';

export class NativeHeap {
  readonly #trim: (pad: number) => number;

  private constructor(trim: (pad: number) => number) {
    this.#trim = trim;
  }

  /** glibc's allocator, or undefined where there is none. */
  static load(): NativeHeap | undefined {
    try {
      const libc = koffi.load('libc.so.6');
      return new NativeHeap(libc.func('int malloc_trim(size_t pad)') as (pad: number) => number);
    } catch {
      return undefined;
    }
  }

  /** Releases the free pages of every arena; true when some memory went back. Takes ~1–5 ms. */
  trim(): boolean {
    return this.#trim(0) === 1;
  }
}

/**
 * Encoded replies by what determines their bytes (text, voice, rate of speech, speaker rate and codec,
 * gain): the same answer to the same question — "It is 14:05" on eight boards, "Lights on" a few times
 * an evening — is synthesised once. Entries go when unused for `maxIdleMs`, and least recently used
 * ones beyond `maxBytes`; concurrent requests for one key share one synthesis; a failed synthesis is
 * not remembered.
 *
 * Why an idle limit as well as a size: replies whose text changes (the time, a countdown) are never
 * asked for again, so by size alone the cache only fills — "what time is it" once a minute at 16 kHz
 * PCM16 is ~40 KB a minute, 8 MiB after three and a half hours, a steady climb of the host's memory
 * long after start-up (issue 10's soak). With an idle limit the cache holds what was asked recently,
 * reaches its steady size within `maxIdleMs`, and a reply asked again later costs one synthesis
 * (2–4 ms in the speech worker).
 */
export interface SpeechCacheOptions {
  /** Bytes of encoded replies kept at most. */
  maxBytes: number;
  /** An entry not asked for in this long is dropped (checked at each request). Infinity keeps it. */
  maxIdleMs: number;
  /** The clock, ms (tests pass their own). */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  usedAt: number;
}

export class SpeechCache<V extends { data: Uint8Array }> {
  readonly maxBytes: number;
  readonly maxIdleMs: number;
  readonly #now: () => number;
  /** Map order is recency order: the least recently used entry comes first. */
  readonly #entries = new Map<string, Entry<V>>();
  readonly #pending = new Map<string, Promise<V>>();
  #bytes = 0;
  hits = 0;
  misses = 0;
  /** Entries dropped for being idle too long. */
  expired = 0;

  constructor(opts: SpeechCacheOptions) {
    this.maxBytes = opts.maxBytes;
    this.maxIdleMs = opts.maxIdleMs;
    this.#now = opts.now ?? (() => performance.now());
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value for `key`, else `make()`'s (stored when it fits). `hit` says which. */
  async get(key: string, make: () => Promise<V>): Promise<{ value: V; hit: boolean }> {
    const now = this.#now();
    this.#expire(now);
    const known = this.#entries.get(key);
    if (known) {
      this.hits++;
      this.#entries.delete(key); // re-inserted: the most recently used goes last
      known.usedAt = now;
      this.#entries.set(key, known);
      return { value: known.value, hit: true };
    }
    const pending = this.#pending.get(key);
    if (pending) {
      this.hits++;
      return { value: await pending, hit: true };
    }
    this.misses++;
    const p = make();
    this.#pending.set(key, p);
    try {
      const value = await p;
      this.#store(key, value);
      return { value, hit: false };
    } finally {
      this.#pending.delete(key);
    }
  }

  /** Drops entries idle for longer than maxIdleMs: they are first in recency order, so stop at one that is not. */
  #expire(now: number): void {
    for (const [k, e] of this.#entries) {
      if (now - e.usedAt <= this.maxIdleMs) break;
      this.#drop(k, e);
      this.expired++;
    }
  }

  #drop(key: string, e: Entry<V>): void {
    this.#entries.delete(key);
    this.#bytes -= e.value.data.byteLength;
  }

  #store(key: string, value: V): void {
    const size = value.data.byteLength;
    if (size > this.maxBytes) return; // one huge reply must not empty the cache for nothing
    this.#entries.set(key, { value, usedAt: this.#now() });
    this.#bytes += size;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#drop(k, e);
    }
  }
}

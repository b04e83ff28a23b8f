/**
 * Encoded replies by what determines their bytes (text, voice, rate of speech, speaker rate and codec,
 * gain): the same answer to the same question — "It is 14:05" on eight boards, "Lights on" every
 * evening — is synthesised once. Least recently used entries go beyond `maxBytes`; concurrent requests
 * for one key share one synthesis; a failed synthesis is not remembered.
 */
export class SpeechCache<V extends { data: Uint8Array }> {
  readonly #entries = new Map<string, V>();
  readonly #pending = new Map<string, Promise<V>>();
  #bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.#bytes;
  }

  /** The cached value for `key`, else `make()`'s (stored when it fits). `hit` says which. */
  async get(key: string, make: () => Promise<V>): Promise<{ value: V; hit: boolean }> {
    const known = this.#entries.get(key);
    if (known) {
      this.hits++;
      this.#entries.delete(key); // re-inserted: Map order is recency order
      this.#entries.set(key, known);
      return { value: known, hit: true };
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

  #store(key: string, value: V): void {
    const size = value.data.byteLength;
    if (size > this.maxBytes) return; // one huge reply must not empty the cache for nothing
    this.#entries.set(key, value);
    this.#bytes += size;
    for (const [k, v] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(k);
      this.#bytes -= v.data.byteLength;
    }
  }
}
